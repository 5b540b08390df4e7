using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>
/// A multilayer perceptron f(s; θ) = W_L σ(⋯ σ(W_1 s + b_1) ⋯) + b_L with any number of hidden layers, an
/// elementwise activation σ (tanh by default, ReLU as an option) and a linear output layer.
/// θ holds the layers in order, each as W_l (n_l × n_{l−1}, row-major) followed by b_l (n_l).
/// </summary>
/// <remarks>
/// <para>Backward (reverse mode, by hand): with z̄_L = ḡ, for l = L … 1:
/// dW_l += z̄_l h_{l−1}ᵀ, db_l += z̄_l, and for l &gt; 1: h̄_{l−1} = W_lᵀ z̄_l, z̄_{l−1} = h̄_{l−1} ⊙ σ′, where
/// σ′ = 1 − h² for tanh and 1[h &gt; 0] for ReLU, both read from the saved activations h.</para>
/// <para>Initialisation: hidden weights U(−a, a) with a = √(6/(n_in + n_out)) (Glorot-uniform) for tanh or
/// a = √(6/n_in) (He-uniform) for ReLU; output weights Glorot-uniform scaled by
/// <see cref="LinearMap.OutputLayerGain"/> so the initial policy is nearly uniform / zero-mean; all biases 0.</para>
/// </remarks>
public sealed class Mlp : IApproximator
{
    private readonly DenseLayer[] _layers;
    private readonly int[] _hiddenSizes;
    private readonly int _hiddenTotal;
    private readonly int _widestHidden;

    /// <summary>Creates an MLP inputSize → hiddenSizes[0] → … → outputSize.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="hiddenSizes"/> is null.</exception>
    public Mlp(int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize, Activation activation = Activation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ThrowHelper.CheckPositive(inputSize, nameof(inputSize));
        ThrowHelper.CheckPositive(outputSize, nameof(outputSize));
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Expected Tanh or Relu.");
        }

        _hiddenSizes = [.. hiddenSizes];
        for (int i = 0; i < _hiddenSizes.Length; i++)
        {
            if (_hiddenSizes[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(hiddenSizes), _hiddenSizes[i], $"Expected every hidden size > 0; element {i} is not.");
            }
        }

        Activation = activation;
        _layers = new DenseLayer[_hiddenSizes.Length + 1];
        int offset = 0, previous = inputSize;
        for (int l = 0; l < _layers.Length; l++)
        {
            int next = l < _hiddenSizes.Length ? _hiddenSizes[l] : outputSize;
            _layers[l] = new DenseLayer(offset, previous, next);
            offset += _layers[l].ParameterCount;
            previous = next;
        }

        ParameterCount = offset;
        _hiddenTotal = _hiddenSizes.Sum();
        _widestHidden = _hiddenSizes.Length == 0 ? 0 : _hiddenSizes.Max();
    }

    /// <inheritdoc/>
    public int InputSize => _layers[0].In;

    /// <inheritdoc/>
    public int OutputSize => _layers[^1].Out;

    /// <summary>The widths of the hidden layers, input side first.</summary>
    public IReadOnlyList<int> HiddenSizes => _hiddenSizes;

    /// <summary>The hidden-layer activation.</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <summary>Saved hidden activations (Σ n_l) plus two gradient buffers of the widest hidden layer.</summary>
    public int RowWorkspaceSize => _hiddenTotal + (2 * _widestHidden);

    /// <summary>Multiply-accumulates of one forward pass: Σ_l n_l·n_{l−1}.</summary>
    public long MultiplyAccumulateCount => _layers.Sum(l => (long)l.In * l.Out);

    /// <inheritdoc/>
    public void Initialize(Span<double> parameters, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ThrowHelper.CheckLength(parameters.Length, ParameterCount, nameof(parameters), "ParameterCount");
        for (int l = 0; l < _layers.Length; l++)
        {
            DenseLayer layer = _layers[l];
            double bound = l == _layers.Length - 1
                ? LinearMap.OutputLayerGain * Math.Sqrt(6.0 / (layer.In + layer.Out))
                : Activation == Activation.Relu ? Math.Sqrt(6.0 / layer.In) : Math.Sqrt(6.0 / (layer.In + layer.Out));
            layer.Initialize(parameters, random, bound);
        }
    }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, Span<double> workspace)
    {
        ApproximatorChecks.Row(this, parameters, input, output, workspace);
        ReadOnlySpan<double> h = input;
        int offset = 0;
        for (int l = 0; l < _hiddenSizes.Length; l++)
        {
            Span<double> next = workspace.Slice(offset, _hiddenSizes[l]); // h_l: [n_l]
            _layers[l].Forward(parameters, h, next);
            Activate(next);
            h = next;
            offset += next.Length;
        }

        _layers[^1].Forward(parameters, h, output);
    }

    /// <inheritdoc/>
    public void BackwardAccumulate(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, Span<double> workspace)
    {
        ApproximatorChecks.RowBackward(this, parameters, input, outputGradient, parameterGradient, workspace);
        Span<double> bufferA = workspace.Slice(_hiddenTotal, _widestHidden);
        Span<double> bufferB = workspace.Slice(_hiddenTotal + _widestHidden, _widestHidden);
        ReadOnlySpan<double> zBar = outputGradient;
        int offset = _hiddenTotal;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            DenseLayer layer = _layers[l];
            if (l == 0)
            {
                layer.BackwardParameters(input, zBar, parameterGradient);
                break;
            }

            offset -= layer.In;
            ReadOnlySpan<double> hPrev = workspace.Slice(offset, layer.In); // h_{l−1}: [n_{l−1}]
            layer.BackwardParameters(hPrev, zBar, parameterGradient);
            Span<double> hBar = bufferA[..layer.In];
            layer.BackwardInput(parameters, zBar, hBar);
            ActivateBackward(hPrev, hBar);
            zBar = hBar;
            Span<double> spare = bufferA;
            bufferA = bufferB;
            bufferB = spare;
        }
    }

    /// <inheritdoc/>
    public ApproximatorWorkspace CreateWorkspace(int capacity)
    {
        ThrowHelper.CheckPositive(capacity, nameof(capacity));
        return new ApproximatorWorkspace(this, capacity, capacity * _hiddenTotal, _widestHidden, _layers.Max(l => l.ScratchLength));
    }

    /// <inheritdoc/>
    public void ForwardBatched(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, ApproximatorWorkspace workspace)
    {
        ApproximatorChecks.Batch(this, batch, parameters, input, output, workspace);
        Span<double> saved = workspace.Activations;
        ReadOnlySpan<double> h = input; // [B, n_0]
        int offset = 0;
        for (int l = 0; l < _hiddenSizes.Length; l++)
        {
            Span<double> next = saved.Slice(offset, batch * _hiddenSizes[l]); // h_l: [B, n_l]
            _layers[l].ForwardBatched(batch, parameters, h, next, workspace.Scratch);
            Activate(next);
            h = next;
            offset += workspace.Capacity * _hiddenSizes[l];
        }

        _layers[^1].ForwardBatched(batch, parameters, h, output, workspace.Scratch); // f: [B, m]
    }

    /// <inheritdoc/>
    public void BackwardBatchedAccumulate(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, ApproximatorWorkspace workspace)
    {
        ApproximatorChecks.BatchBackward(this, batch, parameters, input, outputGradient, parameterGradient, workspace);
        Span<double> bufferA = workspace.GradientA, bufferB = workspace.GradientB;
        ReadOnlySpan<double> zBar = outputGradient; // z̄_L: [B, m]
        int offset = workspace.Capacity * _hiddenTotal;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            DenseLayer layer = _layers[l];
            if (l == 0)
            {
                layer.BackwardParametersBatched(batch, input, zBar, parameterGradient, workspace.Scratch);
                break;
            }

            offset -= workspace.Capacity * layer.In;
            ReadOnlySpan<double> hPrev = workspace.Activations.AsSpan(offset, batch * layer.In); // h_{l−1}: [B, n_{l−1}]
            layer.BackwardParametersBatched(batch, hPrev, zBar, parameterGradient, workspace.Scratch);
            Span<double> hBar = bufferA.Slice(0, batch * layer.In); // h̄_{l−1}: [B, n_{l−1}]
            layer.BackwardInputBatched(batch, parameters, zBar, hBar);
            ActivateBackward(hPrev, hBar);
            zBar = hBar;
            Span<double> spare = bufferA;
            bufferA = bufferB;
            bufferB = spare;
        }
    }

    private void Activate(Span<double> values)
    {
        if (Activation == Activation.Tanh)
        {
            Kernels.Tanh(values, values);
        }
        else
        {
            Kernels.Relu(values, values);
        }
    }

    // h̄ ← h̄ ⊙ σ′, with σ′ read from the saved output h.
    private void ActivateBackward(ReadOnlySpan<double> h, Span<double> hBar)
    {
        if (Activation == Activation.Tanh)
        {
            Kernels.TanhBackward(h, hBar, hBar);
        }
        else
        {
            Kernels.ReluBackward(h, hBar, hBar);
        }
    }
}

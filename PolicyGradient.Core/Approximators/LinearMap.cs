using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>
/// The linear (affine) approximator f(s; θ) = W s + b with θ = [Wᵀ (n×m, row-major: input-major, see
/// <see cref="DenseLayer"/>), b (m)].
/// Its Jacobian is the simplest there is: ∂f_i/∂W_ij = s_j and ∂f_i/∂b_i = 1, so the backward pass is the
/// rank-1 update dW += ḡ sᵀ and db += ḡ.
/// </summary>
/// <remarks>
/// Initialisation: W ~ U(−a, a) with a = 0.01·√(6/(n + m)) (Glorot-uniform scaled by 0.01, so a softmax head
/// starts almost uniform and a Gaussian head starts with mean ≈ 0), and b = 0.
/// </remarks>
public sealed class LinearMap : IApproximator
{
    /// <summary>Scale applied to the Glorot bound of the output layer, so that initial outputs are near 0.</summary>
    public const double OutputLayerGain = 0.01;

    private readonly DenseLayer _layer;

    /// <summary>Creates f: ℝ^inputSize → ℝ^outputSize.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A size is ≤ 0, or m·n + m exceeds <see cref="ApproximatorLimits.MaxParameterCount"/>.
    /// </exception>
    public LinearMap(int inputSize, int outputSize)
    {
        ThrowHelper.CheckPositive(inputSize, nameof(inputSize));
        ThrowHelper.CheckPositive(outputSize, nameof(outputSize));
        _layer = DenseLayer.Create(0, inputSize, outputSize, nameof(outputSize));
    }

    /// <inheritdoc/>
    public int InputSize => _layer.In;

    /// <inheritdoc/>
    public int OutputSize => _layer.Out;

    /// <inheritdoc/>
    public int ParameterCount => _layer.ParameterCount;

    /// <inheritdoc/>
    public int RowWorkspaceSize => 0;

    /// <inheritdoc/>
    public void Initialize(Span<double> parameters, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ThrowHelper.CheckLength(parameters.Length, ParameterCount, nameof(parameters), "ParameterCount");
        _layer.Initialize(parameters, random, OutputLayerGain * Math.Sqrt(6.0 / (InputSize + OutputSize)));
    }

    /// <inheritdoc/>
    /// <remarks>The batched kernel with B = 1: the same bits as that row inside any batch.</remarks>
    public void Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, Span<double> workspace)
    {
        ApproximatorChecks.Row(this, parameters, input, output, workspace);
        _layer.Forward(1, parameters, input, output);
    }

    /// <inheritdoc/>
    /// <remarks>The batched kernel with B = 1: the same bits as a batched call whose rows are this row and those before it.</remarks>
    public void BackwardAccumulate(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, Span<double> workspace)
    {
        ApproximatorChecks.RowBackward(this, parameters, input, outputGradient, parameterGradient, workspace);
        _layer.BackwardParameters(1, input, outputGradient, parameterGradient, default);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">capacity ≤ 0.</exception>
    public ApproximatorWorkspace CreateWorkspace(int capacity) => ApproximatorWorkspace.Create(this, capacity, 0, 0, _layer.ScratchLength);

    /// <inheritdoc/>
    public void ForwardBatched(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, ApproximatorWorkspace workspace)
    {
        ApproximatorChecks.Batch(this, batch, parameters, input, output, workspace);
        _layer.Forward(batch, parameters, input, output);
    }

    /// <inheritdoc/>
    public void BackwardBatchedAccumulate(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, ApproximatorWorkspace workspace)
    {
        ApproximatorChecks.BatchBackward(this, batch, parameters, input, outputGradient, parameterGradient, workspace);
        _layer.BackwardParameters(batch, input, outputGradient, parameterGradient, workspace.Scratch);
    }

    /// <summary>Rewrites θ from output-major W (checkpoint formats 1 and 2) to this map's input-major Wᵀ.</summary>
    internal void FromOutputMajor(Span<double> parameters) => _layer.FromOutputMajor(parameters);
}

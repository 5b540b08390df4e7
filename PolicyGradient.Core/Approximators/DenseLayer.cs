using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>
/// One affine layer z = W x + b inside a flat parameter vector, its weights stored <em>input-major</em>:
/// W̃ = Wᵀ: [In, Out] row-major at <see cref="Offset"/> (row k holds input k's weights to every output, W̃_kj = W_jk),
/// then b: [Out]. Forward and backward over B rows (a single row is B = 1). Input-major storage lets every product the
/// forward pass needs run vectorised across outputs straight from θ, for one row as for many; only the input
/// gradient packs W = W̃ᵀ, and only for batches (see <see cref="Kernels.LinearInputGradientBatched"/>).
/// Constructed only through <see cref="Create"/>, which computes Out·In in 64 bits and checks it once, so no size below
/// is a product.
/// </summary>
internal readonly record struct DenseLayer(int Offset, int In, int Out, int WeightCount)
{
    /// <summary>Number of parameters: Out·In weights and Out biases.</summary>
    public int ParameterCount => WeightCount + Out;

    /// <summary>Doubles of scratch the batched backward kernels need (W or dW packing): Out·In.</summary>
    public int ScratchLength => WeightCount;

    /// <summary>A layer at <paramref name="offset"/>; throws unless offset + Out·In + Out ≤ <see cref="ApproximatorLimits.MaxParameterCount"/>.</summary>
    public static DenseLayer Create(long offset, int inputSize, int outputSize, string paramName)
    {
        long weights = (long)outputSize * inputSize;
        ApproximatorLimits.CheckParameterCount(offset + weights + outputSize, paramName);
        return new DenseLayer((int)offset, inputSize, outputSize, (int)weights);
    }

    /// <summary>W̃ = Wᵀ: [In, Out].</summary>
    public ReadOnlySpan<double> Weights(ReadOnlySpan<double> theta) => theta.Slice(Offset, WeightCount);

    public ReadOnlySpan<double> Bias(ReadOnlySpan<double> theta) => theta.Slice(Offset + WeightCount, Out);

    /// <summary>W̃ = Wᵀ: [In, Out].</summary>
    public Span<double> Weights(Span<double> theta) => theta.Slice(Offset, WeightCount);

    public Span<double> Bias(Span<double> theta) => theta.Slice(Offset + WeightCount, Out);

    /// <summary>
    /// W_jk ~ U(−bound, bound) drawn for j (output) then k (input) ascending, b = 0. The caller chooses the bound
    /// (Glorot, He, scaled). The draws fill W in its row-major order, so a seed gives the same network as it did when θ
    /// stored W output-major.
    /// </summary>
    public void Initialize(Span<double> theta, Random random, double bound)
    {
        Span<double> wT = Weights(theta);
        for (int j = 0; j < Out; j++)
        {
            for (int k = 0; k < In; k++)
            {
                wT[(k * Out) + j] = bound * ((2.0 * random.NextDouble()) - 1.0);
            }
        }

        Bias(theta).Clear();
    }

    /// <summary>Rewrites this layer's weights in <paramref name="theta"/> from output-major W: [Out, In] (as checkpoint formats 1 and 2 store them) to W̃ = Wᵀ.</summary>
    public void FromOutputMajor(Span<double> theta)
    {
        Span<double> weights = Weights(theta);
        double[] outputMajor = weights.ToArray();
        Kernels.Transpose(outputMajor, Out, In, weights);
    }

    // Z: [B, Out] = X: [B, In] · W̃ + b
    public void Forward(int batch, ReadOnlySpan<double> theta, ReadOnlySpan<double> x, Span<double> z) =>
        Kernels.LinearForwardBatched(batch, x, Weights(theta), Bias(theta), z);

    // dW̃: [In, Out] += Xᵀ Z̄;  db: [Out] += Σ_rows Z̄   (accumulates, rows ascending)
    public void BackwardParameters(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> zBar, Span<double> gradient, Span<double> scratch) =>
        Kernels.LinearWeightGradientBatched(batch, zBar, x, Weights(gradient), Bias(gradient), scratch);

    // X̄: [B, In] = Z̄: [B, Out] · W̃ᵀ   (overwrites)
    public void BackwardInput(int batch, ReadOnlySpan<double> theta, ReadOnlySpan<double> zBar, Span<double> xBar, Span<double> scratch) =>
        Kernels.LinearInputGradientBatched(batch, zBar, Weights(theta), xBar, scratch);
}

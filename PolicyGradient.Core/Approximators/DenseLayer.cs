using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>
/// One affine layer z = W x + b inside a flat parameter vector: W: [Out, In] row-major at
/// <see cref="Offset"/>, then b: [Out]. Forward and backward over B rows (a single row is B = 1).
/// Constructed only through <see cref="Create"/>, which checks the sizes in 64 bits, so the int products below cannot
/// overflow.
/// </summary>
internal readonly record struct DenseLayer(int Offset, int In, int Out)
{
    /// <summary>Number of parameters: Out·In weights and Out biases.</summary>
    public int ParameterCount => (Out * In) + Out;

    /// <summary>Doubles of scratch the batched kernels need (Wᵀ packing): Out·In.</summary>
    public int ScratchLength => Out * In;

    /// <summary>A layer at <paramref name="offset"/>; throws unless offset + Out·In + Out ≤ <see cref="ApproximatorLimits.MaxParameterCount"/>.</summary>
    public static DenseLayer Create(long offset, int inputSize, int outputSize, string paramName)
    {
        ApproximatorLimits.CheckParameterCount(offset + ((long)outputSize * inputSize) + outputSize, paramName);
        return new DenseLayer((int)offset, inputSize, outputSize);
    }

    public ReadOnlySpan<double> Weights(ReadOnlySpan<double> theta) => theta.Slice(Offset, Out * In);

    public ReadOnlySpan<double> Bias(ReadOnlySpan<double> theta) => theta.Slice(Offset + (Out * In), Out);

    public Span<double> Weights(Span<double> theta) => theta.Slice(Offset, Out * In);

    public Span<double> Bias(Span<double> theta) => theta.Slice(Offset + (Out * In), Out);

    /// <summary>W ~ U(−bound, bound) elementwise, b = 0. The caller chooses the bound (Glorot, He, scaled).</summary>
    public void Initialize(Span<double> theta, Random random, double bound)
    {
        Span<double> w = Weights(theta);
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = bound * ((2.0 * random.NextDouble()) - 1.0);
        }

        Bias(theta).Clear();
    }

    // Z: [B, Out] = X: [B, In] · Wᵀ + b
    public void Forward(int batch, ReadOnlySpan<double> theta, ReadOnlySpan<double> x, Span<double> z, Span<double> scratch) =>
        Kernels.LinearForwardBatched(batch, x, Weights(theta), Bias(theta), z, scratch);

    // dW: [Out, In] += Z̄ᵀ X;  db: [Out] += Σ_rows Z̄   (accumulates, rows ascending)
    public void BackwardParameters(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> zBar, Span<double> gradient, Span<double> scratch) =>
        Kernels.LinearWeightGradientBatched(batch, zBar, x, Weights(gradient), Bias(gradient), scratch);

    // X̄: [B, In] = Z̄: [B, Out] · W: [Out, In]   (overwrites)
    public void BackwardInput(int batch, ReadOnlySpan<double> theta, ReadOnlySpan<double> zBar, Span<double> xBar)
    {
        xBar.Clear();
        Kernels.MatMulAccumulate(batch, Out, In, zBar, false, Weights(theta), xBar);
    }
}

using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>
/// One affine layer z = W x + b inside a flat parameter vector: W: [Out, In] row-major at
/// <see cref="Offset"/>, then b: [Out]. Forward and backward side by side, single-row and batched.
/// </summary>
internal readonly record struct DenseLayer(int Offset, int In, int Out)
{
    /// <summary>Number of parameters: Out·In weights and Out biases.</summary>
    public int ParameterCount => (Out * In) + Out;

    /// <summary>Doubles of scratch the batched kernels need (Wᵀ packing): Out·In.</summary>
    public int ScratchLength => Out * In;

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

    // z: [Out] = W: [Out, In] · x: [In] + b: [Out]
    public void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> x, Span<double> z) =>
        Kernels.Gemv(Weights(theta), x, Bias(theta), z);

    // dW: [Out, In] += z̄ ⊗ x;  db: [Out] += z̄   (accumulates)
    public void BackwardParameters(ReadOnlySpan<double> x, ReadOnlySpan<double> zBar, Span<double> gradient)
    {
        Kernels.Rank1Accumulate(1.0, zBar, x, Weights(gradient));
        Kernels.Axpy(1.0, zBar, Bias(gradient));
    }

    // x̄: [In] = Wᵀ z̄   (overwrites)
    public void BackwardInput(ReadOnlySpan<double> theta, ReadOnlySpan<double> zBar, Span<double> xBar)
    {
        xBar.Clear();
        Kernels.GemvTransposedAccumulate(Weights(theta), zBar, xBar);
    }

    // Z: [B, Out] = X: [B, In] · Wᵀ + b
    public void ForwardBatched(int batch, ReadOnlySpan<double> theta, ReadOnlySpan<double> x, Span<double> z, Span<double> scratch) =>
        Kernels.LinearForwardBatched(batch, x, Weights(theta), Bias(theta), z, scratch);

    // dW: [Out, In] += Z̄ᵀ X;  db: [Out] += Σ_rows Z̄   (accumulates)
    public void BackwardParametersBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> zBar, Span<double> gradient, Span<double> scratch) =>
        Kernels.LinearWeightGradientBatched(batch, zBar, x, Weights(gradient), Bias(gradient), scratch);

    // X̄: [B, In] = Z̄: [B, Out] · W: [Out, In]   (overwrites)
    public void BackwardInputBatched(int batch, ReadOnlySpan<double> theta, ReadOnlySpan<double> zBar, Span<double> xBar)
    {
        xBar.Clear();
        Kernels.MatMulAccumulate(batch, Out, In, zBar, false, Weights(theta), xBar);
    }
}

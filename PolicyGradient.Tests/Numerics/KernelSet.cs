using System.Runtime.Intrinsics;
using PolicyGradient.Numerics;

namespace PolicyGradient.Tests.Numerics;

/// <summary>One implementation of the matrix kernels: the public dispatcher, or one register width forced.</summary>
public abstract class KernelSet
{
    public abstract string Name { get; }

    public abstract void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y);

    public abstract void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar);

    public abstract void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g);

    public abstract void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c);

    public abstract void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch);

    public abstract void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch);

    public abstract void Tanh(ReadOnlySpan<double> x, Span<double> y);

    public abstract void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar);

    public abstract void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar);

    public override string ToString() => Name;

    /// <summary>
    /// The dispatcher plus every register width. A width this machine does not accelerate still runs, in the
    /// runtime's software emulation of the vector types, so the Vector512 kernels are proved here even on a machine
    /// without AVX-512 (slowly; its name says so).
    /// </summary>
    public static IEnumerable<KernelSet> Available()
    {
        yield return new Dispatch();
        yield return new Width<Simd512, Vector512<double>>(Simd512.IsAccelerated ? "Vector512" : "Vector512 (emulated)");
        yield return new Width<Simd256, Vector256<double>>(Simd256.IsAccelerated ? "Vector256" : "Vector256 (emulated)");
        yield return new Width<Simd128, Vector128<double>>(Simd128.IsAccelerated ? "Vector128" : "Vector128 (emulated)");
    }

    private sealed class Dispatch : KernelSet
    {
        public override string Name => "Kernels (dispatch)";

        public override void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y) => Kernels.Gemv(w, x, b, y);

        public override void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.GemvTransposedAccumulate(w, yBar, xBar);

        public override void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g) => Kernels.Rank1Accumulate(alpha, yBar, x, g);

        public override void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c) => Kernels.MatMulAccumulate(m, k, n, a, transposeA, b, c);

        public override void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch) => Kernels.LinearForwardBatched(batch, x, w, b, y, scratch);

        public override void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch) => Kernels.LinearWeightGradientBatched(batch, yBar, x, dW, db, scratch);

        public override void Tanh(ReadOnlySpan<double> x, Span<double> y) => Kernels.Tanh(x, y);

        public override void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.TanhBackward(y, yBar, xBar);

        public override void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.ReluBackward(y, yBar, xBar);
    }

    private sealed class Width<TS, TV>(string name) : KernelSet
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        public override string Name => name;

        public override void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y) => Kernels.GemvCore<TS, TV>(w, x, b, y);

        public override void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.GemvTransposedAccumulateCore<TS, TV>(w, yBar, xBar);

        public override void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g) => Kernels.Rank1AccumulateCore<TS, TV>(alpha, yBar, x, g);

        public override void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c) => Kernels.MatMulAccumulateCore<TS, TV>(m, k, n, a, transposeA, b, c);

        public override void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch) => Kernels.LinearForwardBatchedCore<TS, TV>(batch, x.Length / batch, x, w, b, y, scratch);

        public override void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch) => Kernels.LinearWeightGradientBatchedCore<TS, TV>(batch, x.Length / batch, yBar, x, dW, db, scratch);

        public override void Tanh(ReadOnlySpan<double> x, Span<double> y) => Kernels.TanhCore<TS, TV>(x, y);

        public override void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.TanhBackwardCore<TS, TV>(y, yBar, xBar);

        public override void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.ReluBackwardCore<TS, TV>(y, yBar, xBar);
    }
}

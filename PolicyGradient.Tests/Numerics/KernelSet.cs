using System.Runtime.Intrinsics;
using PolicyGradient.Numerics;

namespace PolicyGradient.Tests.Numerics;

/// <summary>
/// One implementation of the kernels: the public dispatcher, or one register width forced (Vector512, Vector256,
/// Vector128, one lane). The tests hold every set to the scalar twins bit for bit.
/// </summary>
public abstract class KernelSet
{
    public abstract string Name { get; }

    public abstract double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y);

    public abstract double Sum(ReadOnlySpan<double> x);

    public abstract double SumShiftedExp(ReadOnlySpan<double> z, double shift);

    public abstract void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y);

    public abstract void Scale(double alpha, Span<double> x);

    public abstract void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar);

    public abstract void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g);

    public abstract void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c);

    public abstract void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> wT, ReadOnlySpan<double> b, Span<double> y);

    public abstract void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dWT, Span<double> db, Span<double> scratch);

    public abstract void LinearInputGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> wT, Span<double> xBar, Span<double> scratch);

    /// <summary>An elementwise function by name: Exp, Log, Log1P, ExpM1, Tanh, Softplus, Relu.</summary>
    public abstract void Map(string name, ReadOnlySpan<double> x, Span<double> y);

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
        yield return new Width<SimdScalar, double>("one lane");
    }

    private sealed class Dispatch : KernelSet
    {
        public override string Name => "Kernels (dispatch)";

        public override double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => Kernels.Dot(x, y);

        public override double Sum(ReadOnlySpan<double> x) => Kernels.Sum(x);

        public override double SumShiftedExp(ReadOnlySpan<double> z, double shift) => Kernels.SumShiftedExp(z, shift);

        public override void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y) => Kernels.Axpy(alpha, x, y);

        public override void Scale(double alpha, Span<double> x) => Kernels.Scale(alpha, x);

        public override void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.GemvTransposedAccumulate(w, yBar, xBar);

        public override void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g) => Kernels.Rank1Accumulate(alpha, yBar, x, g);

        public override void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c) => Kernels.MatMulAccumulate(m, k, n, a, transposeA, b, c);

        public override void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> wT, ReadOnlySpan<double> b, Span<double> y) => Kernels.LinearForwardBatched(batch, x, wT, b, y);

        public override void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dWT, Span<double> db, Span<double> scratch) => Kernels.LinearWeightGradientBatched(batch, yBar, x, dWT, db, scratch);

        public override void LinearInputGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> wT, Span<double> xBar, Span<double> scratch) => Kernels.LinearInputGradientBatched(batch, yBar, wT, xBar, scratch);

        public override void Map(string name, ReadOnlySpan<double> x, Span<double> y)
        {
            switch (name)
            {
                case "Exp": Kernels.Exp(x, y); break;
                case "Log": Kernels.Log(x, y); break;
                case "Log1P": Kernels.Log1P(x, y); break;
                case "ExpM1": Kernels.ExpM1(x, y); break;
                case "Tanh": Kernels.Tanh(x, y); break;
                case "Softplus": Kernels.Softplus(x, y); break;
                case "Relu": Kernels.Relu(x, y); break;
                default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
            }
        }

        public override void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.TanhBackward(y, yBar, xBar);

        public override void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => Kernels.ReluBackward(y, yBar, xBar);
    }

    private sealed class Width<TS, TV>(string name) : KernelSet
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        public override string Name => name;

        public override double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        {
            var kernel = new PartialSumKernel<MultiplyAddOperator>(default, x, y);
            kernel.Run<TS, TV>();
            return kernel.Result;
        }

        public override double Sum(ReadOnlySpan<double> x)
        {
            var kernel = new PartialSumKernel<AddFirstOperator>(default, x, x);
            kernel.Run<TS, TV>();
            return kernel.Result;
        }

        public override double SumShiftedExp(ReadOnlySpan<double> z, double shift)
        {
            var kernel = new PartialSumKernel<ShiftedExpOperator>(new ShiftedExpOperator(shift), z, z);
            kernel.Run<TS, TV>();
            return kernel.Result;
        }

        public override void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y) => new BinaryKernel<AxpyOperator>(new AxpyOperator(alpha), x, y, y).Run<TS, TV>();

        public override void Scale(double alpha, Span<double> x) => new BinaryKernel<FirstArgument<ScaleOperator>>(new FirstArgument<ScaleOperator>(new ScaleOperator(alpha)), x, x, x).Run<TS, TV>();

        public override void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar) => new MatMulKernel(1, yBar.Length, xBar.Length, yBar, false, w, xBar).Run<TS, TV>();

        public override void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g) => new Rank1Kernel(alpha, yBar, x, g).Run<TS, TV>();

        public override void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c) => new MatMulKernel(m, k, n, a, transposeA, b, c).Run<TS, TV>();

        public override void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> wT, ReadOnlySpan<double> b, Span<double> y) => new LinearForwardKernel(batch, x.Length / batch, x, wT, b, y).Run<TS, TV>();

        public override void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dWT, Span<double> db, Span<double> scratch) => new LinearWeightGradientKernel(batch, x.Length / batch, yBar, x, dWT, db, scratch).Run<TS, TV>();

        public override void LinearInputGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> wT, Span<double> xBar, Span<double> scratch) => new LinearInputGradientKernel(batch, xBar.Length / batch, yBar, wT, xBar, scratch).Run<TS, TV>();

        public override void Map(string name, ReadOnlySpan<double> x, Span<double> y)
        {
            switch (name)
            {
                case "Exp": new BinaryKernel<FirstArgument<ExpOperator>>(new FirstArgument<ExpOperator>(default), x, x, y).Run<TS, TV>(); break;
                case "Log": new BinaryKernel<FirstArgument<LogOperator>>(new FirstArgument<LogOperator>(default), x, x, y).Run<TS, TV>(); break;
                case "Log1P": new BinaryKernel<FirstArgument<Log1POperator>>(new FirstArgument<Log1POperator>(default), x, x, y).Run<TS, TV>(); break;
                case "ExpM1": new BinaryKernel<FirstArgument<ExpM1Operator>>(new FirstArgument<ExpM1Operator>(default), x, x, y).Run<TS, TV>(); break;
                case "Tanh": new BinaryKernel<FirstArgument<TanhOperator>>(new FirstArgument<TanhOperator>(default), x, x, y).Run<TS, TV>(); break;
                case "Softplus": new BinaryKernel<FirstArgument<SoftplusOperator>>(new FirstArgument<SoftplusOperator>(default), x, x, y).Run<TS, TV>(); break;
                case "Relu": new BinaryKernel<FirstArgument<ReluOperator>>(new FirstArgument<ReluOperator>(default), x, x, y).Run<TS, TV>(); break;
                default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
            }
        }

        public override void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => new BinaryKernel<TanhBackwardOperator>(default, y, yBar, xBar).Run<TS, TV>();

        public override void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) => new BinaryKernel<ReluBackwardOperator>(default, y, yBar, xBar).Run<TS, TV>();
    }
}

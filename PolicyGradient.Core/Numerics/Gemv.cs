using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// Matrix–vector product with bias, y = W x + b, where W is M×N row-major, M = <paramref name="y"/>.Length
    /// and N = <paramref name="x"/>.Length. Overwrites <paramref name="y"/>. Each y_i is the chain
    /// y_i = b_i, y_i ← fma(W_ik, x_k, y_i) for k ascending (<see cref="ScalarKernels.Gemv"/>); with W row-major
    /// the chains run one lane each, eight at a time, so this kernel has no vector width to choose.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match W: [M, N], x: [N], b: [M], y: [M].</exception>
    public static void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
    {
        CheckGemv(w, x, b, y);
        GemvRows(w, x, b, y);
    }

    /// <summary>
    /// Transposed matrix–vector product, accumulated: x̄ ← x̄ + Wᵀ ȳ, where W is M×N row-major,
    /// M = <paramref name="yBar"/>.Length and N = <paramref name="xBar"/>.Length: x̄_k ← fma(W_ik, ȳ_i, x̄_k) for i
    /// ascending. This is the backward pass of <see cref="Gemv"/> with respect to its input.
    /// </summary>
    /// <exception cref="ArgumentException">W is not [M, N].</exception>
    public static void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        CheckGemvTransposed(w, yBar, xBar);
        MatMulAccumulate(1, yBar.Length, xBar.Length, yBar, false, w, xBar);
    }

    /// <summary>
    /// Rank-1 update, accumulated: G ← G + α ȳ xᵀ, G_ik ← fma(α·ȳ_i, x_k, G_ik), where G is M×N row-major,
    /// M = <paramref name="yBar"/>.Length, N = <paramref name="x"/>.Length.
    /// </summary>
    /// <exception cref="ArgumentException">G is not [M, N].</exception>
    public static void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g)
    {
        CheckRank1(yBar, x, g);
        var kernel = new Rank1Kernel(alpha, yBar, x, g);
        Width.Dispatch(ref kernel);
    }

    internal static void CheckGemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
    {
        ThrowHelper.CheckLength(b.Length, y.Length, nameof(b), "[M] = y.Length");
        ThrowHelper.CheckLength(w.Length, (long)y.Length * x.Length, nameof(w), "[M, N] with M = y.Length, N = x.Length");
    }

    internal static void CheckGemvTransposed(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, ReadOnlySpan<double> xBar) =>
        ThrowHelper.CheckLength(w.Length, (long)yBar.Length * xBar.Length, nameof(w), "[M, N] with M = yBar.Length, N = xBar.Length");

    internal static void CheckRank1(ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, ReadOnlySpan<double> g) =>
        ThrowHelper.CheckLength(g.Length, (long)yBar.Length * x.Length, nameof(g), "[M, N] with M = yBar.Length, N = x.Length");

    // y: [M] = W: [M, N] · x: [N] + b: [M] (b empty: from +0), eight chains at a time (FMA latency × throughput)
    // sharing each x_k.
    internal static void GemvRows(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
    {
        int m = y.Length, n = x.Length, i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double w0 = ref MemoryMarshal.GetReference(w);
        for (; i + 8 <= m; i += 8)
        {
            ref double r0 = ref Unsafe.Add(ref w0, (nint)i * n);
            ref double r1 = ref Unsafe.Add(ref r0, n), r2 = ref Unsafe.Add(ref r1, n), r3 = ref Unsafe.Add(ref r2, n);
            ref double r4 = ref Unsafe.Add(ref r3, n), r5 = ref Unsafe.Add(ref r4, n), r6 = ref Unsafe.Add(ref r5, n);
            ref double r7 = ref Unsafe.Add(ref r6, n);
            double a0 = Start(b, i), a1 = Start(b, i + 1), a2 = Start(b, i + 2), a3 = Start(b, i + 3);
            double a4 = Start(b, i + 4), a5 = Start(b, i + 5), a6 = Start(b, i + 6), a7 = Start(b, i + 7);
            for (nint k = 0; k < n; k++)
            {
                double xk = Unsafe.Add(ref xr, k);
                a0 = Math.FusedMultiplyAdd(Unsafe.Add(ref r0, k), xk, a0);
                a1 = Math.FusedMultiplyAdd(Unsafe.Add(ref r1, k), xk, a1);
                a2 = Math.FusedMultiplyAdd(Unsafe.Add(ref r2, k), xk, a2);
                a3 = Math.FusedMultiplyAdd(Unsafe.Add(ref r3, k), xk, a3);
                a4 = Math.FusedMultiplyAdd(Unsafe.Add(ref r4, k), xk, a4);
                a5 = Math.FusedMultiplyAdd(Unsafe.Add(ref r5, k), xk, a5);
                a6 = Math.FusedMultiplyAdd(Unsafe.Add(ref r6, k), xk, a6);
                a7 = Math.FusedMultiplyAdd(Unsafe.Add(ref r7, k), xk, a7);
            }

            y[i] = a0; y[i + 1] = a1; y[i + 2] = a2; y[i + 3] = a3; y[i + 4] = a4; y[i + 5] = a5; y[i + 6] = a6; y[i + 7] = a7;
        }

        for (; i < m; i++)
        {
            ref double r = ref Unsafe.Add(ref w0, (nint)i * n);
            double acc = Start(b, i);
            for (int k = 0; k < n; k++)
            {
                acc = Math.FusedMultiplyAdd(Unsafe.Add(ref r, k), Unsafe.Add(ref xr, k), acc);
            }

            y[i] = acc;
        }
    }

    // The first value of chain i: b_i, or +0 without a bias.
    private static double Start(ReadOnlySpan<double> b, int i) => b.IsEmpty ? 0.0 : b[i];
}

/// <summary>G: [M, N] += α · ȳ: [M] ⊗ x: [N], one row of G per axpy (see <see cref="Kernels.Rank1Accumulate"/>).</summary>
internal readonly ref struct Rank1Kernel(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _yBar = yBar, _x = x;
    private readonly Span<double> _g = g;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int n = _x.Length;
        for (int i = 0; i < _yBar.Length; i++)
        {
            Span<double> row = _g.Slice(i * n, n);
            new BinaryKernel<AxpyOperator>(new AxpyOperator(alpha * _yBar[i]), _x, row, row).Run<TS, TV>();
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// Rank-1 update, accumulated: G ← G + α ȳ xᵀ, where G is M×N row-major, M = <paramref name="yBar"/>.Length,
    /// N = <paramref name="x"/>.Length. This is the weight gradient of <see cref="Gemv"/> for one row.
    /// </summary>
    /// <exception cref="ArgumentException">G is not [M, N].</exception>
    public static void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g)
    {
        ThrowHelper.CheckLength(g.Length, yBar.Length * x.Length, nameof(g), "[M, N] with M = yBar.Length, N = x.Length");
        if (Simd512.IsAccelerated)
        {
            Rank1AccumulateCore<Simd512, Vector512<double>>(alpha, yBar, x, g);
        }
        else if (Simd256.IsAccelerated)
        {
            Rank1AccumulateCore<Simd256, Vector256<double>>(alpha, yBar, x, g);
        }
        else if (Simd128.IsAccelerated)
        {
            Rank1AccumulateCore<Simd128, Vector128<double>>(alpha, yBar, x, g);
        }
        else
        {
            ScalarKernels.Rank1Accumulate(alpha, yBar, x, g);
        }
    }

    // G: [M, N] += α · yBar: [M] ⊗ x: [N], one row of G per axpy.
    internal static void Rank1AccumulateCore<TS, TV>(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int n = x.Length;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double gr = ref MemoryMarshal.GetReference(g);
        for (int i = 0; i < yBar.Length; i++)
        {
            AxpyCore<TS, TV>(alpha * yBar[i], ref xr, ref Unsafe.Add(ref gr, (nint)i * n), n);
        }
    }
}

public static partial class ScalarKernels
{
    /// <summary>G ← G + α ȳ xᵀ with G: [M, N] row-major (see <see cref="Kernels.Rank1Accumulate"/>).</summary>
    public static void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g)
    {
        ThrowHelper.CheckLength(g.Length, yBar.Length * x.Length, nameof(g), "[M, N] with M = yBar.Length, N = x.Length");
        int n = x.Length;
        for (int i = 0; i < yBar.Length; i++)
        {
            for (int k = 0; k < n; k++)
            {
                g[(i * n) + k] += alpha * yBar[i] * x[k];
            }
        }
    }
}

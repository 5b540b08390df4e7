using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// Transposed matrix–vector product, accumulated: x̄ ← x̄ + Wᵀ ȳ, where W is M×N row-major,
    /// M = <paramref name="yBar"/>.Length and N = <paramref name="xBar"/>.Length. This is the backward pass of
    /// <see cref="Gemv"/> with respect to its input.
    /// </summary>
    /// <exception cref="ArgumentException">W is not [M, N].</exception>
    public static void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        ThrowHelper.CheckLength(w.Length, yBar.Length * xBar.Length, nameof(w), "[M, N] with M = yBar.Length, N = xBar.Length");
        if (Simd512.IsAccelerated)
        {
            GemvTransposedAccumulateCore<Simd512, Vector512<double>>(w, yBar, xBar);
        }
        else if (Simd256.IsAccelerated)
        {
            GemvTransposedAccumulateCore<Simd256, Vector256<double>>(w, yBar, xBar);
        }
        else if (Simd128.IsAccelerated)
        {
            GemvTransposedAccumulateCore<Simd128, Vector128<double>>(w, yBar, xBar);
        }
        else
        {
            ScalarKernels.GemvTransposedAccumulate(w, yBar, xBar);
        }
    }

    // xBar: [N] += Wᵀ: [N, M] · yBar: [M]. Column chunks of xBar stay in registers across four rows of W.
    internal static void GemvTransposedAccumulateCore<TS, TV>(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = yBar.Length, n = xBar.Length, width = TS.Count;
        ref double w0 = ref MemoryMarshal.GetReference(w);
        ref double xr = ref MemoryMarshal.GetReference(xBar);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref double r0 = ref Unsafe.Add(ref w0, (nint)i * n);
            ref double r1 = ref Unsafe.Add(ref r0, n);
            ref double r2 = ref Unsafe.Add(ref r1, n);
            ref double r3 = ref Unsafe.Add(ref r2, n);
            double y0 = yBar[i], y1 = yBar[i + 1], y2 = yBar[i + 2], y3 = yBar[i + 3];
            TV v0 = TS.Broadcast(y0), v1 = TS.Broadcast(y1), v2 = TS.Broadcast(y2), v3 = TS.Broadcast(y3);
            int k = 0;
            for (; k + width <= n; k += width)
            {
                TV acc = TS.Load(ref xr, (nuint)k);
                acc = TS.MultiplyAdd(v0, TS.Load(ref r0, (nuint)k), acc);
                acc = TS.MultiplyAdd(v1, TS.Load(ref r1, (nuint)k), acc);
                acc = TS.MultiplyAdd(v2, TS.Load(ref r2, (nuint)k), acc);
                acc = TS.MultiplyAdd(v3, TS.Load(ref r3, (nuint)k), acc);
                TS.Store(acc, ref xr, (nuint)k);
            }

            for (; k < n; k++)
            {
                Unsafe.Add(ref xr, k) += (y0 * Unsafe.Add(ref r0, k)) + (y1 * Unsafe.Add(ref r1, k))
                    + (y2 * Unsafe.Add(ref r2, k)) + (y3 * Unsafe.Add(ref r3, k));
            }
        }

        for (; i < m; i++)
        {
            AxpyCore<TS, TV>(yBar[i], ref Unsafe.Add(ref w0, (nint)i * n), ref xr, n);
        }
    }

    // y[0..n) += α x[0..n), vectorised with a scalar remainder.
    internal static void AxpyCore<TS, TV>(double alpha, ref double x, ref double y, int n)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int width = TS.Count;
        TV va = TS.Broadcast(alpha);
        int k = 0;
        for (; k + width <= n; k += width)
        {
            TS.Store(TS.MultiplyAdd(va, TS.Load(ref x, (nuint)k), TS.Load(ref y, (nuint)k)), ref y, (nuint)k);
        }

        for (; k < n; k++)
        {
            Unsafe.Add(ref y, k) += alpha * Unsafe.Add(ref x, k);
        }
    }
}

public static partial class ScalarKernels
{
    /// <summary>x̄ ← x̄ + Wᵀ ȳ with W: [M, N] row-major (see <see cref="Kernels.GemvTransposedAccumulate"/>).</summary>
    public static void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        ThrowHelper.CheckLength(w.Length, yBar.Length * xBar.Length, nameof(w), "[M, N] with M = yBar.Length, N = xBar.Length");
        int n = xBar.Length;
        for (int i = 0; i < yBar.Length; i++)
        {
            for (int k = 0; k < n; k++)
            {
                xBar[k] += w[(i * n) + k] * yBar[i];
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// Matrix–vector product with bias, y = W x + b, where W is M×N row-major, M = <paramref name="y"/>.Length
    /// and N = <paramref name="x"/>.Length. Overwrites <paramref name="y"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match W: [M, N], x: [N], b: [M], y: [M].</exception>
    public static void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
    {
        CheckGemv(w, x, b, y);
        if (Simd512.IsAccelerated)
        {
            GemvCore<Simd512, Vector512<double>>(w, x, b, y);
        }
        else if (Simd256.IsAccelerated)
        {
            GemvCore<Simd256, Vector256<double>>(w, x, b, y);
        }
        else if (Simd128.IsAccelerated)
        {
            GemvCore<Simd128, Vector128<double>>(w, x, b, y);
        }
        else
        {
            ScalarKernels.Gemv(w, x, b, y);
        }
    }

    internal static void CheckGemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
    {
        ThrowHelper.CheckLength(b.Length, y.Length, nameof(b), "[M] = y.Length");
        ThrowHelper.CheckLength(w.Length, y.Length * x.Length, nameof(w), "[M, N] with M = y.Length, N = x.Length");
    }

    // y: [M] = W: [M, N] · x: [N] + b: [M]. Four rows at a time share each load of x.
    internal static void GemvCore<TS, TV>(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = y.Length, n = x.Length, width = TS.Count;
        ref double w0 = ref MemoryMarshal.GetReference(w);
        ref double xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref double r0 = ref Unsafe.Add(ref w0, (nint)i * n);
            ref double r1 = ref Unsafe.Add(ref r0, n);
            ref double r2 = ref Unsafe.Add(ref r1, n);
            ref double r3 = ref Unsafe.Add(ref r2, n);
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
            int k = 0;
            for (; k + width <= n; k += width)
            {
                TV xv = TS.Load(ref xr, (nuint)k);
                a0 = TS.MultiplyAdd(TS.Load(ref r0, (nuint)k), xv, a0);
                a1 = TS.MultiplyAdd(TS.Load(ref r1, (nuint)k), xv, a1);
                a2 = TS.MultiplyAdd(TS.Load(ref r2, (nuint)k), xv, a2);
                a3 = TS.MultiplyAdd(TS.Load(ref r3, (nuint)k), xv, a3);
            }

            double s0 = TS.Sum(a0), s1 = TS.Sum(a1), s2 = TS.Sum(a2), s3 = TS.Sum(a3);
            for (; k < n; k++)
            {
                double xk = Unsafe.Add(ref xr, k);
                s0 += Unsafe.Add(ref r0, k) * xk;
                s1 += Unsafe.Add(ref r1, k) * xk;
                s2 += Unsafe.Add(ref r2, k) * xk;
                s3 += Unsafe.Add(ref r3, k) * xk;
            }

            y[i] = s0 + b[i];
            y[i + 1] = s1 + b[i + 1];
            y[i + 2] = s2 + b[i + 2];
            y[i + 3] = s3 + b[i + 3];
        }

        for (; i < m; i++)
        {
            y[i] = DotCore<TS, TV>(ref Unsafe.Add(ref w0, (nint)i * n), ref xr, n) + b[i];
        }
    }

    // Σ_k a_k b_k over n contiguous doubles, vectorised with a scalar remainder.
    internal static double DotCore<TS, TV>(ref double a, ref double b, int n)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int width = TS.Count;
        TV acc0 = TS.Zero, acc1 = TS.Zero;
        int k = 0;
        for (; k + (2 * width) <= n; k += 2 * width)
        {
            acc0 = TS.MultiplyAdd(TS.Load(ref a, (nuint)k), TS.Load(ref b, (nuint)k), acc0);
            acc1 = TS.MultiplyAdd(TS.Load(ref a, (nuint)(k + width)), TS.Load(ref b, (nuint)(k + width)), acc1);
        }

        for (; k + width <= n; k += width)
        {
            acc0 = TS.MultiplyAdd(TS.Load(ref a, (nuint)k), TS.Load(ref b, (nuint)k), acc0);
        }

        double sum = TS.Sum(acc0) + TS.Sum(acc1);
        for (; k < n; k++)
        {
            sum += Unsafe.Add(ref a, k) * Unsafe.Add(ref b, k);
        }

        return sum;
    }
}

public static partial class ScalarKernels
{
    /// <summary>y = W x + b with W: [M, N] row-major (see <see cref="Kernels.Gemv"/>).</summary>
    public static void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
    {
        Kernels.CheckGemv(w, x, b, y);
        int n = x.Length;
        for (int i = 0; i < y.Length; i++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += w[(i * n) + k] * x[k];
            }

            y[i] = sum + b[i];
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// Matrix product, accumulated: C ← C + op(A) B, with C: [m, n], op(A): [m, k], B: [k, n], all row-major.
    /// op(A) = A when A is stored [m, k]; op(A) = Aᵀ when <paramref name="transposeA"/> and A is stored [k, m].
    /// Each C_ij is the chain C_ij ← fma(op(A)_ip, B_pj, C_ij) for p ascending (<see cref="ScalarKernels.MatMulAccumulate"/>),
    /// vectorised across j and blocked across i, never split across p.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or a span does not have the stated shape.</exception>
    public static void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c)
    {
        CheckMatMul(m, k, n, a, b, c);
        var kernel = new MatMulKernel(m, k, n, a, transposeA, b, c);
        Width.Dispatch(ref kernel);
    }

    internal static void CheckMatMul(int m, int k, int n, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ThrowHelper.CheckLength(a.Length, (long)m * k, nameof(a), "[m, k], or [k, m] when transposed");
        ThrowHelper.CheckLength(b.Length, (long)k * n, nameof(b), "[k, n]");
        ThrowHelper.CheckLength(c.Length, (long)m * n, nameof(c), "[m, n]");
    }
}

/// <summary>C: [m, n] += op(A): [m, k] · B: [k, n] (see <see cref="Kernels.MatMulAccumulate"/>); shapes already checked.</summary>
internal readonly ref struct MatMulKernel(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c) : IWidthKernel
{
    /// <summary>Rows of the inner dimension processed per cache block (a 128×32 panel of B is 32 KiB: L1).</summary>
    private const int InnerBlock = 128;

    private readonly ReadOnlySpan<double> _a = a, _b = b;
    private readonly Span<double> _c = c;

    // Register blocks of 4 rows × 4 vectors (AVX-512's 32 registers), 6 × 2 and 4 × 2 (16 registers) broadcast
    // op(A)[i, p] against row p of B; the inner dimension is cut into blocks of InnerBlock so the panel of B being
    // reused stays in L1. C is stored and reloaded between inner blocks, which leaves every chain unchanged.
    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        nint rowStride = transposeA ? 1 : k;   // distance between op(A)[i, p] and op(A)[i + 1, p]
        nint innerStride = transposeA ? m : 1; // distance between op(A)[i, p] and op(A)[i, p + 1]
        int width = TS.Count;
        bool wide = width >= 8;
        ref double a0 = ref MemoryMarshal.GetReference(_a);
        ref double b0 = ref MemoryMarshal.GetReference(_b);
        ref double c0 = ref MemoryMarshal.GetReference(_c);
        for (int p0 = 0; p0 < k; p0 += InnerBlock)
        {
            int kc = Math.Min(InnerBlock, k - p0);
            ref double ap = ref Unsafe.Add(ref a0, p0 * innerStride);
            ref double bp = ref Unsafe.Add(ref b0, (nint)p0 * n);
            int j = 0;
            if (wide)
            {
                for (; j + (4 * width) <= n; j += 4 * width)
                {
                    int i = 0;
                    for (; i + 4 <= m; i += 4)
                    {
                        Block4x4<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), rowStride, innerStride, ref Unsafe.Add(ref bp, j), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j), n, kc);
                    }

                    for (; i < m; i++)
                    {
                        for (int v = 0; v < 4; v++)
                        {
                            Block1x1<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), innerStride, ref Unsafe.Add(ref bp, j + (v * width)), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j + (v * width)), kc);
                        }
                    }
                }
            }

            for (; j + (2 * width) <= n; j += 2 * width)
            {
                int i = 0;
                for (; i + 6 <= m; i += 6)
                {
                    Block6x2<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), rowStride, innerStride, ref Unsafe.Add(ref bp, j), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j), n, kc);
                }

                for (; i + 4 <= m; i += 4)
                {
                    Block4x2<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), rowStride, innerStride, ref Unsafe.Add(ref bp, j), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j), n, kc);
                }

                for (; i < m; i++)
                {
                    Block1x1<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), innerStride, ref Unsafe.Add(ref bp, j), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j), kc);
                    Block1x1<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), innerStride, ref Unsafe.Add(ref bp, j + width), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j + width), kc);
                }
            }

            for (; j + width <= n; j += width)
            {
                for (int i = 0; i < m; i++)
                {
                    Block1x1<TS, TV>(ref Unsafe.Add(ref ap, i * rowStride), innerStride, ref Unsafe.Add(ref bp, j), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j), kc);
                }
            }

            for (; j < n; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    Block1x1<SimdScalar, double>(ref Unsafe.Add(ref ap, i * rowStride), innerStride, ref Unsafe.Add(ref bp, j), n, ref Unsafe.Add(ref c0, ((nint)i * n) + j), kc);
                }
            }
        }
    }

    // c[0..4, 0..4w) += Σ_p a[r·rs + p·ps] · b[p·ldb, 0..4w)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x4<TS, TV>(ref double a, nint rs, nint ps, ref double b, nint ldb, ref double c, nint ldc, int kc)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        nuint w1 = (nuint)TS.Count, w2 = 2 * w1, w3 = 3 * w1;
        ref double c1 = ref Unsafe.Add(ref c, ldc);
        ref double c2 = ref Unsafe.Add(ref c1, ldc);
        ref double c3 = ref Unsafe.Add(ref c2, ldc);
        TV c00 = TS.Load(ref c, 0), c01 = TS.Load(ref c, w1), c02 = TS.Load(ref c, w2), c03 = TS.Load(ref c, w3);
        TV c10 = TS.Load(ref c1, 0), c11 = TS.Load(ref c1, w1), c12 = TS.Load(ref c1, w2), c13 = TS.Load(ref c1, w3);
        TV c20 = TS.Load(ref c2, 0), c21 = TS.Load(ref c2, w1), c22 = TS.Load(ref c2, w2), c23 = TS.Load(ref c2, w3);
        TV c30 = TS.Load(ref c3, 0), c31 = TS.Load(ref c3, w1), c32 = TS.Load(ref c3, w2), c33 = TS.Load(ref c3, w3);
        for (int p = 0; p < kc; p++)
        {
            ref double bRow = ref Unsafe.Add(ref b, p * ldb);
            ref double aCol = ref Unsafe.Add(ref a, p * ps);
            TV b0 = TS.Load(ref bRow, 0), b1 = TS.Load(ref bRow, w1), b2 = TS.Load(ref bRow, w2), b3 = TS.Load(ref bRow, w3);
            TV a0 = TS.Broadcast(aCol);
            c00 = TS.MultiplyAdd(a0, b0, c00); c01 = TS.MultiplyAdd(a0, b1, c01); c02 = TS.MultiplyAdd(a0, b2, c02); c03 = TS.MultiplyAdd(a0, b3, c03);
            TV a1 = TS.Broadcast(Unsafe.Add(ref aCol, rs));
            c10 = TS.MultiplyAdd(a1, b0, c10); c11 = TS.MultiplyAdd(a1, b1, c11); c12 = TS.MultiplyAdd(a1, b2, c12); c13 = TS.MultiplyAdd(a1, b3, c13);
            TV a2 = TS.Broadcast(Unsafe.Add(ref aCol, 2 * rs));
            c20 = TS.MultiplyAdd(a2, b0, c20); c21 = TS.MultiplyAdd(a2, b1, c21); c22 = TS.MultiplyAdd(a2, b2, c22); c23 = TS.MultiplyAdd(a2, b3, c23);
            TV a3 = TS.Broadcast(Unsafe.Add(ref aCol, 3 * rs));
            c30 = TS.MultiplyAdd(a3, b0, c30); c31 = TS.MultiplyAdd(a3, b1, c31); c32 = TS.MultiplyAdd(a3, b2, c32); c33 = TS.MultiplyAdd(a3, b3, c33);
        }

        TS.Store(c00, ref c, 0); TS.Store(c01, ref c, w1); TS.Store(c02, ref c, w2); TS.Store(c03, ref c, w3);
        TS.Store(c10, ref c1, 0); TS.Store(c11, ref c1, w1); TS.Store(c12, ref c1, w2); TS.Store(c13, ref c1, w3);
        TS.Store(c20, ref c2, 0); TS.Store(c21, ref c2, w1); TS.Store(c22, ref c2, w2); TS.Store(c23, ref c2, w3);
        TS.Store(c30, ref c3, 0); TS.Store(c31, ref c3, w1); TS.Store(c32, ref c3, w2); TS.Store(c33, ref c3, w3);
    }

    // c[0..6, 0..2w) += Σ_p a[r·rs + p·ps] · b[p·ldb, 0..2w): 12 accumulators, 2 loads and 6 broadcasts per 12 FMAs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block6x2<TS, TV>(ref double a, nint rs, nint ps, ref double b, nint ldb, ref double c, nint ldc, int kc)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        nuint w1 = (nuint)TS.Count;
        ref double c1 = ref Unsafe.Add(ref c, ldc);
        ref double c2 = ref Unsafe.Add(ref c1, ldc);
        ref double c3 = ref Unsafe.Add(ref c2, ldc);
        ref double c4 = ref Unsafe.Add(ref c3, ldc);
        ref double c5 = ref Unsafe.Add(ref c4, ldc);
        TV c00 = TS.Load(ref c, 0), c01 = TS.Load(ref c, w1);
        TV c10 = TS.Load(ref c1, 0), c11 = TS.Load(ref c1, w1);
        TV c20 = TS.Load(ref c2, 0), c21 = TS.Load(ref c2, w1);
        TV c30 = TS.Load(ref c3, 0), c31 = TS.Load(ref c3, w1);
        TV c40 = TS.Load(ref c4, 0), c41 = TS.Load(ref c4, w1);
        TV c50 = TS.Load(ref c5, 0), c51 = TS.Load(ref c5, w1);
        for (int p = 0; p < kc; p++)
        {
            ref double bRow = ref Unsafe.Add(ref b, p * ldb);
            ref double aCol = ref Unsafe.Add(ref a, p * ps);
            TV b0 = TS.Load(ref bRow, 0), b1 = TS.Load(ref bRow, w1);
            TV a0 = TS.Broadcast(aCol);
            c00 = TS.MultiplyAdd(a0, b0, c00); c01 = TS.MultiplyAdd(a0, b1, c01);
            TV a1 = TS.Broadcast(Unsafe.Add(ref aCol, rs));
            c10 = TS.MultiplyAdd(a1, b0, c10); c11 = TS.MultiplyAdd(a1, b1, c11);
            TV a2 = TS.Broadcast(Unsafe.Add(ref aCol, 2 * rs));
            c20 = TS.MultiplyAdd(a2, b0, c20); c21 = TS.MultiplyAdd(a2, b1, c21);
            TV a3 = TS.Broadcast(Unsafe.Add(ref aCol, 3 * rs));
            c30 = TS.MultiplyAdd(a3, b0, c30); c31 = TS.MultiplyAdd(a3, b1, c31);
            TV a4 = TS.Broadcast(Unsafe.Add(ref aCol, 4 * rs));
            c40 = TS.MultiplyAdd(a4, b0, c40); c41 = TS.MultiplyAdd(a4, b1, c41);
            TV a5 = TS.Broadcast(Unsafe.Add(ref aCol, 5 * rs));
            c50 = TS.MultiplyAdd(a5, b0, c50); c51 = TS.MultiplyAdd(a5, b1, c51);
        }

        TS.Store(c00, ref c, 0); TS.Store(c01, ref c, w1);
        TS.Store(c10, ref c1, 0); TS.Store(c11, ref c1, w1);
        TS.Store(c20, ref c2, 0); TS.Store(c21, ref c2, w1);
        TS.Store(c30, ref c3, 0); TS.Store(c31, ref c3, w1);
        TS.Store(c40, ref c4, 0); TS.Store(c41, ref c4, w1);
        TS.Store(c50, ref c5, 0); TS.Store(c51, ref c5, w1);
    }

    // c[0..4, 0..2w) += Σ_p a[r·rs + p·ps] · b[p·ldb, 0..2w)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x2<TS, TV>(ref double a, nint rs, nint ps, ref double b, nint ldb, ref double c, nint ldc, int kc)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        nuint w1 = (nuint)TS.Count;
        ref double c1 = ref Unsafe.Add(ref c, ldc);
        ref double c2 = ref Unsafe.Add(ref c1, ldc);
        ref double c3 = ref Unsafe.Add(ref c2, ldc);
        TV c00 = TS.Load(ref c, 0), c01 = TS.Load(ref c, w1);
        TV c10 = TS.Load(ref c1, 0), c11 = TS.Load(ref c1, w1);
        TV c20 = TS.Load(ref c2, 0), c21 = TS.Load(ref c2, w1);
        TV c30 = TS.Load(ref c3, 0), c31 = TS.Load(ref c3, w1);
        for (int p = 0; p < kc; p++)
        {
            ref double bRow = ref Unsafe.Add(ref b, p * ldb);
            ref double aCol = ref Unsafe.Add(ref a, p * ps);
            TV b0 = TS.Load(ref bRow, 0), b1 = TS.Load(ref bRow, w1);
            TV a0 = TS.Broadcast(aCol);
            c00 = TS.MultiplyAdd(a0, b0, c00); c01 = TS.MultiplyAdd(a0, b1, c01);
            TV a1 = TS.Broadcast(Unsafe.Add(ref aCol, rs));
            c10 = TS.MultiplyAdd(a1, b0, c10); c11 = TS.MultiplyAdd(a1, b1, c11);
            TV a2 = TS.Broadcast(Unsafe.Add(ref aCol, 2 * rs));
            c20 = TS.MultiplyAdd(a2, b0, c20); c21 = TS.MultiplyAdd(a2, b1, c21);
            TV a3 = TS.Broadcast(Unsafe.Add(ref aCol, 3 * rs));
            c30 = TS.MultiplyAdd(a3, b0, c30); c31 = TS.MultiplyAdd(a3, b1, c31);
        }

        TS.Store(c00, ref c, 0); TS.Store(c01, ref c, w1);
        TS.Store(c10, ref c1, 0); TS.Store(c11, ref c1, w1);
        TS.Store(c20, ref c2, 0); TS.Store(c21, ref c2, w1);
        TS.Store(c30, ref c3, 0); TS.Store(c31, ref c3, w1);
    }

    // c[0, 0..w) ← fma(a[p·ps], b[p·ldb, 0..w), c) for p ascending: one chain per lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block1x1<TS, TV>(ref double a, nint ps, ref double b, nint ldb, ref double c, int kc)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV acc = TS.Load(ref c, 0);
        for (int p = 0; p < kc; p++)
        {
            acc = TS.MultiplyAdd(TS.Broadcast(Unsafe.Add(ref a, p * ps)), TS.Load(ref b, (nuint)(p * ldb)), acc);
        }

        TS.Store(acc, ref c, 0);
    }
}

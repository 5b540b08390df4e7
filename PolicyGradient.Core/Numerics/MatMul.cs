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

/// <summary>A block dimension known to the JIT: the struct type argument makes it a constant in each specialisation.</summary>
internal interface IBlockSize
{
    static abstract int Value { get; }
}

internal readonly struct Size1 : IBlockSize
{
    public static int Value => 1;
}

internal readonly struct Size2 : IBlockSize
{
    public static int Value => 2;
}

internal readonly struct Size4 : IBlockSize
{
    public static int Value => 4;
}

internal readonly struct Size6 : IBlockSize
{
    public static int Value => 6;
}

internal readonly struct Size8 : IBlockSize
{
    public static int Value => 8;
}

/// <summary>Where the chains of a <see cref="MatMulKernel"/> start.</summary>
internal enum MatMulStart
{
    /// <summary>From C itself: C ← C + op(A) B.</summary>
    Accumulate,

    /// <summary>From one row s: [n], the same for every row of C (a bias): C ← 1·sᵀ + op(A) B.</summary>
    Row,

    /// <summary>From +0: C ← op(A) B, C's old contents ignored.</summary>
    Zero,
}

/// <summary>
/// C: [m, n] ← S + op(A): [m, k] · B: [k, n] (see <see cref="Kernels.MatMulAccumulate"/>), where the start S is C
/// itself, a row repeated (<paramref name="startRow"/>, a bias) or zero (<see cref="MatMulStart"/>); shapes already
/// checked. Starting the registers from the bias or from zero gives the bits that copying it into C first and
/// accumulating would, without the pass over C.
/// </summary>
internal readonly ref struct MatMulKernel(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c, MatMulStart start = MatMulStart.Accumulate, ReadOnlySpan<double> startRow = default) : IWidthKernel
{
    /// <summary>Rows of the inner dimension processed per cache block (a 128×32 panel of B is 32 KiB: L1).</summary>
    private const int InnerBlock = 128;

    /// <summary>Inner-dimension steps packed at a time for narrow columns: Aᵀ [32, 32] is 8 KiB of stack.</summary>
    private const int NarrowDepth = 32;

    private readonly ReadOnlySpan<double> _a = a, _b = b, _startRow = startRow;
    private readonly Span<double> _c = c;

    private nint RowStride => transposeA ? 1 : k;   // distance between op(A)[i, p] and op(A)[i + 1, p]

    private nint InnerStride => transposeA ? m : 1; // distance between op(A)[i, p] and op(A)[i, p + 1]

    // The inner dimension is cut into blocks of InnerBlock so the panel of B being reused stays in L1; C is stored
    // and reloaded between inner blocks, which leaves every chain unchanged. Columns run in registers of TS as far as
    // whole registers go, the rest one lane at a time through the same blocks.
    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        if (k == 0)
        {
            StartWithoutTerms();
            return;
        }

        for (int p0 = 0; p0 < k; p0 += InnerBlock)
        {
            int kc = Math.Min(InnerBlock, k - p0);
            int j = Panel<TS, TV>(p0, kc, 0, 0);
            int i = j < n && TS.Count > 1 ? NarrowColumns<TS, TV>(p0, kc, j) : 0;
            Panel<SimdScalar, double>(p0, kc, j, i);
        }
    }

    // Columns j0..n, fewer than one register (an output layer's two logits, a critic's one value), for rows
    // [0, m − m mod W), W = TS.Count: the rows run in the lanes instead. Per block of R = 4W rows (then W), the tile
    // T: [cols, R] receives the block's starts transposed, op(A)'s rows are packed as Aᵀ: [depth, R] (tile transposes),
    // Block runs T ← T + Bᵀ Aᵀ — T[c, r] ← fma(B[p, c], op(A)[r, p], T[c, r]) for p ascending, C[r, c]'s own chain
    // with the factors of each product swapped (exact) — and T goes back into C. Returns the first row left.
    private int NarrowColumns<TS, TV>(int p0, int kc, int j0)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int w = TS.Count, i = 0;
        if (m < w)
        {
            return 0;
        }

        Span<double> tile = stackalloc double[(w - 1) * 4 * w];  // T: [cols < W, R ≤ 4W]
        Span<double> packed = stackalloc double[NarrowDepth * 4 * w]; // Aᵀ: [depth ≤ NarrowDepth, R ≤ 4W]
        for (; i + (4 * w) <= m; i += 4 * w)
        {
            NarrowRows<TS, TV, Size4>(p0, kc, j0, i, tile, packed);
        }

        for (; i + w <= m; i += w)
        {
            NarrowRows<TS, TV, Size1>(p0, kc, j0, i, tile, packed);
        }

        return i;
    }

    // Rows [i0, i0 + R), R = TG registers, of the narrow columns j0..n (see NarrowColumns).
    private void NarrowRows<TS, TV, TG>(int p0, int kc, int j0, int i0, Span<double> tile, Span<double> packed)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TG : struct, IBlockSize
    {
        int w = TS.Count, rowsPerBlock = TG.Value * w, cols = n - j0;
        nint rs = RowStride, ps = InnerStride;
        MatMulStart mode = p0 == 0 ? start : MatMulStart.Accumulate;
        ref double t = ref MemoryMarshal.GetReference(tile);
        ref double cBlock = ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), ((nint)i0 * n) + j0); // C[i0, j0]
        for (int c = 0; c < cols; c++)
        {
            Span<double> tc = tile.Slice(c * rowsPerBlock, rowsPerBlock);
            if (mode == MatMulStart.Accumulate)
            {
                for (int r = 0; r < rowsPerBlock; r++)
                {
                    tc[r] = Unsafe.Add(ref cBlock, ((nint)r * n) + c);
                }
            }
            else
            {
                tc.Fill(mode == MatMulStart.Row ? _startRow[j0 + c] : 0.0);
            }
        }

        ref double a = ref MemoryMarshal.GetReference(_a);
        ref double at = ref MemoryMarshal.GetReference(packed);
        for (int d0 = 0; d0 < kc; d0 += NarrowDepth)
        {
            int depth = Math.Min(NarrowDepth, kc - d0), p = p0 + d0;
            ref double block = ref Unsafe.Add(ref a, (p * ps) + (i0 * rs)); // op(A)[i0, p]
            nint ldb = rowsPerBlock;
            if (transposeA)
            {
                at = ref block; // op(A)ᵀ is A itself: row p of it holds rows i0.. of op(A) side by side
                ldb = m;
            }
            else
            {
                int q = 0;
                for (; q + w <= depth; q += w)
                {
                    for (int g = 0; g < TG.Value; g++)
                    {
                        TS.TransposeTile(in Unsafe.Add(ref block, ((g * w) * rs) + q), rs, ref Unsafe.Add(ref at, (q * rowsPerBlock) + (g * w)), rowsPerBlock);
                    }
                }

                for (; q < depth; q++)
                {
                    for (int r = 0; r < rowsPerBlock; r++)
                    {
                        Unsafe.Add(ref at, (q * rowsPerBlock) + r) = Unsafe.Add(ref block, (r * rs) + q);
                    }
                }
            }

            ref double bColumns = ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), ((nint)p * n) + j0); // Bᵀ[c, p] = B[p, c]
            int c = 0;
            for (; c + 4 <= cols; c += 4)
            {
                ref double tc = ref Unsafe.Add(ref t, c * rowsPerBlock);
                Block<TS, TV, Size4, TG>(ref Unsafe.Add(ref bColumns, c), 1, n, ref at, ldb, ref tc, rowsPerBlock, ref tc, rowsPerBlock, false, depth);
            }

            for (; c + 2 <= cols; c += 2)
            {
                ref double tc = ref Unsafe.Add(ref t, c * rowsPerBlock);
                Block<TS, TV, Size2, TG>(ref Unsafe.Add(ref bColumns, c), 1, n, ref at, ldb, ref tc, rowsPerBlock, ref tc, rowsPerBlock, false, depth);
            }

            for (; c < cols; c++)
            {
                ref double tc = ref Unsafe.Add(ref t, c * rowsPerBlock);
                Block<TS, TV, Size1, TG>(ref Unsafe.Add(ref bColumns, c), 1, n, ref at, ldb, ref tc, rowsPerBlock, ref tc, rowsPerBlock, false, depth);
            }

            at = ref MemoryMarshal.GetReference(packed);
        }

        for (int r = 0; r < rowsPerBlock; r++)
        {
            ref double cRow = ref Unsafe.Add(ref cBlock, (nint)r * n);
            for (int c = 0; c < cols; c++)
            {
                Unsafe.Add(ref cRow, c) = Unsafe.Add(ref t, (c * rowsPerBlock) + r);
            }
        }
    }

    // An empty inner dimension: C is its start.
    private void StartWithoutTerms()
    {
        for (int i = 0; i < m && start != MatMulStart.Accumulate; i++)
        {
            Span<double> row = _c.Slice(i * n, n);
            if (start == MatMulStart.Row)
            {
                _startRow.CopyTo(row);
            }
            else
            {
                row.Clear();
            }
        }
    }

    // Where the chains of C[i, j..] start in the inner block at p0: C itself after the first block; returns the
    // start of row i and sets the distance between consecutive rows' starts (0 for a repeated row) and whether the
    // start is zero (the returned reference is then unused).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref double StartOf(int p0, int i, int j, out nint stride, out bool zero)
    {
        MatMulStart mode = p0 == 0 ? start : MatMulStart.Accumulate;
        zero = mode == MatMulStart.Zero;
        if (mode == MatMulStart.Row)
        {
            stride = 0;
            return ref Unsafe.Add(ref MemoryMarshal.GetReference(_startRow), j);
        }

        stride = n;
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), ((nint)i * n) + j);
    }

    // Columns j0.. of rows i0.. of C over the inner block [p0, p0 + kc) in whole registers of TS; returns the first
    // column left.
    // Register blocks: 6 rows × 4 registers where there are 32 registers (AVX-512), else 6 × 2; fewer rows at the end.
    // With fewer rows than a block (one state, a few live task instances) the chains are latency-bound, so each row
    // first runs 8 registers of columns at once: 8 independent chains per FMA latency instead of 4 or 2.
    private int Panel<TS, TV>(int p0, int kc, int j0, int i0)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int width = TS.Count, j = j0;
        if (m - i0 < 4 && width > 1)
        {
            for (; j + (8 * width) <= n; j += 8 * width)
            {
                int i = i0;
                for (; width >= 8 && i + 2 <= m; i += 2)
                {
                    WideRows<TS, TV, Size2>(p0, kc, j, i); // 16 accumulators: where there are 32 registers
                }

                for (; i < m; i++)
                {
                    WideRows<TS, TV, Size1>(p0, kc, j, i);
                }
            }
        }

        if (width >= 8)
        {
            for (; j + (4 * width) <= n; j += 4 * width)
            {
                Rows<TS, TV, Size4>(p0, kc, j, i0);
            }
        }

        for (; j + (2 * width) <= n; j += 2 * width)
        {
            Rows<TS, TV, Size2>(p0, kc, j, i0);
        }

        for (; j + width <= n; j += width)
        {
            Rows<TS, TV, Size1>(p0, kc, j, i0);
        }

        return j;
    }

    // Rows i0.. of C for the TC registers of columns starting at j.
    private void Rows<TS, TV, TC>(int p0, int kc, int j, int i0)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TC : struct, IBlockSize
    {
        ref double ap = ref Unsafe.Add(ref MemoryMarshal.GetReference(_a), p0 * InnerStride);
        ref double bp = ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), ((nint)p0 * n) + j);
        ref double c0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), j);
        nint rs = RowStride, ps = InnerStride;
        int i = i0;
        for (; i + 6 <= m; i += 6)
        {
            ref double s = ref StartOf(p0, i, j, out nint ls, out bool zero);
            Block<TS, TV, Size6, TC>(ref Unsafe.Add(ref ap, i * rs), rs, ps, ref bp, n, ref Unsafe.Add(ref c0, (nint)i * n), n, ref s, ls, zero, kc);
        }

        for (; i + 4 <= m; i += 4)
        {
            ref double s = ref StartOf(p0, i, j, out nint ls, out bool zero);
            Block<TS, TV, Size4, TC>(ref Unsafe.Add(ref ap, i * rs), rs, ps, ref bp, n, ref Unsafe.Add(ref c0, (nint)i * n), n, ref s, ls, zero, kc);
        }

        for (; i < m; i++)
        {
            ref double s = ref StartOf(p0, i, j, out nint ls, out bool zero);
            Block<TS, TV, Size1, TC>(ref Unsafe.Add(ref ap, i * rs), rs, ps, ref bp, n, ref Unsafe.Add(ref c0, (nint)i * n), n, ref s, ls, zero, kc);
        }
    }


    // Rows i.. i + R of C (R = 1 or 2), columns j.. (8 registers each): c ← fma(op(A)[i, p], B[p, ·], c) for p in the
    // inner block, ascending; two rows share each load of B.
    private void WideRows<TS, TV, TR>(int p0, int kc, int j, int i)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TR : struct, IBlockSize
    {
        bool two = TR.Value > 1;
        ref double a = ref Unsafe.Add(ref MemoryMarshal.GetReference(_a), (p0 * InnerStride) + (i * RowStride));
        ref double b = ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), ((nint)p0 * n) + j);
        ref double c = ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), ((nint)i * n) + j);
        ref double cNext = ref two ? ref Unsafe.Add(ref c, n) : ref c; // row i + 1, used only for two rows
        nint ps = InnerStride, rs = RowStride;
        nuint w = (nuint)TS.Count;
        ref double s0 = ref StartOf(p0, i, j, out nint ls, out bool zero);
        ref double s1 = ref two ? ref Unsafe.Add(ref s0, ls) : ref s0;
        TV c0 = TS.Zero, c1 = TS.Zero, c2 = TS.Zero, c3 = TS.Zero, c4 = TS.Zero, c5 = TS.Zero, c6 = TS.Zero, c7 = TS.Zero;
        TV d0 = TS.Zero, d1 = TS.Zero, d2 = TS.Zero, d3 = TS.Zero, d4 = TS.Zero, d5 = TS.Zero, d6 = TS.Zero, d7 = TS.Zero;
        if (!zero)
        {
            c0 = TS.Load(ref s0, 0); c1 = TS.Load(ref s0, w); c2 = TS.Load(ref s0, 2 * w); c3 = TS.Load(ref s0, 3 * w);
            c4 = TS.Load(ref s0, 4 * w); c5 = TS.Load(ref s0, 5 * w); c6 = TS.Load(ref s0, 6 * w); c7 = TS.Load(ref s0, 7 * w);
            if (two)
            {
                d0 = TS.Load(ref s1, 0); d1 = TS.Load(ref s1, w); d2 = TS.Load(ref s1, 2 * w); d3 = TS.Load(ref s1, 3 * w);
                d4 = TS.Load(ref s1, 4 * w); d5 = TS.Load(ref s1, 5 * w); d6 = TS.Load(ref s1, 6 * w); d7 = TS.Load(ref s1, 7 * w);
            }
        }

        for (int p = 0; p < kc; p++)
        {
            ref double bRow = ref Unsafe.Add(ref b, (nint)p * n);
            TV b0 = TS.Load(ref bRow, 0), b1 = TS.Load(ref bRow, w), b2 = TS.Load(ref bRow, 2 * w), b3 = TS.Load(ref bRow, 3 * w);
            TV b4 = TS.Load(ref bRow, 4 * w), b5 = TS.Load(ref bRow, 5 * w), b6 = TS.Load(ref bRow, 6 * w), b7 = TS.Load(ref bRow, 7 * w);
            TV x = TS.Broadcast(Unsafe.Add(ref a, p * ps));
            c0 = TS.MultiplyAdd(x, b0, c0); c1 = TS.MultiplyAdd(x, b1, c1); c2 = TS.MultiplyAdd(x, b2, c2); c3 = TS.MultiplyAdd(x, b3, c3);
            c4 = TS.MultiplyAdd(x, b4, c4); c5 = TS.MultiplyAdd(x, b5, c5); c6 = TS.MultiplyAdd(x, b6, c6); c7 = TS.MultiplyAdd(x, b7, c7);
            if (two)
            {
                TV y = TS.Broadcast(Unsafe.Add(ref a, (p * ps) + rs));
                d0 = TS.MultiplyAdd(y, b0, d0); d1 = TS.MultiplyAdd(y, b1, d1); d2 = TS.MultiplyAdd(y, b2, d2); d3 = TS.MultiplyAdd(y, b3, d3);
                d4 = TS.MultiplyAdd(y, b4, d4); d5 = TS.MultiplyAdd(y, b5, d5); d6 = TS.MultiplyAdd(y, b6, d6); d7 = TS.MultiplyAdd(y, b7, d7);
            }
        }

        TS.Store(c0, ref c, 0); TS.Store(c1, ref c, w); TS.Store(c2, ref c, 2 * w); TS.Store(c3, ref c, 3 * w);
        TS.Store(c4, ref c, 4 * w); TS.Store(c5, ref c, 5 * w); TS.Store(c6, ref c, 6 * w); TS.Store(c7, ref c, 7 * w);
        if (two)
        {
            TS.Store(d0, ref cNext, 0); TS.Store(d1, ref cNext, w); TS.Store(d2, ref cNext, 2 * w); TS.Store(d3, ref cNext, 3 * w);
            TS.Store(d4, ref cNext, 4 * w); TS.Store(d5, ref cNext, 5 * w); TS.Store(d6, ref cNext, 6 * w); TS.Store(d7, ref cNext, 7 * w);
        }
    }

    // c[0..R, 0..C registers) ← start + Σ_p a[r·rs + p·ps]·b[p·ldb, ·], one fused multiply-add per p ascending, where
    // row r's start is start[r·lds, ·] (lds = 0: one row for all), or +0 when zero: R·C accumulators, C loads and
    // R broadcasts per R·C fused multiply-adds. R and C are JIT-time constants, so the unused accumulators vanish.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TS, TV, TR, TC>(ref double a, nint rs, nint ps, ref double b, nint ldb, ref double c, nint ldc, ref double start, nint lds, bool zero, int kc)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TR : struct, IBlockSize
        where TC : struct, IBlockSize
    {
        int rows = TR.Value, cols = TC.Value;
        nuint w1 = (nuint)TS.Count, w2 = 2 * w1, w3 = 3 * w1;
        ref double c1 = ref rows > 1 ? ref Unsafe.Add(ref c, ldc) : ref c; // row 1, used only when rows > 1
        ref double c2 = ref rows > 2 ? ref Unsafe.Add(ref c1, ldc) : ref c; // row 2, used only when rows > 2
        ref double c3 = ref rows > 3 ? ref Unsafe.Add(ref c2, ldc) : ref c; // row 3, used only when rows > 3
        ref double c4 = ref rows > 4 ? ref Unsafe.Add(ref c3, ldc) : ref c; // row 4, used only when rows > 4
        ref double c5 = ref rows > 5 ? ref Unsafe.Add(ref c4, ldc) : ref c; // row 5, used only when rows > 5
        TV a00 = TS.Zero, a01 = TS.Zero, a02 = TS.Zero, a03 = TS.Zero;
        TV a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero;
        TV a20 = TS.Zero, a21 = TS.Zero, a22 = TS.Zero, a23 = TS.Zero;
        TV a30 = TS.Zero, a31 = TS.Zero, a32 = TS.Zero, a33 = TS.Zero;
        TV a40 = TS.Zero, a41 = TS.Zero, a42 = TS.Zero, a43 = TS.Zero;
        TV a50 = TS.Zero, a51 = TS.Zero, a52 = TS.Zero, a53 = TS.Zero;
        ref double start1 = ref rows > 1 ? ref Unsafe.Add(ref start, lds) : ref start; // start of row 1, used only when rows > 1
        ref double start2 = ref rows > 2 ? ref Unsafe.Add(ref start1, lds) : ref start;
        ref double start3 = ref rows > 3 ? ref Unsafe.Add(ref start2, lds) : ref start;
        ref double start4 = ref rows > 4 ? ref Unsafe.Add(ref start3, lds) : ref start;
        ref double start5 = ref rows > 5 ? ref Unsafe.Add(ref start4, lds) : ref start;
        if (!zero)
        {
            a00 = TS.Load(ref start, 0);
            if (cols > 1) { a01 = TS.Load(ref start, w1); }
            if (cols > 2) { a02 = TS.Load(ref start, w2); }
            if (cols > 3) { a03 = TS.Load(ref start, w3); }
            if (rows > 1) { a10 = TS.Load(ref start1, 0); }
            if (rows > 1 && cols > 1) { a11 = TS.Load(ref start1, w1); }
            if (rows > 1 && cols > 2) { a12 = TS.Load(ref start1, w2); }
            if (rows > 1 && cols > 3) { a13 = TS.Load(ref start1, w3); }
            if (rows > 2) { a20 = TS.Load(ref start2, 0); }
            if (rows > 2 && cols > 1) { a21 = TS.Load(ref start2, w1); }
            if (rows > 2 && cols > 2) { a22 = TS.Load(ref start2, w2); }
            if (rows > 2 && cols > 3) { a23 = TS.Load(ref start2, w3); }
            if (rows > 3) { a30 = TS.Load(ref start3, 0); }
            if (rows > 3 && cols > 1) { a31 = TS.Load(ref start3, w1); }
            if (rows > 3 && cols > 2) { a32 = TS.Load(ref start3, w2); }
            if (rows > 3 && cols > 3) { a33 = TS.Load(ref start3, w3); }
            if (rows > 4) { a40 = TS.Load(ref start4, 0); }
            if (rows > 4 && cols > 1) { a41 = TS.Load(ref start4, w1); }
            if (rows > 4 && cols > 2) { a42 = TS.Load(ref start4, w2); }
            if (rows > 4 && cols > 3) { a43 = TS.Load(ref start4, w3); }
            if (rows > 5) { a50 = TS.Load(ref start5, 0); }
            if (rows > 5 && cols > 1) { a51 = TS.Load(ref start5, w1); }
            if (rows > 5 && cols > 2) { a52 = TS.Load(ref start5, w2); }
            if (rows > 5 && cols > 3) { a53 = TS.Load(ref start5, w3); }
        }

        for (int p = 0; p < kc; p++)
        {
            ref double bRow = ref Unsafe.Add(ref b, p * ldb);
            ref double aCol = ref Unsafe.Add(ref a, p * ps);
            TV b0 = TS.Load(ref bRow, 0), b1 = cols > 1 ? TS.Load(ref bRow, w1) : TS.Zero;
            TV b2 = cols > 2 ? TS.Load(ref bRow, w2) : TS.Zero, b3 = cols > 3 ? TS.Load(ref bRow, w3) : TS.Zero;
            {
                TV s = TS.Broadcast(aCol);
                a00 = TS.MultiplyAdd(s, b0, a00);
                if (cols > 1) { a01 = TS.MultiplyAdd(s, b1, a01); }
                if (cols > 2) { a02 = TS.MultiplyAdd(s, b2, a02); }
                if (cols > 3) { a03 = TS.MultiplyAdd(s, b3, a03); }
            }

            if (rows > 1)
            {
                TV s = TS.Broadcast(Unsafe.Add(ref aCol, rs));
                a10 = TS.MultiplyAdd(s, b0, a10);
                if (cols > 1) { a11 = TS.MultiplyAdd(s, b1, a11); }
                if (cols > 2) { a12 = TS.MultiplyAdd(s, b2, a12); }
                if (cols > 3) { a13 = TS.MultiplyAdd(s, b3, a13); }
            }

            if (rows > 2)
            {
                TV s = TS.Broadcast(Unsafe.Add(ref aCol, 2 * rs));
                a20 = TS.MultiplyAdd(s, b0, a20);
                if (cols > 1) { a21 = TS.MultiplyAdd(s, b1, a21); }
                if (cols > 2) { a22 = TS.MultiplyAdd(s, b2, a22); }
                if (cols > 3) { a23 = TS.MultiplyAdd(s, b3, a23); }
            }

            if (rows > 3)
            {
                TV s = TS.Broadcast(Unsafe.Add(ref aCol, 3 * rs));
                a30 = TS.MultiplyAdd(s, b0, a30);
                if (cols > 1) { a31 = TS.MultiplyAdd(s, b1, a31); }
                if (cols > 2) { a32 = TS.MultiplyAdd(s, b2, a32); }
                if (cols > 3) { a33 = TS.MultiplyAdd(s, b3, a33); }
            }

            if (rows > 4)
            {
                TV s = TS.Broadcast(Unsafe.Add(ref aCol, 4 * rs));
                a40 = TS.MultiplyAdd(s, b0, a40);
                if (cols > 1) { a41 = TS.MultiplyAdd(s, b1, a41); }
                if (cols > 2) { a42 = TS.MultiplyAdd(s, b2, a42); }
                if (cols > 3) { a43 = TS.MultiplyAdd(s, b3, a43); }
            }

            if (rows > 5)
            {
                TV s = TS.Broadcast(Unsafe.Add(ref aCol, 5 * rs));
                a50 = TS.MultiplyAdd(s, b0, a50);
                if (cols > 1) { a51 = TS.MultiplyAdd(s, b1, a51); }
                if (cols > 2) { a52 = TS.MultiplyAdd(s, b2, a52); }
                if (cols > 3) { a53 = TS.MultiplyAdd(s, b3, a53); }
            }
        }

        TS.Store(a00, ref c, 0);
        if (cols > 1) { TS.Store(a01, ref c, w1); }
        if (cols > 2) { TS.Store(a02, ref c, w2); }
        if (cols > 3) { TS.Store(a03, ref c, w3); }
        if (rows > 1) { TS.Store(a10, ref c1, 0); }
        if (rows > 1 && cols > 1) { TS.Store(a11, ref c1, w1); }
        if (rows > 1 && cols > 2) { TS.Store(a12, ref c1, w2); }
        if (rows > 1 && cols > 3) { TS.Store(a13, ref c1, w3); }
        if (rows > 2) { TS.Store(a20, ref c2, 0); }
        if (rows > 2 && cols > 1) { TS.Store(a21, ref c2, w1); }
        if (rows > 2 && cols > 2) { TS.Store(a22, ref c2, w2); }
        if (rows > 2 && cols > 3) { TS.Store(a23, ref c2, w3); }
        if (rows > 3) { TS.Store(a30, ref c3, 0); }
        if (rows > 3 && cols > 1) { TS.Store(a31, ref c3, w1); }
        if (rows > 3 && cols > 2) { TS.Store(a32, ref c3, w2); }
        if (rows > 3 && cols > 3) { TS.Store(a33, ref c3, w3); }
        if (rows > 4) { TS.Store(a40, ref c4, 0); }
        if (rows > 4 && cols > 1) { TS.Store(a41, ref c4, w1); }
        if (rows > 4 && cols > 2) { TS.Store(a42, ref c4, w2); }
        if (rows > 4 && cols > 3) { TS.Store(a43, ref c4, w3); }
        if (rows > 5) { TS.Store(a50, ref c5, 0); }
        if (rows > 5 && cols > 1) { TS.Store(a51, ref c5, w1); }
        if (rows > 5 && cols > 2) { TS.Store(a52, ref c5, w2); }
        if (rows > 5 && cols > 3) { TS.Store(a53, ref c5, w3); }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// From this many rows on, <see cref="LinearInputGradientBatched"/> packs W = (Wᵀ)ᵀ into <c>scratch</c> (M·N
    /// doubles) and runs a matrix product, and <see cref="LinearWeightGradientBatched"/> may work on dW in scratch;
    /// below it they run row by row and do not touch <c>scratch</c>, which may then be empty. Either way every output
    /// gets the same bits.
    /// </summary>
    public const int PackingMinimumBatch = 4;

    /// <summary>
    /// Batched affine map, Y = X W̃ + b over B rows, with the weights stored input-major as W̃ = Wᵀ: X: [B, N],
    /// W̃: [N, M], b: [M], Y: [B, M], all row-major; N = <paramref name="x"/>.Length / B and M = <paramref name="b"/>.Length.
    /// Overwrites <paramref name="y"/>. Each Y_ri is the chain Y_ri = b_i, Y_ri ← fma(X_rk, W̃_ki, Y_ri) for k ascending,
    /// so row r's output has the same bits whatever B and whatever the other rows. Row k of W̃ holds input k's weights
    /// to every output, so the chains of one row run side by side in vector registers (a single row is vectorised too)
    /// and no operand is ever packed.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> wT, ReadOnlySpan<double> b, Span<double> y)
    {
        int n = CheckLinearBatched(batch, x, wT, b.Length, y, [], 0, nameof(wT), nameof(y));
        var kernel = new LinearForwardKernel(batch, n, x, wT, b, y);
        Width.Dispatch(ref kernel);
    }

    /// <summary>
    /// Weight and bias gradients of <see cref="LinearForwardBatched"/>, accumulated over B rows:
    /// dW̃ ← dW̃ + Xᵀ Ȳ and db ← db + Σ_rows Ȳ, with Ȳ: [B, M], X: [B, N], dW̃: [N, M] (input-major, as W̃), db: [M].
    /// For rows r ascending, dW̃_ki ← fma(X_rk, Ȳ_ri, dW̃_ki) and db_i ← db_i + Ȳ_ri, so calling it on rows one at a
    /// time gives the same bits as one call on all of them. <paramref name="scratch"/> (M·N doubles when
    /// B ≥ <see cref="PackingMinimumBatch"/>) holds dW = dW̃ᵀ while the output is narrower than the input.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dWT, Span<double> db, Span<double> scratch)
    {
        int n = CheckLinearBatched(batch, x, dWT, db.Length, yBar, scratch, PackingMinimumBatch, nameof(dWT), nameof(yBar));
        var kernel = new LinearWeightGradientKernel(batch, n, yBar, x, dWT, db, scratch);
        Width.Dispatch(ref kernel);
    }

    /// <summary>
    /// Input gradient of <see cref="LinearForwardBatched"/>: X̄ = Ȳ W̃ᵀ over B rows, with Ȳ: [B, M], W̃: [N, M],
    /// X̄: [B, N]; N = <paramref name="xBar"/>.Length / B. Overwrites <paramref name="xBar"/>. Each X̄_rk is the chain
    /// X̄_rk = +0, X̄_rk ← fma(Ȳ_ri, W̃_ki, X̄_rk) for i ascending. From <see cref="PackingMinimumBatch"/> rows on,
    /// <paramref name="scratch"/> (M·N doubles) receives W = W̃ᵀ so the chains run vectorised across k; below it each
    /// row runs as a <see cref="Gemv"/> over the rows of W̃. Both form the same chains.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearInputGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> wT, Span<double> xBar, Span<double> scratch)
    {
        int m = RowLength(batch, yBar.Length, nameof(yBar));
        int n = CheckLinearBatched(batch, xBar, wT, m, yBar, scratch, PackingMinimumBatch, nameof(wT), nameof(yBar), nameof(xBar));
        var kernel = new LinearInputGradientKernel(batch, n, yBar, wT, xBar, scratch);
        Width.Dispatch(ref kernel);
    }

    // Validates X: [B, N], W̃: [N, M], Y: [B, M], scratch ≥ M·N when B ≥ packingBatch (sizes in 64 bits); returns N.
    internal static int CheckLinearBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, int m, ReadOnlySpan<double> y, ReadOnlySpan<double> scratch, int packingBatch, string wName, string yName, string xName = "x")
    {
        int n = RowLength(batch, x.Length, xName);
        ThrowHelper.CheckLength(w.Length, (long)m * n, wName, "[N, M] (input-major): N inputs per row, M outputs");
        ThrowHelper.CheckLength(y.Length, (long)batch * m, yName, "[B, M]");
        ThrowHelper.CheckMinimumLength(scratch.Length, packingBatch > 0 && batch >= packingBatch ? (long)m * n : 0, nameof(scratch), "M·N when B ≥ PackingMinimumBatch");
        return n;
    }

    // The row length of a [B, ·] span: checks B > 0 and that the length is a multiple of B.
    internal static int RowLength(int batch, int length, string name)
    {
        ThrowHelper.CheckPositive(batch, nameof(batch));
        if (length % batch != 0)
        {
            ThrowHelper.CheckLength(length, (long)batch * ((length / batch) + 1), name, "[B, ·]: a multiple of the batch size");
        }

        return length / batch;
    }

    // destination: [cols, rows] = source: [rows, cols]ᵀ (lengths already checked), in register tiles where whole ones fit.
    internal static void Transpose(ReadOnlySpan<double> source, int rows, int cols, Span<double> destination)
    {
        var kernel = new TransposeKernel(source, rows, cols, destination);
        Width.Dispatch(ref kernel);
    }
}

/// <summary>destination: [cols, rows] = source: [rows, cols]ᵀ: W × W register tiles, then the edges element by element.</summary>
internal readonly ref struct TransposeKernel(ReadOnlySpan<double> source, int rows, int cols, Span<double> destination) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _source = source;
    private readonly Span<double> _destination = destination;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        ref double s = ref MemoryMarshal.GetReference(_source);
        ref double d = ref MemoryMarshal.GetReference(_destination);
        int w = TS.Count, r0 = 0;
        for (; r0 + w <= rows; r0 += w)
        {
            int c0 = 0;
            for (; c0 + w <= cols; c0 += w)
            {
                TS.TransposeTile(in Unsafe.Add(ref s, ((nint)r0 * cols) + c0), cols, ref Unsafe.Add(ref d, ((nint)c0 * rows) + r0), rows);
            }

            Edge(ref s, ref d, r0, r0 + w, c0);
        }

        Edge(ref s, ref d, r0, rows, 0);
    }

    // Rows [r0, r1), columns c0.. one element at a time.
    private void Edge(ref double s, ref double d, int r0, int r1, int c0)
    {
        for (int r = r0; r < r1; r++)
        {
            for (int c = c0; c < cols; c++)
            {
                Unsafe.Add(ref d, ((nint)c * rows) + r) = Unsafe.Add(ref s, ((nint)r * cols) + c);
            }
        }
    }
}

/// <summary>
/// Y: [B, M] = X: [B, N] · W̃: [N, M] + b (see <see cref="Kernels.LinearForwardBatched"/>): one matrix product whose
/// chains start from the bias, vectorised across the outputs of each row.
/// </summary>
internal readonly ref struct LinearForwardKernel(int batch, int n, ReadOnlySpan<double> x, ReadOnlySpan<double> wT, ReadOnlySpan<double> b, Span<double> y) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _x = x, _wT = wT, _b = b;
    private readonly Span<double> _y = y;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        new MatMulKernel(batch, n, _b.Length, _x, false, _wT, _y, MatMulStart.Row, _b).Run<TS, TV>();
    }
}

/// <summary>
/// dW̃: [N, M] += Xᵀ: [N, B] · Ȳ: [B, M]; db: [M] += Σ_rows Ȳ (see <see cref="Kernels.LinearWeightGradientBatched"/>).
/// When M is narrower than two registers and N is not (an output layer), the product runs on dW = dW̃ᵀ: [M, N] in
/// scratch, so the vector dimension is the wide one; transposing is exact, so the chains are unchanged.
/// </summary>
internal readonly ref struct LinearWeightGradientKernel(int batch, int n, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dWT, Span<double> db, Span<double> scratch) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _yBar = yBar, _x = x;
    private readonly Span<double> _dWT = dWT, _db = db, _scratch = scratch;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = _db.Length, block = 2 * TS.Count;
        if (m < block && n >= block && batch >= Kernels.PackingMinimumBatch)
        {
            Span<double> dW = _scratch[..(m * n)];
            Kernels.Transpose(_dWT, n, m, dW);
            new MatMulKernel(m, batch, n, _yBar, true, _x, dW).Run<TS, TV>();
            Kernels.Transpose(dW, m, n, _dWT);
        }
        else
        {
            new MatMulKernel(n, batch, m, _x, true, _yBar, _dWT).Run<TS, TV>();
        }

        // db_i ← db_i + Ȳ_ri, rows ascending: one chain per lane, B rows deep; up to eight registers (or eight single
        // columns) of chains per pass over the rows, so the additions' latency overlaps.
        int i = 0;
        for (; i + (8 * TS.Count) <= m; i += 8 * TS.Count)
        {
            BiasSums<TS, TV, Size8>(i, m);
        }

        for (; i + (4 * TS.Count) <= m; i += 4 * TS.Count)
        {
            BiasSums<TS, TV, Size4>(i, m);
        }

        for (; i + TS.Count <= m; i += TS.Count)
        {
            BiasSums<TS, TV, Size1>(i, m);
        }

        for (; i + 2 <= m; i += 2)
        {
            BiasSums<SimdScalar, double, Size2>(i, m);
        }

        for (; i < m; i++)
        {
            BiasSums<SimdScalar, double, Size1>(i, m);
        }
    }

    // db[i .. i + C registers) ← db + Σ_rows Ȳ[r, i ..], rows ascending.
    private void BiasSums<TS, TV, TC>(int i, int m)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TC : struct, IBlockSize
    {
        int cols = TC.Value;
        nuint w = (nuint)TS.Count;
        ref double y = ref Unsafe.Add(ref MemoryMarshal.GetReference(_yBar), i);
        ref double d = ref Unsafe.Add(ref MemoryMarshal.GetReference(_db), i);
        TV a0 = TS.Load(ref d, 0), a1 = cols > 1 ? TS.Load(ref d, w) : TS.Zero;
        TV a2 = cols > 2 ? TS.Load(ref d, 2 * w) : TS.Zero, a3 = cols > 3 ? TS.Load(ref d, 3 * w) : TS.Zero;
        TV a4 = cols > 4 ? TS.Load(ref d, 4 * w) : TS.Zero, a5 = cols > 5 ? TS.Load(ref d, 5 * w) : TS.Zero;
        TV a6 = cols > 6 ? TS.Load(ref d, 6 * w) : TS.Zero, a7 = cols > 7 ? TS.Load(ref d, 7 * w) : TS.Zero;
        for (int r = 0; r < batch; r++)
        {
            ref double row = ref Unsafe.Add(ref y, (nint)r * m);
            a0 = TS.Add(a0, TS.Load(ref row, 0));
            if (cols > 1) { a1 = TS.Add(a1, TS.Load(ref row, w)); }
            if (cols > 2) { a2 = TS.Add(a2, TS.Load(ref row, 2 * w)); }
            if (cols > 3) { a3 = TS.Add(a3, TS.Load(ref row, 3 * w)); }
            if (cols > 4) { a4 = TS.Add(a4, TS.Load(ref row, 4 * w)); }
            if (cols > 5) { a5 = TS.Add(a5, TS.Load(ref row, 5 * w)); }
            if (cols > 6) { a6 = TS.Add(a6, TS.Load(ref row, 6 * w)); }
            if (cols > 7) { a7 = TS.Add(a7, TS.Load(ref row, 7 * w)); }
        }

        TS.Store(a0, ref d, 0);
        if (cols > 1) { TS.Store(a1, ref d, w); }
        if (cols > 2) { TS.Store(a2, ref d, 2 * w); }
        if (cols > 3) { TS.Store(a3, ref d, 3 * w); }
        if (cols > 4) { TS.Store(a4, ref d, 4 * w); }
        if (cols > 5) { TS.Store(a5, ref d, 5 * w); }
        if (cols > 6) { TS.Store(a6, ref d, 6 * w); }
        if (cols > 7) { TS.Store(a7, ref d, 7 * w); }
    }
}

/// <summary>
/// X̄: [B, N] = Ȳ: [B, M] · W̃ᵀ (see <see cref="Kernels.LinearInputGradientBatched"/>). Few rows: one <c>Gemv</c> per row
/// over the rows of W̃, from zero (no packing); otherwise X̄ = Ȳ W from zero, with W = W̃ᵀ: [M, N] packed in scratch.
/// Both form the same chains.
/// </summary>
internal readonly ref struct LinearInputGradientKernel(int batch, int n, ReadOnlySpan<double> yBar, ReadOnlySpan<double> wT, Span<double> xBar, Span<double> scratch) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _yBar = yBar, _wT = wT;
    private readonly Span<double> _xBar = xBar, _scratch = scratch;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = _yBar.Length / batch;
        if (batch < Kernels.PackingMinimumBatch)
        {
            for (int r = 0; r < batch; r++)
            {
                Kernels.GemvRows(_wT, _yBar.Slice(r * m, m), default, _xBar.Slice(r * n, n));
            }

            return;
        }

        Span<double> w = _scratch[..(m * n)];
        Kernels.Transpose(_wT, n, m, w);
        new MatMulKernel(batch, m, n, _yBar, false, w, _xBar, MatMulStart.Zero).Run<TS, TV>();
    }
}

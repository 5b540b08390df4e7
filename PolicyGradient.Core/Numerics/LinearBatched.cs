using System.Runtime.InteropServices;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// From this many rows on, the batched kernels pack a transposed operand into <c>scratch</c> (M·N doubles) and run
    /// a matrix product; below it they run row by row and do not touch <c>scratch</c>, which may then be empty. Either
    /// way every output gets the same bits.
    /// </summary>
    public const int PackingMinimumBatch = 4;

    /// <summary>
    /// Batched affine map, Y = X Wᵀ + b over B rows: X: [B, N], W: [M, N], b: [M], Y: [B, M], all row-major;
    /// N = <paramref name="x"/>.Length / B and M = <paramref name="b"/>.Length. Overwrites <paramref name="y"/>.
    /// Each Y_ri is the chain Y_ri = b_i, Y_ri ← fma(X_rk, W_ik, Y_ri) for k ascending, so row r's output has the same
    /// bits whatever B and whatever the other rows. <paramref name="scratch"/> (M·N doubles when
    /// B ≥ <see cref="PackingMinimumBatch"/>) receives Wᵀ.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch)
    {
        int n = CheckLinearBatched(batch, x, w, b.Length, y, scratch, nameof(w), nameof(y));
        var kernel = new LinearForwardKernel(batch, n, x, w, b, y, scratch);
        Width.Dispatch(ref kernel);
    }

    /// <summary>
    /// Weight and bias gradients of <see cref="LinearForwardBatched"/>, accumulated over B rows:
    /// dW ← dW + Ȳᵀ X and db ← db + Σ_rows Ȳ, with Ȳ: [B, M], X: [B, N], dW: [M, N], db: [M]. For rows r ascending,
    /// dW_ij ← fma(Ȳ_ri, X_rj, dW_ij) and db_i ← db_i + Ȳ_ri, so calling it on rows one at a time gives the same bits
    /// as one call on all of them. <paramref name="scratch"/> (M·N doubles when B ≥ <see cref="PackingMinimumBatch"/>)
    /// holds dWᵀ while the input is narrower than the output.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch)
    {
        int n = CheckLinearBatched(batch, x, dW, db.Length, yBar, scratch, nameof(dW), nameof(yBar));
        var kernel = new LinearWeightGradientKernel(batch, n, yBar, x, dW, db, scratch);
        Width.Dispatch(ref kernel);
    }

    // Validates X: [B, N], W: [M, N], Y: [B, M], scratch ≥ M·N when B ≥ PackingMinimumBatch (sizes in 64 bits); returns N.
    internal static int CheckLinearBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, int m, ReadOnlySpan<double> y, ReadOnlySpan<double> scratch, string wName, string yName)
    {
        ThrowHelper.CheckPositive(batch, nameof(batch));
        if (x.Length % batch != 0)
        {
            ThrowHelper.CheckLength(x.Length, (long)batch * ((x.Length / batch) + 1), nameof(x), "[B, N]: a multiple of the batch size");
        }

        int n = x.Length / batch;
        ThrowHelper.CheckLength(w.Length, (long)m * n, wName, "[M, N] with M the bias length and N = x.Length / batch");
        ThrowHelper.CheckLength(y.Length, (long)batch * m, yName, "[B, M]");
        ThrowHelper.CheckMinimumLength(scratch.Length, batch >= PackingMinimumBatch ? (long)m * n : 0, nameof(scratch), "M·N when B ≥ PackingMinimumBatch");
        return n;
    }

    // destination: [cols, rows] = source: [rows, cols]ᵀ
    internal static void Transpose(ReadOnlySpan<double> source, int rows, int cols, Span<double> destination)
    {
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = source.Slice(i * cols, cols);
            for (int j = 0; j < row.Length; j++)
            {
                destination[(j * rows) + i] = row[j];
            }
        }
    }
}

/// <summary>
/// Y: [B, M] = X: [B, N] · Wᵀ + b (see <see cref="Kernels.LinearForwardBatched"/>). Few rows: one <c>Gemv</c> per
/// row (no packing); otherwise Y = b row by row, then Y += X · Wᵀ as one matrix product against Wᵀ: [N, M] packed in
/// scratch. Both form the same chains.
/// </summary>
internal readonly ref struct LinearForwardKernel(int batch, int n, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _x = x, _w = w, _b = b;
    private readonly Span<double> _y = y, _scratch = scratch;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = _b.Length;
        if (batch < Kernels.PackingMinimumBatch)
        {
            for (int r = 0; r < batch; r++)
            {
                Kernels.GemvRows(_w, _x.Slice(r * n, n), _b, _y.Slice(r * m, m));
            }

            return;
        }

        Span<double> wT = _scratch[..(m * n)];
        Kernels.Transpose(_w, m, n, wT);
        for (int r = 0; r < batch; r++)
        {
            _b.CopyTo(_y.Slice(r * m, m));
        }

        new MatMulKernel(batch, n, m, _x, false, wT, _y).Run<TS, TV>();
    }
}

/// <summary>
/// dW: [M, N] += Ȳᵀ: [M, B] · X: [B, N]; db: [M] += Σ_rows Ȳ (see <see cref="Kernels.LinearWeightGradientBatched"/>).
/// When N is narrower than two registers and M is not (a first layer), the product runs on dWᵀ: [N, M] in scratch,
/// so the vector dimension is the wide one; transposing is exact, so the chains are unchanged.
/// </summary>
internal readonly ref struct LinearWeightGradientKernel(int batch, int n, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch) : IWidthKernel
{
    private readonly ReadOnlySpan<double> _yBar = yBar, _x = x;
    private readonly Span<double> _dW = dW, _db = db, _scratch = scratch;

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = _db.Length, block = 2 * TS.Count;
        if (n < block && m >= block && batch >= Kernels.PackingMinimumBatch)
        {
            Span<double> t = _scratch[..(m * n)];
            Kernels.Transpose(_dW, m, n, t);
            new MatMulKernel(n, batch, m, _x, true, _yBar, t).Run<TS, TV>();
            Kernels.Transpose(t, n, m, _dW);
        }
        else
        {
            new MatMulKernel(m, batch, n, _yBar, true, _x, _dW).Run<TS, TV>();
        }

        // db_i ← db_i + Ȳ_ri, rows ascending: one chain per lane, B rows deep.
        ref double yr = ref MemoryMarshal.GetReference(_yBar);
        ref double dr = ref MemoryMarshal.GetReference(_db);
        int i = 0;
        for (; i + TS.Count <= m; i += TS.Count)
        {
            TV acc = TS.Load(ref dr, (nuint)i);
            for (int r = 0; r < batch; r++)
            {
                acc = TS.Add(acc, TS.Load(ref yr, (nuint)((r * m) + i)));
            }

            TS.Store(acc, ref dr, (nuint)i);
        }

        for (; i < m; i++)
        {
            double acc = _db[i];
            for (int r = 0; r < batch; r++)
            {
                acc += _yBar[(r * m) + i];
            }

            _db[i] = acc;
        }
    }
}

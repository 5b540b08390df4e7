using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>Below B = N / PackingBreakEven rows, packing Wᵀ costs more than the matrix product saves.</summary>
    private const int PackingBreakEven = 8;

    /// <summary>
    /// Batched affine map, Y = X Wᵀ + b over B rows: X: [B, N], W: [M, N], b: [M], Y: [B, M], all row-major;
    /// N = <paramref name="x"/>.Length / B and M = <paramref name="b"/>.Length. Overwrites <paramref name="y"/>.
    /// <paramref name="scratch"/> (at least M·N doubles) receives Wᵀ when the product runs as a matrix product.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch)
    {
        int n = CheckLinearBatched(batch, x, w, b.Length, y, scratch, nameof(w), nameof(y));
        if (Simd512.IsAccelerated)
        {
            LinearForwardBatchedCore<Simd512, Vector512<double>>(batch, n, x, w, b, y, scratch);
        }
        else if (Simd256.IsAccelerated)
        {
            LinearForwardBatchedCore<Simd256, Vector256<double>>(batch, n, x, w, b, y, scratch);
        }
        else if (Simd128.IsAccelerated)
        {
            LinearForwardBatchedCore<Simd128, Vector128<double>>(batch, n, x, w, b, y, scratch);
        }
        else
        {
            ScalarKernels.LinearForwardBatched(batch, x, w, b, y, scratch);
        }
    }

    /// <summary>
    /// Weight and bias gradients of <see cref="LinearForwardBatched"/>, accumulated over B rows:
    /// dW ← dW + Ȳᵀ X and db ← db + Σ_rows Ȳ, with Ȳ: [B, M], X: [B, N], dW: [M, N], db: [M].
    /// <paramref name="scratch"/> (at least M·N doubles) holds Xᵀ Ȳ when the input is narrower than the output.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the stated shape.</exception>
    public static void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch)
    {
        int n = CheckLinearBatched(batch, x, dW, db.Length, yBar, scratch, nameof(dW), nameof(yBar));
        if (Simd512.IsAccelerated)
        {
            LinearWeightGradientBatchedCore<Simd512, Vector512<double>>(batch, n, yBar, x, dW, db, scratch);
        }
        else if (Simd256.IsAccelerated)
        {
            LinearWeightGradientBatchedCore<Simd256, Vector256<double>>(batch, n, yBar, x, dW, db, scratch);
        }
        else if (Simd128.IsAccelerated)
        {
            LinearWeightGradientBatchedCore<Simd128, Vector128<double>>(batch, n, yBar, x, dW, db, scratch);
        }
        else
        {
            ScalarKernels.LinearWeightGradientBatched(batch, yBar, x, dW, db, scratch);
        }
    }

    // Validates X: [B, N], W: [M, N], Y: [B, M], scratch ≥ M·N; returns N.
    internal static int CheckLinearBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, int m, ReadOnlySpan<double> y, ReadOnlySpan<double> scratch, string wName, string yName)
    {
        ThrowHelper.CheckPositive(batch, nameof(batch));
        if (x.Length % batch != 0)
        {
            ThrowHelper.CheckLength(x.Length, batch * (x.Length / batch), nameof(x), "[B, N]: a multiple of the batch size");
        }

        int n = x.Length / batch;
        ThrowHelper.CheckLength(w.Length, m * n, wName, "[M, N] with M the bias length and N = x.Length / batch");
        ThrowHelper.CheckLength(y.Length, batch * m, yName, "[B, M]");
        ThrowHelper.CheckMinimumLength(scratch.Length, m * n, nameof(scratch), "M·N");
        return n;
    }

    // Y: [B, M] = X: [B, N] · Wᵀ + b. Wide outputs run as one matrix product against a packed Wᵀ: [N, M];
    // narrow outputs (such as a handful of logits), and batches too small to repay the M·N copy of packing, as B
    // matrix–vector products, which need no packing.
    internal static void LinearForwardBatchedCore<TS, TV>(int batch, int n, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = b.Length;
        if (m < 2 * TS.Count || batch < n / PackingBreakEven)
        {
            for (int r = 0; r < batch; r++)
            {
                GemvCore<TS, TV>(w, x.Slice(r * n, n), b, y.Slice(r * m, m));
            }

            return;
        }

        Span<double> wT = scratch[..(m * n)];
        Transpose(w, m, n, wT);
        for (int r = 0; r < batch; r++)
        {
            b.CopyTo(y.Slice(r * m, m));
        }

        MatMulAccumulateCore<TS, TV>(batch, n, m, x, false, wT, y);
    }

    // dW: [M, N] += Ȳᵀ: [M, B] · X: [B, N]; db: [M] += Σ_rows Ȳ. When N is narrow and M wide, the product is
    // formed as Xᵀ Ȳ: [N, M] in scratch (so the vector dimension is the wide one) and added back transposed.
    internal static void LinearWeightGradientBatchedCore<TS, TV>(int batch, int n, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int m = db.Length, block = 2 * TS.Count;
        if (n < block && m >= block)
        {
            Span<double> t = scratch[..(m * n)];
            t.Clear();
            MatMulAccumulateCore<TS, TV>(n, batch, m, x, true, yBar, t);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    dW[(i * n) + j] += t[(j * m) + i];
                }
            }
        }
        else
        {
            MatMulAccumulateCore<TS, TV>(m, batch, n, yBar, true, x, dW);
        }

        ref double dbr = ref MemoryMarshal.GetReference(db);
        for (int r = 0; r < batch; r++)
        {
            AxpyCore<TS, TV>(1.0, ref MemoryMarshal.GetReference(yBar.Slice(r * m, m)), ref dbr, m);
        }
    }

    // destination: [cols, rows] = source: [rows, cols]ᵀ
    private static void Transpose(ReadOnlySpan<double> source, int rows, int cols, Span<double> destination)
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

public static partial class ScalarKernels
{
    /// <summary>Y = X Wᵀ + b over B rows (see <see cref="Kernels.LinearForwardBatched"/>); scratch is unused.</summary>
    public static void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Span<double> scratch)
    {
        int n = Kernels.CheckLinearBatched(batch, x, w, b.Length, y, scratch, nameof(w), nameof(y));
        int m = b.Length;
        for (int r = 0; r < batch; r++)
        {
            Gemv(w, x.Slice(r * n, n), b, y.Slice(r * m, m));
        }
    }

    /// <summary>dW += Ȳᵀ X, db += Σ_rows Ȳ (see <see cref="Kernels.LinearWeightGradientBatched"/>); scratch is unused.</summary>
    public static void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dW, Span<double> db, Span<double> scratch)
    {
        int n = Kernels.CheckLinearBatched(batch, x, dW, db.Length, yBar, scratch, nameof(dW), nameof(yBar));
        int m = db.Length;
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> yRow = yBar.Slice(r * m, m);
            Rank1Accumulate(1.0, yRow, x.Slice(r * n, n), dW);
            Axpy(1.0, yRow, db);
        }
    }
}

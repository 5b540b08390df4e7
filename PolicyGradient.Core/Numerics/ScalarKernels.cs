namespace PolicyGradient.Numerics;

/// <summary>
/// Plain scalar loops, one per kernel in <see cref="Kernels"/>, written to be read: they <em>define</em> the order of
/// every operation, and the tests hold every SIMD kernel, at every register width, to them with exact equality.
/// The rules: every output of a matrix product is a chain of fused multiply-adds over the inner index ascending,
/// starting from the bias (or from the destination's value when accumulating); a sum over rows runs over the rows
/// ascending, adding into the destination; a full-length sum (dot, log-sum-exp) uses eight interleaved partial sums
/// combined pairwise; transcendentals come from <see cref="DeterministicMath"/>.
/// </summary>
public static class ScalarKernels
{
    /// <summary>xᵀy: s_j ← fma(x_i, y_i, s_j) for j = i mod 8, i ascending; ((s₀+s₄)+(s₂+s₆)) + ((s₁+s₅)+(s₃+s₇)).</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        Span<double> s = stackalloc double[8];
        for (int i = 0; i < x.Length; i++)
        {
            s[i % 8] = Math.FusedMultiplyAdd(x[i], y[i], s[i % 8]);
        }

        return CombinePartials(s);
    }

    /// <summary>Σ_i x_i: s_j ← s_j + x_i for j = i mod 8, i ascending; combined as in <see cref="Dot"/>.</summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        Span<double> s = stackalloc double[8];
        for (int i = 0; i < x.Length; i++)
        {
            s[i % 8] += x[i];
        }

        return CombinePartials(s);
    }

    /// <summary>y_i ← fma(α, x_i, y_i).</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
        }
    }

    /// <summary>x_i ← α·x_i.</summary>
    public static void Scale(double alpha, Span<double> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = alpha * x[i];
        }
    }

    /// <summary>y_i = b_i, then y_i ← fma(W_ik, x_k, y_i) for k ascending; W: [M, N] row-major.</summary>
    public static void Gemv(ReadOnlySpan<double> w, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> y)
    {
        Kernels.CheckGemv(w, x, b, y);
        int n = x.Length;
        for (int i = 0; i < y.Length; i++)
        {
            double acc = b[i];
            for (int k = 0; k < n; k++)
            {
                acc = Math.FusedMultiplyAdd(w[(i * n) + k], x[k], acc);
            }

            y[i] = acc;
        }
    }

    /// <summary>x̄_k ← fma(W_ik, ȳ_i, x̄_k) for i ascending; W: [M, N] row-major.</summary>
    public static void GemvTransposedAccumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        Kernels.CheckGemvTransposed(w, yBar, xBar);
        int n = xBar.Length;
        for (int i = 0; i < yBar.Length; i++)
        {
            for (int k = 0; k < n; k++)
            {
                xBar[k] = Math.FusedMultiplyAdd(w[(i * n) + k], yBar[i], xBar[k]);
            }
        }
    }

    /// <summary>G_ik ← fma(α·ȳ_i, x_k, G_ik); G: [M, N] row-major.</summary>
    public static void Rank1Accumulate(double alpha, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> g)
    {
        Kernels.CheckRank1(yBar, x, g);
        int n = x.Length;
        for (int i = 0; i < yBar.Length; i++)
        {
            double scaled = alpha * yBar[i];
            for (int k = 0; k < n; k++)
            {
                g[(i * n) + k] = Math.FusedMultiplyAdd(scaled, x[k], g[(i * n) + k]);
            }
        }
    }

    /// <summary>C_ij ← fma(op(A)_ip, B_pj, C_ij) for p ascending (see <see cref="Kernels.MatMulAccumulate"/>).</summary>
    public static void MatMulAccumulate(int m, int k, int n, ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, Span<double> c)
    {
        Kernels.CheckMatMul(m, k, n, a, b, c);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double acc = c[(i * n) + j];
                for (int p = 0; p < k; p++)
                {
                    double aip = transposeA ? a[(p * m) + i] : a[(i * k) + p];
                    acc = Math.FusedMultiplyAdd(aip, b[(p * n) + j], acc);
                }

                c[(i * n) + j] = acc;
            }
        }
    }

    /// <summary>
    /// Y_ri = b_i, then Y_ri ← fma(X_rk, W̃_ki, Y_ri) for k ascending, with W̃: [N, M] input-major
    /// (see <see cref="Kernels.LinearForwardBatched"/>).
    /// </summary>
    public static void LinearForwardBatched(int batch, ReadOnlySpan<double> x, ReadOnlySpan<double> wT, ReadOnlySpan<double> b, Span<double> y)
    {
        int n = Kernels.CheckLinearBatched(batch, x, wT, b.Length, y, [], 0, nameof(wT), nameof(y));
        int m = b.Length;
        for (int r = 0; r < batch; r++)
        {
            for (int i = 0; i < m; i++)
            {
                double acc = b[i];
                for (int k = 0; k < n; k++)
                {
                    acc = Math.FusedMultiplyAdd(x[(r * n) + k], wT[(k * m) + i], acc);
                }

                y[(r * m) + i] = acc;
            }
        }
    }

    /// <summary>
    /// For rows r ascending: dW̃_ki ← fma(X_rk, Ȳ_ri, dW̃_ki) and db_i ← db_i + Ȳ_ri, with dW̃: [N, M] input-major
    /// (see <see cref="Kernels.LinearWeightGradientBatched"/>); scratch is unused.
    /// </summary>
    public static void LinearWeightGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> x, Span<double> dWT, Span<double> db, Span<double> scratch)
    {
        int n = Kernels.CheckLinearBatched(batch, x, dWT, db.Length, yBar, scratch, Kernels.PackingMinimumBatch, nameof(dWT), nameof(yBar));
        int m = db.Length;
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> yRow = yBar.Slice(r * m, m);
            Rank1Accumulate(1.0, x.Slice(r * n, n), yRow, dWT);
            for (int i = 0; i < m; i++)
            {
                db[i] += yRow[i];
            }
        }
    }

    /// <summary>
    /// X̄_rk = +0, then X̄_rk ← fma(Ȳ_ri, W̃_ki, X̄_rk) for i ascending, with W̃: [N, M] input-major
    /// (see <see cref="Kernels.LinearInputGradientBatched"/>); scratch is unused.
    /// </summary>
    public static void LinearInputGradientBatched(int batch, ReadOnlySpan<double> yBar, ReadOnlySpan<double> wT, Span<double> xBar, Span<double> scratch)
    {
        int m = Kernels.RowLength(batch, yBar.Length, nameof(yBar));
        int n = Kernels.CheckLinearBatched(batch, xBar, wT, m, yBar, scratch, Kernels.PackingMinimumBatch, nameof(wT), nameof(yBar), nameof(xBar));
        for (int r = 0; r < batch; r++)
        {
            for (int k = 0; k < n; k++)
            {
                double acc = 0.0;
                for (int i = 0; i < m; i++)
                {
                    acc = Math.FusedMultiplyAdd(yBar[(r * m) + i], wT[(k * m) + i], acc);
                }

                xBar[(r * n) + k] = acc;
            }
        }
    }

    /// <summary>m + ln Σ_i e^{z_i − m}, m = max z, the sum in the order of <see cref="Dot"/>.</summary>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            if (double.IsNaN(v))
            {
                return v;
            }

            max = Math.Max(max, v);
        }

        if (!double.IsFinite(max))
        {
            return max;
        }

        Span<double> s = stackalloc double[8];
        for (int i = 0; i < z.Length; i++)
        {
            s[i % 8] += DeterministicMath.Exp(z[i] - max);
        }

        return max + DeterministicMath.Log(CombinePartials(s));
    }

    /// <summary>destination_i = z_i − logsumexp(z).</summary>
    public static void LogSoftmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        double lse = LogSumExp(z);
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] = z[i] - lse;
        }
    }

    /// <summary>destination_i = e^{z_i − m} / Σ_j e^{z_j − m}, m = max z, the sum in the order of <see cref="Dot"/>.</summary>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            max = double.IsNaN(v) || double.IsNaN(max) ? double.NaN : Math.Max(max, v);
        }

        Span<double> s = stackalloc double[8];
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] = DeterministicMath.Exp(z[i] - max);
            s[i % 8] += destination[i];
        }

        double sum = CombinePartials(s);
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] /= sum;
        }
    }

    /// <summary>y_i = tanh x_i (<see cref="DeterministicMath.Tanh"/>).</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = DeterministicMath.Tanh(x[i]);
        }
    }

    /// <summary>x̄_i = ȳ_i · fma(−y_i, y_i, 1).</summary>
    public static void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        ThrowHelper.CheckLength(yBar.Length, y.Length, nameof(yBar), "same length as y");
        ThrowHelper.CheckLength(xBar.Length, y.Length, nameof(xBar), "same length as y");
        for (int i = 0; i < y.Length; i++)
        {
            xBar[i] = yBar[i] * Math.FusedMultiplyAdd(-y[i], y[i], 1.0);
        }
    }

    /// <summary>y_i = x_i if x_i &gt; 0, NaN if x_i is NaN, else +0.</summary>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0 || double.IsNaN(x[i]) ? x[i] : 0.0;
        }
    }

    /// <summary>x̄_i = ȳ_i where y_i &gt; 0, else 0.</summary>
    public static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        ThrowHelper.CheckLength(yBar.Length, y.Length, nameof(yBar), "same length as y");
        ThrowHelper.CheckLength(xBar.Length, y.Length, nameof(xBar), "same length as y");
        for (int i = 0; i < y.Length; i++)
        {
            xBar[i] = y[i] > 0 ? yBar[i] : 0.0;
        }
    }

    private static double CombinePartials(ReadOnlySpan<double> s) => ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

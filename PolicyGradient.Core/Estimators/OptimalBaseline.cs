namespace PolicyGradient.Estimators;

/// <summary>
/// The variance-minimising constant baseline, per parameter k: b_k = Σ_i x_{i,k} g_{i,k} / Σ_i g_{i,k}², with
/// g_i = Σ_t ∇log π(a_{i,t}|s_{i,t}) and x_i = Σ_t ∇log π · v_{i,t} the trajectory's term without a baseline; for whole
/// returns x_i = g_i r(τ_i) and b_k = Σ g² r / Σ g² (the lecture's last slide). The terms are h_i = x_i − b ⊙ g_i.
/// With leave-one-out the sums run over j ≠ i.
/// </summary>
/// <param name="leaveOneOut">Leave trajectory i out of its own baseline.</param>
public sealed class OptimalBaseline(bool leaveOneOut) : Baseline(leaveOneOut)
{
    private double[] _g = [], _x = [], _sums = [], _term = [];

    /// <inheritdoc/>
    public override string Name => LeaveOneOut ? "optimal (leave-one-out)" : "optimal";

    /// <inheritdoc/>
    public override void AddTerms(EstimationContext context, GradientTerms terms)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(terms);
        int n = context.Episodes, p = context.ParameterCount;
        ReadOnlySpan<int> offsets = context.Batch.EpisodeOffsets;
        Span<double> g = Buffer(ref _g, (long)n * p), x = Buffer(ref _x, (long)n * p);
        g.Clear();
        x.Clear();
        Span<double> ones = context.Scratch[..context.Batch.StepCount];
        ones.Fill(1.0);
        for (int i = 0; i < n; i++)
        {
            int start = offsets[i], length = offsets[i + 1] - start;
            Span<double> gi = g.Slice(i * p, p), xi = x.Slice(i * p, p);
            context.AccumulateScores(start, length, ones.Slice(start, length), gi); // g_i = Σ_t ∇log π
            if (context.ReturnKind == ReturnKind.Total)
            {
                double r = context.EpisodeReturns[i];
                for (int k = 0; k < p; k++)
                {
                    xi[k] = r * gi[k];                                                // x_i = r(τ_i) g_i
                }
            }
            else
            {
                context.AccumulateScores(start, length, context.Values.Slice(start, length), xi); // x_i = Σ_t ∇log π Q̂_t
            }
        }

        Span<double> sxg = Buffer(ref _sums, 2L * p)[..p], sgg = _sums.AsSpan(p, p);
        sxg.Clear();
        sgg.Clear();
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < p; k++)
            {
                double gik = g[(i * p) + k];
                sxg[k] += x[(i * p) + k] * gik;
                sgg[k] += gik * gik;
            }
        }

        Span<double> h = Buffer(ref _term, p);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < p; k++)
            {
                double gik = g[(i * p) + k], xik = x[(i * p) + k];
                double numerator = LeaveOneOut ? sxg[k] - (xik * gik) : sxg[k];
                double denominator = LeaveOneOut ? sgg[k] - (gik * gik) : sgg[k];
                double b = denominator > 0 ? numerator / denominator : 0;
                h[k] = xik - (b * gik);
            }

            terms.Add(h);
        }
    }

    internal static Span<double> Buffer(ref double[] buffer, long length)
    {
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"A per-parameter baseline needs {length} doubles (episodes × parameters), past the largest array .NET allocates; use fewer episodes per batch or a scalar baseline.");
        }

        if (buffer.Length < length)
        {
            buffer = new double[Math.Max(length, Math.Min(Array.MaxLength, 2L * buffer.Length))];
        }

        return buffer.AsSpan(0, (int)length);
    }
}

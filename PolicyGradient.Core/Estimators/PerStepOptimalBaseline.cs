namespace PolicyGradient.Estimators;

/// <summary>
/// The GPOMDP form of Peters &amp; Schaal (2008), per parameter and time step: h_{i,k} = Σ_t G_{i,t,k} (γᵗ r_{i,t} −
/// b_{t,k}), G_{i,t} = Σ_{j≤t} ∇log π(a_{i,j}|s_{i,j}), b_{t,k} = Σ_i G²_{i,t,k} γᵗ r_{i,t} / Σ_i G²_{i,t,k} over the
/// episodes running at t (leave-one-out: over j ≠ i). Needs rewards-to-go.
/// </summary>
/// <param name="leaveOneOut">Leave trajectory i out of its own baseline.</param>
public sealed class PerStepOptimalBaseline(bool leaveOneOut) : Baseline(leaveOneOut)
{
    private double[] _running = [], _terms = [], _sums = [];

    /// <inheritdoc/>
    public override string Name => LeaveOneOut ? "optimal-per-step (leave-one-out)" : "optimal-per-step";

    /// <inheritdoc/>
    public override void AddTerms(EstimationContext context, GradientTerms terms)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(terms);
        int n = context.Episodes, p = context.ParameterCount, longest = 0;
        ReadOnlySpan<int> offsets = context.Batch.EpisodeOffsets;
        for (int i = 0; i < n; i++)
        {
            longest = Math.Max(longest, offsets[i + 1] - offsets[i]);
        }

        Span<double> running = OptimalBaseline.Buffer(ref _running, (long)n * p), h = OptimalBaseline.Buffer(ref _terms, (long)n * p);
        running.Clear();
        h.Clear();
        Span<double> numerator = OptimalBaseline.Buffer(ref _sums, 2L * p)[..p], denominator = _sums.AsSpan(p, p);
        ReadOnlySpan<double> rewards = context.Batch.Rewards;
        double power = 1, one = 1;
        for (int t = 0; t < longest; t++)
        {
            numerator.Clear();
            denominator.Clear();
            for (int i = 0; i < n; i++)
            {
                if (t >= offsets[i + 1] - offsets[i])
                {
                    continue; // ended before t: contributes nothing at t
                }

                int row = offsets[i] + t;
                Span<double> gi = running.Slice(i * p, p);
                context.AccumulateScores(row, 1, new ReadOnlySpan<double>(in one), gi); // G_{i,t} = G_{i,t−1} + ∇log π(a_{i,t}|s_{i,t})
                double c = power * rewards[row];
                for (int k = 0; k < p; k++)
                {
                    double g2 = gi[k] * gi[k];
                    numerator[k] += g2 * c;
                    denominator[k] += g2;
                }
            }

            for (int i = 0; i < n; i++)
            {
                if (t >= offsets[i + 1] - offsets[i])
                {
                    continue;
                }

                double c = power * rewards[offsets[i] + t];
                Span<double> gi = running.Slice(i * p, p), hi = h.Slice(i * p, p);
                for (int k = 0; k < p; k++)
                {
                    double g2 = gi[k] * gi[k];
                    double num = LeaveOneOut ? numerator[k] - (g2 * c) : numerator[k];
                    double den = LeaveOneOut ? denominator[k] - g2 : denominator[k];
                    double b = den > 0 ? num / den : 0;
                    hi[k] += gi[k] * (c - b);
                }
            }

            power *= context.Discount;
        }

        for (int i = 0; i < n; i++)
        {
            terms.Add(h.Slice(i * p, p));
        }
    }
}

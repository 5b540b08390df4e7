namespace PolicyGradient.Estimators;

/// <summary>
/// The batch-mean baseline: with whole returns, b = (1/N) Σ_j r(τ_j); with rewards-to-go, per time step, the mean of
/// Q̂_{j,t} over the episodes still running at t. With leave-one-out, trajectory i's baseline averages the other
/// N − 1 only (b = 0 at a step where no other episode runs), which makes it exactly unbiased; the batch version has an
/// O(1/N) bias, −∇J/N for whole returns.
/// </summary>
/// <param name="leaveOneOut">Leave trajectory i out of its own baseline.</param>
public sealed class AverageBaseline(bool leaveOneOut) : ScalarBaseline(leaveOneOut)
{
    private double[] _sums = [];
    private int[] _counts = [];

    /// <inheritdoc/>
    public override string Name => LeaveOneOut ? "average (leave-one-out)" : "average";

    /// <inheritdoc/>
    public override void Advantages(EstimationContext context, Span<double> advantages)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReadOnlySpan<int> offsets = context.Batch.EpisodeOffsets;
        int n = context.Episodes;
        if (context.ReturnKind == ReturnKind.Total)
        {
            ReadOnlySpan<double> returns = context.EpisodeReturns;
            double total = 0;
            foreach (double r in returns)
            {
                total += r;
            }

            for (int i = 0; i < n; i++)
            {
                double b = LeaveOneOut ? (total - returns[i]) / (n - 1) : total / n; // mean_j r(τ_j), or mean_{j≠i}
                advantages[offsets[i]..offsets[i + 1]].Fill(returns[i] - b);
            }

            return;
        }

        // b_t = mean of Q̂_{j,t} over the episodes j still running at t
        int longest = 0;
        for (int i = 0; i < n; i++)
        {
            longest = Math.Max(longest, offsets[i + 1] - offsets[i]);
        }

        Span<double> sums = Buffer(ref _sums, longest);
        sums.Clear();
        if (_counts.Length < longest)
        {
            _counts = new int[Math.Max(longest, 2 * _counts.Length)];
        }

        Span<int> counts = _counts.AsSpan(0, longest);
        counts.Clear();
        ReadOnlySpan<double> values = context.Values;
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < offsets[i + 1] - offsets[i]; t++)
            {
                sums[t] += values[offsets[i] + t];
                counts[t]++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < offsets[i + 1] - offsets[i]; t++)
            {
                double v = values[offsets[i] + t];
                double b = LeaveOneOut
                    ? (counts[t] > 1 ? (sums[t] - v) / (counts[t] - 1) : 0)
                    : sums[t] / counts[t];
                advantages[offsets[i] + t] = v - b;
            }
        }
    }
}

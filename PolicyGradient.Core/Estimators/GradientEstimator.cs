using System.Numerics.Tensors;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// Estimates ∇_θ J(θ) from a batch of N sampled trajectories with the return and baseline of its
/// <see cref="EstimatorOptions"/>. Every variant is written as ĝ = (1/N) Σ_i h_i with a per-trajectory term h_i:
/// <list type="bullet">
/// <item>scalar baselines (None, Average): h_i = Σ_t ∇log π(a_{i,t}|s_{i,t}) A_{i,t} with A = v − b, v the return
/// (Total) or reward-to-go, computed for each episode with one batched score call;</item>
/// <item>Optimal: h_i = x_i − b ⊙ g_i with g_i = Σ_t ∇log π, x_i = Σ_t ∇log π · v and b_k = Σ x g / Σ g²
/// (x_i = r(τ_i) g_i for Total, so only g_i is computed);</item>
/// <item>OptimalPerStep (GPOMDP): h_i = Σ_t G_{i,t} ⊙ (γᵗ r_{i,t} − b_t), built time step by time step from the running
/// score sums G_{i,t}.</item>
/// </list>
/// The sample variance of the h_i is reported with every estimate. Buffers are kept between calls (steady state
/// allocates nothing for a fixed batch shape). Not thread-safe.
/// </summary>
public sealed class GradientEstimator
{
    private double[] _values = [], _advantages = [], _episodeReturns = [], _term = [], _sum = [], _sumSquares = [];
    private double[] _x = [], _g = [], _scratch = [], _baseline = [];
    private int[] _counts = [];
    private PolicyWorkspace? _workspace;

    /// <summary>Creates the estimator.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (see <see cref="EstimatorOptions.Validate"/>).</exception>
    public GradientEstimator(EstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The return, baseline and options of this estimator.</summary>
    public EstimatorOptions Options { get; }

    /// <summary>Writes the estimate ĝ into <paramref name="gradient"/> (overwritten) and returns its diagnostics.</summary>
    /// <exception cref="ArgumentException">
    /// Empty batch, N = 1 with leave-one-out, NaN or infinite rewards, a policy that does not fit the batch, or a
    /// gradient of the wrong length. Nothing is written then, and the policy is never changed.
    /// </exception>
    public GradientEstimate Estimate(Policy policy, TrajectoryBatch batch, Span<double> gradient)
    {
        Check(policy, batch);
        ThrowHelper.CheckLength(gradient.Length, policy.ParameterCount, nameof(gradient), "[policy.ParameterCount]");
        int n = batch.EpisodeCount, p = policy.ParameterCount;
        Prepare(policy, batch);
        Ensure(ref _term, p);
        Ensure(ref _sum, p);
        Ensure(ref _sumSquares, p);
        Array.Clear(_sum, 0, p);
        Array.Clear(_sumSquares, 0, p);

        switch (Options.Baseline)
        {
            case BaselineKind.None or BaselineKind.Average:
                ScalarAdvantages(batch);
                for (int i = 0; i < n; i++)
                {
                    Span<double> h = _term.AsSpan(0, p);
                    h.Clear();
                    int start = batch.EpisodeOffsets[i], length = batch.EpisodeLength(i);
                    BatchScores.Accumulate(policy, batch, start, length, _advantages.AsSpan(start, length), h, _workspace!);
                    AddTerm(h);
                }

                break;
            case BaselineKind.Optimal:
                OptimalTerms(policy, batch);
                break;
            default:
                PerStepTerms(policy, batch);
                break;
        }

        Span<double> sum = _sum.AsSpan(0, p);
        TensorMean(sum, n, gradient);
        double variance = n < 2 ? double.NaN : 0;
        for (int k = 0; k < p && n >= 2; k++)
        {
            double mean = _sum[k] / n;
            variance += Math.Max(0, (_sumSquares[k] - (n * mean * mean)) / (n - 1));
        }

        return Diagnostics(batch, variance);
    }

    /// <summary>
    /// The pseudo-loss J̃(θ) = (1/N) Σ_i Σ_t log π_θ(a_{i,t}|s_{i,t}) A_{i,t}, the advantages A held fixed at their
    /// sampled values (the lecture's weighted maximum likelihood): its gradient is exactly the estimate of this
    /// estimator. Defined for scalar baselines (None, Average).
    /// </summary>
    /// <exception cref="InvalidOperationException">The baseline is per parameter (Optimal, OptimalPerStep).</exception>
    public double PseudoLoss(Policy policy, TrajectoryBatch batch)
    {
        if (Options.Baseline is not (BaselineKind.None or BaselineKind.Average))
        {
            throw new InvalidOperationException("A per-parameter baseline has no single scalar pseudo-loss; use None or Average.");
        }

        Check(policy, batch);
        Prepare(policy, batch);
        ScalarAdvantages(batch);
        Span<double> logPi = _scratch.AsSpan(0, batch.StepCount);
        BatchScores.LogProbabilities(policy, batch, 0, batch.StepCount, logPi, _workspace!);
        return Kernels.Dot(logPi, _advantages.AsSpan(0, batch.StepCount)) / batch.EpisodeCount;
    }

    private void Check(Policy policy, TrajectoryBatch batch)
    {
        Returns.Check(batch, Options.Discount);
        batch.CheckPolicy(policy);
        if (Options.LeaveOneOut && batch.EpisodeCount < 2)
        {
            throw new ArgumentException("A leave-one-out baseline needs at least 2 episodes.", nameof(batch));
        }
    }

    private void Prepare(Policy policy, TrajectoryBatch batch)
    {
        if (_workspace is null || !ReferenceEquals(_workspace.Owner, policy))
        {
            _workspace = policy.CreateWorkspace();
        }

        int steps = batch.StepCount, n = batch.EpisodeCount;
        Ensure(ref _values, steps);
        Ensure(ref _advantages, steps);
        Ensure(ref _scratch, Math.Max(steps, n));
        Ensure(ref _episodeReturns, n);
        Span<double> values = _values.AsSpan(0, steps);
        if (Options.Returns == ReturnKind.RewardToGo)
        {
            Returns.RewardToGo(batch, Options.Discount, values);
        }
        else
        {
            Returns.Total(batch, Options.Discount, _episodeReturns.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                values[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]].Fill(_episodeReturns[i]);
            }
        }
    }

    // A_{i,t} = v_{i,t} − b_{i,t}, optionally normalised.
    private void ScalarAdvantages(TrajectoryBatch batch)
    {
        int steps = batch.StepCount, n = batch.EpisodeCount;
        Span<double> a = _advantages.AsSpan(0, steps);
        _values.AsSpan(0, steps).CopyTo(a);
        if (Options.Baseline == BaselineKind.Average)
        {
            if (Options.Returns == ReturnKind.Total)
            {
                double total = TensorPrimitives.Sum(_episodeReturns.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                {
                    // b = mean_j r(τ_j), or with leave-one-out mean_{j≠i} r(τ_j)
                    double b = Options.LeaveOneOut ? (total - _episodeReturns[i]) / (n - 1) : total / n;
                    a[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]].Fill(_episodeReturns[i] - b);
                }
            }
            else
            {
                SubtractPerStepMean(batch, a);
            }
        }

        if (Options.Normalize)
        {
            double mean = TensorPrimitives.Sum(a) / steps, squares = 0;
            foreach (double v in a)
            {
                squares += (v - mean) * (v - mean);
            }

            double std = Math.Sqrt(squares / steps);
            for (int t = 0; t < steps; t++)
            {
                a[t] = std > 0 ? (a[t] - mean) / std : 0;
            }
        }
    }

    // b_t = mean of Q̂_{j,t} over the episodes j still running at step t (leave-one-out: j ≠ i; none left: b = 0).
    private void SubtractPerStepMean(TrajectoryBatch batch, Span<double> a)
    {
        int n = batch.EpisodeCount, longest = 0;
        for (int i = 0; i < n; i++)
        {
            longest = Math.Max(longest, batch.EpisodeLength(i));
        }

        Span<double> sums = _scratch.AsSpan(0, longest);
        sums.Clear();
        if (_counts.Length < longest)
        {
            _counts = new int[Math.Max(longest, 2 * _counts.Length)];
        }

        Span<int> counts = _counts.AsSpan(0, longest);
        counts.Clear();
        for (int i = 0; i < n; i++)
        {
            int start = batch.EpisodeOffsets[i];
            for (int t = 0; t < batch.EpisodeLength(i); t++)
            {
                sums[t] += _values[start + t];
                counts[t]++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            int start = batch.EpisodeOffsets[i];
            for (int t = 0; t < batch.EpisodeLength(i); t++)
            {
                double v = _values[start + t];
                double b = Options.LeaveOneOut
                    ? (counts[t] > 1 ? (sums[t] - v) / (counts[t] - 1) : 0)
                    : sums[t] / counts[t];
                a[start + t] = v - b;
            }
        }
    }

    // h_i = x_i − b ⊙ g_i with b_k = Σ x g / Σ g² (leave-one-out: sums over j ≠ i).
    private void OptimalTerms(Policy policy, TrajectoryBatch batch)
    {
        int n = batch.EpisodeCount, p = policy.ParameterCount;
        Ensure(ref _g, n * p);
        Ensure(ref _x, n * p);
        Ensure(ref _baseline, 2 * p);
        Span<double> g = _g.AsSpan(0, n * p), x = _x.AsSpan(0, n * p);
        g.Clear();
        Span<double> ones = _advantages.AsSpan(0, batch.StepCount);
        ones.Fill(1.0);
        for (int i = 0; i < n; i++)
        {
            int start = batch.EpisodeOffsets[i], length = batch.EpisodeLength(i);
            Span<double> gi = g.Slice(i * p, p), xi = x.Slice(i * p, p);
            BatchScores.Accumulate(policy, batch, start, length, ones.Slice(start, length), gi, _workspace!); // g_i = Σ_t ∇log π
            if (Options.Returns == ReturnKind.Total)
            {
                TensorScale(gi, _episodeReturns[i], xi);                                                  // x_i = r(τ_i) g_i
            }
            else
            {
                xi.Clear();
                BatchScores.Accumulate(policy, batch, start, length, _values.AsSpan(start, length), xi, _workspace!); // x_i = Σ_t ∇log π Q̂_t
            }
        }

        Span<double> sxg = _baseline.AsSpan(0, p), sgg = _baseline.AsSpan(p, p);
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

        Span<double> h = _term.AsSpan(0, p);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < p; k++)
            {
                double gik = g[(i * p) + k], xik = x[(i * p) + k];
                double numerator = Options.LeaveOneOut ? sxg[k] - (xik * gik) : sxg[k];
                double denominator = Options.LeaveOneOut ? sgg[k] - (gik * gik) : sgg[k];
                double b = denominator > 0 ? numerator / denominator : 0;
                h[k] = xik - (b * gik);
            }

            AddTerm(h);
        }
    }

    // GPOMDP: h_i = Σ_t G_{i,t} ⊙ (γᵗ r_{i,t} − b_t), b_{t,k} = Σ_i G²_{i,t,k} γᵗ r_{i,t} / Σ_i G²_{i,t,k} over episodes running at t.
    private void PerStepTerms(Policy policy, TrajectoryBatch batch)
    {
        int n = batch.EpisodeCount, p = policy.ParameterCount, longest = 0;
        for (int i = 0; i < n; i++)
        {
            longest = Math.Max(longest, batch.EpisodeLength(i));
        }

        Ensure(ref _g, n * p);
        Ensure(ref _x, n * p);
        Ensure(ref _baseline, 2 * p);
        Span<double> running = _g.AsSpan(0, n * p), terms = _x.AsSpan(0, n * p);
        running.Clear();
        terms.Clear();
        Span<double> numerator = _baseline.AsSpan(0, p), denominator = _baseline.AsSpan(p, p);
        ReadOnlySpan<double> rewards = batch.Rewards;
        double power = 1;
        Span<double> one = [1.0];
        for (int t = 0; t < longest; t++)
        {
            numerator.Clear();
            denominator.Clear();
            for (int i = 0; i < n; i++)
            {
                if (t >= batch.EpisodeLength(i))
                {
                    continue; // ended before t: contributes nothing at t
                }

                int row = batch.EpisodeOffsets[i] + t;
                Span<double> gi = running.Slice(i * p, p);
                BatchScores.Accumulate(policy, batch, row, 1, one, gi, _workspace!); // G_{i,t} = G_{i,t−1} + ∇log π(a_{i,t}|s_{i,t})
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
                if (t >= batch.EpisodeLength(i))
                {
                    continue;
                }

                double c = power * rewards[batch.EpisodeOffsets[i] + t];
                Span<double> gi = running.Slice(i * p, p), hi = terms.Slice(i * p, p);
                for (int k = 0; k < p; k++)
                {
                    double g2 = gi[k] * gi[k];
                    double num = Options.LeaveOneOut ? numerator[k] - (g2 * c) : numerator[k];
                    double den = Options.LeaveOneOut ? denominator[k] - g2 : denominator[k];
                    double b = den > 0 ? num / den : 0;
                    hi[k] += gi[k] * (c - b);
                }
            }

            power *= Options.Discount;
        }

        for (int i = 0; i < n; i++)
        {
            AddTerm(terms.Slice(i * p, p));
        }
    }

    private void AddTerm(ReadOnlySpan<double> h)
    {
        for (int k = 0; k < h.Length; k++)
        {
            _sum[k] += h[k];
            _sumSquares[k] += h[k] * h[k];
        }
    }

    private static GradientEstimate Diagnostics(TrajectoryBatch batch, double termVariance)
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            double r = TensorPrimitives.Sum(batch.Rewards[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]]);
            sum += r;
            min = Math.Min(min, r);
            max = Math.Max(max, r);
        }

        return new GradientEstimate(batch.EpisodeCount, batch.StepCount, sum / batch.EpisodeCount, min, max, termVariance);
    }

    private static void TensorMean(ReadOnlySpan<double> sum, int n, Span<double> destination) => TensorScale(sum, 1.0 / n, destination);

    private static void TensorScale(ReadOnlySpan<double> source, double factor, Span<double> destination) =>
        TensorPrimitives.Multiply(source, factor, destination);

    private static void Ensure(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[Math.Max(length, 2 * buffer.Length)];
        }
    }
}

using System.Globalization;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// Estimates ∇_θ J(θ) from a batch of N sampled trajectories: the returns v_{i,t} (the whole return r(τ_i), or the
/// reward-to-go Q̂_{i,t}) are computed once, and a <see cref="Baseline"/> turns them and the scores into the
/// per-trajectory terms h_i of ĝ = (1/N) Σ_i h_i. The sample variance of the h_i is reported with every estimate.
/// Buffers are kept between calls (steady state allocates nothing for a fixed batch shape). Not thread-safe.
/// </summary>
public sealed class GradientEstimator
{
    private readonly GradientTerms _terms = new();
    private readonly EstimationContext _context;

    /// <summary>Creates the estimator that <paramref name="options"/> describe.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (see <see cref="EstimatorOptions.Validate"/>).</exception>
    public GradientEstimator(EstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Baseline = options.CreateBaseline(); // validates
        (Options, Returns, Discount, EntropyBonus) = (options, options.Returns, options.Discount, options.EntropyBonus);
        _context = new EstimationContext(Returns, Discount);
    }

    /// <summary>Creates an estimator from any baseline, including one of your own.</summary>
    /// <param name="returns">What multiplies the score.</param>
    /// <param name="baseline">The part that turns returns and scores into terms.</param>
    /// <param name="discount">γ ∈ [0, 1].</param>
    /// <param name="entropyBonus">β ≥ 0 (see <see cref="EntropyBonus"/>).</param>
    /// <exception cref="ArgumentException">An unknown return kind, γ outside [0, 1], or β not finite and ≥ 0.</exception>
    public GradientEstimator(ReturnKind returns, Baseline baseline, double discount = 1.0, double entropyBonus = 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (!Enum.IsDefined(returns))
        {
            throw new ArgumentOutOfRangeException(nameof(returns), returns, "Expected Total or RewardToGo.");
        }

        if (!(discount >= 0 && discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount, "Expected a discount γ in [0, 1].");
        }

        if (!(entropyBonus >= 0) || !double.IsFinite(entropyBonus))
        {
            throw new ArgumentOutOfRangeException(nameof(entropyBonus), entropyBonus, "Expected a finite entropy bonus β ≥ 0.");
        }

        (Returns, Baseline, Discount, EntropyBonus) = (returns, baseline, discount, entropyBonus);
        _context = new EstimationContext(Returns, Discount);
    }

    /// <summary>The options this estimator was built from; null when built from a baseline directly.</summary>
    public EstimatorOptions? Options { get; }

    /// <summary>What multiplies the score.</summary>
    public ReturnKind Returns { get; }

    /// <summary>The part that turns returns and scores into terms.</summary>
    public Baseline Baseline { get; }

    /// <summary>γ.</summary>
    public double Discount { get; }

    /// <summary>
    /// β ≥ 0: every trajectory's term h_i gains β Σ_t ∇_θ H(π(·|s_{i,t})), so ĝ gains the gradient of
    /// β (1/N) Σ_i Σ_t H(π(·|s_{i,t})) at the sampled states: the entropy is summed over an episode's steps and averaged
    /// over episodes, as the score terms are, and counts in the reported variance.
    /// </summary>
    public double EntropyBonus { get; }

    /// <summary>The learned critic of the baseline, if it has one (created with the first estimate).</summary>
    public Critic? Critic => Baseline.Critic;

    /// <summary>
    /// The estimator's name: the canonical <see cref="EstimatorNames"/> form, e.g. "reward-to-go+average+loo", for one
    /// built from options; "reward-to-go + " and the baseline's own name for one built from a baseline directly.
    /// </summary>
    public string Name => Options?.Name ?? (Returns == ReturnKind.Total ? "total" : "reward-to-go") + " + " + Baseline.Name;

    /// <summary>Writes the estimate ĝ into <paramref name="gradient"/> (overwritten) and returns its diagnostics.</summary>
    /// <exception cref="ArgumentException">
    /// Empty batch, fewer episodes than the baseline needs, NaN or infinite rewards or returns, a policy that does not
    /// fit the batch, or a gradient of the wrong length. Nothing is written then, and the policy is never changed.
    /// </exception>
    /// <exception cref="OverflowException">A term overflowed (returns and scores too large to represent); nothing is written.</exception>
    public GradientEstimate Estimate(Policy policy, TrajectoryBatch batch, Span<double> gradient)
    {
        EstimationContext context = Prepare(policy, batch);
        ThrowHelper.CheckLength(gradient.Length, policy.ParameterCount, nameof(gradient), "[policy.ParameterCount]");
        _terms.Reset(policy.ParameterCount, context, EntropyBonus);
        Baseline.AddTerms(context, _terms);
        if (_terms.Count != batch.EpisodeCount)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The baseline {Baseline.Name} added {_terms.Count} terms for {batch.EpisodeCount} episodes."));
        }

        _terms.Mean(gradient);
        Baseline.Update(context);
        return Diagnostics(batch, _terms.TotalVariance());
    }

    /// <summary>
    /// The pseudo-loss J̃(θ) = (1/N) Σ_i Σ_t [log π_θ(a_{i,t}|s_{i,t}) A_{i,t} + β H(π_θ(·|s_{i,t}))], the advantages A
    /// held fixed at their sampled values (the lecture's weighted maximum likelihood, plus the entropy bonus): its
    /// gradient is exactly the estimate of this estimator. Defined for scalar baselines.
    /// </summary>
    /// <exception cref="InvalidOperationException">The baseline is per parameter (Optimal, OptimalPerStep).</exception>
    public double PseudoLoss(Policy policy, TrajectoryBatch batch)
    {
        if (Baseline is not ScalarBaseline scalar)
        {
            throw new InvalidOperationException("A per-parameter baseline has no single scalar pseudo-loss; use a scalar baseline (none, average, normalised).");
        }

        EstimationContext context = Prepare(policy, batch);
        int steps = batch.StepCount;
        var advantages = new double[steps];
        scalar.Advantages(context, advantages);
        Span<double> logPi = context.Scratch[..steps];
        context.LogProbabilities(0, steps, logPi);
        double sum = 0;
        int n = batch.ObservationSize;
        for (int t = 0; t < steps; t++)
        {
            sum += logPi[t] * advantages[t];
            if (EntropyBonus > 0)
            {
                sum += EntropyBonus * policy.Entropy(batch.Observations.Slice(t * n, n));
            }
        }

        return sum / batch.EpisodeCount;
    }

    // Checks everything, then computes the returns v_{i,t} and r(τ_i).
    private EstimationContext Prepare(Policy policy, TrajectoryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Estimators.Returns.Check(batch, Discount);
        batch.CheckPolicy(policy);
        if (batch.EpisodeCount < Baseline.MinimumEpisodes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {Baseline.Name} baseline needs at least {Baseline.MinimumEpisodes} episodes; the batch holds {batch.EpisodeCount}."), nameof(batch));
        }

        _context.Reset(policy, batch);
        ThrowHelper.CheckFinite(_context.Values, nameof(batch)); // rewards so large that a return overflows: refused by every estimator alike
        ThrowHelper.CheckFinite(_context.EpisodeReturns, nameof(batch));
        return _context;
    }

    private static GradientEstimate Diagnostics(TrajectoryBatch batch, double termVariance)
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            double r = 0;
            foreach (double reward in batch.Rewards[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]])
            {
                r += reward;
            }

            sum += r;
            min = Math.Min(min, r);
            max = Math.Max(max, r);
        }

        return new GradientEstimate(batch.EpisodeCount, batch.StepCount, sum / batch.EpisodeCount, min, max, termVariance);
    }
}

using System.Globalization;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// The state-value baseline and generalised advantage estimation, GAE(γ, λ) (Schulman et al. 2016): with
/// V_{i,T_i} = γ·V(s_{T_i}) bootstrapped from the final observation when episode i was truncated (a time limit is not
/// a terminal state) and 0 when it terminated,
/// <code>
/// δ_t = r_t + γ V(s_{t+1}) − V(s_t),     A_t = Σ_{l≥0} (γλ)^l δ_{t+l} = δ_t + γλ A_{t+1}
/// </code>
/// With λ = 1 the sum telescopes to A_t = Q̂_t + γ^{T−t} V(s_T)·[truncated] − V(s_t): the reward-to-go minus the state
/// baseline, unbiased for any V that does not depend on the action (derivations §23). With λ &lt; 1 the advantages
/// lean on V, and are unbiased only for V = V^π (§24). After each estimate, <see cref="Update"/> fits V to the λ-returns
/// y_t = A_t + V(s_t). A learned V has no leave-one-out form (V is one function fitted to past batches, not a
/// batch statistic); its advantages normalise like any scalar baseline's (<see cref="NormalizedAdvantages"/>).
/// Needs rewards-to-go (<see cref="ReturnKind.RewardToGo"/>).
/// </summary>
public sealed class ValueBaseline : ScalarBaseline
{
    private readonly Func<int, StateValueFunction>? _create;
    private double[] _values = [], _finalValues = [], _targets = [];

    /// <summary>A baseline over a given V (learned or fixed).</summary>
    /// <param name="values">V(s).</param>
    /// <param name="lambda">λ ∈ [0, 1]: 1 is the plain state baseline, 0 the one-step TD error.</param>
    /// <exception cref="ArgumentOutOfRangeException">λ outside [0, 1].</exception>
    public ValueBaseline(StateValueFunction values, double lambda = 1.0)
        : this(lambda)
    {
        StateValues = values ?? throw new ArgumentNullException(nameof(values));
    }

    /// <summary>A baseline whose V is created from the observation size of the first batch it sees (a new critic).</summary>
    /// <param name="create">observation size n ↦ V.</param>
    /// <param name="lambda">λ ∈ [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">λ outside [0, 1].</exception>
    public ValueBaseline(Func<int, StateValueFunction> create, double lambda = 1.0)
        : this(lambda)
    {
        _create = create ?? throw new ArgumentNullException(nameof(create));
    }

    private ValueBaseline(double lambda)
    {
        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Expected a GAE λ in [0, 1].");
        }

        Lambda = lambda;
    }

    /// <summary>λ.</summary>
    public double Lambda { get; }

    /// <summary>V; null until the first batch when it is created on demand.</summary>
    public StateValueFunction? StateValues { get; private set; }

    /// <inheritdoc/>
    public override Critic? Critic => StateValues as Critic;

    /// <inheritdoc/>
    public override string Name => "value" + (Lambda == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (GAE λ = {Lambda})"));

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The returns are whole returns, not rewards-to-go.</exception>
    public override void Advantages(EstimationContext context, Span<double> advantages)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ReturnKind != ReturnKind.RewardToGo)
        {
            throw new InvalidOperationException("The value baseline subtracts V(s_t) from the reward-to-go; use ReturnKind.RewardToGo.");
        }

        TrajectoryBatch batch = context.Batch;
        StateValueFunction v = StateValues ??= _create!(batch.ObservationSize);
        Span<double> values = Buffer(ref _values, batch.StepCount), finals = Buffer(ref _finalValues, batch.EpisodeCount);
        v.Evaluate(batch, values, finals);
        double gamma = context.Discount, decay = gamma * Lambda;
        ReadOnlySpan<int> offsets = batch.EpisodeOffsets;
        ReadOnlySpan<double> rewards = batch.Rewards;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            double next = batch.Truncated[i] && !batch.Terminated[i] ? finals[i] : 0; // V(s_{t+1}), bootstrapped at a time limit
            double a = 0;
            for (int t = offsets[i + 1] - 1; t >= offsets[i]; t--)
            {
                double delta = rewards[t] + (gamma * next) - values[t]; // δ_t
                a = delta + (decay * a);                               // A_t = δ_t + γλ A_{t+1}
                advantages[t] = a;
                next = values[t];
            }
        }
    }

    /// <summary>Fits V to the λ-returns y_t = A_t + V(s_t) of the batch just estimated from.</summary>
    public override void Update(EstimationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Span<double> targets = Buffer(ref _targets, context.Batch.StepCount);
        Advantages(context, targets);
        ReadOnlySpan<double> values = _values.AsSpan(0, targets.Length);
        for (int t = 0; t < targets.Length; t++)
        {
            targets[t] += values[t];
        }

        StateValues!.Fit(context.Batch, targets);
    }
}

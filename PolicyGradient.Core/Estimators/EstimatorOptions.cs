using System.Globalization;

namespace PolicyGradient.Estimators;

/// <summary>What multiplies ∇log π(a_t|s_t) in the estimator.</summary>
public enum ReturnKind
{
    /// <summary>The whole return r(τ) = Σ_t γᵗ r_t at every step: the lecture's REINFORCE estimator.</summary>
    Total,

    /// <summary>The reward-to-go Q̂_t = Σ_{t'≥t} γ^{t'−t} r_{t'}: causality removes the rewards before t.</summary>
    RewardToGo,
}

/// <summary>What is subtracted from the return.</summary>
public enum BaselineKind
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>
    /// The batch mean: of the returns r(τ_j) with <see cref="ReturnKind.Total"/>; per time step, of Q̂_{j,t} over the
    /// episodes still running at t, with <see cref="ReturnKind.RewardToGo"/>.
    /// </summary>
    Average,

    /// <summary>
    /// Per parameter k, the variance-minimising constant b_k = Σ_i x_{i,k} g_{i,k} / Σ_i g_{i,k}², with
    /// g_i = Σ_t ∇log π(a_{i,t}|s_{i,t}) and x_i the trajectory's estimator term without a baseline; for
    /// <see cref="ReturnKind.Total"/>, x_i = g_i r(τ_i) and b_k = Σ g² r / Σ g² (the lecture's last slide).
    /// </summary>
    Optimal,

    /// <summary>
    /// The GPOMDP form of Peters &amp; Schaal (2008), per parameter and time step: ĝ_k = (1/N) Σ_i Σ_t G_{i,t,k}
    /// (γᵗ r_{i,t} − b_{t,k}), G_{i,t} = Σ_{j≤t} ∇log π(a_{i,j}|s_{i,j}), b_{t,k} = Σ_i G²_{i,t,k} γᵗ r_{i,t} / Σ_i G²_{i,t,k}.
    /// Requires <see cref="ReturnKind.RewardToGo"/>.
    /// </summary>
    OptimalPerStep,

    /// <summary>
    /// A state value V(s): the advantages of GAE(γ, λ), A_t = Σ_l (γλ)^l δ_{t+l} with δ_t = r_t + γV(s_{t+1}) − V(s_t),
    /// bootstrapped at truncated episode ends; λ = 1 is the reward-to-go minus V(s_t). V is a <see cref="Critic"/>
    /// fitted after every estimate, or a fixed function (<see cref="ValueOptions.Values"/>). Options in
    /// <see cref="EstimatorOptions.Value"/>. Requires <see cref="ReturnKind.RewardToGo"/>; has no leave-one-out form.
    /// </summary>
    Value,
}

/// <summary>The options of <see cref="BaselineKind.Value"/>: GAE's λ and the critic.</summary>
/// <param name="GaeLambda">λ ∈ [0, 1]; 1 is the plain state baseline (unbiased for any V).</param>
/// <param name="CriticHidden">The critic's tanh hidden layers (empty: a linear V(s) = wᵀs + b); null: [64, 64].</param>
/// <param name="CriticLearningRate">The critic's Adam α, finite and &gt; 0.</param>
/// <param name="CriticIterations">K ≥ 1, full-batch Adam steps on ½(V(s_t) − y_t)² after every estimate.</param>
/// <param name="CriticSeed">Seeds the critic's initial φ.</param>
/// <param name="Values">A fixed V to use instead of a learned critic (the critic settings are then unused); null: learn one.</param>
public sealed record ValueOptions(double GaeLambda = 1.0, IReadOnlyList<int>? CriticHidden = null, double CriticLearningRate = 1e-3, int CriticIterations = 10, int CriticSeed = 0, StateValueFunction? Values = null)
{
    /// <summary>The critic's hidden sizes, [64, 64] when not given.</summary>
    public IReadOnlyList<int> Hidden => CriticHidden ?? [64, 64];

    /// <summary>Throws unless every option is in range.</summary>
    /// <exception cref="ArgumentException">λ outside [0, 1], a hidden size ≤ 0, α not finite and &gt; 0, or K &lt; 1.</exception>
    public void Validate()
    {
        if (!(GaeLambda >= 0 && GaeLambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(GaeLambda), GaeLambda, "Expected a GAE λ in [0, 1].");
        }

        if (Hidden.Any(h => h <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(CriticHidden), string.Join(",", Hidden), "Expected every critic hidden size > 0.");
        }

        if (!(CriticLearningRate > 0) || !double.IsFinite(CriticLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(CriticLearningRate), CriticLearningRate, "Expected a finite critic learning rate > 0.");
        }

        if (CriticIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CriticIterations), CriticIterations, "Expected at least one critic iteration.");
        }
    }

    /// <summary>The baseline: over <see cref="Values"/>, or over a new critic sized by the first batch.</summary>
    internal ValueBaseline CreateBaseline() => Values is { } fixedValues
        ? new ValueBaseline(fixedValues, GaeLambda)
        : new ValueBaseline(n => Critic.Create(n, Hidden, CriticLearningRate, CriticIterations, CriticSeed), GaeLambda);
}

/// <summary>One gradient estimator: a return, a baseline and their options.</summary>
/// <param name="Returns">Total return or reward-to-go.</param>
/// <param name="Baseline">None, average, optimal, or optimal per step.</param>
/// <param name="LeaveOneOut">Compute trajectory i's baseline from the other N − 1 trajectories only, which makes the
/// average and optimal baselines exactly unbiased (the batch versions have an O(1/N) bias).</param>
/// <param name="Normalize">Normalise the advantages to mean 0 and standard deviation 1 over all steps (zero spread
/// gives zero advantages). Only for scalar baselines (None, Average, Value).</param>
/// <param name="Discount">γ ∈ [0, 1].</param>
/// <param name="Value">The options of <see cref="BaselineKind.Value"/> (null: the defaults of <see cref="ValueOptions"/>); only with it.</param>
/// <param name="EntropyBonus">β ≥ 0: adds β Σ_t ∇_θ H(π(·|s_{i,t})) to every trajectory's term (any baseline).</param>
public sealed record EstimatorOptions(ReturnKind Returns = ReturnKind.RewardToGo, BaselineKind Baseline = BaselineKind.None, bool LeaveOneOut = false, bool Normalize = false, double Discount = 1.0, ValueOptions? Value = null, double EntropyBonus = 0)
{
    /// <summary>The canonical name, e.g. "reward-to-go+optimal-per-step+loo" (<see cref="EstimatorNames"/>; without the discount).</summary>
    public string Name => EstimatorNames.Format(this);

    /// <summary>
    /// The baseline these options describe (validated first): none, average, optimal or optimal-per-step, with
    /// leave-one-out, and the scalar ones optionally normalised.
    /// </summary>
    /// <exception cref="ArgumentException">The combination is not meaningful (see <see cref="Validate"/>).</exception>
    public Estimators.Baseline CreateBaseline()
    {
        Validate();
        Estimators.Baseline baseline = Baseline switch
        {
            BaselineKind.None => new NoBaseline(),
            BaselineKind.Average => new AverageBaseline(LeaveOneOut),
            BaselineKind.Optimal => new OptimalBaseline(LeaveOneOut),
            BaselineKind.OptimalPerStep => new PerStepOptimalBaseline(LeaveOneOut),
            BaselineKind.Value => (Value ?? new ValueOptions()).CreateBaseline(),
            _ => throw new ArgumentOutOfRangeException(nameof(Baseline), Baseline, "Unknown baseline kind."),
        };
        return Normalize ? new NormalizedAdvantages((ScalarBaseline)baseline) : baseline;
    }

    /// <summary>Throws unless the combination is meaningful.</summary>
    /// <exception cref="ArgumentException">γ outside [0, 1], OptimalPerStep with Total, Normalize with a per-parameter baseline, or LeaveOneOut without a baseline.</exception>
    public void Validate()
    {
        if (!(Discount >= 0 && Discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Discount), Discount, "Expected a discount γ in [0, 1].");
        }

        if (!Enum.IsDefined(Returns) || !Enum.IsDefined(Baseline))
        {
            throw new ArgumentException("Unknown return or baseline kind.", nameof(Baseline));
        }

        if (Baseline == BaselineKind.OptimalPerStep && Returns != ReturnKind.RewardToGo)
        {
            throw new ArgumentException("OptimalPerStep is the per-step (GPOMDP) form and needs Returns = RewardToGo.", nameof(Baseline));
        }

        if (Normalize && Baseline is BaselineKind.Optimal or BaselineKind.OptimalPerStep)
        {
            throw new ArgumentException("Normalize rescales scalar advantages; optimal baselines are per parameter. Use None or Average with Normalize.", nameof(Normalize));
        }

        if (LeaveOneOut && Baseline == BaselineKind.None)
        {
            throw new ArgumentException("LeaveOneOut changes how a baseline is computed; choose a baseline.", nameof(LeaveOneOut));
        }

        if (Baseline == BaselineKind.Value)
        {
            if (Returns != ReturnKind.RewardToGo)
            {
                throw new ArgumentException("The value baseline subtracts V(s_t) from the reward-to-go; it needs Returns = RewardToGo.", nameof(Baseline));
            }

            if (LeaveOneOut)
            {
                throw new ArgumentException("A learned V(s) is one function fitted to past batches, not a statistic of this batch: it has no leave-one-out form.", nameof(LeaveOneOut));
            }

            (Value ?? new ValueOptions()).Validate();
        }
        else if (Value is not null)
        {
            throw new ArgumentException("Value options are for BaselineKind.Value only.", nameof(Value));
        }

        if (!(EntropyBonus >= 0) || !double.IsFinite(EntropyBonus))
        {
            throw new ArgumentOutOfRangeException(nameof(EntropyBonus), EntropyBonus, "Expected a finite entropy bonus β ≥ 0.");
        }
    }
}

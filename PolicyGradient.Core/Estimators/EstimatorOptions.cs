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
}

/// <summary>One gradient estimator: a return, a baseline and their options.</summary>
/// <param name="Returns">Total return or reward-to-go.</param>
/// <param name="Baseline">None, average, optimal, or optimal per step.</param>
/// <param name="LeaveOneOut">Compute trajectory i's baseline from the other N − 1 trajectories only, which makes the
/// average and optimal baselines exactly unbiased (the batch versions have an O(1/N) bias).</param>
/// <param name="Normalize">Normalise the advantages to mean 0 and standard deviation 1 over all steps (zero spread
/// gives zero advantages). Only for scalar baselines (None, Average).</param>
/// <param name="Discount">γ ∈ [0, 1].</param>
public sealed record EstimatorOptions(ReturnKind Returns = ReturnKind.RewardToGo, BaselineKind Baseline = BaselineKind.None, bool LeaveOneOut = false, bool Normalize = false, double Discount = 1.0)
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
    }
}

using MathNet.Numerics.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Environments;

/// <summary>
/// A K-armed bandit with Gaussian rewards r ~ N(μ_a, σ_a²): one-step episodes whose single observation is the
/// constant one-hot vector [1], so a linear-softmax policy is the tabular softmax over arms. With a policy over K
/// actions, <c>Analysis.ExactBandit</c> gives, exactly, the objective J(θ) = Σ_a π_a μ_a, its gradient ∇J = Σ_a π_a μ_a ∇log π_a, and the
/// total variance (trace of the covariance) of the single-sample REINFORCE estimator ĝ = ∇log π(a)(r − b) with a
/// constant baseline b:
/// <code>
/// tr Cov ĝ = Σ_a π_a ‖∇log π_a‖² (σ_a² + (μ_a − b)²) − ‖∇J‖²
/// </code>
/// (derived, with the two-armed closed form, in docs/derivations.md).
/// </summary>
public sealed class Bandit : DiscreteEnvironment, IFiniteMdp
{
    private readonly double[] _means, _deviations, _ones;
    private double _noise; // ε ~ N(0, 1) drawn at reset: r = μ_a + σ_a ε, so a step is a function of the state
    private bool _pulled;

    /// <summary>Creates the bandit from arm means and standard deviations (σ ≥ 0).</summary>
    /// <exception cref="ArgumentException">Lengths differ, fewer than one arm, or a value is not finite or σ &lt; 0.</exception>
    public Bandit(double[] means, double[] standardDeviations)
        : base(1)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(standardDeviations);
        ThrowHelper.CheckPositive(means.Length, nameof(means));
        ThrowHelper.CheckLength(standardDeviations.Length, means.Length, nameof(standardDeviations), "[K] = means.Length");
        ThrowHelper.CheckFinite(means, nameof(means));
        ThrowHelper.CheckFinite(standardDeviations, nameof(standardDeviations));
        if (standardDeviations.Any(s => s < 0))
        {
            throw new ArgumentException("Expected standard deviations ≥ 0.", nameof(standardDeviations));
        }

        _means = (double[])means.Clone();
        _deviations = (double[])standardDeviations.Clone();
        _ones = Enumerable.Repeat(1.0, means.Length).ToArray();
    }

    /// <inheritdoc/>
    public override string Id => "Bandit";

    /// <inheritdoc/>
    public override int ActionCount => _means.Length;

    /// <summary>The constant observation [1].</summary>
    public override int ObservationSize => 1;

    /// <summary>State (ε, pulled): the reward noise drawn at reset and whether the arm was pulled.</summary>
    public override int StateSize => 2;

    /// <summary>One state (the constant observation).</summary>
    int IFiniteMdp.StateCount => 1;

    /// <summary>One step.</summary>
    int IFiniteMdp.Horizon => 1;

    /// <summary>γ is irrelevant for one step; 1.</summary>
    double IFiniteMdp.Discount => 1;

    /// <summary>Every arm leads back to the one state: [1, K, 1] of ones.</summary>
    ReadOnlySpan<double> IFiniteMdp.Transitions => _ones;

    /// <summary>r(s, a) = μ_a.</summary>
    ReadOnlySpan<double> IFiniteMdp.Rewards => _means;

    /// <summary>μ₀ = [1].</summary>
    ReadOnlySpan<double> IFiniteMdp.Initial => _ones.AsSpan(0, 1);

    /// <summary>μ_a, the mean reward of each arm.</summary>
    public ReadOnlySpan<double> Means => _means;

    /// <summary>σ_a, the reward standard deviation of each arm.</summary>
    public ReadOnlySpan<double> StandardDeviations => _deviations;

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        _noise = Normal.Sample(random, 0.0, 1.0);
        _pulled = false;
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(int action)
    {
        _pulled = true;
        return (_means[action] + (_deviations[action] * _noise), true);
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation) => observation[0] = 1.0;

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _noise;
        destination[1] = _pulled ? 1 : 0;
    }

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state) => (_noise, _pulled) = (state[0], state[1] != 0);
}

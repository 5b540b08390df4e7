using MathNet.Numerics.Distributions;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Environments;

/// <summary>
/// A K-armed bandit with Gaussian rewards r ~ N(μ_a, σ_a²): one-step episodes whose single observation is the
/// constant one-hot vector [1], so a linear-softmax policy is the tabular softmax over arms. With a softmax
/// policy it gives, exactly, the objective J(θ) = Σ_a π_a μ_a, its gradient ∇J = Σ_a π_a μ_a ∇log π_a, and the
/// total variance (trace of the covariance) of the single-sample REINFORCE estimator ĝ = ∇log π(a)(r − b) with a
/// constant baseline b:
/// <code>
/// tr Cov ĝ = Σ_a π_a ‖∇log π_a‖² (σ_a² + (μ_a − b)²) − ‖∇J‖²
/// </code>
/// (derived, with the two-armed closed form, in docs/derivations.md).
/// </summary>
public sealed class Bandit : DiscreteEnvironment
{
    private readonly double[] _means, _deviations;
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
    }

    /// <inheritdoc/>
    public override string Id => "Bandit";

    /// <inheritdoc/>
    public override int ActionCount => _means.Length;

    /// <summary>The constant observation [1].</summary>
    public override int ObservationSize => 1;

    /// <summary>State (ε, pulled): the reward noise drawn at reset and whether the arm was pulled.</summary>
    public override int StateSize => 2;

    /// <summary>μ_a, the mean reward of each arm.</summary>
    public ReadOnlySpan<double> Means => _means;

    /// <summary>σ_a, the reward standard deviation of each arm.</summary>
    public ReadOnlySpan<double> StandardDeviations => _deviations;

    /// <summary>J(θ) = Σ_a π_a μ_a.</summary>
    /// <exception cref="ArgumentException">The policy is not over one observation and K actions.</exception>
    public double ExactObjective(SoftmaxPolicy policy) => Kernels.Dot(Probabilities(policy), _means);

    /// <summary>∇J(θ) = Σ_a π_a μ_a ∇_θ log π_a, written into <paramref name="gradient"/> (overwritten).</summary>
    /// <exception cref="ArgumentException">Wrong policy shape or gradient length.</exception>
    public void ExactGradient(SoftmaxPolicy policy, Span<double> gradient)
    {
        double[] pi = Probabilities(policy);
        ThrowHelper.CheckLength(gradient.Length, policy.ParameterCount, nameof(gradient), "[policy.ParameterCount]");
        gradient.Clear();
        for (int a = 0; a < pi.Length; a++)
        {
            policy.AccumulateScore([1.0], a, pi[a] * _means[a], gradient);
        }
    }

    /// <summary>
    /// tr Cov[∇log π(a)(r − b)] for a ~ π, r ~ N(μ_a, σ_a²): the total variance of the single-sample REINFORCE
    /// estimator with constant baseline b. Divide by N for the mean of N independent samples.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong policy shape, or a non-finite baseline.</exception>
    public double ExactReinforceVariance(SoftmaxPolicy policy, double baseline = 0)
    {
        ThrowHelper.CheckFinite(baseline, nameof(baseline));
        double[] pi = Probabilities(policy);
        var score = new double[policy.ParameterCount];
        var mean = new double[policy.ParameterCount];
        ExactGradient(policy, mean);
        double secondMoment = 0;
        for (int a = 0; a < pi.Length; a++)
        {
            Array.Clear(score);
            policy.AccumulateScore([1.0], a, 1.0, score);
            double deviation = _means[a] - baseline;
            secondMoment += pi[a] * Kernels.Dot(score, score) * ((_deviations[a] * _deviations[a]) + (deviation * deviation));
        }

        return secondMoment - Kernels.Dot(mean, mean);
    }

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

    private double[] Probabilities(SoftmaxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.ObservationSize != 1 || policy.ActionCount != ActionCount)
        {
            throw new ArgumentException($"Expected a softmax policy over 1 observation and {ActionCount} actions, got {policy.ObservationSize} and {policy.ActionCount}.", nameof(policy));
        }

        var pi = new double[ActionCount];
        policy.Probabilities([1.0], pi);
        return pi;
    }
}

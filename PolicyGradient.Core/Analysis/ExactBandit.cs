using PolicyGradient.Environments;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Analysis;

/// <summary>
/// Exact quantities of a <see cref="Bandit"/> under a policy over its K arms (observation [1]):
/// <code>
/// J(θ) = Σ_a π_a μ_a,    ∇J(θ) = Σ_a π_a μ_a ∇log π_a,
/// tr Cov ĝ = Σ_a π_a ‖∇log π_a‖² (σ_a² + (μ_a − b)²) − ‖∇J‖²
/// </code>
/// the last for the single-sample REINFORCE estimator ĝ = ∇log π(a)(r − b) with a constant baseline b (derived, with
/// the two-armed closed form, in docs/derivations.md). The score comes from the policy, so any discrete head works.
/// </summary>
public static class ExactBandit
{
    /// <summary>J(θ) = Σ_a π_a μ_a.</summary>
    /// <exception cref="ArgumentException">The policy is not over one observation and K actions.</exception>
    public static double Objective(Bandit bandit, Policy policy) => ExactMdp.Objective(bandit, policy);

    /// <summary>∇J(θ) = Σ_a π_a μ_a ∇_θ log π_a, written into <paramref name="gradient"/> (overwritten).</summary>
    /// <exception cref="ArgumentException">Wrong policy shape or gradient length.</exception>
    public static void Gradient(Bandit bandit, Policy policy, Span<double> gradient) => ExactMdp.Gradient(bandit, policy, gradient);

    /// <summary>
    /// tr Cov[∇log π(a)(r − b)] for a ~ π, r ~ N(μ_a, σ_a²): the total variance of the single-sample REINFORCE
    /// estimator with constant baseline b. Divide by N for the mean of N independent samples.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong policy shape, or a non-finite baseline.</exception>
    public static double ReinforceVariance(Bandit bandit, Policy policy, double baseline = 0)
    {
        ArgumentNullException.ThrowIfNull(bandit);
        ThrowHelper.CheckFinite(baseline, nameof(baseline));
        double[] pi = ExactPolicyTable.Probabilities(policy, 1, bandit.ActionCount, nameof(policy));
        var score = new double[policy.ParameterCount];
        var mean = new double[policy.ParameterCount];
        Gradient(bandit, policy, mean);
        double secondMoment = 0;
        for (int a = 0; a < pi.Length; a++)
        {
            Array.Clear(score);
            policy.AccumulateScore([1.0], [a], 1.0, score);
            double deviation = bandit.Means[a] - baseline, sigma = bandit.StandardDeviations[a];
            secondMoment += pi[a] * Kernels.Dot(score, score) * ((sigma * sigma) + (deviation * deviation));
        }

        return secondMoment - Kernels.Dot(mean, mean);
    }
}

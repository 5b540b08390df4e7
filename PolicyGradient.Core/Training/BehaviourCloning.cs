using System.Globalization;
using PolicyGradient.Numerics;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Training;

/// <summary>
/// Maximum likelihood on demonstrations (behaviour cloning): L(θ) = (1/D) Σ_{(s,a)} log π_θ(a|s) over the D recorded
/// state–action pairs, with ∇L = (1/D) Σ ∇_θ log π_θ(a|s): the policy-gradient estimator's score code with every
/// weight 1/D in place of a return (docs/derivations.md §22). Rewards in the batch are ignored.
/// </summary>
public static class BehaviourCloning
{
    /// <summary>Writes ∇L(θ) into <paramref name="gradient"/> (overwritten) and returns L(θ), the mean log-likelihood.</summary>
    /// <exception cref="ArgumentException">The batch is empty or does not fit the policy, or the gradient is not of length P.</exception>
    public static double LogLikelihoodGradient(Policy policy, TrajectoryBatch demonstrations, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(demonstrations);
        demonstrations.CheckPolicy(policy);
        int d = demonstrations.StepCount;
        if (d == 0)
        {
            throw new ArgumentException("Expected at least one recorded state–action pair.", nameof(demonstrations));
        }

        ThrowHelper.CheckLength(gradient.Length, policy.ParameterCount, nameof(gradient), "[policy.ParameterCount]");
        PolicyWorkspace workspace = policy.CreateWorkspace();
        var weights = new double[d];
        Array.Fill(weights, 1.0 / d);
        gradient.Clear();
        policy.AccumulateScores(demonstrations.Observations, demonstrations.Actions, weights, gradient, workspace); // Σ (1/D) ∇log π(a|s)
        var logProbabilities = new double[d];
        policy.LogProbabilities(demonstrations.Observations, demonstrations.Actions, logProbabilities, workspace);
        return logProbabilities.Average();
    }

    /// <summary>
    /// Takes <paramref name="steps"/> full-batch ascent steps of <paramref name="optimizer"/> on L(θ); returns L after
    /// each step (index 0: before the first) and reports (step, L) to <paramref name="afterStep"/> when given.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="LogLikelihoodGradient"/>, or steps &lt; 0.</exception>
    /// <exception cref="InvalidOperationException">The optimiser refused a step (a non-finite gradient or θ).</exception>
    public static double[] Fit(Policy policy, TrajectoryBatch demonstrations, Optimizer optimizer, int steps, Action<int, double>? afterStep = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var gradient = new double[policy.ParameterCount];
        var curve = new double[steps + 1];
        for (int step = 0; step <= steps; step++)
        {
            curve[step] = LogLikelihoodGradient(policy, demonstrations, gradient);
            afterStep?.Invoke(step, curve[step]);
            if (step < steps && optimizer.Step(policy.Parameters, gradient) is { Applied: false } refused)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Step {step + 1} was refused: {refused.Refusal}"));
            }
        }

        return curve;
    }
}

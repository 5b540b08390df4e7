using PolicyGradient.Distributions;
using PolicyGradient.Policies;

namespace PolicyGradient.Analysis;

/// <summary>π(a|s) of a policy over one-hot states and A discrete actions, read through <see cref="Policy"/> alone.</summary>
internal static class ExactPolicyTable
{
    /// <summary>π(a|s) for every state: [S, A], π = exp(log π(a|e_s)).</summary>
    /// <exception cref="ArgumentException">The policy is not over S observations and A discrete actions.</exception>
    public static double[] Probabilities(Policy policy, int states, int actions, string paramName)
    {
        ArgumentNullException.ThrowIfNull(policy, paramName);
        if (policy.ObservationSize != states || !policy.ActionSpace.Equals(ActionSpace.Discrete(actions)))
        {
            throw new ArgumentException($"Expected a policy over {states} one-hot observations and {actions} discrete actions, got {policy.ObservationSize} observations and actions {policy.ActionSpace}.", paramName);
        }

        var pi = new double[states * actions];
        var observation = new double[states];
        for (int s = 0; s < states; s++)
        {
            observation[s] = 1;
            for (int a = 0; a < actions; a++)
            {
                pi[(s * actions) + a] = Math.Exp(policy.LogProbability(observation, [a]));
            }

            observation[s] = 0;
        }

        return pi;
    }
}

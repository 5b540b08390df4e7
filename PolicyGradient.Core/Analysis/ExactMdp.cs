using PolicyGradient.Environments;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Analysis;

/// <summary>
/// The exact objective and gradient of a finite MDP with a known model (<see cref="IFiniteMdp"/>: a <see cref="TabularMdp"/>, a <see cref="Bandit"/>) under a policy over its one-hot states and A
/// actions, by dynamic programming:
/// <code>
/// d₀ = μ₀,   d_{t+1}(s') = Σ_{s,a} d_t(s) π(a|s) P(s'|s,a)                 (forward: state distributions)
/// V_H = 0,   Q_t(s,a) = r(s,a) + γ Σ_{s'} P(s'|s,a) V_{t+1}(s'),  V_t(s) = Σ_a π(a|s) Q_t(s,a)   (backward)
/// J(θ) = Σ_s μ₀(s) V₀(s) = E[Σ_{t&lt;H} γᵗ r_t]
/// ∇J(θ) = Σ_t γᵗ Σ_s d_t(s) Σ_a π(a|s) Q_t(s,a) ∇_θ log π(a|s)          (policy-gradient theorem)
/// </code>
/// The score comes from the policy itself, so the exact gradient holds for an MLP-softmax policy too.
/// </summary>
public static class ExactMdp
{
    /// <summary>J(θ) = E[Σ_{t&lt;H} γᵗ r_t] under <paramref name="policy"/>, exactly.</summary>
    /// <exception cref="ArgumentException">The policy is not over S one-hot observations and A actions.</exception>
    public static double Objective(IFiniteMdp mdp, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        double[] pi = ExactPolicyTable.Probabilities(policy, mdp.StateCount, mdp.ActionCount, nameof(policy));
        double[] q = BackwardQ(mdp, pi);
        int a = mdp.ActionCount;
        double j = 0;
        for (int s = 0; s < mdp.StateCount; s++)
        {
            j += mdp.Initial[s] * Kernels.Dot(pi.AsSpan(s * a, a), q.AsSpan(s * a, a));
        }

        return j;
    }

    /// <summary>Writes ∇_θ J(θ) into <paramref name="gradient"/> (overwritten), exactly.</summary>
    /// <exception cref="ArgumentException">Wrong policy shape or gradient length.</exception>
    public static void Gradient(IFiniteMdp mdp, Policy policy, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        double[] pi = ExactPolicyTable.Probabilities(policy, mdp.StateCount, mdp.ActionCount, nameof(policy));
        ThrowHelper.CheckLength(gradient.Length, policy.ParameterCount, nameof(gradient), "[policy.ParameterCount]");
        double[] q = BackwardQ(mdp, pi); // [H, S, A], Q_t
        gradient.Clear();
        int states = mdp.StateCount, actions = mdp.ActionCount, sa = states * actions;
        var d = mdp.Initial.ToArray();
        var next = new double[states];
        var observation = new double[states];
        double discountPower = 1;
        for (int t = 0; t < mdp.Horizon; t++)
        {
            for (int s = 0; s < states; s++)
            {
                if (d[s] == 0)
                {
                    continue;
                }

                observation[s] = 1;
                for (int a = 0; a < actions; a++)
                {
                    double weight = discountPower * d[s] * pi[(s * actions) + a] * q[(t * sa) + (s * actions) + a];
                    policy.AccumulateScore(observation, [a], weight, gradient);
                }

                observation[s] = 0;
            }

            Propagate(mdp, pi, d, next);
            (d, next) = (next, d);
            discountPower *= mdp.Discount;
        }
    }

    /// <summary>
    /// The exact state values V_t^π(s) = Σ_a π(a|s) Q_t(s,a) = E[Σ_{t'=t}^{H−1} γ^{t'−t} r_{t'} | s_t = s] for
    /// t = 0 … H−1 as [H, S] row-major (V_H = 0), by the backward recursion above.
    /// </summary>
    /// <exception cref="ArgumentException">The policy is not over S one-hot observations and A actions.</exception>
    public static double[] Values(IFiniteMdp mdp, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        double[] pi = ExactPolicyTable.Probabilities(policy, mdp.StateCount, mdp.ActionCount, nameof(policy));
        double[] q = BackwardQ(mdp, pi);
        int states = mdp.StateCount, actions = mdp.ActionCount;
        var v = new double[mdp.Horizon * states];
        for (int t = 0; t < mdp.Horizon; t++)
        {
            for (int s = 0; s < states; s++)
            {
                v[(t * states) + s] = Kernels.Dot(pi.AsSpan(s * actions, actions), q.AsSpan(((t * states) + s) * actions, actions));
            }
        }

        return v;
    }

    // Q_t(s, a) for t = 0 … H−1: [H, S, A]
    private static double[] BackwardQ(IFiniteMdp mdp, double[] pi)
    {
        int states = mdp.StateCount, actions = mdp.ActionCount, sa = states * actions;
        var q = new double[mdp.Horizon * sa];
        var v = new double[states]; // V_{t+1}, starting from V_H = 0
        for (int t = mdp.Horizon - 1; t >= 0; t--)
        {
            for (int s = 0; s < states; s++)
            {
                for (int a = 0; a < actions; a++)
                {
                    ReadOnlySpan<double> p = mdp.Transitions.Slice(((s * actions) + a) * states, states);
                    q[(t * sa) + (s * actions) + a] = mdp.Rewards[(s * actions) + a] + (mdp.Discount * Kernels.Dot(p, v));
                }
            }

            for (int s = 0; s < states; s++)
            {
                v[s] = Kernels.Dot(pi.AsSpan(s * actions, actions), q.AsSpan((t * sa) + (s * actions), actions));
            }
        }

        return q;
    }

    // next(s') = Σ_{s,a} d(s) π(a|s) P(s'|s,a)
    private static void Propagate(IFiniteMdp mdp, double[] pi, double[] d, double[] next)
    {
        int states = mdp.StateCount, actions = mdp.ActionCount;
        Array.Clear(next);
        for (int s = 0; s < states; s++)
        {
            for (int a = 0; a < actions; a++)
            {
                Kernels.Axpy(d[s] * pi[(s * actions) + a], mdp.Transitions.Slice(((s * actions) + a) * states, states), next);
            }
        }
    }
}

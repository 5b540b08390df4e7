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
/// The score comes from the policy itself, so the exact gradient holds for an MLP-softmax policy too. Also the
/// expectation of the discounted reward-to-go estimator (the gradient without its γᵗ) and the trajectory Fisher matrix
/// F = Σ_t Σ_s d_t(s) Σ_a π(a|s) ∇log π ∇log πᵀ.
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
    public static void Gradient(IFiniteMdp mdp, Policy policy, Span<double> gradient) =>
        WeightedScores(mdp, policy, gradient, discountSteps: true);

    /// <summary>
    /// Writes the expectation of the reward-to-go estimator with the discounted Q̂_t = Σ_{t'≥t} γ^{t'−t} r_{t'}
    /// (<c>ReturnKind.RewardToGo</c>), E[ĝ] = Σ_t Σ_s d_t(s) Σ_a π(a|s) Q_t(s,a) ∇_θ log π(a|s), exactly: the gradient
    /// without its γᵗ. It equals ∇J for γ = 1; for γ &lt; 1 it is no gradient at all (its Jacobian in θ is not
    /// symmetric, docs/derivations.md §10).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong policy shape or destination length.</exception>
    public static void RewardToGoExpectation(IFiniteMdp mdp, Policy policy, Span<double> expectation) =>
        WeightedScores(mdp, policy, expectation, discountSteps: false);

    /// <summary>
    /// Writes the Fisher matrix of the trajectory distribution, F = E[∇log p_θ(τ) ∇log p_θ(τ)ᵀ] =
    /// Σ_{t&lt;H} Σ_s d_t(s) Σ_a π(a|s) ∇log π(a|s) ∇log π(a|s)ᵀ (undiscounted; the cross-time terms vanish because
    /// E_a[∇log π(a|s)] = 0), into <paramref name="fisher"/>: [P, P] row-major.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong policy shape or destination length.</exception>
    public static void Fisher(IFiniteMdp mdp, Policy policy, Span<double> fisher)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        double[] pi = ExactPolicyTable.Probabilities(policy, mdp.StateCount, mdp.ActionCount, nameof(policy));
        int p = policy.ParameterCount, states = mdp.StateCount, actions = mdp.ActionCount;
        ThrowHelper.CheckSquare(fisher.Length, p, nameof(fisher), "[policy.ParameterCount, policy.ParameterCount], row-major");
        var visits = new double[states]; // ρ(s) = Σ_t d_t(s)
        var d = mdp.Initial.ToArray();
        var next = new double[states];
        for (int t = 0; t < mdp.Horizon; t++)
        {
            Kernels.Axpy(1.0, d, visits);
            Propagate(mdp, pi, d, next);
            (d, next) = (next, d);
        }

        fisher.Clear();
        var observation = new double[states];
        var score = new double[p];
        for (int s = 0; s < states; s++)
        {
            observation[s] = 1;
            for (int a = 0; a < actions; a++)
            {
                Array.Clear(score);
                policy.AccumulateScore(observation, [a], 1.0, score);
                double weight = visits[s] * pi[(s * actions) + a];
                for (int i = 0; i < p; i++)
                {
                    Kernels.Axpy(weight * score[i], score, fisher.Slice(i * p, p)); // F += ρ(s) π(a|s) s sᵀ
                }
            }

            observation[s] = 0;
        }
    }

    // destination = Σ_t w_t Σ_s d_t(s) Σ_a π(a|s) Q_t(s,a) ∇_θ log π(a|s) with w_t = γᵗ (the gradient) or 1.
    private static void WeightedScores(IFiniteMdp mdp, Policy policy, Span<double> gradient, bool discountSteps)
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
            discountPower *= discountSteps ? mdp.Discount : 1.0;
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

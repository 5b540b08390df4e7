using PolicyGradient.Numerics;

namespace PolicyGradient.Environments;

/// <summary>
/// A finite-horizon tabular MDP: S states, A actions, horizon H, transition probabilities P(s'|s, a), rewards
/// r(s, a), start distribution μ₀ and discount γ ∈ [0, 1]. The observation is the one-hot vector of the state, so a
/// linear-softmax policy is the tabular softmax policy. Every episode lasts exactly H steps (terminated at step H).
/// For any policy over one-hot states and A actions, <c>Analysis.ExactMdp</c> computes the exact objective and
/// gradient by dynamic programming:
/// <code>
/// d₀ = μ₀,   d_{t+1}(s') = Σ_{s,a} d_t(s) π(a|s) P(s'|s,a)                 (forward: state distributions)
/// V_H = 0,   Q_t(s,a) = r(s,a) + γ Σ_{s'} P(s'|s,a) V_{t+1}(s'),  V_t(s) = Σ_a π(a|s) Q_t(s,a)   (backward)
/// J(θ) = Σ_s μ₀(s) V₀(s) = E[Σ_{t&lt;H} γᵗ r_t]
/// ∇J(θ) = Σ_t γᵗ Σ_s d_t(s) Σ_a π(a|s) Q_t(s,a) ∇_θ log π(a|s)          (policy-gradient theorem)
/// </code>
/// The score comes from the policy itself, so the exact gradient holds for an MLP-softmax policy too.
/// </summary>
public sealed class TabularMdp : DiscreteEnvironment, IFiniteMdp
{
    private readonly double[] _transitions; // [S, A, S]
    private readonly double[] _rewards;     // [S, A]
    private readonly double[] _initial;     // [S]
    private int _state, _time;
    private SplitMix64 _random;

    /// <summary>Creates the MDP from its tables.</summary>
    /// <param name="transitions">P(s'|s, a) as [S, A, S] row-major; each (s, a) row sums to 1.</param>
    /// <param name="rewards">r(s, a) as [S, A], finite.</param>
    /// <param name="initial">μ₀(s), summing to 1.</param>
    /// <param name="actionCount">A.</param>
    /// <param name="horizon">H ≥ 1.</param>
    /// <param name="discount">γ ∈ [0, 1].</param>
    /// <exception cref="ArgumentException">A table has the wrong shape, a negative or non-finite entry, or a row that does not sum to 1 (within 1e-9).</exception>
    public TabularMdp(double[] transitions, double[] rewards, double[] initial, int actionCount, int horizon, double discount = 1.0)
        : base(horizon)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(initial);
        ThrowHelper.CheckPositive(actionCount, nameof(actionCount));
        if (!(discount >= 0 && discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount, "Expected a discount γ in [0, 1].");
        }

        int s = initial.Length;
        ThrowHelper.CheckPositive(s, nameof(initial));
        ThrowHelper.CheckLength(transitions.Length, s * actionCount * s, nameof(transitions), "[S, A, S]");
        ThrowHelper.CheckLength(rewards.Length, s * actionCount, nameof(rewards), "[S, A]");
        ThrowHelper.CheckFinite(rewards, nameof(rewards));
        CheckDistribution(initial, nameof(initial));
        for (int row = 0; row < s * actionCount; row++)
        {
            CheckDistribution(transitions.AsSpan(row * s, s), nameof(transitions));
        }

        StateCount = s;
        ActionCount = actionCount;
        Discount = discount;
        _transitions = (double[])transitions.Clone();
        _rewards = (double[])rewards.Clone();
        _initial = (double[])initial.Clone();
    }

    /// <inheritdoc/>
    public override string Id => "TabularMdp";

    /// <summary>P(s'|s, a): [S, A, S] row-major.</summary>
    public ReadOnlySpan<double> Transitions => _transitions;

    /// <summary>r(s, a): [S, A].</summary>
    public ReadOnlySpan<double> Rewards => _rewards;

    /// <summary>μ₀(s): [S].</summary>
    public ReadOnlySpan<double> Initial => _initial;

    /// <summary>S, the number of states.</summary>
    public int StateCount { get; }

    /// <inheritdoc/>
    public override int ActionCount { get; }

    /// <summary>H, the number of steps of every episode.</summary>
    public int Horizon => MaxEpisodeSteps;

    /// <summary>γ, the discount of the objective J = E[Σ_t γᵗ r_t] (rewards are returned undiscounted).</summary>
    public double Discount { get; }

    /// <inheritdoc/>
    public override int ObservationSize => StateCount;

    /// <summary>
    /// State (s, t, g_hi, g_lo): the current state index, the steps taken, and the high and low 32 bits of the
    /// generator that draws the transitions (seeded at reset), so that restoring the state restores the future.
    /// </summary>
    public override int StateSize => 4;

    /// <summary>
    /// Draws an MDP: P(·|s, a) ~ Dirichlet(1, …, 1), r(s, a) ~ U(0, 1), μ₀ ~ Dirichlet(1, …, 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size ≤ 0 or γ outside [0, 1].</exception>
    public static TabularMdp Random(int states, int actions, int horizon, int seed, double discount = 1.0)
    {
        ThrowHelper.CheckPositive(states, nameof(states));
        ThrowHelper.CheckPositive(actions, nameof(actions));
        var random = new Random(seed);
        var transitions = new double[states * actions * states];
        for (int row = 0; row < states * actions; row++)
        {
            DrawDirichlet(random, transitions.AsSpan(row * states, states));
        }

        double[] rewards = Enumerable.Range(0, states * actions).Select(_ => random.NextDouble()).ToArray();
        var initial = new double[states];
        DrawDirichlet(random, initial);
        return new TabularMdp(transitions, rewards, initial, actions, horizon, discount);
    }

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        double u = random.NextDouble();
        _state = SampleIndex(_initial, u);
        _time = 0;
        _random = new SplitMix64((ulong)random.NextInt64());
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(int action)
    {
        double reward = _rewards[(_state * ActionCount) + action];
        _state = SampleIndex(_transitions.AsSpan(((_state * ActionCount) + action) * StateCount, StateCount), _random.NextDouble());
        _time++;
        return (reward, _time >= Horizon);
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation)
    {
        observation.Clear();
        observation[_state] = 1;
    }

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _state;
        destination[1] = _time;
        destination[2] = _random.State >> 32;
        destination[3] = (uint)_random.State;
    }

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state)
    {
        int s = (int)state[0], t = (int)state[1];
        if (s != state[0] || (uint)s >= (uint)StateCount || t != state[1] || t < 0 || !IsUInt32(state[2]) || !IsUInt32(state[3]))
        {
            throw new ArgumentOutOfRangeException(nameof(state), $"Expected (s, t, g_hi, g_lo) with integer s in [0, {StateCount}), integer t ≥ 0 and integers g_hi, g_lo in [0, 2³²).");
        }

        (_state, _time, _random) = (s, t, new SplitMix64(((ulong)state[2] << 32) | (ulong)state[3]));

        static bool IsUInt32(double x) => x >= 0 && x <= uint.MaxValue && x == Math.Floor(x);
    }

    private static int SampleIndex(ReadOnlySpan<double> probabilities, double u)
    {
        double cumulative = 0;
        for (int i = 0; i < probabilities.Length - 1; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative)
            {
                return i;
            }
        }

        return probabilities.Length - 1;
    }

    private static void DrawDirichlet(Random random, Span<double> destination)
    {
        double sum = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = -Math.Log(1 - random.NextDouble()); // Exp(1) = Gamma(1)
            sum += destination[i];
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] /= sum;
        }
    }

    private static void CheckDistribution(ReadOnlySpan<double> p, string paramName)
    {
        double sum = 0;
        foreach (double x in p)
        {
            if (!(x >= 0) || !double.IsFinite(x))
            {
                throw new ArgumentException($"Expected probabilities ≥ 0, found {x}.", paramName);
            }

            sum += x;
        }

        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw new ArgumentException($"Expected probabilities summing to 1, found a sum of {sum}.", paramName);
        }
    }
}

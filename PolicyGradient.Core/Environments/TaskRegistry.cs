namespace PolicyGradient.Environments;

/// <summary>
/// Creates the built-in tasks by their Gymnasium-style id, with their registered time limits. Besides the
/// Gymnasium and lane-keeping tasks: "TabularMdp-v0" is <see cref="TabularMdp.Random"/>(5 states, 3 actions,
/// horizon 10, seed 0), "Bandit-v0" the two-armed bandit N(1, 0.5²), N(0.25, 1.5²) of docs/derivations.md, and
/// "Lqr-v0" the linear-quadratic regulator <see cref="Lqr.Default"/> (H = 50).
/// </summary>
public static class TaskRegistry
{
    private static readonly Dictionary<string, Func<int?, TaskEnvironment>> Factories = new(StringComparer.Ordinal)
    {
        ["CartPole-v1"] = steps => new CartPole(steps ?? 500),
        ["Acrobot-v1"] = steps => new Acrobot(steps ?? 500),
        ["MountainCar-v0"] = steps => new MountainCar(steps ?? 200),
        ["Pendulum-v1"] = steps => new Pendulum(steps ?? 200),
        ["MountainCarContinuous-v0"] = steps => new MountainCarContinuous(steps ?? 999),
        ["LaneKeeping-v0"] = steps => new LaneKeeping(maxEpisodeSteps: steps ?? 600),
        ["LaneKeepingDiscrete-v0"] = steps => new DiscreteLaneKeeping(maxEpisodeSteps: steps ?? 600),
        ["TabularMdp-v0"] = steps => TabularMdp.Random(states: 5, actions: 3, horizon: steps ?? 10, seed: 0),
        ["Bandit-v0"] = _ => new Bandit([1.0, 0.25], [0.5, 1.5]),
        ["Lqr-v0"] = steps => Lqr.Default(steps ?? 50),
    };

    /// <summary>The ids <see cref="Create"/> accepts.</summary>
    public static IReadOnlyCollection<string> Ids => Factories.Keys;

    /// <summary>
    /// Creates the task <paramref name="id"/>, optionally with another time limit (≥ 1 step; null for the registered
    /// one). "Bandit-v0" episodes last one step whatever the limit.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown id (the message lists the known ones).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> ≤ 0.</exception>
    public static TaskEnvironment Create(string id, int? maxEpisodeSteps = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!Factories.TryGetValue(id, out Func<int?, TaskEnvironment>? create))
        {
            throw new ArgumentException($"Unknown task '{id}'. Known: {string.Join(", ", Factories.Keys)}.", nameof(id));
        }

        if (maxEpisodeSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "Expected a time limit of at least 1 step, or null for the registered one.");
        }

        return create(maxEpisodeSteps);
    }
}

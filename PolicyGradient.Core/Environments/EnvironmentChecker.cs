using System.Globalization;

namespace PolicyGradient.Environments;

/// <summary>
/// Checks a task implementation the way Gymnasium's and Stable-Baselines3's <c>check_env</c> do, so that a user's
/// own environment can be trusted by the samplers: sizes and action bounds are sane, observations and rewards are
/// finite, a reset with the same seed gives the same state and observation, the same actions give the same
/// trajectory, the state round-trips through <see cref="TaskEnvironment.GetState"/>/<see cref="TaskEnvironment.SetState"/>,
/// truncation comes exactly at the time limit, and valid actions never throw. Every violation is reported with a
/// message that says what was expected and what happened; the check itself never throws for a faulty task.
/// </summary>
public static class EnvironmentChecker
{
    /// <summary>Runs every check on instances made by <paramref name="create"/> (two are needed, for determinism).</summary>
    /// <param name="create">Makes a fresh instance of the task.</param>
    /// <param name="seed">Seed of the resets and of the random actions.</param>
    /// <param name="episodes">Episodes to run with random actions (each at most MaxEpisodeSteps long).</param>
    public static EnvironmentCheckReport Check(Func<TaskEnvironment> create, int seed = 0, int episodes = 3)
    {
        ArgumentNullException.ThrowIfNull(create);
        var problems = new List<string>();
        TaskEnvironment first, second;
        try
        {
            first = create();
            second = create();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problems.Add($"Creating the task threw {e.GetType().Name}: {e.Message}");
            return new EnvironmentCheckReport(problems);
        }

        if (!CheckSizes(first, problems))
        {
            return new EnvironmentCheckReport(problems);
        }

        try
        {
            CheckEpisodes(first, second, seed, episodes, problems);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problems.Add($"{first.Id}: a reset or a valid step threw {e.GetType().Name}: {e.Message}");
        }

        return new EnvironmentCheckReport(problems);
    }

    private static bool CheckSizes(TaskEnvironment env, List<string> problems)
    {
        int before = problems.Count;
        if (env.ObservationSize <= 0)
        {
            problems.Add($"{env.Id}: ObservationSize must be > 0, is {env.ObservationSize}.");
        }

        if (env.StateSize <= 0)
        {
            problems.Add($"{env.Id}: StateSize must be > 0, is {env.StateSize}.");
        }

        switch (env)
        {
            case DiscreteEnvironment d when d.ActionCount <= 0:
                problems.Add($"{env.Id}: ActionCount must be > 0, is {d.ActionCount}.");
                break;
            case ContinuousEnvironment c:
                if (c.ActionSize <= 0 || c.ActionLow.Length != c.ActionSize || c.ActionHigh.Length != c.ActionSize)
                {
                    problems.Add($"{env.Id}: ActionLow and ActionHigh must both have ActionSize = {c.ActionSize} > 0 elements, have {c.ActionLow.Length} and {c.ActionHigh.Length}.");
                    break;
                }

                for (int j = 0; j < c.ActionSize; j++)
                {
                    if (!double.IsFinite(c.ActionLow[j]) || !double.IsFinite(c.ActionHigh[j]) || c.ActionLow[j] > c.ActionHigh[j])
                    {
                        problems.Add($"{env.Id}: action bound {j} must be finite with low ≤ high, is [{c.ActionLow[j]}, {c.ActionHigh[j]}].");
                    }
                }

                break;
            case DiscreteEnvironment or ContinuousEnvironment:
                break;
            default:
                problems.Add($"{env.Id}: derive from DiscreteEnvironment or ContinuousEnvironment so that samplers can act on it.");
                break;
        }

        return problems.Count == before;
    }

    private static void CheckEpisodes(TaskEnvironment first, TaskEnvironment second, int seed, int episodes, List<string> problems)
    {
        int n = first.ObservationSize;
        double[] a = new double[n], b = new double[n], stateA = new double[first.StateSize], stateB = new double[first.StateSize];
        var actions = new Random(seed);
        double[] continuousAction = new double[(first as ContinuousEnvironment)?.ActionSize ?? 0];
        for (int episode = 0; episode < episodes; episode++)
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"{first.Id} episode {episode}");
            first.Reset(new Random(seed + episode), a);
            second.Reset(new Random(seed + episode), b);
            first.GetState(stateA);
            second.GetState(stateB);
            if (!a.AsSpan().SequenceEqual(b) || !stateA.AsSpan().SequenceEqual(stateB))
            {
                problems.Add($"{where}: two resets with the same seed gave different states or observations; draw the start state from the Random passed to ResetState only.");
                return;
            }

            if (!Finite(a, where + " reset observation", problems))
            {
                return;
            }

            second.SetState(stateA);
            second.Observe(b);
            if (!a.AsSpan().SequenceEqual(b))
            {
                problems.Add($"{where}: SetState(GetState()) changed the observation; ReadState and WriteState must round-trip the whole state.");
                return;
            }

            for (int t = 1; t <= first.MaxEpisodeSteps; t++)
            {
                StepResult ra, rb;
                if (first is DiscreteEnvironment discrete)
                {
                    int action = actions.Next(discrete.ActionCount);
                    ra = discrete.Step(action, a);
                    rb = ((DiscreteEnvironment)second).Step(action, b);
                }
                else
                {
                    var continuous = (ContinuousEnvironment)first;
                    Span<double> action = continuousAction;
                    for (int j = 0; j < action.Length; j++)
                    {
                        action[j] = continuous.ActionLow[j] + ((continuous.ActionHigh[j] - continuous.ActionLow[j]) * actions.NextDouble());
                    }

                    ra = continuous.Step(action, a);
                    rb = ((ContinuousEnvironment)second).Step(action, b);
                }

                string at = string.Create(CultureInfo.InvariantCulture, $"{where} step {t}");
                if (!Finite(a, at + " observation", problems))
                {
                    return;
                }

                if (!double.IsFinite(ra.Reward))
                {
                    problems.Add($"{at}: the reward must be finite, is {ra.Reward}.");
                    return;
                }

                if (ra != rb || !a.AsSpan().SequenceEqual(b))
                {
                    problems.Add($"{at}: the same state and action gave different results; Transition must be deterministic (draw any noise at reset or from a seeded source kept in the state).");
                    return;
                }

                if (ra.Truncated != (t >= first.MaxEpisodeSteps))
                {
                    problems.Add($"{at}: truncated must be true exactly at the time limit {first.MaxEpisodeSteps}, is {ra.Truncated}.");
                    return;
                }

                if (ra.Done)
                {
                    break;
                }
            }
        }
    }

    private static bool Finite(double[] values, string where, List<string> problems)
    {
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad < 0)
        {
            return true;
        }

        problems.Add($"{where}: element {bad} must be finite, is {values[bad]}.");
        return false;
    }
}

/// <summary>The outcome of <see cref="EnvironmentChecker.Check"/>: every problem found, in words.</summary>
public sealed class EnvironmentCheckReport
{
    internal EnvironmentCheckReport(IReadOnlyList<string> problems) => Problems = problems;

    /// <summary>The violations found; empty when the task passed.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Whether no violation was found.</summary>
    public bool Passed => Problems.Count == 0;

    /// <inheritdoc/>
    public override string ToString() => Passed ? "passed" : string.Join(System.Environment.NewLine, Problems);
}

using PolicyGradient.Distributions;
using System.Globalization;
using System.Runtime.InteropServices;

namespace PolicyGradient.Environments;

/// <summary>
/// Checks a task implementation the way Gymnasium's and Stable-Baselines3's <c>check_env</c> do, so that a user's
/// own environment can be trusted by the samplers: the factory makes a new instance on every call, sizes and action
/// bounds are sane, observations and rewards are finite, a reset with the same seed gives the same state and
/// observation, the same actions give the same trajectory, the state round-trips through
/// <see cref="TaskEnvironment.GetState"/>/<see cref="TaskEnvironment.SetState"/>, truncation comes exactly at the
/// time limit, and valid actions never throw. Every violation is reported with a message that says what was
/// expected and what happened; the check itself never throws for a faulty task or factory.
/// </summary>
/// <remarks>
/// <para>
/// The factory is called three times. It must return a non-null instance each time, and never one it returned
/// before: samplers run one instance per thread, so a shared instance would interleave episodes. A factory that
/// throws, returns null or repeats an instance is reported and nothing else is checked.
/// </para>
/// <para>
/// Episode e (0 ≤ e &lt; episodes) resets two instances with <c>new Random(seed + e)</c> and steps both, in
/// lockstep, with uniformly random valid actions drawn from <c>new Random(~(seed + e))</c> until the episode
/// ends; observations, rewards and flags must agree bit for bit.
/// </para>
/// <para>
/// The state round trip then replays episode e of length L on the first instance, reads the state after
/// k = ⌊L/2⌋ steps, and steps on m = min(L − k, <see cref="RoundTripSteps"/>) steps, recording them: the instance
/// is now away from the state it read. That state is restored with SetState into the same instance and into the
/// third instance (fresh in episode 0, never reset), and each steps the recorded m actions. Both must reproduce the
/// state vector at once, and the observations, rewards, terminated flags and final state of the recorded steps bit
/// for bit. So a WriteState that ignores part of the state fails, and so does a task that keeps state outside its
/// state vector (the same instance still holds the later values, the other one its own). The truncated flag is not
/// compared: it follows the step counter, which SetState keeps by design.
/// </para>
/// </remarks>
public static class EnvironmentChecker
{
    /// <summary>The most steps the state round trip replays after restoring a state.</summary>
    public const int RoundTripSteps = 64;

    /// <summary>Runs every check (see the class remarks) on three instances made by <paramref name="create"/>.</summary>
    /// <param name="create">Makes a new, independent instance of the task on every call.</param>
    /// <param name="seed">Seed of the resets and of the random actions.</param>
    /// <param name="episodes">Episodes to run with random actions (each at most MaxEpisodeSteps long), ≥ 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episodes"/> ≤ 0.</exception>
    public static EnvironmentCheckReport Check(Func<TaskEnvironment> create, int seed = 0, int episodes = 3)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        var problems = new List<string>();
        if (CreateInstances(create, problems) is [TaskEnvironment first, TaskEnvironment second, TaskEnvironment third])
        {
            try
            {
                if (CheckSizes(first, problems))
                {
                    CheckEpisodes(first, second, third, seed, episodes, problems);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"{first.GetType().Name}: a property, a reset, a valid step or a state round trip threw {e.GetType().Name}: {e.Message}");
            }
        }

        return new EnvironmentCheckReport(problems);
    }

    /// <summary>Three distinct instances, or null after reporting why not.</summary>
    private static TaskEnvironment[]? CreateInstances(Func<TaskEnvironment> create, List<string> problems)
    {
        var made = new TaskEnvironment[3];
        for (int i = 0; i < made.Length; i++)
        {
            TaskEnvironment? env;
            try
            {
                env = create();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"Creating the task threw {e.GetType().Name}: {e.Message}");
                return null;
            }

            if (env is null)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"The factory returned null on call {i + 1}; it must return a new instance on every call."));
                return null;
            }

            int repeated = Array.FindIndex(made, 0, i, earlier => ReferenceEquals(earlier, env));
            if (repeated >= 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"The factory returned the same instance on calls {repeated + 1} and {i + 1}; it must return a new, independent instance on every call (samplers step one instance per thread)."));
                return null;
            }

            made[i] = env;
        }

        return made;
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

        try
        {
            ActionSpace actions = env.ActionSpace; // its factories refuse a count ≤ 0, mismatched or NaN bounds, low ≥ high
            if (!actions.IsDiscrete && !actions.IsBounded)
            {
                problems.Add($"{env.Id}: every action bound must be finite, is {actions}.");
            }
        }
        catch (ArgumentException e)
        {
            problems.Add($"{env.Id}: its action space is invalid: {e.Message}");
        }

        return problems.Count == before;
    }

    private static void CheckEpisodes(TaskEnvironment first, TaskEnvironment second, TaskEnvironment third, int seed, int episodes, List<string> problems)
    {
        for (int episode = 0; episode < episodes; episode++)
        {
            int episodeSeed = unchecked(seed + episode);
            string where = string.Create(CultureInfo.InvariantCulture, $"{first.Id} episode {episode}");
            int length = CheckLockstep(first, second, episodeSeed, where, problems);
            if (length < 0 || !CheckRoundTrip(first, third, episodeSeed, length, where, problems))
            {
                return;
            }
        }
    }

    /// <summary>Runs one episode on two instances side by side; returns its length, or −1 after reporting a problem.</summary>
    private static int CheckLockstep(TaskEnvironment first, TaskEnvironment second, int episodeSeed, string where, List<string> problems)
    {
        int n = first.ObservationSize;
        double[] a = new double[n], b = new double[n], stateA = new double[first.StateSize], stateB = new double[first.StateSize];
        double[] action = new double[ActionWidth(first)];
        first.Reset(new Random(episodeSeed), a);
        second.Reset(new Random(episodeSeed), b);
        first.GetState(stateA);
        second.GetState(stateB);
        if (!SameBits(a, b) || !SameBits(stateA, stateB))
        {
            problems.Add($"{where}: two resets with the same seed gave different states or observations; draw the start state from the Random passed to ResetState only.");
            return -1;
        }

        if (!Finite(a, where + " reset observation", problems))
        {
            return -1;
        }

        Random actions = ActionRandom(episodeSeed);
        for (int t = 1; ; t++)
        {
            DrawAction(first, actions, action);
            StepResult ra = first.Step(action, a), rb = second.Step(action, b);
            string at = string.Create(CultureInfo.InvariantCulture, $"{where} step {t}");
            if (!Finite(a, at + " observation", problems))
            {
                return -1;
            }

            if (!double.IsFinite(ra.Reward))
            {
                problems.Add($"{at}: the reward must be finite, is {ra.Reward}.");
                return -1;
            }

            if (!SameResult(ra, rb) || ra.Truncated != rb.Truncated || !SameBits(a, b))
            {
                problems.Add($"{at}: the same state and action gave different results; Transition must be deterministic (draw any noise at reset or from a seeded source kept in the state).");
                return -1;
            }

            if (ra.Truncated != (t >= first.MaxEpisodeSteps))
            {
                problems.Add($"{at}: truncated must be true exactly at the time limit {first.MaxEpisodeSteps}, is {ra.Truncated}.");
                return -1;
            }

            if (ra.Done)
            {
                return t;
            }
        }
    }

    /// <summary>
    /// Replays the episode on <paramref name="original"/> to step k = ⌊L/2⌋, reads the state, records m more steps,
    /// then restores the state into <paramref name="original"/> and <paramref name="other"/> and replays the m
    /// steps on each (see the class remarks). Returns false after reporting a problem.
    /// </summary>
    private static bool CheckRoundTrip(TaskEnvironment original, TaskEnvironment other, int episodeSeed, int length, string where, List<string> problems)
    {
        int n = original.ObservationSize, width = ActionWidth(original), k = length / 2, m = Math.Min(length - k, RoundTripSteps);
        var run = new RecordedRun(original.StateSize, n, width, k, m);
        Random actions = ActionRandom(episodeSeed);
        double[] action = new double[width];
        original.Reset(new Random(episodeSeed), run.Start);
        for (int t = 1; t <= k; t++)
        {
            DrawAction(original, actions, action);
            if (EndedEarly(original.Step(action, run.Start), t, length, where, problems))
            {
                return false;
            }
        }

        original.GetState(run.State);
        for (int j = 0; j < m; j++)
        {
            DrawAction(original, actions, run.Action(j));
            run.Results[j] = original.Step(run.Action(j), run.Observation(j));
            if (EndedEarly(run.Results[j], k + j + 1, length, where, problems))
            {
                return false;
            }
        }

        original.GetState(run.FinalState);
        return Replay(original, run, string.Create(CultureInfo.InvariantCulture, $"the same instance (stepped {m} further)"), where, problems)
            && Replay(other, run, "another instance", where, problems);
    }

    private static bool EndedEarly(StepResult result, int t, int length, string where, List<string> problems)
    {
        if (result.Done && t < length)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: replaying the episode with the same seed and actions ended it at step {t}, not {length}; Reset must not depend on earlier episodes."));
            return true;
        }

        return false;
    }

    /// <summary>Restores the recorded state into <paramref name="env"/> and replays the recorded steps.</summary>
    private static bool Replay(TaskEnvironment env, RecordedRun run, string into, string where, List<string> problems)
    {
        string restored = string.Create(CultureInfo.InvariantCulture, $"{where}: after SetState restored the state read at step {run.RestoredStep} into {into}");
        double[] state = new double[run.State.Length], observation = new double[run.Start.Length];
        env.SetState(run.State);
        env.GetState(state);
        env.Observe(observation);
        if (!SameBits(state, run.State) || !SameBits(observation, run.Start))
        {
            problems.Add($"{restored}, GetState or the observation differ from the original; ReadState and WriteState must round-trip the whole state.");
            return false;
        }

        for (int j = 0; j < run.Results.Length; j++)
        {
            StepResult result = env.Step(run.Action(j), observation);
            if (!SameResult(result, run.Results[j]) || !SameBits(observation, run.Observation(j)))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{restored}, step {run.RestoredStep + j + 1} gave a different observation, reward or terminated flag than the original; the state round-trip must restore everything a step depends on, so WriteState must write all of it and the task must keep no state outside its state vector."));
                return false;
            }
        }

        env.GetState(state);
        if (!SameBits(state, run.FinalState))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{restored}, the state after {run.Results.Length} replayed steps differs from the original's; the state round-trip must restore everything a step depends on."));
            return false;
        }

        return true;
    }

    /// <summary>Values per action: 1 (the index, as a double) for a discrete task, ActionSize for a continuous one.</summary>
    private static int ActionWidth(TaskEnvironment env) => env.ActionSpace.Width;

    private static Random ActionRandom(int episodeSeed) => new(~episodeSeed);

    /// <summary>Draws a uniformly random valid action: an index in [0, n) or a point of the action box.</summary>
    private static void DrawAction(TaskEnvironment env, Random random, Span<double> action)
    {
        ActionSpace space = env.ActionSpace;
        if (space.IsDiscrete)
        {
            action[0] = random.Next(space.Count);
            return;
        }

        for (int j = 0; j < action.Length; j++)
        {
            action[j] = space.Low[j] + ((space.High[j] - space.Low[j]) * random.NextDouble());
        }
    }

    /// <summary>Same reward bits and terminated flag (truncation follows the step counter; compared where it must).</summary>
    private static bool SameResult(StepResult x, StepResult y) =>
        BitConverter.DoubleToInt64Bits(x.Reward) == BitConverter.DoubleToInt64Bits(y.Reward) && x.Terminated == y.Terminated;

    private static bool SameBits(ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        MemoryMarshal.AsBytes(x).SequenceEqual(MemoryMarshal.AsBytes(y));

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

    /// <summary>The stretch of an episode the round trip replays: the state read after step k and the m steps after it.</summary>
    private sealed class RecordedRun(int stateSize, int observationSize, int actionWidth, int restoredStep, int steps)
    {
        private readonly double[] _actions = new double[steps * actionWidth];

        /// <summary>k: the state was read after this many steps.</summary>
        public int RestoredStep { get; } = restoredStep;

        /// <summary>The state read after step k.</summary>
        public double[] State { get; } = new double[stateSize];

        /// <summary>The observation after step k (the steps up to it write here).</summary>
        public double[] Start { get; } = new double[observationSize];

        /// <summary>The observations after steps k + 1 … k + m, one after the other.</summary>
        public double[] Observations { get; } = new double[steps * observationSize];

        /// <summary>The results of steps k + 1 … k + m.</summary>
        public StepResult[] Results { get; } = new StepResult[steps];

        /// <summary>The state after step k + m.</summary>
        public double[] FinalState { get; } = new double[stateSize];

        public Span<double> Action(int j) => _actions.AsSpan(j * actionWidth, actionWidth);

        public Span<double> Observation(int j) => Observations.AsSpan(j * observationSize, observationSize);
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

using PolicyGradient.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Environments;

/// <summary>
/// A task with Gymnasium semantics: <c>Reset</c> writes the first observation; each step writes the next
/// observation and returns the reward with <c>terminated</c> and <c>truncated</c> kept apart. The time limit
/// (Gymnasium's registered <c>max_episode_steps</c>) is part of each task: after step number t, truncated is true
/// once t ≥ <see cref="MaxEpisodeSteps"/>, whatever terminated is. The internal state can be read and written for
/// tests and teaching. Stepping allocates nothing. Not thread-safe: one instance per thread.
/// </summary>
public abstract class TaskEnvironment
{
    /// <summary>Sets the time limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> ≤ 0.</exception>
    protected TaskEnvironment(int maxEpisodeSteps)
    {
        ThrowHelper.CheckPositive(maxEpisodeSteps, nameof(maxEpisodeSteps));
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>Gymnasium's id of the task, e.g. "CartPole-v1".</summary>
    public abstract string Id { get; }

    /// <summary>Length of an observation.</summary>
    public abstract int ObservationSize { get; }

    /// <summary>Length of the internal state (<see cref="GetState"/>, <see cref="SetState"/>).</summary>
    public abstract int StateSize { get; }

    /// <summary>The time limit: steps after which an episode is truncated.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken since the last reset (Gymnasium's TimeLimit counter).</summary>
    public int ElapsedSteps { get; private set; }

    /// <summary>Whether <see cref="Reset"/> has been called; stepping before it throws.</summary>
    public bool IsReset { get; private set; }

    /// <summary>Starts an episode: draws a start state from the task's reset distribution and writes its observation.</summary>
    /// <exception cref="ArgumentException"><paramref name="observation"/> is not of length ObservationSize.</exception>
    public void Reset(Random random, Span<double> observation)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckObservation(observation);
        ResetState(random);
        ElapsedSteps = 0;
        IsReset = true;
        Observe(observation);
    }

    /// <summary>Writes the observation of the current state.</summary>
    /// <exception cref="ArgumentException"><paramref name="observation"/> is not of length ObservationSize.</exception>
    public void Observe(Span<double> observation)
    {
        CheckObservation(observation);
        WriteObservation(observation);
    }

    /// <summary>Copies the internal state into <paramref name="destination"/>: [StateSize].</summary>
    /// <exception cref="ArgumentException">Wrong length.</exception>
    public void GetState(Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, StateSize, nameof(destination), "[StateSize]");
        ReadState(destination);
    }

    /// <summary>
    /// Overwrites the internal state (the episode's step counters are kept). The values are taken as they are:
    /// use it to replay recorded states or to start from a chosen one.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite value.</exception>
    public void SetState(ReadOnlySpan<double> state)
    {
        ThrowHelper.CheckLength(state.Length, StateSize, nameof(state), "[StateSize]");
        ThrowHelper.CheckFinite(state, nameof(state));
        WriteState(state);
        IsReset = true;
    }

    /// <summary>Draws a start state from the task's reset distribution, using only <paramref name="random"/>.</summary>
    protected abstract void ResetState(Random random);

    /// <summary>Writes the observation of the current state into a span of length ObservationSize.</summary>
    protected abstract void WriteObservation(Span<double> observation);

    /// <summary>Copies the internal state into a span of length StateSize.</summary>
    protected abstract void ReadState(Span<double> destination);

    /// <summary>Replaces the internal state with finite values of length StateSize.</summary>
    protected abstract void WriteState(ReadOnlySpan<double> state);

    /// <summary>The actions the task takes: discrete or a box, with its sizes and bounds.</summary>
    public abstract ActionSpace ActionSpace { get; }

    /// <summary>
    /// Takes one action row of <see cref="ActionSpace"/>.Width doubles (a discrete task's row holds the index),
    /// writes the next observation and returns reward and flags. The typed <c>Step</c> of
    /// <see cref="DiscreteEnvironment"/> and this member give identical transitions.
    /// </summary>
    /// <exception cref="ArgumentException">The row's length is wrong, a value is not finite, or a discrete index is not an integer in range; the state is unchanged.</exception>
    /// <exception cref="InvalidOperationException">Called before <see cref="Reset"/>.</exception>
    public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        CheckStep(observation);
        CheckActionRow(action);
        (double reward, bool terminated) = TransitionRow(action);
        return Finish(reward, terminated, observation);
    }

    /// <summary>Checks an action row (length, finite values, a valid index for a discrete task).</summary>
    private protected abstract void CheckActionRow(ReadOnlySpan<double> action);

    /// <summary>Applies a checked action row.</summary>
    private protected abstract (double Reward, bool Terminated) TransitionRow(ReadOnlySpan<double> action);

    /// <summary>The checks every step makes before anything changes.</summary>
    private protected void CheckStep(Span<double> observation)
    {
        if (!IsReset)
        {
            throw new InvalidOperationException($"{Id}: call Reset before Step.");
        }

        CheckObservation(observation);
    }

    /// <summary>Counts the step, applies the time limit and writes the observation.</summary>
    private protected StepResult Finish(double reward, bool terminated, Span<double> observation)
    {
        ElapsedSteps++;
        WriteObservation(observation);
        return new StepResult(reward, terminated, ElapsedSteps >= MaxEpisodeSteps);
    }

    private void CheckObservation(Span<double> observation) =>
        ThrowHelper.CheckLength(observation.Length, ObservationSize, nameof(observation), "[ObservationSize]");
}

/// <summary>A task with actions 0 … <see cref="ActionCount"/> − 1.</summary>
public abstract class DiscreteEnvironment : TaskEnvironment
{
    private ActionSpace? _actionSpace;

    /// <summary>Sets the time limit.</summary>
    protected DiscreteEnvironment(int maxEpisodeSteps)
        : base(maxEpisodeSteps)
    {
    }

    /// <summary>Number of actions.</summary>
    public abstract int ActionCount { get; }

    /// <summary>The discrete space {0, …, ActionCount − 1}.</summary>
    public override ActionSpace ActionSpace => _actionSpace ??= ActionSpace.Discrete(ActionCount);

    /// <summary>Takes <paramref name="action"/>, writes the next observation and returns reward and flags.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="action"/> is not in [0, ActionCount); the state is unchanged.</exception>
    /// <exception cref="InvalidOperationException">Called before <see cref="TaskEnvironment.Reset"/>.</exception>
    public StepResult Step(int action, Span<double> observation)
    {
        CheckStep(observation);
        ThrowHelper.CheckIndex(action, ActionCount, nameof(action));
        (double reward, bool terminated) = Transition(action);
        return Finish(reward, terminated, observation);
    }

    /// <summary>Applies a valid action to the state; returns the reward and whether the new state is terminal.</summary>
    protected abstract (double Reward, bool Terminated) Transition(int action);

    private protected override void CheckActionRow(ReadOnlySpan<double> action) => ActionSpace.CheckAction(action, nameof(action));

    private protected override (double Reward, bool Terminated) TransitionRow(ReadOnlySpan<double> action) => Transition((int)action[0]);
}

/// <summary>A task with actions in a box [<see cref="ActionLow"/>, <see cref="ActionHigh"/>] ⊂ ℝᵈ.</summary>
public abstract class ContinuousEnvironment : TaskEnvironment
{
    private ActionSpace? _actionSpace;

    /// <summary>Sets the time limit.</summary>
    protected ContinuousEnvironment(int maxEpisodeSteps)
        : base(maxEpisodeSteps)
    {
    }

    /// <summary>Action dimension d.</summary>
    public abstract int ActionSize { get; }

    /// <summary>Lower bounds of the action box.</summary>
    public abstract ReadOnlySpan<double> ActionLow { get; }

    /// <summary>Upper bounds of the action box.</summary>
    public abstract ReadOnlySpan<double> ActionHigh { get; }

    /// <summary>The box [ActionLow, ActionHigh].</summary>
    public override ActionSpace ActionSpace => _actionSpace ??= ActionSpace.Box(ActionLow, ActionHigh);

    /// <summary>Applies a finite action to the state; returns the reward and whether the new state is terminal.</summary>
    protected abstract (double Reward, bool Terminated) Transition(ReadOnlySpan<double> action);

    /// <summary>Finite values of length d; values outside the box are handled as the task does, usually by clipping.</summary>
    private protected override void CheckActionRow(ReadOnlySpan<double> action) => ActionSpace.CheckRow(action, nameof(action));

    private protected override (double Reward, bool Terminated) TransitionRow(ReadOnlySpan<double> action) => Transition(action);
}

using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Sampling;

/// <summary>
/// N trajectories stored as a struct of arrays, episode after episode: observations [steps, n] row-major, actions
/// [steps] (discrete) or [steps, d] (continuous), rewards [steps], log π(a_t|s_t) at sampling time [steps],
/// episode offsets [episodes + 1], and terminated / truncated per episode. The arrays grow when needed and are
/// kept across <see cref="Clear"/>, so refilling a batch of the same size allocates nothing.
/// </summary>
public sealed class TrajectoryBatch
{
    private double[] _observations = [], _continuousActions = [], _rewards = [], _logProbabilities = [];
    private int[] _actions = [], _episodeStarts = [0];
    private bool[] _terminated = [], _truncated = [];
    private bool _open;
    private int _openSteps;

    /// <summary>Creates an empty batch for observations of length n and, when <paramref name="actionSize"/> &gt; 0, continuous actions of that length (0: discrete actions).</summary>
    /// <exception cref="ArgumentOutOfRangeException">observationSize ≤ 0 or actionSize &lt; 0.</exception>
    public TrajectoryBatch(int observationSize, int actionSize = 0)
    {
        ThrowHelper.CheckPositive(observationSize, nameof(observationSize));
        ArgumentOutOfRangeException.ThrowIfNegative(actionSize);
        ObservationSize = observationSize;
        ActionSize = actionSize;
    }

    /// <summary>n, the length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>d for continuous actions; 0 for discrete actions.</summary>
    public int ActionSize { get; }

    /// <summary>Whether actions are indices (<see cref="Actions"/>) rather than vectors (<see cref="ContinuousActions"/>).</summary>
    public bool IsDiscrete => ActionSize == 0;

    /// <summary>Completed episodes.</summary>
    public int EpisodeCount { get; private set; }

    /// <summary>Steps of the completed episodes.</summary>
    public int StepCount => _episodeStarts[EpisodeCount];

    /// <summary>Observations s_t: [StepCount, n].</summary>
    public ReadOnlySpan<double> Observations => _observations.AsSpan(0, StepCount * ObservationSize);

    /// <summary>Discrete actions a_t: [StepCount].</summary>
    public ReadOnlySpan<int> Actions => _actions.AsSpan(0, IsDiscrete ? StepCount : 0);

    /// <summary>Continuous actions a_t: [StepCount, d].</summary>
    public ReadOnlySpan<double> ContinuousActions => _continuousActions.AsSpan(0, StepCount * ActionSize);

    /// <summary>Rewards r_t: [StepCount].</summary>
    public ReadOnlySpan<double> Rewards => _rewards.AsSpan(0, StepCount);

    /// <summary>log π(a_t|s_t) under the policy that sampled them: [StepCount].</summary>
    public ReadOnlySpan<double> LogProbabilities => _logProbabilities.AsSpan(0, StepCount);

    /// <summary>Episode i occupies steps [EpisodeOffsets[i], EpisodeOffsets[i + 1]): [EpisodeCount + 1].</summary>
    public ReadOnlySpan<int> EpisodeOffsets => _episodeStarts.AsSpan(0, EpisodeCount + 1);

    /// <summary>Whether each episode ended in a terminal state: [EpisodeCount].</summary>
    public ReadOnlySpan<bool> Terminated => _terminated.AsSpan(0, EpisodeCount);

    /// <summary>Whether each episode was cut by the time limit: [EpisodeCount].</summary>
    public ReadOnlySpan<bool> Truncated => _truncated.AsSpan(0, EpisodeCount);

    /// <summary>T_i, the length of episode i.</summary>
    public int EpisodeLength(int episode)
    {
        ThrowHelper.CheckIndex(episode, EpisodeCount, nameof(episode));
        return _episodeStarts[episode + 1] - _episodeStarts[episode];
    }

    /// <summary>
    /// Throws unless <paramref name="policy"/> takes this batch's observations and produces its kind of action: a
    /// softmax policy for discrete actions, a Gaussian policy of dimension d for continuous ones.
    /// </summary>
    internal void CheckPolicy(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        bool fits = policy.ObservationSize == ObservationSize && policy switch
        {
            SoftmaxPolicy => IsDiscrete,
            GaussianPolicy g => g.ActionSize == ActionSize,
            _ => false,
        };
        if (!fits)
        {
            string actions = IsDiscrete ? "discrete actions (a softmax policy)" : $"{ActionSize}-dimensional continuous actions (a Gaussian policy)";
            throw new ArgumentException($"{policy.GetType().Name} over {policy.ObservationSize} observations does not fit observations of length {ObservationSize} with {actions}.", nameof(policy));
        }
    }

    /// <summary>Empties the batch, keeping its arrays.</summary>
    public void Clear()
    {
        EpisodeCount = 0;
        _open = false;
    }

    /// <summary>Starts recording a new episode.</summary>
    /// <exception cref="InvalidOperationException">The previous episode was not ended.</exception>
    public void BeginEpisode()
    {
        if (_open)
        {
            throw new InvalidOperationException("End the current episode before beginning another.");
        }

        _open = true;
        _openSteps = 0;
    }

    /// <summary>Appends a step with a discrete action to the open episode.</summary>
    public void AddStep(ReadOnlySpan<double> observation, int action, double reward, double logProbability)
    {
        int t = PrepareStep(observation, reward, logProbability);
        if (!IsDiscrete)
        {
            throw new InvalidOperationException("This batch stores continuous actions.");
        }

        _actions[t] = action;
    }

    /// <summary>Appends a step with a continuous action to the open episode.</summary>
    public void AddStep(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double reward, double logProbability)
    {
        ThrowHelper.CheckLength(action.Length, ActionSize, nameof(action), "[ActionSize]");
        int t = PrepareStep(observation, reward, logProbability);
        action.CopyTo(_continuousActions.AsSpan(t * ActionSize, ActionSize));
    }

    /// <summary>Closes the open episode with its end flags.</summary>
    /// <exception cref="InvalidOperationException">No episode is open, or it has no steps.</exception>
    public void EndEpisode(bool terminated, bool truncated)
    {
        if (!_open || _openSteps == 0)
        {
            throw new InvalidOperationException("An episode must be begun and have at least one step before it ends.");
        }

        EnsureEpisodeCapacity(EpisodeCount + 1);
        _terminated[EpisodeCount] = terminated;
        _truncated[EpisodeCount] = truncated;
        _episodeStarts[EpisodeCount + 1] = _episodeStarts[EpisodeCount] + _openSteps;
        EpisodeCount++;
        _open = false;
    }

    /// <summary>Appends a copy of episode <paramref name="episode"/> of <paramref name="source"/> (same shapes).</summary>
    public void AppendEpisode(TrajectoryBatch source, int episode)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.ObservationSize != ObservationSize || source.ActionSize != ActionSize)
        {
            throw new ArgumentException("The source batch has other observation or action sizes.", nameof(source));
        }

        int start = source._episodeStarts[episode], length = source.EpisodeLength(episode), to = StepCount;
        EnsureStepCapacity(to + length);
        EnsureEpisodeCapacity(EpisodeCount + 1);
        int n = ObservationSize, d = ActionSize;
        source._observations.AsSpan(start * n, length * n).CopyTo(_observations.AsSpan(to * n));
        source._rewards.AsSpan(start, length).CopyTo(_rewards.AsSpan(to));
        source._logProbabilities.AsSpan(start, length).CopyTo(_logProbabilities.AsSpan(to));
        if (IsDiscrete)
        {
            source._actions.AsSpan(start, length).CopyTo(_actions.AsSpan(to));
        }
        else
        {
            source._continuousActions.AsSpan(start * d, length * d).CopyTo(_continuousActions.AsSpan(to * d));
        }

        _terminated[EpisodeCount] = source._terminated[episode];
        _truncated[EpisodeCount] = source._truncated[episode];
        _episodeStarts[EpisodeCount + 1] = to + length;
        EpisodeCount++;
    }

    private int PrepareStep(ReadOnlySpan<double> observation, double reward, double logProbability)
    {
        if (!_open)
        {
            throw new InvalidOperationException("Begin an episode before adding steps.");
        }

        ThrowHelper.CheckLength(observation.Length, ObservationSize, nameof(observation), "[ObservationSize]");
        int t = StepCount + _openSteps;
        EnsureStepCapacity(t + 1);
        observation.CopyTo(_observations.AsSpan(t * ObservationSize, ObservationSize));
        _rewards[t] = reward;
        _logProbabilities[t] = logProbability;
        _openSteps++;
        return t;
    }

    private void EnsureStepCapacity(int steps)
    {
        if (steps <= _rewards.Length)
        {
            return;
        }

        int capacity = Math.Max(steps, Math.Max(256, 2 * _rewards.Length));
        Array.Resize(ref _observations, capacity * ObservationSize);
        Array.Resize(ref _rewards, capacity);
        Array.Resize(ref _logProbabilities, capacity);
        if (IsDiscrete)
        {
            Array.Resize(ref _actions, capacity);
        }
        else
        {
            Array.Resize(ref _continuousActions, capacity * ActionSize);
        }
    }

    private void EnsureEpisodeCapacity(int episodes)
    {
        if (episodes <= _terminated.Length)
        {
            return;
        }

        int capacity = Math.Max(episodes, Math.Max(16, 2 * _terminated.Length));
        Array.Resize(ref _terminated, capacity);
        Array.Resize(ref _truncated, capacity);
        Array.Resize(ref _episodeStarts, capacity + 1);
    }
}

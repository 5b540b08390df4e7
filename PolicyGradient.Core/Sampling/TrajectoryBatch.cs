using System.Globalization;
using PolicyGradient.Distributions;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Sampling;

/// <summary>
/// N trajectories stored as a struct of arrays, episode after episode: observations [steps, n] row-major, action
/// rows [steps, w] (w = <see cref="ActionSpace.Width"/>: 1 for a discrete index, d for a box), rewards [steps],
/// log π(a_t|s_t) at sampling time [steps], episode offsets [episodes + 1], terminated / truncated per episode and
/// the final observation s_T of every episode [episodes, n] (a truncated episode's return is bootstrapped from it).
/// The arrays grow when needed and are kept across <see cref="Clear"/>, so refilling a batch of the same size
/// allocates nothing. Every member checks all of its arguments before it changes anything.
/// </summary>
public sealed class TrajectoryBatch
{
    private double[] _observations = [], _actions = [], _rewards = [], _logProbabilities = [], _finalObservations = [];
    private int[] _episodeStarts = [0];
    private bool[] _terminated = [], _truncated = [];
    private bool _open;
    private int _openSteps;

    /// <summary>Creates an empty batch for observations of length n and actions of <paramref name="actions"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">observationSize ≤ 0.</exception>
    public TrajectoryBatch(int observationSize, ActionSpace actions)
    {
        ThrowHelper.CheckPositive(observationSize, nameof(observationSize));
        ArgumentNullException.ThrowIfNull(actions);
        ObservationSize = observationSize;
        ActionSpace = actions;
    }

    /// <summary>n, the length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>The actions the batch holds.</summary>
    public ActionSpace ActionSpace { get; }

    /// <summary>w, doubles per action row.</summary>
    public int ActionWidth => ActionSpace.Width;

    /// <summary>Whether action rows hold indices of a discrete space.</summary>
    public bool IsDiscrete => ActionSpace.IsDiscrete;

    /// <summary>Completed episodes.</summary>
    public int EpisodeCount { get; private set; }

    /// <summary>Steps of the completed episodes.</summary>
    public int StepCount => _episodeStarts[EpisodeCount];

    /// <summary>Whether an episode is open (begun, not ended).</summary>
    public bool IsEpisodeOpen => _open;

    /// <summary>Observations s_t: [StepCount, n].</summary>
    public ReadOnlySpan<double> Observations => _observations.AsSpan(0, StepCount * ObservationSize);

    /// <summary>Action rows a_t: [StepCount, w].</summary>
    public ReadOnlySpan<double> Actions => _actions.AsSpan(0, StepCount * ActionWidth);

    /// <summary>Rewards r_t: [StepCount].</summary>
    public ReadOnlySpan<double> Rewards => _rewards.AsSpan(0, StepCount);

    /// <summary>log π(a_t|s_t) under the policy that sampled them: [StepCount].</summary>
    public ReadOnlySpan<double> LogProbabilities => _logProbabilities.AsSpan(0, StepCount);

    /// <summary>Episode i occupies steps [EpisodeOffsets[i], EpisodeOffsets[i + 1]): [EpisodeCount + 1].</summary>
    public ReadOnlySpan<int> EpisodeOffsets => _episodeStarts.AsSpan(0, EpisodeCount + 1);

    /// <summary>Whether each episode ended in a terminal state: [EpisodeCount].</summary>
    public ReadOnlySpan<bool> Terminated => _terminated.AsSpan(0, EpisodeCount);

    /// <summary>Whether each episode was cut by a time limit or budget: [EpisodeCount].</summary>
    public ReadOnlySpan<bool> Truncated => _truncated.AsSpan(0, EpisodeCount);

    /// <summary>The observation s_T after each episode's last step: [EpisodeCount, n].</summary>
    public ReadOnlySpan<double> FinalObservations => _finalObservations.AsSpan(0, EpisodeCount * ObservationSize);

    /// <summary>T_i, the length of episode i.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episode"/> is not in [0, EpisodeCount).</exception>
    public int EpisodeLength(int episode)
    {
        ThrowHelper.CheckIndex(episode, EpisodeCount, nameof(episode));
        return _episodeStarts[episode + 1] - _episodeStarts[episode];
    }

    /// <summary>Throws unless <paramref name="policy"/> takes this batch's observations and acts in its action space.</summary>
    /// <exception cref="ArgumentException">The policy does not fit.</exception>
    public void CheckPolicy(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.ObservationSize != ObservationSize || !ActionSpace.Admits(policy.ActionSpace))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The policy {policy.Describe()} (observations of length {policy.ObservationSize}, actions {policy.ActionSpace}) does not fit observations of length {ObservationSize} with actions {ActionSpace}."), nameof(policy));
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

    /// <summary>Appends a step with a discrete action index to the open episode.</summary>
    /// <exception cref="ArgumentException">A shape or value is wrong, or the batch holds no discrete actions; nothing is recorded.</exception>
    /// <exception cref="InvalidOperationException">No episode is open.</exception>
    public void AddStep(ReadOnlySpan<double> observation, int action, double reward, double logProbability)
    {
        double row = action;
        AddStep(observation, new ReadOnlySpan<double>(in row), reward, logProbability);
    }

    /// <summary>Appends a step with an action row to the open episode.</summary>
    /// <exception cref="ArgumentException">
    /// The observation is not n finite values, the action is not one of <see cref="ActionSpace"/>, the reward is not
    /// finite or log π is NaN; nothing is recorded.
    /// </exception>
    /// <exception cref="InvalidOperationException">No episode is open.</exception>
    public void AddStep(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double reward, double logProbability)
    {
        if (!_open)
        {
            throw new InvalidOperationException("Begin an episode before adding steps.");
        }

        CheckObservation(observation, nameof(observation));
        ActionSpace.CheckRow(action, nameof(action)); // a box's task clips what lies outside it
        ThrowHelper.CheckFinite(reward, nameof(reward));
        if (double.IsNaN(logProbability))
        {
            throw new ArgumentException("Expected log π(a|s) to be a number, got NaN.", nameof(logProbability));
        }

        int t = StepCount + _openSteps;
        EnsureStepCapacity((long)t + 1);
        observation.CopyTo(_observations.AsSpan(t * ObservationSize, ObservationSize));
        action.CopyTo(_actions.AsSpan(t * ActionWidth, ActionWidth));
        _rewards[t] = reward;
        _logProbabilities[t] = logProbability;
        _openSteps++;
    }

    /// <summary>Closes the open episode with its end flags and the observation after its last step.</summary>
    /// <exception cref="ArgumentException"><paramref name="finalObservation"/> is not n finite values.</exception>
    /// <exception cref="InvalidOperationException">No episode is open, or it has no steps.</exception>
    public void EndEpisode(bool terminated, bool truncated, ReadOnlySpan<double> finalObservation)
    {
        if (!_open || _openSteps == 0)
        {
            throw new InvalidOperationException("An episode must be begun and have at least one step before it ends.");
        }

        CheckObservation(finalObservation, nameof(finalObservation));
        EnsureEpisodeCapacity(EpisodeCount + 1);
        _terminated[EpisodeCount] = terminated;
        _truncated[EpisodeCount] = truncated;
        finalObservation.CopyTo(_finalObservations.AsSpan(EpisodeCount * ObservationSize));
        _episodeStarts[EpisodeCount + 1] = _episodeStarts[EpisodeCount] + _openSteps;
        EpisodeCount++;
        _open = false;
    }

    /// <summary>Appends a copy of episode <paramref name="episode"/> of <paramref name="source"/> (same shapes).</summary>
    /// <exception cref="ArgumentException">The shapes differ, or the source is this batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episode"/> is not a completed episode of the source.</exception>
    /// <exception cref="InvalidOperationException">An episode is open in this batch.</exception>
    public void AppendEpisode(TrajectoryBatch source, int episode)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.ObservationSize != ObservationSize || !source.ActionSpace.Equals(ActionSpace))
        {
            throw new ArgumentException("The source batch has other observation sizes or action spaces.", nameof(source));
        }

        if (ReferenceEquals(source, this))
        {
            throw new ArgumentException("Append from another batch.", nameof(source));
        }

        ThrowHelper.CheckIndex(episode, source.EpisodeCount, nameof(episode));
        if (_open)
        {
            throw new InvalidOperationException("End the open episode before appending another.");
        }

        int start = source._episodeStarts[episode], length = source.EpisodeLength(episode), to = StepCount;
        EnsureStepCapacity((long)to + length);
        EnsureEpisodeCapacity(EpisodeCount + 1);
        int n = ObservationSize, w = ActionWidth;
        source._observations.AsSpan(start * n, length * n).CopyTo(_observations.AsSpan(to * n));
        source._actions.AsSpan(start * w, length * w).CopyTo(_actions.AsSpan(to * w));
        source._rewards.AsSpan(start, length).CopyTo(_rewards.AsSpan(to));
        source._logProbabilities.AsSpan(start, length).CopyTo(_logProbabilities.AsSpan(to));
        source._finalObservations.AsSpan(episode * n, n).CopyTo(_finalObservations.AsSpan(EpisodeCount * n));
        _terminated[EpisodeCount] = source._terminated[episode];
        _truncated[EpisodeCount] = source._truncated[episode];
        _episodeStarts[EpisodeCount + 1] = to + length;
        EpisodeCount++;
    }

    private void CheckObservation(ReadOnlySpan<double> observation, string paramName)
    {
        ThrowHelper.CheckLength(observation.Length, ObservationSize, paramName, "[ObservationSize]");
        ThrowHelper.CheckFinite(observation, paramName);
    }

    private void EnsureStepCapacity(long steps)
    {
        if (steps <= _rewards.Length)
        {
            return;
        }

        long capacity = Math.Max(steps, Math.Max(256, 2L * _rewards.Length));
        if (capacity * Math.Max(ObservationSize, ActionWidth) > Array.MaxLength)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The batch cannot hold {steps} steps of observations of length {ObservationSize}: past the largest array .NET allocates."));
        }

        Array.Resize(ref _observations, (int)(capacity * ObservationSize));
        Array.Resize(ref _actions, (int)(capacity * ActionWidth));
        Array.Resize(ref _rewards, (int)capacity);
        Array.Resize(ref _logProbabilities, (int)capacity);
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
        Array.Resize(ref _finalObservations, capacity * ObservationSize);
    }
}

using PolicyGradient.Environments;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Sampling;

/// <summary>How far a sampling call has got: episodes and steps completed so far.</summary>
/// <param name="Episodes">Episodes completed.</param>
/// <param name="Steps">Environment steps completed.</param>
public readonly record struct SamplingProgress(int Episodes, long Steps);

/// <summary>
/// Collects episodes from a task and a policy on several threads, reproducibly: episode i draws every random
/// number (its reset and each action) from <see cref="EpisodeRandom"/>(seed, i), each thread steps its own task
/// instance, and the episodes are stored in index order. A batch is therefore bitwise identical for any number of
/// threads. Task instances, per-thread buffers and generators are kept between calls, so steady-state sampling
/// allocates nothing per step. One call at a time per sampler.
/// </summary>
public sealed class Sampler
{
    private readonly Worker[] _workers;
    private int[] _owner = [], _localIndex = [];
    private readonly Action<int> _work;
    private int _nextEpisode, _completedEpisodes;
    private long _completedSteps;

    // the call in progress
    private Policy? _policy;
    private int _maxEpisodes;
    private long _stepBudget, _episodeStepLimit, _seed;
    private IProgress<SamplingProgress>? _progress;
    private int _failedEpisode;
    private Exception? _failure;

    /// <summary>Creates a sampler that builds one task per thread with <paramref name="taskFactory"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> ≤ 0.</exception>
    public Sampler(Func<TaskEnvironment> taskFactory, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(taskFactory);
        if (threads == 0)
        {
            threads = System.Environment.ProcessorCount;
        }

        ThrowHelper.CheckPositive(threads, nameof(threads));
        _workers = new Worker[threads];
        for (int w = 0; w < threads; w++)
        {
            TaskEnvironment task = taskFactory() ?? throw new ArgumentException("The task factory returned null; it must create a new task instance on each call.", nameof(taskFactory));
            for (int v = 0; v < w; v++)
            {
                if (ReferenceEquals(_workers[v].Environment, task))
                {
                    throw new ArgumentException("The task factory returned the same instance twice; each thread needs its own task, so return a new one on each call.", nameof(taskFactory));
                }
            }

            if (w > 0 && (task.ObservationSize != _workers[0].Environment.ObservationSize || !task.ActionSpace.Equals(_workers[0].Environment.ActionSpace)))
            {
                throw new ArgumentException("The task factory returned tasks of different shapes.", nameof(taskFactory));
            }

            _workers[w] = new Worker(task);
        }

        Task = _workers[0].Environment;
        _work = Work;
    }

    /// <summary>Threads used per call.</summary>
    public int Threads => _workers.Length;

    /// <summary>The first thread's task instance (for sizes and ids).</summary>
    public TaskEnvironment Task { get; }

    /// <summary>Creates an empty batch shaped for this sampler's task.</summary>
    public TrajectoryBatch CreateBatch() => new(Task.ObservationSize, Task.ActionSpace);

    /// <summary>Samples exactly <paramref name="episodes"/> episodes into <paramref name="destination"/> (cleared first).</summary>
    /// <exception cref="ArgumentException">The policy or batch does not fit the task, or episodes ≤ 0.</exception>
    public void SampleEpisodes(Policy policy, int episodes, long seed, TrajectoryBatch destination, IProgress<SamplingProgress>? progress = null) =>
        SampleEpisodes(policy, episodes, seed, destination, long.MaxValue, progress);

    /// <summary>
    /// Samples exactly <paramref name="episodes"/> episodes, each cut (truncated) once it reaches
    /// <paramref name="maxEpisodeSteps"/> steps even if the task's own time limit is longer: a task whose episodes never
    /// end cannot grow the batch without bound.
    /// </summary>
    /// <exception cref="ArgumentException">The policy or batch does not fit the task, or episodes or maxEpisodeSteps ≤ 0.</exception>
    public void SampleEpisodes(Policy policy, int episodes, long seed, TrajectoryBatch destination, long maxEpisodeSteps, IProgress<SamplingProgress>? progress = null)
    {
        ThrowHelper.CheckPositive(episodes, nameof(episodes));
        if (maxEpisodeSteps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "Expected a step limit > 0.");
        }

        Run(policy, episodes, long.MaxValue, maxEpisodeSteps, seed, destination, progress);
    }

    /// <summary>
    /// Samples whole episodes 0, 1, 2, … until they hold at least <paramref name="minimumSteps"/> steps, and stores the
    /// shortest such prefix (episodes sampled beyond it by other threads are discarded, which keeps the result
    /// independent of the thread count).
    /// </summary>
    /// <exception cref="ArgumentException">The policy or batch does not fit the task, or minimumSteps ≤ 0.</exception>
    public void SampleSteps(Policy policy, int minimumSteps, long seed, TrajectoryBatch destination, IProgress<SamplingProgress>? progress = null)
    {
        ThrowHelper.CheckPositive(minimumSteps, nameof(minimumSteps));
        Run(policy, minimumSteps, minimumSteps, minimumSteps, seed, destination, progress);
    }

    private void Run(Policy policy, int maxEpisodes, long stepBudget, long episodeStepLimit, long seed, TrajectoryBatch destination, IProgress<SamplingProgress>? progress)
    {
        CheckFits(policy, destination);
        if (stepBudget == long.MaxValue && _owner.Length < maxEpisodes)
        {
            Array.Resize(ref _owner, maxEpisodes);
            Array.Resize(ref _localIndex, maxEpisodes);
        }

        _nextEpisode = 0;
        _completedEpisodes = 0;
        _completedSteps = 0;
        foreach (Worker worker in _workers)
        {
            worker.Batch.Clear();
        }

        (_policy, _maxEpisodes, _stepBudget, _episodeStepLimit, _seed, _progress) = (policy, maxEpisodes, stepBudget, episodeStepLimit, seed, progress);
        (_failedEpisode, _failure) = (int.MaxValue, null);
        try
        {
            if (_workers.Length == 1)
            {
                Work(0);
            }
            else
            {
                Parallel.For(0, _workers.Length, new ParallelOptions { MaxDegreeOfParallelism = _workers.Length }, _work);
            }
        }
        finally
        {
            (_policy, _progress) = (null, null);
        }

        if (_failure is not null)
        {
            // The lowest failing episode's own exception, whatever the thread count: every episode below a claimed
            // index was claimed too, so the lowest failure does not depend on the scheduling.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
        }

        destination.Clear();
        long steps = 0;
        for (int i = 0; i < _nextEpisode && i < maxEpisodes && steps < stepBudget; i++)
        {
            Worker owner = _workers[_owner[i]];
            destination.AppendEpisode(owner.Batch, _localIndex[i]);
            steps = destination.StepCount;
        }
    }

    /// <summary>Throws unless the batch was shaped for this task and the policy fits it.</summary>
    /// <exception cref="ArgumentException">The batch or the policy does not fit the task.</exception>
    public void CheckFits(Policy policy, TrajectoryBatch destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.ObservationSize != Task.ObservationSize || !destination.ActionSpace.Equals(Task.ActionSpace))
        {
            throw new ArgumentException("The batch's shapes do not match the task; create it with CreateBatch().", nameof(destination));
        }

        destination.CheckPolicy(policy); // observation size, and actions the task admits
    }

    // Every claimed index below the episode count is sampled, so the sampled set is the prefix [0, count).
    private void Record(int episode, int worker, int localIndex)
    {
        lock (_workers)
        {
            if (episode >= _owner.Length)
            {
                Array.Resize(ref _owner, Math.Max(episode + 1, 2 * _owner.Length));
                Array.Resize(ref _localIndex, _owner.Length);
            }

            _owner[episode] = worker;
            _localIndex[episode] = localIndex;
        }
    }

    private sealed class Worker(TaskEnvironment environment)
    {
        public TaskEnvironment Environment { get; } = environment;

        public TrajectoryBatch Batch { get; } = new(environment.ObservationSize, environment.ActionSpace);

        public EpisodeRandom Random { get; } = new(0, 0);

        public double[] Observation { get; } = new double[environment.ObservationSize];

        public double[] NextObservation { get; } = new double[environment.ObservationSize];

        public double[] Action { get; } = new double[environment.ActionSpace.Width];
    }

    // One thread's loop: claim the next episode index while the budget is not reached, sample it, record it.
    private void Work(int w)
    {
        Worker worker = _workers[w];
        while (Volatile.Read(ref _completedSteps) < _stepBudget && Volatile.Read(ref _failure) is null)
        {
            int episode = Interlocked.Increment(ref _nextEpisode) - 1;
            if (episode >= _maxEpisodes)
            {
                break;
            }

            int local = worker.Batch.EpisodeCount, steps;
            try
            {
                steps = SampleEpisode(worker, _policy!, episode);
            }
            catch (Exception e)
            {
                lock (_workers)
                {
                    if (episode < _failedEpisode)
                    {
                        (_failedEpisode, _failure) = (episode, e);
                    }
                }

                worker.Batch.Clear();
                return;
            }

            Record(episode, w, local);
            long total = Interlocked.Add(ref _completedSteps, steps);
            int done = Interlocked.Increment(ref _completedEpisodes);
            _progress?.Report(new SamplingProgress(done, total));
        }
    }

    private int SampleEpisode(Worker worker, Policy policy, int episode)
    {
        TaskEnvironment env = worker.Environment;
        EpisodeRandom random = worker.Random;
        random.Reseed(_seed, episode);
        double[] s = worker.Observation, next = worker.NextObservation;
        env.Reset(random, s);
        worker.Batch.BeginEpisode();
        int steps = 0;
        while (true)
        {
            double logProbability = policy.Sample(s, random, worker.Action);
            StepResult result = env.Step(worker.Action, next);
            worker.Batch.AddStep(s, worker.Action, result.Reward, logProbability);
            steps++;
            bool outOfBudget = steps >= _episodeStepLimit; // one episode never outgrows the call's step budget
            if (result.Done || outOfBudget)
            {
                worker.Batch.EndEpisode(result.Terminated, result.Truncated || (outOfBudget && !result.Terminated), next);
                return steps;
            }

            next.CopyTo(s, 0);
        }
    }
}

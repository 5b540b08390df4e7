using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using PolicyGradient.Environments;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Sampling;

/// <summary>How far a sampling call has got: episodes and steps completed so far.</summary>
/// <param name="Episodes">Episodes completed.</param>
/// <param name="Steps">Environment steps completed.</param>
public readonly record struct SamplingProgress(int Episodes, long Steps);

/// <summary>
/// Collects episodes from a task and a policy, vectorised and on several threads, reproducibly:
/// <list type="bullet">
/// <item>each thread steps K task instances in lockstep, and one batched policy call serves every live instance
/// per step (a 64×64 matrix–vector product per row becomes one matrix product per step);</item>
/// <item>an instance whose episode ends starts the next unclaimed episode index;</item>
/// <item>episode i draws every random number (its reset and each action) from <see cref="EpisodeRandom"/>(seed, i),
/// and a batched row gets the same bits as a single-row call, so the batch — stored in episode order — is bitwise
/// identical for any K and any number of threads.</item>
/// </list>
/// K is <see cref="InstancesPerThread"/>, or when that is 0, <see cref="DefaultInstancesPerThread"/> for the policy.
/// Task instances, buffers and generators are kept between calls, so steady-state sampling allocates nothing. One
/// call at a time per sampler.
/// </summary>
public sealed class Sampler
{
    /// <summary>The most task instances one thread steps in lockstep.</summary>
    public const int MaxInstancesPerThread = 1024;

    private readonly Func<TaskEnvironment> _taskFactory;
    private readonly Worker[] _workers;
    private readonly List<Slot> _slots = [];
    private readonly HashSet<TaskEnvironment> _instances = new(ReferenceEqualityComparer.Instance);
    private readonly Action<int> _work;
    private readonly LaneRunner? _runner; // the threads past the caller's, kept between calls
    private int[] _owner = [], _localIndex = [];
    private Claims _claims; // the one counter every thread writes, alone on its cache line

    // the call in progress
    private Policy? _policy;
    private bool _mode;
    private int _maxEpisodes, _perThread;
    private long _stepBudget, _episodeStepLimit, _longestEpisode, _seed;
    private IProgress<SamplingProgress>? _progress;
    private int _failedEpisode;
    private Exception? _failure;

    /// <summary>Creates a sampler of <paramref name="threads"/> threads that builds its task instances with <paramref name="taskFactory"/>.</summary>
    /// <param name="taskFactory">Returns a new task instance on every call.</param>
    /// <param name="threads">Threads per call; 0: all cores.</param>
    /// <param name="instancesPerThread">K, the task instances each thread steps in lockstep; 0: <see cref="DefaultInstancesPerThread"/> for each call's policy.</param>
    /// <exception cref="ArgumentException">threads or instancesPerThread out of range, or the factory returns null, one instance twice, or tasks of different shapes.</exception>
    public Sampler(Func<TaskEnvironment> taskFactory, int threads = 0, int instancesPerThread = 0)
    {
        ArgumentNullException.ThrowIfNull(taskFactory);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (instancesPerThread is < 0 or > MaxInstancesPerThread)
        {
            throw new ArgumentOutOfRangeException(nameof(instancesPerThread), instancesPerThread, $"Expected 0 (automatic) to {MaxInstancesPerThread} task instances per thread.");
        }

        _taskFactory = taskFactory;
        InstancesPerThread = instancesPerThread;
        _workers = new Worker[threads == 0 ? System.Environment.ProcessorCount : threads];
        for (int w = 0; w < _workers.Length; w++)
        {
            _workers[w] = new Worker();
        }

        Task = CreateTask();
        _workers[0].Slots.Add(NewSlot(Task));
        EnsureInstances(1); // one instance per thread now; the rest of K on the first call that needs them
        _work = Work;
        _runner = _workers.Length == 1 ? null : new LaneRunner(_workers.Length);
    }

    /// <summary>Threads used per call.</summary>
    public int Threads => _workers.Length;

    /// <summary>K, task instances per thread; 0 for the automatic choice.</summary>
    public int InstancesPerThread { get; }

    /// <summary>The first task instance (for sizes and ids).</summary>
    public TaskEnvironment Task { get; }

    /// <summary>
    /// The default K: enough rows that one batched policy call costs little more per row than a large batch — about
    /// 2¹⁹ multiply–adds per step (the approximator's parameter count per row), rounded down to a power of two in
    /// [8, 64]: 64 for a linear policy and for an MLP 4→64→64→2, 8 for 256×256 layers. Measured on CartPole-v1 with
    /// the MLP 4→64→64→2 (docs/benchmarks.md), one thread steps about 5× faster at K = 64 than at K = 1.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public static int DefaultInstancesPerThread(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        long perRow = Math.Max(1, policy.Approximator.ParameterCount);
        long k = Math.Clamp((1L << 19) / perRow, 8, 64);
        return (int)(1L << (63 - (int)long.LeadingZeroCount(k))); // round down to a power of two
    }

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
        CheckStepLimit(maxEpisodeSteps);
        Run(policy, mode: false, episodes, long.MaxValue, maxEpisodeSteps, seed, destination, progress);
    }

    /// <summary>
    /// Samples whole episodes 0, 1, 2, … until they hold at least <paramref name="minimumSteps"/> steps, and stores the
    /// shortest such prefix (episodes sampled beyond it by other instances are discarded, which keeps the result
    /// independent of K and the thread count). No episode runs past <paramref name="minimumSteps"/> steps.
    /// </summary>
    /// <exception cref="ArgumentException">The policy or batch does not fit the task, or minimumSteps ≤ 0.</exception>
    public void SampleSteps(Policy policy, int minimumSteps, long seed, TrajectoryBatch destination, IProgress<SamplingProgress>? progress = null)
    {
        ThrowHelper.CheckPositive(minimumSteps, nameof(minimumSteps));
        Run(policy, mode: false, minimumSteps, minimumSteps, minimumSteps, seed, destination, progress);
    }

    /// <summary>
    /// Runs exactly <paramref name="episodes"/> episodes acting with the policy's mode (greedy, mean or mode action),
    /// episode i resetting from <see cref="EpisodeRandom"/>(seed, i), each cut at <paramref name="maxEpisodeSteps"/>:
    /// the evaluation path, batched like sampling. log π of each mode action is recorded.
    /// </summary>
    /// <exception cref="ArgumentException">The policy or batch does not fit the task, or episodes or maxEpisodeSteps ≤ 0.</exception>
    public void ModeEpisodes(Policy policy, int episodes, long seed, TrajectoryBatch destination, long maxEpisodeSteps = long.MaxValue)
    {
        ThrowHelper.CheckPositive(episodes, nameof(episodes));
        CheckStepLimit(maxEpisodeSteps);
        Run(policy, mode: true, episodes, long.MaxValue, maxEpisodeSteps, seed, destination, null);
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

    private static void CheckStepLimit(long maxEpisodeSteps)
    {
        if (maxEpisodeSteps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "Expected a step limit > 0.");
        }
    }

    private void Run(Policy policy, bool mode, int maxEpisodes, long stepBudget, long episodeStepLimit, long seed, TrajectoryBatch destination, IProgress<SamplingProgress>? progress)
    {
        CheckFits(policy, destination);
        int perThread = InstancesPerThread > 0 ? InstancesPerThread : DefaultInstancesPerThread(policy);
        EnsureInstances(perThread);
        _claims = default;
        foreach (Slot slot in _slots)
        {
            slot.Clear();
        }

        foreach (Worker worker in _workers)
        {
            worker.Prepare(policy, perThread);
            worker.Tally = default;
        }

        (_policy, _mode, _maxEpisodes, _perThread, _stepBudget, _episodeStepLimit, _seed, _progress) = (policy, mode, maxEpisodes, perThread, stepBudget, episodeStepLimit, seed, progress);
        _longestEpisode = Math.Min(Task.MaxEpisodeSteps, episodeStepLimit);
        (_failedEpisode, _failure) = (int.MaxValue, null);
        try
        {
            // The first claims, dealt round-robin across the threads (slot k of every thread before slot k + 1 of any),
            // so the threads start with equal shares even when there are fewer episodes than slots.
            for (int k = 0; k < perThread; k++)
            {
                foreach (Worker worker in _workers)
                {
                    TryStart(worker, worker.Slots[k]);
                }
            }

            if (_runner is null)
            {
                Work(0);
            }
            else
            {
                _runner.Run(_workers.Length, _work);
            }
        }
        finally
        {
            (_policy, _progress) = (null, null);
        }

        if (_failure is not null)
        {
            // The lowest failing episode's own exception, whatever K and the thread count: every episode below a claimed
            // index was claimed too and ran to its end or its failure.
            ExceptionDispatchInfo.Throw(_failure);
        }

        // Episode i → (slot, position in the slot's batch); every claimed index below the count was sampled, so the
        // sampled set is the prefix [0, count).
        int count = Math.Min(_claims.NextEpisode, maxEpisodes);
        if (_owner.Length < count)
        {
            Array.Resize(ref _owner, Math.Max(count, 2 * _owner.Length));
            Array.Resize(ref _localIndex, _owner.Length);
        }

        foreach (Slot slot in _slots)
        {
            for (int j = 0; j < slot.Episodes.Count; j++)
            {
                (_owner[slot.Episodes[j]], _localIndex[slot.Episodes[j]]) = (slot.Index, j);
            }
        }

        destination.Clear();
        long steps = 0;
        for (int i = 0; i < count && steps < stepBudget; i++)
        {
            destination.AppendEpisode(_slots[_owner[i]].Batch, _localIndex[i]);
            steps = destination.StepCount;
        }
    }

    // Every worker gets K slots, each with its own task instance (created here, on the calling thread).
    private void EnsureInstances(int perThread)
    {
        foreach (Worker worker in _workers)
        {
            while (worker.Slots.Count < perThread)
            {
                worker.Slots.Add(NewSlot(CreateTask()));
            }
        }
    }

    private TaskEnvironment CreateTask()
    {
        TaskEnvironment task = _taskFactory() ?? throw new ArgumentException("The task factory returned null; it must create a new task instance on each call.", "taskFactory");
        if (!_instances.Add(task))
        {
            throw new ArgumentException("The task factory returned the same instance twice; each instance is stepped on its own, so return a new one on each call.", "taskFactory");
        }

        if (_instances.Count > 1 && (task.ObservationSize != Task.ObservationSize || !task.ActionSpace.Equals(Task.ActionSpace)))
        {
            throw new ArgumentException("The task factory returned tasks of different shapes.", "taskFactory");
        }

        return task;
    }

    private Slot NewSlot(TaskEnvironment task)
    {
        var slot = new Slot(_slots.Count, task);
        _slots.Add(slot);
        return slot;
    }

    private void Fail(Worker worker, Slot slot, Exception failure)
    {
        if (slot.Episode >= 0)
        {
            Interlocked.Decrement(ref worker.Tally.InFlight);
        }

        lock (_slots)
        {
            if (slot.Episode < _failedEpisode)
            {
                (_failedEpisode, _failure) = (slot.Episode, failure);
            }
        }

        slot.Episode = -1;
    }

    // Claims the next episode for a slot and resets its task; false when there is none to claim (or the call failed).
    // Under a step budget it also declines while the episodes in flight, at the mean length of those completed (before
    // any has completed: the longest an episode can be, the task's time limit or the call's step limit), will already
    // reach the budget: fewer episodes past the kept prefix are sampled and thrown away. Which episodes are sampled then
    // depends on timing, the batch does not: every claimed episode runs to its end and claims go in index order, and
    // the last episode in flight always claims again if the budget is not yet reached.
    private bool TryStart(Worker worker, Slot slot)
    {
        slot.Episode = -1;
        (long completed, int done, int inFlight) = Totals();
        if (completed >= _stepBudget || Volatile.Read(ref _failure) is not null)
        {
            return false;
        }

        double expectedLength = done > 0 ? completed / (double)done : _longestEpisode;
        if (_stepBudget != long.MaxValue && inFlight > 0 && completed + (inFlight * expectedLength) >= _stepBudget)
        {
            return false;
        }

        int episode = Interlocked.Increment(ref _claims.NextEpisode) - 1;
        if (episode >= _maxEpisodes)
        {
            return false;
        }

        Interlocked.Increment(ref worker.Tally.InFlight);

        slot.Episode = episode;
        slot.Steps = 0;
        slot.Random.Reseed(_seed, episode);
        try
        {
            slot.Environment.Reset(slot.Random, slot.Observation);
            slot.Batch.BeginEpisode();
        }
        catch (Exception e)
        {
            Fail(worker, slot, e);
            return false;
        }

        return true;
    }

    // Steps and episodes completed and episodes in flight, summed over the workers' tallies.
    private (long Steps, int Episodes, int InFlight) Totals()
    {
        (long steps, int episodes, int inFlight) = (0, 0, 0);
        foreach (Worker worker in _workers)
        {
            // the reverse of the order a completion writes them (steps, episodes, then in flight), so an episode that
            // ends meanwhile is counted once or twice, never left out: the limiter can only be more cautious
            inFlight += Volatile.Read(ref worker.Tally.InFlight);
            episodes += Volatile.Read(ref worker.Tally.CompletedEpisodes);
            steps += Volatile.Read(ref worker.Tally.CompletedSteps);
        }

        return (steps, episodes, inFlight);
    }

    // One thread's loop: K slots in lockstep, one batched policy call per step over the live ones. A slot the limiter
    // turned down stays idle, and the idle slots claim again after a step in which an episode ended (the limiter's
    // estimate has then changed), so an early cautious estimate does not cap the rows for the rest of the call.
    private void Work(int w)
    {
        Worker worker = _workers[w];
        Policy policy = _policy!;
        int n = policy.ObservationSize, width = policy.ActionWidth, live = 0;
        for (int k = 0; k < _perThread; k++)
        {
            live += worker.Slots[k].Episode >= 0 ? 1 : 0; // claimed by Run
        }

        int idle = _perThread - live;
        while (live > 0)
        {
            int rows = 0;
            for (int k = 0; k < _perThread; k++)
            {
                Slot slot = worker.Slots[k];
                if (slot.Episode >= 0)
                {
                    slot.Observation.CopyTo(worker.Observations, rows * n);
                    worker.Randoms[rows] = slot.Random;
                    worker.Live[rows++] = k;
                }
            }

            Act(worker, policy, rows);
            bool ended = false;
            for (int r = 0; r < rows; r++)
            {
                Slot slot = worker.Slots[worker.Live[r]];
                if (slot.Episode >= 0 && StepSlot(worker, slot, worker.Actions.AsSpan(r * width, width), worker.LogProbabilities[r]))
                {
                    continue;
                }

                ended = true; // ended, or failed while acting or stepping
                if (!TryStart(worker, slot))
                {
                    (live, idle) = (live - 1, idle + 1);
                }
            }

            for (int k = 0; ended && idle > 0 && k < _perThread; k++)
            {
                Slot slot = worker.Slots[k];
                if (slot.Episode >= 0)
                {
                    continue;
                }

                if (!TryStart(worker, slot))
                {
                    break; // the limiter says no for every slot alike
                }

                (live, idle) = (live + 1, idle - 1);
            }
        }
    }

    // actions, log π for rows [0, rows); a failing batched call is redone row by row to find the failing episodes.
    private void Act(Worker worker, Policy policy, int rows)
    {
        int n = policy.ObservationSize, width = policy.ActionWidth;
        Span<double> observations = worker.Observations.AsSpan(0, rows * n), actions = worker.Actions.AsSpan(0, rows * width), logProbabilities = worker.LogProbabilities.AsSpan(0, rows);
        try
        {
            if (_mode)
            {
                policy.Mode(observations, actions, logProbabilities, worker.Workspace!);
            }
            else
            {
                policy.Sample(observations, worker.Randoms.AsSpan(0, rows), actions, logProbabilities, worker.Workspace!);
            }

            return;
        }
        catch (Exception e) when (e is ArgumentException or ArithmeticException)
        {
            // nothing was drawn: the batched call checks and runs the forward pass before any row samples
        }

        for (int r = 0; r < rows; r++)
        {
            Slot slot = worker.Slots[worker.Live[r]];
            try
            {
                ReadOnlySpan<double> s = observations.Slice(r * n, n);
                Span<double> action = actions.Slice(r * width, width);
                if (_mode)
                {
                    policy.Mode(s, action);
                    logProbabilities[r] = policy.LogProbability(s, action);
                }
                else
                {
                    logProbabilities[r] = policy.Sample(s, slot.Random, action);
                }
            }
            catch (Exception e)
            {
                Fail(worker, slot, e);
            }
        }
    }

    // Steps a slot's task with its action and records the step; false when its episode ended (recorded) or failed.
    private bool StepSlot(Worker worker, Slot slot, ReadOnlySpan<double> action, double logProbability)
    {
        try
        {
            StepResult result = slot.Environment.Step(action, slot.Next);
            slot.Batch.AddStep(slot.Observation, action, result.Reward, logProbability);
            slot.Steps++;
            bool outOfBudget = slot.Steps >= _episodeStepLimit; // one episode never outgrows the call's step limit
            if (!result.Done && !outOfBudget)
            {
                slot.Next.CopyTo(slot.Observation, 0);
                return true;
            }

            slot.Batch.EndEpisode(result.Terminated, result.Truncated || (outOfBudget && !result.Terminated), slot.Next);
            slot.Episodes.Add(slot.Episode);
            // the worker's own cache line: uncontended; each interlocked operation is a full fence, so the worker
            // that completes an episode last sees every other worker's completions in its totals
            Interlocked.Add(ref worker.Tally.CompletedSteps, slot.Steps);
            Interlocked.Increment(ref worker.Tally.CompletedEpisodes);
            Interlocked.Decrement(ref worker.Tally.InFlight);
            if (_progress is not null)
            {
                (long total, int done, _) = Totals();
                _progress.Report(new SamplingProgress(done, total));
            }
            return false;
        }
        catch (Exception e)
        {
            Fail(worker, slot, e);
            return false;
        }
    }

    /// <summary>One task instance with its generator, episode in progress and recorded episodes.</summary>
    private sealed class Slot(int index, TaskEnvironment environment)
    {
        public int Index { get; } = index;

        public TaskEnvironment Environment { get; } = environment;

        public EpisodeRandom Random { get; } = new(0, 0);

        public TrajectoryBatch Batch { get; } = new(environment.ObservationSize, environment.ActionSpace);

        /// <summary>The episode index of each episode in <see cref="Batch"/>, in its order.</summary>
        public List<int> Episodes { get; } = [];

        public double[] Observation { get; } = new double[environment.ObservationSize];

        public double[] Next { get; } = new double[environment.ObservationSize];

        public int Episode { get; set; } = -1;

        public long Steps { get; set; }

        public void Clear()
        {
            Batch.Clear();
            Episodes.Clear();
        }
    }

    /// <summary>The next unclaimed episode index, on a cache line of its own (64 bytes of padding on either side).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Claims
    {
        [FieldOffset(64)]
        public int NextEpisode;
    }

    /// <summary>
    /// One worker's counts, written only by the thread running it (and by <see cref="Run"/> before the threads start),
    /// read by all, on a cache line of their own so these writes evict nothing the threads read on every step.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct WorkerTally
    {
        [FieldOffset(64)]
        public int InFlight;

        [FieldOffset(68)]
        public int CompletedEpisodes;

        [FieldOffset(72)]
        public long CompletedSteps;
    }

    /// <summary>One thread's slots and the rows of its batched policy call.</summary>
    private sealed class Worker
    {
        /// <summary>This worker's counts (a field, so it can be updated with interlocked operations).</summary>
        public WorkerTally Tally;

        public List<Slot> Slots { get; } = [];

        public PolicyWorkspace? Workspace { get; private set; }

        public double[] Observations { get; private set; } = [];

        public double[] Actions { get; private set; } = [];

        public double[] LogProbabilities { get; private set; } = [];

        public Random[] Randoms { get; private set; } = [];

        public int[] Live { get; private set; } = [];

        // Buffers for K rows of this policy, kept while the policy and K stay the same.
        public void Prepare(Policy policy, int perThread)
        {
            if (Workspace is null || !ReferenceEquals(Workspace.Owner, policy) || Workspace.Capacity < perThread)
            {
                Workspace = policy.CreateWorkspace(perThread);
            }

            if (Live.Length < perThread || Observations.Length < perThread * policy.ObservationSize || Actions.Length < perThread * policy.ActionWidth)
            {
                Observations = new double[perThread * policy.ObservationSize];
                Actions = new double[perThread * policy.ActionWidth];
                LogProbabilities = new double[perThread];
                Randoms = new Random[perThread];
                Live = new int[perThread];
            }
        }
    }
}

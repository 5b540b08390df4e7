using BenchmarkDotNet.Attributes;
using PolicyGradient.Environments;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// Environment steps per second of the sampler: an MLP 4→64→64→2 softmax policy on CartPole-v1 and an MLP 3→64→64→1
/// Gaussian on Pendulum-v1, whole episodes until 20,000 steps are collected (steps/s = 20,000 / time), on 1 and 2
/// threads, with one task instance per thread (K = 1, one policy row per call) or the default K in lockstep (one
/// batched policy call per step). <see cref="SingleStateSampleBenchmarks"/> measures the single-state Sample rate beside it.
/// </summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private const int Steps = 20_000;
    private Sampler _sampler = null!;
    private Policy _policy = null!;
    private TrajectoryBatch _batch = null!;
    private long _seed;

    /// <summary>The task and its policy.</summary>
    [Params("CartPole-v1", "Pendulum-v1")]
    public string Task { get; set; } = "CartPole-v1";

    /// <summary>Sampling threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>K, task instances per thread: 1, or 0 for the default.</summary>
    [Params(1, 0)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _policy = SingleStateSampleBenchmarks.CreatePolicy(Task);
        _sampler = new Sampler(() => TaskRegistry.Create(Task), Threads, Instances);
        _batch = _sampler.CreateBatch();
        _sampler.SampleSteps(_policy, Steps, 0, _batch);
    }

    /// <summary>20,000 steps of whole episodes.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int SampleSteps()
    {
        _sampler.SampleSteps(_policy, Steps, ++_seed, _batch);
        return _batch.StepCount;
    }
}

/// <summary>
/// The single-state rate: one task instance stepped by one <see cref="Policy.Sample(ReadOnlySpan{double}, Random, Span{double})"/>
/// per step on one thread, the loop the vectorised sampler is measured against (time per operation = time per step).
/// </summary>
[MemoryDiagnoser]
public class SingleStateSampleBenchmarks
{
    private const int Steps = 20_000;
    private TaskEnvironment _task = null!;
    private Policy _policy = null!;
    private EpisodeRandom _random = null!;
    private double[] _observation = [], _action = [];
    private long _episode;

    /// <summary>The task and its policy.</summary>
    [Params("CartPole-v1", "Pendulum-v1")]
    public string Task { get; set; } = "CartPole-v1";

    /// <summary>MLP 4→64→64→2 softmax for CartPole-v1, MLP 3→64→64→1 Gaussian for Pendulum-v1.</summary>
    public static Policy CreatePolicy(string task)
    {
        TaskEnvironment environment = TaskRegistry.Create(task);
        return PolicyRegistry.CreateForTask(PolicyRegistry.HeadsFor(environment.ActionSpace)[0], environment.ObservationSize, environment.ActionSpace, [64, 64], seed: 1);
    }

    [GlobalSetup]
    public void Setup()
    {
        _policy = CreatePolicy(Task);
        _task = TaskRegistry.Create(Task);
        _random = new EpisodeRandom(0, 0);
        _observation = new double[_task.ObservationSize];
        _action = new double[_policy.ActionWidth];
        _task.Reset(_random, _observation);
    }

    /// <summary>20,000 steps, each one Sample and one Step (episodes reset as they end).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public double SampleLoop()
    {
        double sum = 0;
        for (int t = 0; t < Steps; t++)
        {
            sum += _policy.Sample(_observation, _random, _action);
            if (_task.Step(_action, _observation).Done)
            {
                _random.Reseed(1, ++_episode);
                _task.Reset(_random, _observation);
            }
        }

        return sum;
    }
}

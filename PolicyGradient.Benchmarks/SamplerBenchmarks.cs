using BenchmarkDotNet.Attributes;
using PolicyGradient.Environments;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// Environment steps per second: CartPole-v1 with an MLP-softmax 4→64→64→2 policy sampling every action, whole
/// episodes until 20,000 steps are collected. Steps/s = 20,000 / time.
/// </summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private const int Steps = 20_000;
    private Sampler _sampler = null!;
    private SoftmaxPolicy _policy = null!;
    private TrajectoryBatch _batch = null!;
    private long _seed;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _policy = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
        _sampler = new Sampler(() => new CartPole(), Threads);
        _batch = _sampler.CreateBatch();
        _sampler.SampleSteps(_policy, Steps, 0, _batch);
    }

    [Benchmark]
    public int CartPoleMlpSteps()
    {
        _sampler.SampleSteps(_policy, Steps, ++_seed, _batch);
        return _batch.StepCount;
    }
}

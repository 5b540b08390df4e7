using BenchmarkDotNet.Attributes;
using PolicyGradient.Policies;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// The estimator hot loop: gradient += Σ_r w_r ∇_θ log π(a_r|s_r) over B rows, one thread, for the two policies of
/// the anchors (MLP-softmax 4→64→64→2 and MLP-Gaussian 3→64→64→1). One row costs 2·MACs·3 flops
/// (forward, input backward, weight backward): 26,880 for the softmax policy and 26,112 for the Gaussian.
/// </summary>
[MemoryDiagnoser]
public class ScoreBenchmarks
{
    private SoftmaxPolicy _softmax = null!;
    private GaussianPolicy _gaussian = null!;
    private PolicyWorkspace _softmaxWorkspace = null!, _gaussianWorkspace = null!;
    private double[] _softmaxObservations = [], _gaussianObservations = [], _weights = [], _continuousActions = [];
    private double[] _softmaxGradient = [], _gaussianGradient = [];
    private int[] _actions = [];

    [Params(1, 64, 1000, 10000)]
    public int B { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(4);
        _softmax = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
        _gaussian = GaussianPolicy.Mlp(3, [64, 64], 1, seed: 1);
        _softmaxWorkspace = _softmax.CreateWorkspace();
        _gaussianWorkspace = _gaussian.CreateWorkspace();
        _softmaxObservations = Enumerable.Range(0, B * 4).Select(_ => random.NextDouble() - 0.5).ToArray();
        _gaussianObservations = Enumerable.Range(0, B * 3).Select(_ => random.NextDouble() - 0.5).ToArray();
        _weights = Enumerable.Range(0, B).Select(_ => random.NextDouble()).ToArray();
        _actions = Enumerable.Range(0, B).Select(_ => random.Next(2)).ToArray();
        _continuousActions = Enumerable.Range(0, B).Select(_ => random.NextDouble() - 0.5).ToArray();
        _softmaxGradient = new double[_softmax.ParameterCount];
        _gaussianGradient = new double[_gaussian.ParameterCount];
    }

    [Benchmark]
    public void MlpSoftmax() => _softmax.AccumulateScores(_softmaxObservations, _actions, _weights, _softmaxGradient, _softmaxWorkspace);

    [Benchmark]
    public void MlpGaussian() => _gaussian.AccumulateScores(_gaussianObservations, _continuousActions, _weights, _gaussianGradient, _gaussianWorkspace);
}

/// <summary>One action for one state: forward through 4→64→64→2 and a categorical draw (3→64→64→1 and a normal draw).</summary>
[MemoryDiagnoser]
public class SampleBenchmarks
{
    private readonly double[] _softmaxState = [0.01, -0.02, 0.03, 0.04], _gaussianState = [0.5, -0.5, 0.1], _action = new double[1];
    private readonly Random _random = new(5);
    private SoftmaxPolicy _softmax = null!;
    private GaussianPolicy _gaussian = null!;

    [GlobalSetup]
    public void Setup()
    {
        _softmax = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
        _gaussian = GaussianPolicy.Mlp(3, [64, 64], 1, seed: 1);
    }

    [Benchmark]
    public int MlpSoftmaxSample() => _softmax.Sample(_softmaxState, _random);

    [Benchmark]
    public void MlpGaussianSample() => _gaussian.Sample(_gaussianState, _random, _action);
}

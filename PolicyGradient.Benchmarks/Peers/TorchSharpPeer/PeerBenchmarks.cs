using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Benchmarks.Peers;

/// <summary>
/// The pseudo-loss step of <see cref="ScoreBenchmarks"/>' MlpSoftmax beside TorchSharp's: the MLP-softmax policy
/// 4→64→64→2 (tanh), gradient += Σ_r w_r ∇_θ log π(a_r|s_r) over B rows. Ours in FP64 (its only precision);
/// TorchSharp (libtorch) in float64 and float32 with normal autograd: logits = net(x),
/// logp = log_softmax(logits).gather(actions), loss = (w · logp).sum(), loss.backward() accumulating into .grad.
/// Inputs (observations, actions, weights) are created once in the setup, outside the timed region, for both
/// libraries; neither zeroes its gradient inside the timed region (both accumulate, as the estimators do).
/// One row costs 26,880 flops (2 · 4,480 MACs · 3: forward, input backward, weight backward).
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet needs an unsealed class; the torch objects are disposed in [GlobalCleanup].")]
public class PeerBenchmarks
{
    private SoftmaxPolicy _ours = null!;
    private PolicyWorkspace _workspace = null!;
    private double[] _observations = [], _weights = [], _gradient = [];
    private int[] _actions = [];
    private TorchStep _torch64 = null!, _torch32 = null!;

    /// <summary>Rows per step.</summary>
    [Params(1, 64, 1000, 10000, 100000)]
    public int B { get; set; }

    /// <summary>Threads for both libraries: our workspace's thread count and torch.set_num_threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GlibcxxWorkaround.Apply(); // before the first use of torch, so in a method that does not touch it
        SetupCore();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SetupCore()
    {
        torch.set_num_threads(Threads);
        var batch = Batch.Create(B, seed: 4);
        (_observations, _actions, _weights) = (batch.Observations, batch.Actions, batch.Weights);
        _ours = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
        _workspace = _ours.CreateWorkspace(Policy.GradientChunkRows, Threads);
        _gradient = new double[_ours.ParameterCount];
        _torch64 = new TorchStep(_ours.Parameters, batch, ScalarType.Float64);
        _torch32 = new TorchStep(_ours.Parameters, batch, ScalarType.Float32);
        // one step each so that .grad exists (libtorch allocates it on the first backward) before the timed region
        _torch64.Step();
        _torch32.Step();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torch64.Dispose();
        _torch32.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ours-f64")]
    public void Ours_f64() => _ours.AccumulateScores(_observations, _actions, _weights, _gradient, _workspace);

    [Benchmark]
    [BenchmarkCategory("torchsharp-f64")]
    public void TorchSharp_f64() => _torch64.Step();

    [Benchmark]
    [BenchmarkCategory("torchsharp-f32")]
    public void TorchSharp_f32() => _torch32.Step();
}

/// <summary>A batch of B rows: observations [B, 4] in U(−0.5, 0.5), actions in {0, 1}, weights in U(0, 1).</summary>
internal sealed record Batch(int Rows, double[] Observations, int[] Actions, double[] Weights)
{
    public static Batch Create(int rows, int seed)
    {
        var random = new Random(seed);
        double[] observations = Enumerable.Range(0, rows * 4).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] weights = Enumerable.Range(0, rows).Select(_ => random.NextDouble()).ToArray();
        int[] actions = Enumerable.Range(0, rows).Select(_ => random.Next(2)).ToArray();
        return new Batch(rows, observations, actions, weights);
    }
}

/// <summary>
/// TorchSharp's pseudo-loss step for one precision: nn.Sequential(Linear(4,64), Tanh, Linear(64,64), Tanh,
/// Linear(64,2)) loaded with our θ, and the batch as preallocated tensors.
/// </summary>
internal sealed class TorchStep : IDisposable
{
    private static readonly int[] Sizes = [4, 64, 64, 2];
    private readonly nn.Module<Tensor, Tensor> _net;
    private readonly TorchSharp.Modules.Linear[] _linears;
    private readonly Tensor _x, _actions, _w;

    public TorchStep(ReadOnlySpan<double> theta, Batch batch, ScalarType dtype)
    {
        _linears = [.. Enumerable.Range(0, Sizes.Length - 1).Select(l => nn.Linear(Sizes[l], Sizes[l + 1], hasBias: true, dtype: dtype))];
        _net = nn.Sequential(_linears[0], nn.Tanh(), _linears[1], nn.Tanh(), _linears[2]);
        LoadTheta(theta);
        _x = torch.tensor(batch.Observations, [batch.Rows, Sizes[0]], dtype: dtype);
        _actions = torch.tensor(batch.Actions.Select(a => (long)a).ToArray(), [batch.Rows, 1], dtype: ScalarType.Int64);
        _w = torch.tensor(batch.Weights, [batch.Rows], dtype: dtype);
    }

    /// <summary>
    /// THE one place that knows our θ layout. Index into θ of weight (o, i) of a layer with <paramref name="inSize"/>
    /// inputs and <paramref name="outSize"/> outputs whose weights start at <paramref name="offset"/>. Ours
    /// (DenseLayer): input-major Wᵀ: [In, Out] row-major, then b: [Out]; layer after layer. TorchSharp's Linear.weight
    /// is [out, in].
    /// </summary>
    private static int ThetaIndex(int offset, int inSize, int outSize, int o, int i) => offset + (i * outSize) + o;

    /// <summary>Index into θ of bias o of the layer at <paramref name="offset"/> (after its Out·In weights).</summary>
    private static int ThetaBiasIndex(int offset, int inSize, int outSize, int o) => offset + (outSize * inSize) + o;

    private void LoadTheta(ReadOnlySpan<double> theta)
    {
        int offset = 0;
        using var noGrad = torch.no_grad();
        for (int l = 0; l < _linears.Length; l++)
        {
            int inSize = Sizes[l], outSize = Sizes[l + 1];
            var w = new double[outSize * inSize];
            var b = new double[outSize];
            for (int o = 0; o < outSize; o++)
            {
                for (int i = 0; i < inSize; i++)
                {
                    w[(o * inSize) + i] = theta[ThetaIndex(offset, inSize, outSize, o, i)];
                }

                b[o] = theta[ThetaBiasIndex(offset, inSize, outSize, o)];
            }

            TorchSharp.Modules.Linear linear = _linears[l];
            using Tensor wt = torch.tensor(w, [outSize, inSize], dtype: ScalarType.Float64);
            using Tensor bt = torch.tensor(b, [outSize], dtype: ScalarType.Float64);
            linear.weight!.copy_(wt);
            linear.bias!.copy_(bt);
            offset += (outSize * inSize) + outSize;
        }
    }

    /// <summary>The accumulated .grad of every parameter, in our θ layout, as doubles.</summary>
    public double[] GradientInOurLayout()
    {
        int count = 0;
        for (int l = 0; l < _linears.Length; l++)
        {
            count += (Sizes[l + 1] * Sizes[l]) + Sizes[l + 1];
        }

        var theta = new double[count];
        int offset = 0;
        for (int l = 0; l < _linears.Length; l++)
        {
            int inSize = Sizes[l], outSize = Sizes[l + 1];
            TorchSharp.Modules.Linear linear = _linears[l];
            using Tensor gw = linear.weight!.grad!.to(ScalarType.Float64);
            using Tensor gb = linear.bias!.grad!.to(ScalarType.Float64);
            double[] w = gw.data<double>().ToArray(), b = gb.data<double>().ToArray();
            for (int o = 0; o < outSize; o++)
            {
                for (int i = 0; i < inSize; i++)
                {
                    theta[ThetaIndex(offset, inSize, outSize, o, i)] = w[(o * inSize) + i];
                }

                theta[ThetaBiasIndex(offset, inSize, outSize, o)] = b[o];
            }

            offset += (outSize * inSize) + outSize;
        }

        return theta;
    }

    /// <summary>Sets every .grad to zero (outside the timed region only).</summary>
    public void ZeroGrad() => _net.zero_grad();

    /// <summary>.grad += ∇_θ Σ_r w_r log π(a_r|s_r): forward, log-softmax, gather, weighted sum, backward.</summary>
    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        Tensor logits = _net.call(_x);
        Tensor logp = nn.functional.log_softmax(logits, 1).gather(1, _actions).squeeze(1);
        Tensor loss = (_w * logp).sum();
        loss.backward();
    }

    public void Dispose()
    {
        _net.Dispose();
        _x.Dispose();
        _actions.Dispose();
        _w.Dispose();
    }
}

/// <summary>
/// <see cref="PeakBenchmarks.FmaPeak"/> (this machine's FP64 FMA peak on one core) built into this program, so it runs in
/// the same BenchmarkDotNet run and build as <see cref="PeerBenchmarks"/>.
/// </summary>
public class FmaPeakBenchmarks : PeakBenchmarks;

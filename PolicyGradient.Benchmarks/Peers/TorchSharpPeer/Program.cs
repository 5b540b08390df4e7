using System.Runtime.CompilerServices;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Benchmarks.Peers;

/// <summary>
/// <c>--check</c>: our gradient against TorchSharp's (float64 and float32) on the same θ and batch, as max |difference|.
/// <c>--table [folder]</c>: docs/peers.md's tables from a run's reports (see <see cref="PeerTable"/>).
/// Otherwise: BenchmarkDotNet over <see cref="FmaPeakBenchmarks"/> and <see cref="PeerBenchmarks"/> in one run
/// (3 warm-up and 10 measured iterations each, unless a --job is given), taking BenchmarkDotNet's own arguments (e.g. <c>--filter *</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--check")
        {
            GlibcxxWorkaround.Apply(); // before the first use of torch, so in a method that does not touch it
            return Check();
        }

        if (args.Length > 0 && args[0] == "--table")
        {
            return PeerTable.Write(args.Length > 1 ? args[1] : Path.Combine("BenchmarkDotNet.Artifacts", "results"));
        }

        IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min).AddExporter(JsonExporter.Brief);
        if (!args.Any(a => a.StartsWith("--job", StringComparison.Ordinal) || a == "-j"))
        {
            config = config.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
        }

        BenchmarkSwitcher.FromTypes([typeof(FmaPeakBenchmarks), typeof(PeerBenchmarks)]).Run(args, config);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Check()
    {
        Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch threads {torch.get_num_threads()}, FmaPeak lanes {PeakBenchmarks.Lanes} ({PeakBenchmarks.Flops:E3} flops per FmaPeak)");
        int failures = 0;
        foreach (int rows in new[] { 1, 64, 1000 })
        {
            var batch = Batch.Create(rows, seed: 4);
            SoftmaxPolicy ours = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
            var gradient = new double[ours.ParameterCount];
            ours.AccumulateScores(batch.Observations, batch.Actions, batch.Weights, gradient, ours.CreateWorkspace());
            double scale = gradient.Max(Math.Abs);
            foreach (ScalarType dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
            {
                using var step = new TorchStep(ours.Parameters, batch, dtype);
                step.ZeroGrad();
                step.Step();
                double[] theirs = step.GradientInOurLayout();
                if (theirs.Length != gradient.Length)
                {
                    Console.WriteLine($"B = {rows}: parameter counts differ ({theirs.Length} vs {gradient.Length})");
                    return 1;
                }

                double difference = gradient.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
                double tolerance = dtype == ScalarType.Float64 ? 1e-12 : 1e-4;
                bool ok = difference <= tolerance * Math.Max(1.0, scale);
                failures += ok ? 0 : 1;
                Console.WriteLine($"B = {rows,5} {dtype,-8}: max |ours − torch| = {difference:E2} (max |gradient| = {scale:F4}, {ours.ParameterCount} parameters) {(ok ? "ok" : "FAIL")}");
            }
        }

        return failures == 0 ? 0 : 1;
    }
}

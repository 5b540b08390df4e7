using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using PolicyGradient.Analysis;
using PolicyGradient.Policies;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// Entry point. <c>micro [BenchmarkDotNet arguments]</c> runs the BenchmarkDotNet suite; with no arguments it runs
/// the main job, which for now checks the four lecture policies' analytic scores against finite differences.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "micro")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..], DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
            return 0;
        }

        if (args.Length > 0 && args[0] == "variance")
        {
            string Option(string name, string fallback)
            {
                int i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }

            return VarianceCommand.Run(Option("--env", "TabularMdp-v0"), int.Parse(Option("--batches", "1000"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Option("--episodes", "10"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Option("--seed", "1"), System.Globalization.CultureInfo.InvariantCulture), args.Contains("--report") ? Option("--report", "variance.json") : null, Console.Out);
        }

        if (args.Length > 0)
        {
            Console.Error.WriteLine($"Unknown command '{args[0]}'.");
            Console.Error.WriteLine("Usage: PolicyGradient.Benchmarks [micro [BenchmarkDotNet arguments]]");
            return 2;
        }

        return GradientCheckReport.Run(Console.Out);
    }
}

/// <summary>The score of each lecture policy against fourth-order central differences at a random state.</summary>
internal static class GradientCheckReport
{
    public static int Run(TextWriter output)
    {
        var random = new Random(1);
        double[] Draw(int n) => Enumerable.Range(0, n).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
        (string Name, Func<GradientCheckResult> Check)[] checks =
        [
            ("linear-softmax 4→2", () => GradientCheck.Score(SoftmaxPolicy.Linear(4, 2, 1), Draw(4), 1)),
            ("mlp-softmax 4→64→64→2", () => GradientCheck.Score(SoftmaxPolicy.Mlp(4, [64, 64], 2, 1), Draw(4), 0)),
            ("linear-gaussian 3→1", () => GradientCheck.Score(GaussianPolicy.Linear(3, 1, 1), Draw(3), Draw(1))),
            ("mlp-gaussian 3→64→64→1", () => GradientCheck.Score(GaussianPolicy.Mlp(3, [64, 64], 1, 1), Draw(3), Draw(1))),
        ];
        output.WriteLine("policy                     max relative error of ∇θ log π vs finite differences");
        bool ok = true;
        foreach ((string name, Func<GradientCheckResult> check) in checks)
        {
            GradientCheckResult result = check();
            ok &= result.MaxRelativeError <= 1e-6;
            output.WriteLine($"{name,-26} {result.MaxRelativeError:E2}");
        }

        output.WriteLine("Benchmarks: dotnet run -c Release --project PolicyGradient.Benchmarks -- micro --filter '*'");
        return ok ? 0 : 1;
    }
}

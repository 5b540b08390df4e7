using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// The command line: <c>train</c>, <c>evaluate</c>, <c>compare</c>, <c>variance</c>, <c>merge</c>, <c>micro</c> (the
/// BenchmarkDotNet suite). With no arguments it runs the main job, a quick <c>compare</c> on CartPole-v1
/// (3 seeds) into ./compare-out. Exit codes: 0 done, 1 failed (an unreadable or unwritable file, nothing
/// benchmarked), 2 usage error; errors are one line on standard error.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Type> Settings = new(StringComparer.Ordinal)
    {
        ["train"] = typeof(TrainCommand.Settings),
        ["evaluate"] = typeof(EvaluateCommand.Settings),
        [CompareCommand.Name] = typeof(CompareCommand.Settings),
        [VarianceCommand.Name] = typeof(VarianceCommand.Settings),
        ["merge"] = typeof(MergeCommand.Settings),
        ["experiment"] = typeof(ExperimentCommand.Settings),
    };

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "micro")
        {
            return Micro(args[1..]);
        }

        if (args.Length == 0)
        {
            Console.Error.WriteLine("Main job: compare 5 estimators × 3 seeds on CartPole-v1 into ./compare-out (≈ 3 s on 2 cores; `--help` lists the commands).");
            args = [CompareCommand.Name, "--env", "CartPole-v1", "--seeds", "3", "--out", "compare-out"];
        }

        try
        {
            OptionCheck.Check(args, Settings);
            return CreateApp().Run(args);
        }
        catch (Exception e) when (e is UsageException or CommandAppException)
        {
            Console.Error.WriteLine($"error: {Errors.Plain(e)}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {Errors.Plain(e)}"); // unreadable or unwritable files, and anything unforeseen: one line, exit 1
            return 1;
        }
    }

    public static CommandApp CreateApp()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("PolicyGradient.Benchmarks");
            config.UseStrictParsing();
            config.PropagateExceptions();
            config.AddExample("train", "--env", "CartPole-v1", "--seed", "1", "--save", "cartpole.json");
            config.AddExample("evaluate", "--checkpoint", "cartpole.json", "--episodes", "100");
            config.AddExample(CompareCommand.Name, "--env", "Acrobot-v1", "--seeds", "10", "--estimators", "total,reward-to-go+average+loo+norm");
            config.AddExample(CompareCommand.Name, "--seeds", "10", "--shard", "2/4", "--out", "shards");
            config.AddExample("micro", "--filter", "*Sampler*");
            config.AddCommand<TrainCommand>("train").WithDescription("Train one policy; optionally save it and write a JSON report.");
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate a saved policy's greedy / mean actions on its task.");
            config.AddCommand<CompareCommand>(CompareCommand.Name).WithDescription("Train several estimators over seeds: learning-curve PNG, CSVs, markdown table.");
            config.AddCommand<VarianceCommand>(VarianceCommand.Name).WithDescription("Bias and variance of estimators at a fixed policy.");
            config.AddCommand<MergeCommand>("merge").WithDescription("Combine the shard files of compare / variance --shard K/N into the unsharded outputs.");
            config.AddCommand<ExperimentCommand>("experiment").WithDescription("Run a study of docs/results.md or docs/reproduction.md: natural-gradient, behaviour-cloning or lqg-variance.");
        });
        return app;
    }

    // BenchmarkDotNet builds this project from the working directory; when it cannot, nothing runs: say so, exit 1
    private static int Micro(string[] args)
    {
        Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min)).ToArray();
        bool listing = args.Any(a => a is "--list" or "--help" or "-h" or "--info" or "--version");
        if (listing || summaries.Any(s => s.Reports.Any(r => r.Success)))
        {
            return 0;
        }

        Console.Error.WriteLine("error: micro ran no benchmark (a --filter that matches none, or run from a folder where BenchmarkDotNet cannot build PolicyGradient.Benchmarks: use the repository root).");
        return 1;
    }
}

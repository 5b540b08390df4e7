using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// The command line: <c>train</c>, <c>evaluate</c>, <c>compare</c>, <c>variance</c>, <c>micro</c> (the
/// BenchmarkDotNet suite). With no arguments it runs the main job, a quick <c>compare</c> on CartPole-v1
/// (3 seeds) into ./compare-out.
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

        if (args.Length == 0)
        {
            args = ["compare", "--env", "CartPole-v1", "--seeds", "3", "--out", "compare-out"];
        }

        return CreateApp().Run(args);
    }

    public static CommandApp CreateApp()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("PolicyGradient.Benchmarks (also: micro [BenchmarkDotNet arguments])");
            config.AddCommand<TrainCommand>("train").WithDescription("Train one policy; optionally save it and write a JSON report.");
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate a saved policy's greedy / mean actions.");
            config.AddCommand<CompareCommand>("compare").WithDescription("Train several estimators over seeds: learning-curve PNG, CSV, markdown table.");
            config.AddCommand<VarianceCliCommand>("variance").WithDescription("Bias and variance of every estimator at a fixed policy.");
        });
        return app;
    }
}

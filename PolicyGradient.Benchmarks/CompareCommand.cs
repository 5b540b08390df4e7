using System.ComponentModel;
using System.Globalization;
using System.Text;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;
using PolicyGradient.Training;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>A compare grid: the shared settings (seed and threads left out), the estimators and the seeds.</summary>
internal sealed record CompareGrid(RunSettings Base, string[] Estimators, int FirstSeed, int Seeds)
{
    // per estimator: cell 0 is the variance at the initial policy, cells 1..Seeds the training runs
    public int CellCount() => Estimators.Length * (Seeds + 1);

    public RunSettings Run(int estimator, int seed, int threads) =>
        Base with { Estimator = EstimatorList.WithTaskSettings(EstimatorNames.Parse(Estimators[estimator], Base.Estimator.Discount), Base.Estimator, seed), Seed = seed, Threads = threads };
}

/// <summary>One cell's result: a training run, or the variance at the initial policy.</summary>
internal sealed record CompareCell(TrainingResult? Run, double? InitialVariance);

/// <summary>
/// <c>compare</c>: trains each estimator over N seeds and writes learning curves (PNG and CSV), the per-iteration
/// history (CSV) and a markdown table; with <c>--shard K/N</c> it runs one slice of that grid and writes its raw results.
/// </summary>
internal sealed class CompareCommand : Command<CompareCommand.Settings>
{
    public const string Name = "compare";

    public sealed class Settings : TrainingSettings
    {
        [CommandOption("--seeds <N>")]
        [Description("Seeds per estimator, ≥ 1. Default: 3.")]
        public int Seeds { get; init; } = 3;

        [CommandOption("--first-seed <K>")]
        [Description("The first seed; the seeds are K, K+1, …. Default: 1.")]
        public int FirstSeed { get; init; } = 1;

        [CommandOption("--estimators <LIST>")]
        [Description("Comma-separated estimator names <returns>[[+<baseline>]][[+loo]][[+norm]], run exactly as named. Default: total,reward-to-go,reward-to-go+average+loo+norm,reward-to-go+optimal-per-step+loo,reward-to-go+value+norm.")]
        public string? Estimators { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Output directory, created if missing. Default: compare-out.")]
        public string Out { get; init; } = "compare-out";

        protected override bool NamesEstimators => false;

        [CommandOption("--shard <K/N>")]
        [Description("Run only the K-th of N slices of the grid and write its raw results to DIR/shard-K-of-N.json, for merge. Default: the whole grid.")]
        public string? Shard { get; init; }
    }

    /// <summary>The estimators compared by default, by their names in <see cref="EstimatorNames"/>.</summary>
    public static readonly string[] DefaultEstimators = ["total", "reward-to-go", "reward-to-go+average+loo+norm", "reward-to-go+optimal-per-step+loo", "reward-to-go+value+norm"];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Run(settings, Console.Out);

    public static int Run(Settings settings, TextWriter output)
    {
        foreach ((string option, object? value) in new (string, object?)[] { ("--returns", settings.Returns), ("--baseline", settings.Baseline), ("--leave-one-out", settings.LeaveOneOut), ("--normalize", settings.Normalize) })
        {
            if (value is not null)
            {
                throw new UsageException($"compare: {option} does not apply; name each estimator in --estimators, e.g. reward-to-go+average+loo+norm.");
            }
        }

        if (settings.Seeds < 1)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--seeds must be ≥ 1, not {settings.Seeds}."));
        }

        RunSettings first = settings.Resolve(settings.FirstSeed);
        EstimatorOptions[] estimators = EstimatorList.Parse(settings.Estimators, DefaultEstimators, first.Estimator.Discount);
        if (first.BatchEpisodes < 2 && estimators.FirstOrDefault(e => e.LeaveOneOut) is { } leaveOneOut)
        {
            throw new UsageException($"--estimators {leaveOneOut.Name}: leave-one-out needs --batch-episodes ≥ 2.");
        }

        string[] names = estimators.Select(e => e.Name).ToArray();
        Shard shard = Benchmarks.Shard.Parse(settings.Shard);
        Paths.CheckOutputDirectory("--out", settings.Out);
        var grid = new CompareGrid(first with { Seed = 0, Threads = 0 }, names, settings.FirstSeed, settings.Seeds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compare on {grid.Base.Env}: {names.Length} estimators × {grid.Seeds} seeds{(shard.IsWhole ? string.Empty : $", shard {shard} of the grid's {grid.CellCount()} cells")} into {settings.Out}"));
        var file = ShardFile<CompareGrid, CompareCell>.Run(Name, grid, grid.CellCount(), shard, i => RunCell(grid, i, settings.Threads, output));
        if (!shard.IsWhole)
        {
            file.Write(Path.Combine(settings.Out, shard.FileName));
            output.WriteLine($"wrote {Path.Combine(settings.Out, shard.FileName)} ({file.Cells.Count} of {grid.CellCount()} cells); combine the shards with: merge --out DIR shard-*-of-{shard.Count}.json");
            return 0;
        }

        file.Write(Path.Combine(settings.Out, "runs.json"));
        WriteOutputs(grid, file.Cells.OrderBy(c => c.Key).Select(c => c.Value).ToArray(), settings.Out, output);
        return 0;
    }

    public static int Merge(IReadOnlyList<string> files, string directory, TextWriter output)
    {
        (CompareGrid grid, CompareCell[] cells) = ShardFile<CompareGrid, CompareCell>.Merge(files, g => g.CellCount());
        WriteOutputs(grid, cells, directory, output);
        return 0;
    }

    private static CompareCell RunCell(CompareGrid grid, int cell, int threads, TextWriter output)
    {
        int estimator = cell / (grid.Seeds + 1), offset = cell % (grid.Seeds + 1);
        RunSettings run = grid.Run(estimator, grid.FirstSeed + Math.Max(0, offset - 1), threads);
        if (offset == 0)
        {
            return new CompareCell(null, InitialVariance(run));
        }

        (TrainingResult result, _, _) = TrainingRun.Train(run);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{grid.Estimators[estimator],-36} seed {run.Seed}: solved {result.Solved}, steps to solve {result.EnvironmentStepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "—"}, final {result.FinalRecentMeanReturn:F1}, {result.WallTime.TotalSeconds:F2} s"));
        return new CompareCell(result, null);
    }

    // tr Cov ĝ at the initial policy: 200 batches of the run's size.
    private static double InitialVariance(RunSettings run)
    {
        Policy policy = TrainingRun.CreatePolicy(run);
        int episodes = Math.Max(2, run.BatchEpisodes);
        return EstimatorAnalysis.Run(new Sampler(() => TaskRegistry.Create(run.Env), run.Threads), policy, [run.Estimator], 200, episodes, run.Seed)[0].TotalVariance;
    }

    private sealed record EstimatorRuns(string Name, bool Normalized, List<(int Seed, TrainingResult Result)> Runs, double InitialVariance);

    /// <summary>table.md, curves.csv, history.csv and learning-curves.png of a complete grid: a function of the cells alone.</summary>
    private static void WriteOutputs(CompareGrid grid, CompareCell[] cells, string directory, TextWriter output)
    {
        var estimators = new List<EstimatorRuns>();
        for (int e = 0; e < grid.Estimators.Length; e++)
        {
            int first = e * (grid.Seeds + 1);
            var runs = Enumerable.Range(1, grid.Seeds).Select(s => (grid.FirstSeed + s - 1, cells[first + s].Run!)).ToList();
            estimators.Add(new EstimatorRuns(grid.Estimators[e], EstimatorNames.Parse(grid.Estimators[e]).Normalize, runs, cells[first].InitialVariance!.Value));
        }

        IReadOnlyList<LearningCurve> curves = LearningCurve.Compute(estimators.Select(e => (e.Name, (IReadOnlyList<TrainingResult>)e.Runs.Select(r => r.Result).ToList())).ToList());
        WriteHistory(Path.Combine(directory, "history.csv"), estimators);
        LearningCurve.WriteCsv(Path.Combine(directory, "curves.csv"), curves);
        string table = Table(grid.Base.Env, estimators);
        File.WriteAllText(Path.Combine(directory, "table.md"), table);
        LearningCurvePlot.Write(Path.Combine(directory, "learning-curves.png"), grid.Base.Env, grid.Seeds, grid.Base.Target, curves);
        output.Write(table);
        output.WriteLine("wall time per run, median: " + string.Join("; ", estimators.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Name} {Quantile(e.Runs.Select(r => r.Result.WallTime.TotalSeconds).Order().ToArray(), 0.5):F2} s"))));
        output.WriteLine($"wrote {Path.Combine(directory, "learning-curves.png")}, curves.csv, history.csv and table.md");
    }

    private static void WriteHistory(string path, IEnumerable<EstimatorRuns> estimators)
    {
        var csv = new StringBuilder("estimator,seed,iteration,env_steps,batch_mean_return,recent_mean_return,gradient_norm,gradient_variance\n");
        foreach (EstimatorRuns e in estimators)
        {
            foreach ((int seed, TrainingResult result) in e.Runs)
            {
                foreach (TrainingProgress p in result.History)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{e.Name},{seed},{p.Iteration},{p.EnvironmentSteps},{p.MeanReturn:R},{p.RecentMeanReturn:R},{p.GradientNorm:R},{p.GradientVariance:R}\n");
                }
            }
        }

        File.WriteAllText(path, csv.ToString());
    }

    private static string Table(string env, IEnumerable<EstimatorRuns> estimators)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"| {env} estimator | advantages | solved | steps to solve, median (IQR) | final mean of last 100, median | tr Cov ĝ at the initial policy, on the advantages' scale |\n|---|---|---:|---:|---:|---:|\n");
        foreach (EstimatorRuns e in estimators)
        {
            double[] all = e.Runs.Select(r => r.Result.EnvironmentStepsToSolve is { } s ? (double)s : double.PositiveInfinity).Order().ToArray();
            string steps = string.Create(CultureInfo.InvariantCulture, $"{Steps(Quantile(all, 0.5))} ({Steps(Quantile(all, 0.25))}–{Steps(Quantile(all, 0.75))})");
            md.Append(CultureInfo.InvariantCulture, $"| {e.Name} | {(e.Normalized ? "normalised" : "raw")} | {e.Runs.Count(r => r.Result.Solved)}/{e.Runs.Count} | {steps} | {Quantile(e.Runs.Select(r => r.Result.FinalRecentMeanReturn).Order().ToArray(), 0.5):F1} | {e.InitialVariance:G4} |\n");
        }

        return md.ToString();
    }

    // "—" stands for a quantile that falls on unsolved runs (counted as +∞, so that medians stay honest)
    private static string Steps(double value) => double.IsFinite(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : "—";

    /// <summary>Linear-interpolated quantile of sorted values.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position), high = (int)Math.Ceiling(position);
        double weight = position - low;
        if (weight == 0)
        {
            return sorted[low];
        }

        return double.IsInfinity(sorted[high]) ? double.PositiveInfinity : sorted[low] + (weight * (sorted[high] - sorted[low]));
    }
}

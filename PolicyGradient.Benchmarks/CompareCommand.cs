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

/// <summary>
/// <c>compare</c>: trains each estimator over N seeds and writes learning curves (PNG and CSV) and a markdown table.
/// </summary>
internal sealed class CompareCommand : Command<CompareCommand.Settings>
{
    public sealed class Settings : TrainingSettings
    {
        [CommandOption("--seeds <N>")]
        public int Seeds { get; init; } = 3;

        [CommandOption("--first-seed <K>")]
        public int FirstSeed { get; init; } = 1;

        [CommandOption("--estimators <LIST>")]
        public string? Estimators { get; init; }

        [CommandOption("--out <DIR>")]
        public string Out { get; init; } = "compare-out";

        public override Spectre.Console.ValidationResult Validate() =>
            Seeds <= 0 ? Spectre.Console.ValidationResult.Error("--seeds must be > 0.") : Spectre.Console.ValidationResult.Success();
    }

    /// <summary>The estimators compared by default: named as on the command line.</summary>
    public static readonly string[] DefaultEstimators = ["total", "reward-to-go", "reward-to-go+average", "reward-to-go+optimal-per-step"];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Run(settings, Console.Out);

    public static int Run(Settings settings, TextWriter output)
    {
        string[] names = settings.Estimators?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? DefaultEstimators;
        Directory.CreateDirectory(settings.Out);
        var curves = new List<(string Name, List<(int Seed, TrainingResult Result)> Runs, double InitialVariance)>();
        foreach (string name in names)
        {
            var runs = new List<(int, TrainingResult)>();
            RunSettings first = WithEstimator(settings.Resolve(settings.FirstSeed), name);
            for (int seed = settings.FirstSeed; seed < settings.FirstSeed + settings.Seeds; seed++)
            {
                RunSettings run = WithEstimator(settings.Resolve(seed), name);
                (TrainingResult result, _) = TrainingRun.Train(run);
                runs.Add((seed, result));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.Estimator.Name,-48} seed {seed}: solved {result.Solved}, steps to solve {result.EnvironmentStepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "—"}, final {result.FinalRecentMeanReturn:F1}, {result.WallTime.TotalSeconds:F2} s"));
            }

            curves.Add((first.Estimator.Name, runs, InitialVariance(first)));
        }

        WriteCsv(Path.Combine(settings.Out, "curves.csv"), curves);
        WriteTable(Path.Combine(settings.Out, "table.md"), settings.Env, curves, output);
        LearningCurvePlot.Write(Path.Combine(settings.Out, "learning-curves.png"), settings.Env, curves.Select(c => (c.Name, c.Runs.Select(r => r.Result).ToList())).ToList());
        output.WriteLine($"wrote {Path.Combine(settings.Out, "learning-curves.png")}, curves.csv and table.md");
        return 0;
    }

    /// <summary>"reward-to-go+average" etc.: returns, then an optional baseline; baselines are leave-one-out.</summary>
    public static RunSettings WithEstimator(RunSettings run, string name)
    {
        string[] parts = name.Split('+');
        ReturnKind returns = parts[0] switch
        {
            "total" => ReturnKind.Total,
            "reward-to-go" => ReturnKind.RewardToGo,
            _ => throw new ArgumentException($"Unknown estimator '{name}': start with total or reward-to-go."),
        };
        BaselineKind baseline = parts.Length < 2 ? BaselineKind.None : parts[1] switch
        {
            "average" => BaselineKind.Average,
            "optimal" => BaselineKind.Optimal,
            "optimal-per-step" => BaselineKind.OptimalPerStep,
            _ => throw new ArgumentException($"Unknown baseline in '{name}': average, optimal or optimal-per-step."),
        };
        bool scalar = baseline is BaselineKind.None or BaselineKind.Average;
        var options = new EstimatorOptions(returns, baseline, baseline != BaselineKind.None, scalar && run.Estimator.Normalize, run.Estimator.Discount);
        options.Validate();
        return run with { Estimator = options };
    }

    // tr Cov ĝ at the initial policy: 200 batches of the run's size.
    private static double InitialVariance(RunSettings run)
    {
        Policy policy = TrainingRun.CreatePolicy(run);
        int episodes = Math.Max(2, run.BatchEpisodes);
        return EstimatorAnalysis.Run(new Sampler(() => TaskRegistry.Create(run.Env), run.Threads), policy, [run.Estimator], 200, episodes, run.Seed)[0].TotalVariance;
    }

    private static void WriteCsv(string path, IEnumerable<(string Name, List<(int Seed, TrainingResult Result)> Runs, double InitialVariance)> curves)
    {
        var csv = new StringBuilder("estimator,seed,iteration,env_steps,batch_mean_return,recent_mean_return,gradient_norm,gradient_variance,wall_seconds\n");
        foreach ((string name, List<(int Seed, TrainingResult Result)> runs, _) in curves)
        {
            foreach ((int seed, TrainingResult result) in runs)
            {
                foreach (TrainingProgress p in result.History)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"\"{name}\",{seed},{p.Iteration},{p.EnvironmentSteps},{p.MeanReturn},{p.RecentMeanReturn},{p.GradientNorm},{p.GradientVariance},{p.WallTime.TotalSeconds}\n");
                }
            }
        }

        File.WriteAllText(path, csv.ToString());
    }

    private static void WriteTable(string path, string env, IEnumerable<(string Name, List<(int Seed, TrainingResult Result)> Runs, double InitialVariance)> curves, TextWriter output)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"| {env} estimator | solved | steps to solve, median (IQR) | final mean of last 100, median | wall time, median | tr Cov ĝ at the initial policy |\n|---|---:|---:|---:|---:|---:|\n");
        foreach ((string name, List<(int Seed, TrainingResult Result)> runs, double variance) in curves)
        {
            double[] solved = runs.Where(r => r.Result.Solved).Select(r => (double)r.Result.EnvironmentStepsToSolve!.Value).Order().ToArray();
            double[] all = SolvedOrInfinity(runs);
            string steps = string.Create(CultureInfo.InvariantCulture, $"{Steps(Quantile(all, 0.5))} ({Steps(Quantile(all, 0.25))}–{Steps(Quantile(all, 0.75))})");
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {solved.Length}/{runs.Count} | {steps} | {Quantile(runs.Select(r => r.Result.FinalRecentMeanReturn).Order().ToArray(), 0.5):F1} | {Quantile(runs.Select(r => r.Result.WallTime.TotalSeconds).Order().ToArray(), 0.5):F2} s | {variance:G4} |\n");
        }

        File.WriteAllText(path, md.ToString());
        output.Write(md.ToString());
    }

    // "—" stands for a quantile that falls on unsolved runs
    private static string Steps(double value) => double.IsFinite(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : "—";

    // steps to solve, with unsolved runs as +∞ so that medians stay honest
    private static double[] SolvedOrInfinity(List<(int Seed, TrainingResult Result)> runs) =>
        runs.Select(r => r.Result.EnvironmentStepsToSolve is { } s ? (double)s : double.PositiveInfinity).Order().ToArray();

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

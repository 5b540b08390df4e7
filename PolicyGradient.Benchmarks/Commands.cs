using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>Options shared by the training commands; unset ones take the task's defaults.</summary>
internal class TrainingSettings : CommandSettings
{
    [CommandOption("--env <ID>")]
    [Description("Task id, e.g. CartPole-v1.")]
    public string Env { get; init; } = "CartPole-v1";

    [CommandOption("--policy <KIND>")]
    [Description("linear or mlp.")]
    public string? Policy { get; init; }

    [CommandOption("--hidden <SIZES>")]
    [Description("Hidden layer sizes, e.g. 64,64.")]
    public string? Hidden { get; init; }

    [CommandOption("--returns <KIND>")]
    [Description("total or reward-to-go.")]
    public string? Returns { get; init; }

    [CommandOption("--baseline <KIND>")]
    [Description("none, average, optimal or optimal-per-step.")]
    public string? Baseline { get; init; }

    [CommandOption("--leave-one-out")]
    public bool? LeaveOneOut { get; init; }

    [CommandOption("--normalize")]
    public bool? Normalize { get; init; }

    [CommandOption("--discount <G>")]
    public double? Discount { get; init; }

    [CommandOption("--batch-episodes <N>")]
    public int? BatchEpisodes { get; init; }

    [CommandOption("--optimizer <KIND>")]
    [Description("adam or sgd.")]
    public string? Optimizer { get; init; }

    [CommandOption("--lr <A>")]
    public double? LearningRate { get; init; }

    [CommandOption("--max-steps <S>")]
    public long? MaxSteps { get; init; }

    [CommandOption("--target <R>")]
    public double? Target { get; init; }

    [CommandOption("--threads <T>")]
    public int Threads { get; init; }

    [CommandOption("--initial-log-std <L>")]
    [Description("Initial log σ of a Gaussian policy.")]
    public double? InitialLogStd { get; init; }

    public RunSettings Resolve(int seed)
    {
        RunSettings d = RunSettings.Defaults(Env, seed);
        EstimatorOptions e = d.Estimator;
        e = e with
        {
            Returns = Returns switch { null => e.Returns, "total" => ReturnKind.Total, "reward-to-go" => ReturnKind.RewardToGo, _ => throw new ArgumentException($"--returns must be total or reward-to-go, not '{Returns}'.") },
            Baseline = Baseline switch { null => e.Baseline, "none" => BaselineKind.None, "average" => BaselineKind.Average, "optimal" => BaselineKind.Optimal, "optimal-per-step" => BaselineKind.OptimalPerStep, _ => throw new ArgumentException($"--baseline must be none, average, optimal or optimal-per-step, not '{Baseline}'.") },
            LeaveOneOut = LeaveOneOut ?? e.LeaveOneOut,
            Normalize = Normalize ?? e.Normalize,
            Discount = Discount ?? e.Discount,
        };
        if (e.Baseline == BaselineKind.None)
        {
            e = e with { LeaveOneOut = false };
        }

        if (e.Baseline is BaselineKind.Optimal or BaselineKind.OptimalPerStep)
        {
            e = e with { Normalize = Normalize ?? false };
        }

        e.Validate();
        return d with
        {
            Policy = Policy is null or "linear" or "mlp" ? Policy ?? d.Policy : throw new ArgumentException($"--policy must be linear or mlp, not '{Policy}'."),
            Hidden = Hidden is null ? d.Hidden : Hidden.Split(',').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray(),
            Estimator = e,
            BatchEpisodes = BatchEpisodes ?? d.BatchEpisodes,
            Optimizer = Optimizer is null or "adam" or "sgd" ? Optimizer ?? d.Optimizer : throw new ArgumentException($"--optimizer must be adam or sgd, not '{Optimizer}'."),
            LearningRate = LearningRate ?? d.LearningRate,
            MaxSteps = MaxSteps ?? d.MaxSteps,
            Target = Target ?? d.Target,
            Threads = Threads,
            InitialLogStd = InitialLogStd ?? d.InitialLogStd,
        };
    }
}

internal static class Output
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A live progress bar on an interactive terminal; plain lines when redirected or when CI is set.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && System.Environment.GetEnvironmentVariable("CI") is null;
}

internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : TrainingSettings
    {
        [CommandOption("--seed <K>")]
        public int Seed { get; init; } = 1;

        [CommandOption("--save <FILE>")]
        public string? Save { get; init; }

        [CommandOption("--report <FILE>")]
        public string? Report { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        RunSettings run = settings.Resolve(settings.Seed);
        Console.WriteLine(run.Describe());
        (TrainingResult result, Policies.Policy policy) = Run(run);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"solved: {result.Solved}, steps to solve: {result.EnvironmentStepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "—"}, total steps: {result.TotalEnvironmentSteps}, final mean of last 100: {result.FinalRecentMeanReturn:F1}, wall: {result.WallTime.TotalSeconds:F2} s"));
        if (settings.Save is not null)
        {
            Checkpoint.Save(policy, settings.Save, new Dictionary<string, string> { ["env"] = run.Env, ["settings"] = run.Describe(), ["steps"] = result.TotalEnvironmentSteps.ToString(CultureInfo.InvariantCulture) });
        }

        if (settings.Report is not null)
        {
            var report = new
            {
                env = run.Env,
                seed = run.Seed,
                settings = run.Describe(),
                solved = result.Solved,
                envStepsToSolve = result.EnvironmentStepsToSolve,
                totalEnvSteps = result.TotalEnvironmentSteps,
                wallSeconds = result.WallTime.TotalSeconds,
                finalMeanReturn = result.FinalRecentMeanReturn,
                history = result.History.Select(h => new { iteration = h.Iteration, envSteps = h.EnvironmentSteps, meanReturn = h.MeanReturn, minReturn = h.MinReturn, maxReturn = h.MaxReturn, recentMeanReturn = h.RecentMeanReturn, gradientNorm = h.GradientNorm, gradientVariance = h.GradientVariance, stepApplied = h.StepApplied, wallSeconds = h.WallTime.TotalSeconds }),
            };
            File.WriteAllText(settings.Report, JsonSerializer.Serialize(report, Output.Indented));
        }

        return 0;
    }

    public static (TrainingResult Result, Policies.Policy Policy) Run(RunSettings run)
    {
        if (!Output.Interactive)
        {
            int every = 0;
            var lines = new Progress<TrainingProgress>(p =>
            {
                if (++every % 20 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iteration {p.Iteration}: {p.EnvironmentSteps} steps, batch mean {p.MeanReturn:F1}, mean of last {p.RecentEpisodes}: {p.RecentMeanReturn:F1}"));
                }
            });
            return TrainingRun.Train(run, new SynchronousProgress<TrainingProgress>(lines));
        }

        (TrainingResult, Policies.Policy) outcome = default;
        AnsiConsole.Progress().Start(ctx =>
        {
            ProgressTask bar = ctx.AddTask(run.Env, maxValue: run.MaxSteps);
            outcome = TrainingRun.Train(run, new SynchronousProgress<TrainingProgress>(p =>
            {
                bar.Value = Math.Min(p.EnvironmentSteps, run.MaxSteps);
                bar.Description = string.Create(CultureInfo.InvariantCulture, $"{run.Env} last-100 mean {p.RecentMeanReturn,7:F1}");
            }));
            bar.Value = run.MaxSteps;
        });
        return outcome;
    }
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public SynchronousProgress(IProgress<T> inner)
        : this(inner.Report)
    {
    }

    public void Report(T value) => report(value);
}

internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--checkpoint <FILE>")]
        public string Checkpoint { get; init; } = string.Empty;

        [CommandOption("--env <ID>")]
        public string Env { get; init; } = "CartPole-v1";

        [CommandOption("--episodes <N>")]
        public int Episodes { get; init; } = 100;

        [CommandOption("--seed <K>")]
        public int Seed { get; init; } = 1;

        [CommandOption("--report <FILE>")]
        public string? Report { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Checkpoint) ? ValidationResult.Error("--checkpoint FILE is required.")
            : Episodes <= 0 ? ValidationResult.Error("--episodes must be > 0.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Policies.Policy policy = Training.Checkpoint.Load(settings.Checkpoint);
        EvaluationResult result = Trainer.Evaluate(() => TaskRegistry.Create(settings.Env), policy, settings.Episodes, settings.Seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Training.Checkpoint.Describe(policy)} on {settings.Env}: mean return {result.MeanReturn:F2} ± {result.StdReturn:F2} over {result.Episodes} episodes, {result.TerminatedEpisodes} terminated"));
        if (settings.Report is not null)
        {
            File.WriteAllText(settings.Report, JsonSerializer.Serialize(new { env = settings.Env, meanReturn = result.MeanReturn, stdReturn = result.StdReturn, episodes = result.Episodes, terminatedEpisodes = result.TerminatedEpisodes }, Output.Indented));
        }

        return 0;
    }
}

internal sealed class VarianceCliCommand : Command<VarianceCliCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--env <ID>")]
        public string Env { get; init; } = "TabularMdp-v0";

        [CommandOption("--batches <M>")]
        public int Batches { get; init; } = 1000;

        [CommandOption("--episodes <N>")]
        public int Episodes { get; init; } = 10;

        [CommandOption("--seed <K>")]
        public int Seed { get; init; } = 1;

        [CommandOption("--report <FILE>")]
        public string? Report { get; init; }

        public override ValidationResult Validate() =>
            Batches < 2 ? ValidationResult.Error("--batches must be ≥ 2.") : Episodes < 2 ? ValidationResult.Error("--episodes must be ≥ 2 (leave-one-out estimators).") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        VarianceCommand.Run(settings.Env, settings.Batches, settings.Episodes, settings.Seed, settings.Report, Console.Out);
}

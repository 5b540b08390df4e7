using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>Options shared by the training commands; unset ones take the task's defaults (TaskDefaults.cs).</summary>
internal class TrainingSettings : CommandSettings
{
    [CommandOption("--env <ID>")]
    [Description("Task id, e.g. CartPole-v1, Acrobot-v1, Pendulum-v1, LaneKeeping-v0. Default: CartPole-v1.")]
    public string Env { get; init; } = "CartPole-v1";

    [CommandOption("--policy <KIND>")]
    [Description("linear or mlp. Default: the task's (CartPole-v1: mlp).")]
    public string? Policy { get; init; }

    [CommandOption("--head <KIND>")]
    [Description("The distribution head: softmax (discrete actions), gaussian or beta (a bounded box). Default: softmax for discrete tasks, gaussian for continuous ones.")]
    public string? Head { get; init; }

    [CommandOption("--hidden <SIZES>")]
    [Description("Hidden layer sizes of an mlp policy, each ≥ 1, e.g. 64,64. Default: the task's (CartPole-v1: 64).")]
    public string? Hidden { get; init; }

    [CommandOption("--returns <KIND>")]
    [Description("total or reward-to-go. Default: reward-to-go.")]
    public string? Returns { get; init; }

    [CommandOption("--baseline <KIND>")]
    [Description("none, average, optimal or optimal-per-step. Default: average.")]
    public string? Baseline { get; init; }

    [CommandOption("--gae-lambda <L>")]
    [Description("With --baseline value: λ in [[0, 1]] of GAE(γ, λ); 1 is reward-to-go − V(s). Default: the task's (1 unless it says otherwise).")]
    public double? GaeLambda { get; init; }

    [CommandOption("--critic-hidden <SIZES>")]
    [Description("With --baseline value: hidden sizes of the critic V(s), each ≥ 1, e.g. 64,64. Default: the task's (64,64 unless it says otherwise).")]
    public string? CriticHidden { get; init; }

    [CommandOption("--critic-lr <A>")]
    [Description("With --baseline value: the critic's Adam learning rate, > 0. Default: the task's (0.001 unless it says otherwise).")]
    public double? CriticLearningRate { get; init; }

    [CommandOption("--critic-iters <K>")]
    [Description("With --baseline value: Adam steps fitting the critic after each policy step, ≥ 1. Default: the task's (10 unless it says otherwise).")]
    public int? CriticIterations { get; init; }

    [CommandOption("--entropy <B>")]
    [Description("Entropy bonus β ≥ 0 added to the estimate with any baseline: β Σ_t ∇θ H(π(·|s_t)). Default: the task's (0 unless it says otherwise).")]
    public double? Entropy { get; init; }

    [CommandOption("--leave-one-out")]
    [Description("Compute each episode's baseline from the others (needs a baseline). Default: on with a baseline.")]
    public bool? LeaveOneOut { get; init; }

    [CommandOption("--normalize")]
    [Description("Normalise advantages to mean 0, standard deviation 1 (none or average baseline only). Default: on with average.")]
    public bool? Normalize { get; init; }

    [CommandOption("--discount <G>")]
    [Description("Discount γ in [[0, 1]]. Default: the task's (CartPole-v1: 1, Pendulum-v1: 0.99).")]
    public double? Discount { get; init; }

    [CommandOption("--batch-episodes <N>")]
    [Description("Episodes per iteration, ≥ 1 (≥ 2 with --leave-one-out). Default: the task's (CartPole-v1: 4).")]
    public int? BatchEpisodes { get; init; }

    [CommandOption("--optimizer <KIND>")]
    [Description("adam, sgd or natural (natural policy gradient: damped Fisher solve, step length capped by --kl). Default: adam.")]
    public string? Optimizer { get; init; }

    [CommandOption("--kl <D>")]
    [Description("With --optimizer natural: the KL radius δ that caps each step, step length min(lr, √(2δ / ĝᵀF⁻¹ĝ)), > 0. Default: 0.1.")]
    public double? Kl { get; init; }

    [CommandOption("--damping <L>")]
    [Description("With --optimizer natural: the damping λ of the Fisher solve (F + λI)x = ĝ, > 0. Default: 0.1.")]
    public double? Damping { get; init; }

    [CommandOption("--lr|--learning-rate <A>")]
    [Description("Learning rate, > 0. Default: the task's (CartPole-v1: 0.02).")]
    public double? LearningRate { get; init; }

    [CommandOption("--max-steps <S>")]
    [Description("Budget in environment steps, ≥ 1. Default: the task's (CartPole-v1: 200000).")]
    public long? MaxSteps { get; init; }

    [CommandOption("--target <R>")]
    [Description("Stop when the mean return of the last 100 episodes reaches R. Default: the task's (CartPole-v1: 475).")]
    public double? Target { get; init; }

    [CommandOption("--threads <T>")]
    [Description("Sampling threads, ≥ 0; 0 uses every core. Results do not depend on it. Default: 0.")]
    public int Threads { get; init; }

    [CommandOption("--initial-log-std <L>")]
    [Description("Initial log σ of a Gaussian policy. Default: the task's (Pendulum-v1: -1, otherwise 0).")]
    public double? InitialLogStd { get; init; }

    /// <summary>Whether the estimator of <see cref="Resolve"/> is the one that runs (not so where estimators are named otherwise).</summary>
    protected virtual bool NamesEstimators => true;

    /// <summary>The task's defaults overridden by the options given; a usage error names the option at fault.</summary>
    public RunSettings Resolve(int seed)
    {
        Tasks.Check("--env", Env);
        RunSettings d = RunSettings.Defaults(Env, seed);
        EstimatorOptions e = d.Estimator;
        e = e with
        {
            Returns = Returns is null ? e.Returns : EstimatorNames.TryParseReturns(Returns, out ReturnKind r) ? r : throw new UsageException($"--returns must be {string.Join(" or ", EstimatorNames.ReturnTokens)}, not '{Returns}'."),
            Baseline = Baseline switch
            {
                null => e.Baseline,
                "none" => BaselineKind.None,
                _ => EstimatorNames.TryParseBaseline(Baseline, out BaselineKind b) ? b : throw new UsageException($"--baseline must be none, {string.Join(", ", EstimatorNames.BaselineTokens)}, not '{Baseline}'."),
            },
            Discount = Discount ?? e.Discount,
        };
        Require(e.Discount is >= 0 and <= 1, string.Create(CultureInfo.InvariantCulture, $"--discount must be in [0, 1], not {e.Discount}."));
        bool value = e.Baseline == BaselineKind.Value;
        Require(value || (GaeLambda is null && CriticHidden is null && CriticLearningRate is null && CriticIterations is null), "--gae-lambda, --critic-hidden, --critic-lr and --critic-iters apply to --baseline value.");
        ValueOptions? critic = null;
        if (value)
        {
            ValueOptions defaults = e.Value ?? new ValueOptions();
            critic = defaults with
            {
                GaeLambda = GaeLambda ?? defaults.GaeLambda,
                CriticHidden = CriticHidden is null ? defaults.CriticHidden : ParseHidden(CriticHidden, "--critic-hidden"),
                CriticLearningRate = CriticLearningRate ?? defaults.CriticLearningRate,
                CriticIterations = CriticIterations ?? defaults.CriticIterations,
                CriticSeed = seed,
            };
        }

        e = e with
        {
            LeaveOneOut = LeaveOneOut ?? (e.Baseline is not (BaselineKind.None or BaselineKind.Value) && e.LeaveOneOut),
            Normalize = Normalize ?? (e.Baseline is BaselineKind.None or BaselineKind.Average or BaselineKind.Value && e.Normalize),
            Value = critic,
            EntropyBonus = Entropy ?? e.EntropyBonus,
        };
        try
        {
            e.Validate();
        }
        catch (ArgumentException error)
        {
            throw new UsageException($"--returns {EstimatorNames.Token(e.Returns)} --baseline {(e.Baseline == BaselineKind.None ? "none" : EstimatorNames.Token(e.Baseline))}{(e.LeaveOneOut ? " --leave-one-out" : string.Empty)}{(e.Normalize ? " --normalize" : string.Empty)}: {Errors.Plain(error)}", error);
        }

        string policy = Policy is null or "linear" or "mlp" ? Policy ?? d.Policy : throw new UsageException($"--policy must be linear or mlp, not '{Policy}'.");
        if (Hidden is not null && policy == "linear")
        {
            throw new UsageException($"--hidden applies to --policy mlp; the policy here is linear{(Policy is null ? $" ({Env}'s default)" : string.Empty)}.");
        }

        TaskEnvironment task = TaskRegistry.Create(Env);
        IReadOnlyList<string> heads = PolicyRegistry.HeadsFor(task.ActionSpace);
        string head = Head is null || heads.Contains(Head) ? Head ?? d.Head : throw new UsageException($"--head must be {string.Join(" or ", heads)} for {Env}'s actions, not '{Head}'.");
        if (InitialLogStd is not null && head != "gaussian")
        {
            throw new UsageException($"--initial-log-std applies to the gaussian head; the head here is {head}{(Head is null ? $" ({Env}'s default)" : string.Empty)}.");
        }

        RunSettings run = d with
        {
            Policy = policy,
            Hidden = Hidden is null ? d.Hidden : ParseHidden(Hidden, "--hidden"),
            Estimator = e,
            BatchEpisodes = BatchEpisodes ?? d.BatchEpisodes,
            Optimizer = Optimizer is null or "adam" or "sgd" or "natural" ? Optimizer ?? d.Optimizer : throw new UsageException($"--optimizer must be adam, sgd or natural, not '{Optimizer}'."),
            Kl = Kl,
            Damping = Damping,
            LearningRate = LearningRate ?? d.LearningRate,
            MaxSteps = MaxSteps ?? d.MaxSteps,
            Target = Target ?? d.Target,
            Threads = Threads,
            InitialLogStd = InitialLogStd ?? d.InitialLogStd,
            Head = head,
        };
        try
        {
            _ = PolicyRegistry.CreateApproximatorForTask(run.Head, task.ObservationSize, task.ActionSpace, run.Policy == "mlp" ? run.Hidden : null);
        }
        catch (ArgumentException error)
        {
            throw new UsageException($"--hidden {string.Join(",", run.Hidden)}: {Errors.Plain(error)}", error);
        }

        bool leaveOneOut = NamesEstimators && e.LeaveOneOut;
        Require(run.BatchEpisodes >= (leaveOneOut ? 2 : 1), string.Create(CultureInfo.InvariantCulture, $"--batch-episodes must be ≥ {(leaveOneOut ? "2 with a leave-one-out baseline" : "1")}, not {run.BatchEpisodes}."));
        Require(run.LearningRate > 0, string.Create(CultureInfo.InvariantCulture, $"--lr must be > 0, not {run.LearningRate}."));
        Require((Kl is null && Damping is null) || run.Optimizer == "natural", "--kl and --damping apply to --optimizer natural.");
        Require(Kl is null || (double.IsFinite(Kl.Value) && Kl > 0), string.Create(CultureInfo.InvariantCulture, $"--kl must be finite and > 0, not {Kl}."));
        Require(Damping is null || (double.IsFinite(Damping.Value) && Damping > 0), string.Create(CultureInfo.InvariantCulture, $"--damping must be finite and > 0, not {Damping}."));
        Require(run.MaxSteps >= 1, string.Create(CultureInfo.InvariantCulture, $"--max-steps must be ≥ 1, not {run.MaxSteps}."));
        Require(Threads >= 0, string.Create(CultureInfo.InvariantCulture, $"--threads must be ≥ 0 (0: every core), not {Threads}."));
        return run;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new UsageException(message);
        }
    }

    private static int[] ParseHidden(string text, string option)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
            {
                throw new UsageException($"{option} must be sizes ≥ 1 separated by commas, e.g. 64,64; not '{text}'.");
            }
        }

        return sizes;
    }
}

/// <summary>Task ids: a usage error names the option and the known ids, nearest first.</summary>
internal static class Tasks
{
    public static void Check(string option, string id)
    {
        if (!TaskRegistry.Ids.Contains(id))
        {
            throw new UsageException($"{option}: unknown task '{id}'; known: {string.Join(", ", TaskRegistry.Ids.OrderBy(known => OptionCheck.Levenshtein(known, id)))}.");
        }
    }
}

/// <summary>An <c>--estimators</c> list, each name parsed by <see cref="EstimatorNames"/>; a usage error names the one at fault.</summary>
internal static class EstimatorList
{
    public static EstimatorOptions[] Parse(string? list, IReadOnlyList<string> defaults, double discount)
    {
        string[] names = list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [.. defaults];
        EstimatorOptions[] options;
        try
        {
            options = names.Select(name => EstimatorNames.Parse(name, discount)).ToArray();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--estimators: {Errors.Plain(e)}", e);
        }

        if (options.Length == 0)
        {
            throw new UsageException("--estimators names no estimator; e.g. total,reward-to-go+average+loo+norm.");
        }

        string? twice = options.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        return twice is null ? options : throw new UsageException($"--estimators names {twice} twice.");
    }

    /// <summary>
    /// A named estimator with what its name does not carry taken from the run's settings: the critic's options (for a
    /// value baseline, seeded with the run's seed) and the entropy bonus.
    /// </summary>
    public static EstimatorOptions WithTaskSettings(EstimatorOptions named, EstimatorOptions run, int seed) => named with
    {
        Value = named.Baseline == BaselineKind.Value ? (run.Value ?? new ValueOptions()) with { CriticSeed = seed } : null,
        EntropyBonus = run.EntropyBonus,
    };
}

/// <summary>Messages for the user: one line, no parameter names.</summary>
internal static class Errors
{
    public static string Plain(Exception e)
    {
        string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
        return string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

internal static class Output
{
    /// <summary>Indented JSON that holds every double, NaN and ±∞ included (as "NaN", "Infinity", "-Infinity").</summary>
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>A live progress bar on an interactive terminal; plain lines when redirected or when CI is set.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && System.Environment.GetEnvironmentVariable("CI") is null;

    public static void WriteJson<T>(string path, T value) => File.WriteAllText(path, JsonSerializer.Serialize(value, Json));
}

internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : TrainingSettings
    {
        [CommandOption("--seed <K>")]
        [Description("Seed of the initial policy and of every sampled episode; any integer. Default: 1.")]
        public int Seed { get; init; } = 1;

        [CommandOption("--save <FILE>")]
        [Description("Save the trained policy as a JSON checkpoint (with its task id) to FILE, in an existing directory.")]
        public string? Save { get; init; }

        [CommandOption("--report <FILE>")]
        [Description("Write a JSON report (settings, result, per-iteration history) to FILE, in an existing directory.")]
        public string? Report { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        RunSettings run = settings.Resolve(settings.Seed);
        Paths.CheckOutputFile("--save", settings.Save);
        Paths.CheckOutputFile("--report", settings.Report);
        Console.WriteLine(run.Describe());
        (TrainingResult result, Policy policy, Critic? critic) = Run(run);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"solved: {result.Solved}, steps to solve: {result.EnvironmentStepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "—"}, total steps: {result.TotalEnvironmentSteps}, final mean of last 100: {result.FinalRecentMeanReturn:F1}, wall: {result.WallTime.TotalSeconds:F2} s"));
        if (settings.Save is not null)
        {
            Checkpoint.Save(policy, settings.Save, new Dictionary<string, string> { ["settings"] = run.Describe(), ["steps"] = result.TotalEnvironmentSteps.ToString(CultureInfo.InvariantCulture) }, task: run.Env, critic: critic);
        }

        if (settings.Report is not null)
        {
            Output.WriteJson(settings.Report, new
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
            });
        }

        return 0;
    }

    /// <summary>Trains with a live bar on a terminal, else a plain line every 20 iterations, written on this thread before the result.</summary>
    public static (TrainingResult Result, Policy Policy, Critic? Critic) Run(RunSettings run)
    {
        if (!Output.Interactive)
        {
            return TrainingRun.Train(run, new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Iteration % 20 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iteration {p.Iteration}: {p.EnvironmentSteps} steps, batch mean {p.MeanReturn:F1}, mean of last {p.RecentEpisodes}: {p.RecentMeanReturn:F1}"));
                }
            }));
        }

        (TrainingResult, Policy, Critic?) outcome = default;
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

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--checkpoint <FILE>")]
        [Description("A policy saved by train --save. Required.")]
        public string? Checkpoint { get; init; }

        [CommandOption("--env <ID>")]
        [Description("Task id. Default: the task stored in the checkpoint.")]
        public string? Env { get; init; }

        [CommandOption("--episodes <N>")]
        [Description("Evaluation episodes, ≥ 1. Default: 100.")]
        public int Episodes { get; init; } = 100;

        [CommandOption("--seed <K>")]
        [Description("Seed of the evaluation episodes; any integer. Default: 1.")]
        public int Seed { get; init; } = 1;

        [CommandOption("--report <FILE>")]
        [Description("Write a JSON report to FILE, in an existing directory.")]
        public string? Report { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string path = settings.Checkpoint ?? throw new UsageException("evaluate needs --checkpoint FILE (a policy saved by train --save).");
        if (settings.Episodes < 1)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--episodes must be ≥ 1, not {settings.Episodes}."));
        }

        Paths.CheckInputFile("--checkpoint", path);
        Paths.CheckOutputFile("--report", settings.Report);
        if (settings.Env is not null)
        {
            Tasks.Check("--env", settings.Env);
        }

        CheckpointContents checkpoint;
        try
        {
            checkpoint = Training.Checkpoint.Read(path);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointException($"--checkpoint '{path}' cannot be read: {Errors.Plain(e)}", e);
        }

        Policy policy = checkpoint.Policy;
        string env = settings.Env ?? checkpoint.Task ?? throw new UsageException($"--checkpoint '{path}' stores no task; give --env ID.");
        Tasks.Check(settings.Env is null ? $"--checkpoint '{path}' (its stored task)" : "--env", env);
        if (Misfit(policy, TaskRegistry.Create(env)) is { } misfit)
        {
            throw new UsageException($"--checkpoint '{path}' does not fit {env}: {misfit}.");
        }

        EvaluationResult result = Trainer.Evaluate(() => TaskRegistry.Create(env), policy, settings.Episodes, settings.Seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Training.Checkpoint.Describe(policy)} on {env}: mean return {result.MeanReturn:F2} ± {result.StdReturn:F2} over {result.Episodes} episodes, {result.TerminatedEpisodes} terminated"));
        if (settings.Report is not null)
        {
            Output.WriteJson(settings.Report, new { env, meanReturn = result.MeanReturn, stdReturn = result.StdReturn, episodes = result.Episodes, terminatedEpisodes = result.TerminatedEpisodes });
        }

        return 0;
    }

    /// <summary>Why <paramref name="policy"/> cannot act in <paramref name="task"/>, or null when it can.</summary>
    public static string? Misfit(Policy policy, TaskEnvironment task) =>
        policy.ObservationSize != task.ObservationSize ? string.Create(CultureInfo.InvariantCulture, $"the policy reads {policy.ObservationSize} observations, the task gives {task.ObservationSize}")
        : !task.ActionSpace.Admits(policy.ActionSpace) ? $"the policy's actions are {policy.ActionSpace}, the task's {task.ActionSpace}"
        : null;
}

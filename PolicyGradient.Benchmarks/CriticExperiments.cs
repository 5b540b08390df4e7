using System.Diagnostics;
using System.Globalization;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Benchmarks;

/// <summary>One learned-critic training configuration (issue 12's learning targets).</summary>
/// <param name="Env">Task id.</param>
/// <param name="Head">Policy head: softmax, gaussian or beta.</param>
/// <param name="Hidden">The policy's tanh hidden layers.</param>
/// <param name="Estimator">The estimator (typically <see cref="BaselineKind.Value"/> with <see cref="ValueOptions"/>).</param>
/// <param name="BatchEpisodes">Episodes per iteration.</param>
/// <param name="LearningRate">The policy's Adam α.</param>
/// <param name="MaxSteps">Environment-step budget.</param>
/// <param name="Target">Stop when the last-100 training mean reaches it; null: use the whole budget.</param>
/// <param name="InitialLogStd">A Gaussian head's initial log σ.</param>
/// <param name="EvaluationEpisodes">Mode-action evaluation episodes after training.</param>
public sealed record CriticRunSettings(string Env, string Head, int[] Hidden, EstimatorOptions Estimator, int BatchEpisodes, double LearningRate, long MaxSteps, double? Target, double InitialLogStd = 0, int EvaluationEpisodes = 100)
{
    /// <summary>A one-line description.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Env} mlp[{string.Join(",", Hidden)}]-{Head} {Estimator.Name} γ = {Estimator.Discount}{(Estimator.Value is { } v ? $" λ = {v.GaeLambda} critic [{string.Join(",", v.Hidden)}] α = {v.CriticLearningRate} K = {v.CriticIterations}" : string.Empty)}{(Estimator.EntropyBonus > 0 ? $" entropy β = {Estimator.EntropyBonus}" : string.Empty)}, {BatchEpisodes} episodes/iteration, adam lr {LearningRate}, log σ₀ {InitialLogStd}, ≤ {MaxSteps} steps, target {Target?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
}

/// <summary>What one seed of a <see cref="CriticRunSettings"/> did.</summary>
/// <param name="Seed">The seed (policy and critic initialisation, sampling).</param>
/// <param name="Solved">Whether the training target was reached.</param>
/// <param name="Steps">Environment steps sampled (to the target, or the whole budget).</param>
/// <param name="FinalTrainingMean">Last-100 training mean at the end.</param>
/// <param name="Evaluation">Mean of the mode-action evaluation returns, seed 2026.</param>
/// <param name="EvaluationTerminated">Evaluation episodes that ended in a terminal state.</param>
/// <param name="Seconds">Wall time of training.</param>
public sealed record CriticRunResult(int Seed, bool Solved, long Steps, double FinalTrainingMean, double Evaluation, int EvaluationTerminated, double Seconds);

/// <summary>
/// The learned-critic experiments of docs/results.md: <see cref="Settings"/> holds the configuration per task,
/// <see cref="Run"/> trains it over seeds, one after another (each on <c>threads</c> sampling threads), and evaluates
/// each final policy's mode action over 100 episodes from seed 2026.
/// </summary>
public static class CriticExperiments
{
    /// <summary>Seed of the evaluation episodes.</summary>
    public const long EvaluationSeed = 2026;

    /// <summary>
    /// The settings docs/results.md reports for <paramref name="env"/> with <paramref name="head"/> (null: the head that
    /// learned best there: Beta on Pendulum-v1, where it beat the Gaussian on all 10 seeds' spread with the same settings).
    /// </summary>
    /// <exception cref="ArgumentException">No learned-critic settings for the task.</exception>
    public static CriticRunSettings Settings(string env, string? head = null)
    {
        CriticRunSettings s = env switch
        {
            "Pendulum-v1" => new(env, "beta", [64, 64], Value(0.9, 0.9, [64, 64], 3e-3, 20), 16, 5e-3, 1_000_000, null, -0.5),
            "MountainCarContinuous-v0" => new(env, "gaussian", [32], Value(0.999, 0.95, [64, 64], 3e-3, 20, entropy: 0.5), 8, 3e-3, 500_000, 90, 0.5),
            "LaneKeeping-v0" => new(env, "gaussian", [32], Value(0.99, 0.95, [64, 64], 3e-3, 20), 8, 0.01, 1_000_000, 880, -1),
            "CartPole-v1" => new(env, "softmax", [64], Value(0.99, 1.0, [64], 0.03, 10), 4, 0.02, 200_000, 475),
            "Acrobot-v1" => new(env, "softmax", [32], Value(0.99, 0.95, [64], 0.01, 10), 8, 0.02, 500_000, -100),
            _ => throw new ArgumentException($"No learned-critic settings for '{env}'.", nameof(env)),
        };
        return head is null ? s : s with { Head = head };
    }

    /// <summary>Reward-to-go, value baseline with GAE, normalised advantages.</summary>
    public static EstimatorOptions Value(double discount, double lambda, int[] criticHidden, double criticLearningRate, int criticIterations, double entropy = 0) =>
        new(ReturnKind.RewardToGo, BaselineKind.Value, Normalize: true, Discount: discount, Value: new ValueOptions(lambda, criticHidden, criticLearningRate, criticIterations), EntropyBonus: entropy);

    /// <summary>Trains <paramref name="settings"/> on each seed in turn, writing one line per seed to <paramref name="log"/>.</summary>
    public static IReadOnlyList<CriticRunResult> Run(CriticRunSettings settings, IEnumerable<int> seeds, int threads, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(seeds);
        var results = new List<CriticRunResult>();
        log?.WriteLine(settings.Describe());
        foreach (int seed in seeds)
        {
            CriticRunResult r = RunSeed(settings, seed, threads);
            results.Add(r);
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {r.Seed}: solved {r.Solved} steps {r.Steps} final-100 {r.FinalTrainingMean:F1} eval {r.Evaluation:F1} ({r.EvaluationTerminated} terminated) {r.Seconds:F1} s"));
        }

        return results;
    }

    /// <summary>A markdown summary: seeds solved, median steps, evaluations.</summary>
    public static string Summary(IReadOnlyList<CriticRunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        double Median(IEnumerable<double> values)
        {
            double[] v = [.. values.Order()];
            return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[(v.Length / 2) - 1] + v[v.Length / 2]);
        }

        return string.Create(CultureInfo.InvariantCulture, $"solved {results.Count(r => r.Solved)}/{results.Count}, median steps {Median(results.Select(r => (double)r.Steps)):F0}, median evaluation {Median(results.Select(r => r.Evaluation)):F1} (min {results.Min(r => r.Evaluation):F1}, max {results.Max(r => r.Evaluation):F1}), evaluations: {string.Join(", ", results.Select(r => r.Evaluation.ToString("F0", CultureInfo.InvariantCulture)))}");
    }

    private static CriticRunResult RunSeed(CriticRunSettings s, int seed, int threads)
    {
        TaskEnvironment task = TaskRegistry.Create(s.Env);
        Policy policy = PolicyRegistry.CreateForTask(s.Head, task.ObservationSize, task.ActionSpace, s.Hidden, seed, s.InitialLogStd);
        EstimatorOptions estimator = s.Estimator.Value is { } value ? s.Estimator with { Value = value with { CriticSeed = seed } } : s.Estimator;
        var trainer = new Trainer(() => TaskRegistry.Create(s.Env), policy, new GradientEstimator(estimator), new Adam(s.LearningRate), new TrainerOptions
        {
            EpisodesPerIteration = s.BatchEpisodes,
            MaxEnvironmentSteps = s.MaxSteps,
            TargetReturn = s.Target,
            Seed = seed,
            Threads = threads,
        });
        var clock = Stopwatch.StartNew();
        TrainingResult result = trainer.Train();
        double seconds = clock.Elapsed.TotalSeconds;
        EvaluationResult evaluation = Trainer.Evaluate(() => TaskRegistry.Create(s.Env), policy, s.EvaluationEpisodes, EvaluationSeed);
        return new CriticRunResult(seed, result.Solved, result.EnvironmentStepsToSolve ?? result.TotalEnvironmentSteps, result.FinalRecentMeanReturn, evaluation.MeanReturn, evaluation.TerminatedEpisodes, seconds);
    }
}

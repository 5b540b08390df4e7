using System.Globalization;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Benchmarks;

/// <summary>Everything one training run needs, with the task's defaults filled in.</summary>
internal sealed record RunSettings(
    string Env,
    string Policy,
    int[] Hidden,
    EstimatorOptions Estimator,
    int BatchEpisodes,
    string Optimizer,
    double LearningRate,
    long MaxSteps,
    double? Target,
    int Seed,
    int Threads,
    double InitialLogStd,
    string Head)
{
    /// <summary>With the natural optimiser: the KL radius δ (null: 0.1).</summary>
    public double? Kl { get; init; }

    /// <summary>With the natural optimiser: the damping λ (null: 0.1).</summary>
    public double? Damping { get; init; }

    public static RunSettings Defaults(string env, int seed)
    {
        TaskDefaults d = TaskDefaults.For(env);
        var estimator = new EstimatorOptions(d.Returns, d.Baseline, d.LeaveOneOut, d.Normalize, d.Discount, d.Value is null ? null : d.Value with { CriticSeed = seed }, d.Entropy);
        return new RunSettings(env, d.Policy, d.Hidden, estimator, d.BatchEpisodes, d.Optimizer, d.LearningRate, d.MaxSteps, d.Target, seed, 0, d.InitialLogStd, d.Head ?? PolicyRegistry.HeadsFor(TaskRegistry.Create(env).ActionSpace)[0]);
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Env} {Policy}{(Policy == "mlp" ? "[" + string.Join(",", Hidden) + "]" : string.Empty)}-{Head} {Estimator.Name} γ {Estimator.Discount}, {BatchEpisodes} episodes/iteration, {Optimizer} lr {LearningRate}, seed {Seed}");
}

/// <summary>Builds the policy, estimator and optimiser of a <see cref="RunSettings"/> and trains.</summary>
internal static class TrainingRun
{
    public static Policy CreatePolicy(RunSettings s)
    {
        TaskEnvironment task = TaskRegistry.Create(s.Env);
        return PolicyRegistry.CreateForTask(s.Head, task.ObservationSize, task.ActionSpace, s.Policy == "mlp" ? s.Hidden : null, s.Seed, s.InitialLogStd);
    }

    public static (TrainingResult Result, Policy Policy, Critic? Critic) Train(RunSettings s, IProgress<TrainingProgress>? progress = null)
    {
        Policy policy = CreatePolicy(s);
        Optimizer optimizer = s.Optimizer switch
        {
            "sgd" => new GradientAscent(s.LearningRate),
            "natural" => new NaturalGradient(s.LearningRate, damping: s.Damping ?? 0.1, klRadius: s.Kl ?? 0.1),
            "adam" => new Adam(s.LearningRate),
            _ => throw new InvalidOperationException($"Unknown optimizer '{s.Optimizer}' (the command line accepts adam, sgd, natural)."),
        };
        var estimator = new GradientEstimator(s.Estimator);
        var trainer = new Trainer(() => TaskRegistry.Create(s.Env), policy, estimator, optimizer, new TrainerOptions
        {
            EpisodesPerIteration = s.BatchEpisodes,
            MaxEnvironmentSteps = s.MaxSteps,
            TargetReturn = s.Target,
            Seed = s.Seed,
            Threads = s.Threads,
        });
        return (trainer.Train(progress), policy, estimator.Critic);
    }
}

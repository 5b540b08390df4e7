using PolicyGradient.Environments;
using PolicyGradient.Estimators;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// The training settings each task starts from when the command line does not override them: what learned best in
/// docs/results.md. Where a learned critic won (CartPole-v1, Acrobot-v1, Pendulum-v1, LaneKeeping-v0) the task
/// trains with reward-to-go, the value baseline with GAE(γ, λ) and normalised advantages; Pendulum-v1 with the Beta head.
/// </summary>
internal sealed record TaskDefaults(
    string Policy,
    int[] Hidden,
    ReturnKind Returns,
    BaselineKind Baseline,
    bool LeaveOneOut,
    bool Normalize,
    double Discount,
    int BatchEpisodes,
    string Optimizer,
    double LearningRate,
    long MaxSteps,
    double? Target,
    double InitialLogStd = 0,
    string? Head = null,
    ValueOptions? Value = null,
    double Entropy = 0)
{
    public static TaskDefaults For(string env) => env switch
    {
        "CartPole-v1" => Critic([64], 0.99, 4, 0.02, 200_000, 475, new ValueOptions(1.0, [64], 0.03, 10)),
        "Acrobot-v1" => Critic([32], 0.99, 8, 0.02, 500_000, -100, new ValueOptions(0.95, [64], 0.01, 10)),
        "MountainCar-v0" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 1.0, 8, "adam", 0.01, 500_000, -110),
        "Pendulum-v1" => Critic([64, 64], 0.9, 16, 0.005, 1_000_000, null, new ValueOptions(0.9, [64, 64], 0.003, 20)) with { Head = "beta", InitialLogStd = -0.5 },
        "MountainCarContinuous-v0" => Critic([32], 0.999, 8, 0.003, 500_000, 90, new ValueOptions(0.95, [64, 64], 0.003, 20)) with { InitialLogStd = 0.5, Entropy = 0.5 },
        "LaneKeeping-v0" => Critic([32], 0.99, 8, 0.01, 1_000_000, 880, new ValueOptions(0.95, [64, 64], 0.003, 20)) with { InitialLogStd = -1 },
        "LaneKeepingDiscrete-v0" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 0.99, 8, "adam", 0.01, 1_000_000, 880),
        _ when TaskRegistry.Ids.Contains(env) => new("linear", [], ReturnKind.RewardToGo, BaselineKind.Average, true, false, 1.0, 10, "adam", 0.05, 100_000, null),
        _ => throw new ArgumentException($"Unknown task '{env}'. Known: {string.Join(", ", TaskRegistry.Ids)}."),
    };

    // reward-to-go, the learned critic with GAE(γ, λ), normalised advantages, Adam
    private static TaskDefaults Critic(int[] hidden, double discount, int batchEpisodes, double learningRate, long maxSteps, double? target, ValueOptions value) =>
        new("mlp", hidden, ReturnKind.RewardToGo, BaselineKind.Value, false, true, discount, batchEpisodes, "adam", learningRate, maxSteps, target, Value: value);
}

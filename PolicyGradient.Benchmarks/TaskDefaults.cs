using PolicyGradient.Environments;
using PolicyGradient.Estimators;

namespace PolicyGradient.Benchmarks;

/// <summary>The training settings each task starts from when the command line does not override them.</summary>
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
    double InitialLogStd = 0)
{
    public static TaskDefaults For(string env) => env switch
    {
        "CartPole-v1" => new("mlp", [64], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 1.0, 4, "adam", 0.02, 200_000, 475),
        "Acrobot-v1" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 1.0, 8, "adam", 0.01, 500_000, -100),
        "MountainCar-v0" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 1.0, 8, "adam", 0.01, 500_000, -110),
        "Pendulum-v1" => new("mlp", [64, 64], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 0.99, 32, "adam", 0.01, 2_000_000, -300, -1),
        "MountainCarContinuous-v0" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 1.0, 8, "adam", 0.01, 500_000, 90),
        "LaneKeeping-v0" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 0.99, 8, "adam", 0.01, 1_000_000, 880, -1),
        "LaneKeepingDiscrete-v0" => new("mlp", [32], ReturnKind.RewardToGo, BaselineKind.Average, true, true, 0.99, 8, "adam", 0.01, 1_000_000, 880),
        _ when TaskRegistry.Ids.Contains(env) => new("linear", [], ReturnKind.RewardToGo, BaselineKind.Average, true, false, 1.0, 10, "adam", 0.05, 100_000, null),
        _ => throw new ArgumentException($"Unknown task '{env}'. Known: {string.Join(", ", TaskRegistry.Ids)}."),
    };
}

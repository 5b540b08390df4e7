using System.Globalization;
using System.Text.Json;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// <c>variance</c>: M batches of N episodes at a fixed, seeded policy; per estimator the total variance tr Cov ĝ and,
/// where the task has an exact gradient (TabularMdp-v0, Bandit-v0), the bias.
/// </summary>
internal static class VarianceCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<EstimatorOptions> Estimators(double discount) =>
    [
        new(ReturnKind.Total, Discount: discount),
        new(ReturnKind.Total, BaselineKind.Average, Discount: discount),
        new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true, Discount: discount),
        new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true, Discount: discount),
        new(ReturnKind.RewardToGo, Discount: discount),
        new(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true, Discount: discount),
        new(ReturnKind.RewardToGo, BaselineKind.Average, Normalize: true, Discount: discount),
        new(ReturnKind.RewardToGo, BaselineKind.Optimal, LeaveOneOut: true, Discount: discount),
        new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep, LeaveOneOut: true, Discount: discount),
    ];

    public static int Run(string env, int batches, int episodes, int seed, string? reportPath, TextWriter output)
    {
        TaskEnvironment task = TaskRegistry.Create(env);
        Policy policy = PolicyRegistry.CreateForTask(PolicyRegistry.HeadsFor(task.ActionSpace)[0], task.ObservationSize, task.ActionSpace, null, seed);
        var random = new Random(seed);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = random.NextDouble() - 0.5; // a fixed policy away from uniform
        }

        double[] exact = [];
        if (task is IFiniteMdp model)
        {
            exact = new double[policy.ParameterCount];
            ExactMdp.Gradient(model, policy, exact);
        }

        IReadOnlyList<EstimatorStatistics> results = EstimatorAnalysis.Run(new Sampler(() => TaskRegistry.Create(env)), policy, Estimators(1.0), batches, episodes, seed, exact);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{env}: {batches} batches of {episodes} episodes, linear policy, seed {seed}"));
        output.WriteLine();
        output.WriteLine(exact.Length > 0 ? "| estimator | tr Cov ĝ | ‖bias‖ | max \\|bias\\|/SE |" : "| estimator | tr Cov ĝ |");
        output.WriteLine(exact.Length > 0 ? "|---|---:|---:|---:|" : "|---|---:|");
        foreach (EstimatorStatistics r in results)
        {
            output.WriteLine(exact.Length > 0
                ? string.Create(CultureInfo.InvariantCulture, $"| {r.Options.Name} | {r.TotalVariance:G4} | {r.BiasNorm:G3} | {r.MaxBiasInStandardErrors:F2} |")
                : string.Create(CultureInfo.InvariantCulture, $"| {r.Options.Name} | {r.TotalVariance:G4} |"));
        }

        if (reportPath is not null)
        {
            var report = new
            {
                env,
                batches,
                episodes,
                seed,
                estimators = results.Select(r => new { name = r.Options.Name, totalVariance = r.TotalVariance, bias = r.BiasNorm, maxBiasInStandardErrors = r.MaxBiasInStandardErrors }),
            };
            File.WriteAllText(reportPath, JsonSerializer.Serialize(report, Indented));
        }

        return 0;
    }
}

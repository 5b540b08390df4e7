using System.Globalization;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// Vanilla against natural policy gradient (docs/results.md, "Natural policy gradient"): on Lqr-v0 the exact J(θ) of a
/// linear-Gaussian policy after every iteration (median over seeds, beside the Riccati optimum J*); on CartPole-v1 the
/// environment steps to solve with the task's default MLP policy and estimator. Meant for a <c>--optimizer natural</c>
/// option of the command line; <see cref="Run"/> prints markdown tables.
/// </summary>
public static class NaturalGradientExperiment
{
    /// <summary>The optimisers compared, by name: plain ascent, Adam, and the natural gradient with a KL radius.</summary>
    public static IReadOnlyList<(string Name, Func<Optimizer> Create)> LqrOptimizers { get; } =
    [
        ("gradient ascent α = 0.005", () => new GradientAscent(0.005)),
        ("Adam α = 0.05", () => new Adam(0.05)),
        ("natural δ = 0.2 (Cholesky)", () => new NaturalGradient(10, damping: 1e-3, klRadius: 0.2)),
        ("natural δ = 1 (Cholesky)", () => new NaturalGradient(10, damping: 1e-3, klRadius: 1)),
    ];

    /// <summary>The CartPole-v1 optimisers: the tuned default Adam and the natural gradient (conjugate gradient, P = 450).</summary>
    public static IReadOnlyList<(string Name, Func<Optimizer> Create)> CartPoleOptimizers { get; } =
    [
        ("Adam α = 0.02 (default)", () => new Adam(0.02)),
        ("natural δ = 0.1, λ = 1e-3 (CG)", () => new NaturalGradient(1e3, damping: 1e-3, klRadius: 0.1, maxIterations: 20)),
        ("natural δ = 1, λ = 1e-3 (CG)", () => new NaturalGradient(1e3, damping: 1e-3, klRadius: 1, maxIterations: 20)),
        ("natural δ = 0.1, λ = 0.1 (CG)", () => new NaturalGradient(1e3, damping: 0.1, klRadius: 0.1, maxIterations: 20)),
        ("natural δ = 1, λ = 0.1 (CG)", () => new NaturalGradient(1e3, damping: 0.1, klRadius: 1, maxIterations: 20)),
    ];

    /// <summary>Median exact J on Lqr-v0 after each of <paramref name="iterations"/> iterations (index 0: before training), per optimiser.</summary>
    public static IReadOnlyList<(string Name, double[] MedianObjective)> LqrCurves(int seeds, int iterations, int episodesPerIteration = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seeds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodesPerIteration);
        Lqr task = Lqr.Default();
        var curves = new List<(string, double[])>();
        foreach ((string name, Func<Optimizer> create) in LqrOptimizers)
        {
            var perSeed = new double[seeds][];
            for (int seed = 1; seed <= seeds; seed++)
            {
                GaussianPolicy policy = GaussianPolicy.Linear(task.StateDimension, task.ActionSize, seed, initialLogStd: -0.5);
                var curve = new List<double> { ExactLqr.Objective(task, policy) };
                var trainer = new Trainer(() => Lqr.Default(), policy, new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true)), create(), new TrainerOptions
                {
                    EpisodesPerIteration = episodesPerIteration,
                    MaxEnvironmentSteps = (long)iterations * episodesPerIteration * task.MaxEpisodeSteps,
                    Seed = seed,
                    Threads = 1,
                });
                trainer.IterationCompleted += (_, _) => curve.Add(ExactLqr.Objective(task, policy));
                trainer.Train();
                perSeed[seed - 1] = curve.ToArray();
            }

            curves.Add((name, Enumerable.Range(0, iterations + 1).Select(i => Median(perSeed.Select(c => c[Math.Min(i, c.Length - 1)]))).ToArray()));
        }

        return curves;
    }

    /// <summary>Per optimiser and seed, the CartPole-v1 environment steps to solve (null: not within <paramref name="maxSteps"/>), the final last-100 mean return, and the mean wall time.</summary>
    public static IReadOnlyList<(string Name, long?[] StepsToSolve, double[] FinalReturn, double Seconds)> CartPole(int seeds, long maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seeds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSteps);
        var rows = new List<(string, long?[], double[], double)>();
        foreach ((string name, Func<Optimizer> create) in CartPoleOptimizers)
        {
            var solved = new long?[seeds];
            var final = new double[seeds];
            double seconds = 0;
            for (int seed = 1; seed <= seeds; seed++)
            {
                var policy = SoftmaxPolicy.Mlp(4, [64], 2, seed);
                var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true, Normalize: true));
                TrainingResult result = new Trainer(() => new CartPole(), policy, estimator, create(), new TrainerOptions
                {
                    EpisodesPerIteration = 4,
                    MaxEnvironmentSteps = maxSteps,
                    TargetReturn = 475,
                    Seed = seed,
                    Threads = 1,
                }).Train();
                solved[seed - 1] = result.EnvironmentStepsToSolve;
                final[seed - 1] = result.FinalRecentMeanReturn;
                seconds += result.WallTime.TotalSeconds;
            }

            rows.Add((name, solved, final, seconds / seeds));
        }

        return rows;
    }

    /// <summary>Runs both comparisons and prints them as markdown tables.</summary>
    public static void Run(TextWriter output, int seeds = 5, int lqrIterations = 60, long cartPoleMaxSteps = 200_000)
    {
        ArgumentNullException.ThrowIfNull(output);
        Lqr task = Lqr.Default();
        int[] marks = new[] { 0, 5, 10, 20, 40, lqrIterations }.Where(m => m <= lqrIterations).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Lqr-v0, linear-Gaussian policy (log σ₀ = −0.5, learned), reward-to-go + average (leave-one-out), 10 episodes per iteration; median exact J over {seeds} seeds; J* = {ExactLqr.OptimalObjective(task):F3}"));
        output.WriteLine();
        output.WriteLine("| optimiser | " + string.Join(" | ", marks.Distinct().Select(m => $"J after {m}")) + " |");
        output.WriteLine("|---|" + string.Concat(marks.Distinct().Select(_ => "---:|")));
        foreach ((string name, double[] curve) in LqrCurves(seeds, lqrIterations))
        {
            output.WriteLine($"| {name} | " + string.Join(" | ", marks.Distinct().Select(m => curve[m].ToString("F3", CultureInfo.InvariantCulture))) + " |");
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CartPole-v1, mlp-softmax 4→[64]→2, reward-to-go + average (leave-one-out, normalised), 4 episodes per iteration, {seeds} seeds, budget {cartPoleMaxSteps} steps"));
        output.WriteLine();
        output.WriteLine("| optimiser | solved | median steps to solve | final last-100 mean per seed | seconds per run |");
        output.WriteLine("|---|---:|---:|---|---:|");
        foreach ((string name, long?[] steps, double[] final, double seconds) in CartPole(seeds, cartPoleMaxSteps))
        {
            long[] done = steps.Where(s => s is not null).Select(s => s!.Value).ToArray();
            string median = done.Length == 0 ? "–" : Median(done.Select(s => (double)s)).ToString("F0", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {done.Length}/{seeds} | {median} | {string.Join(", ", final.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} | {seconds:F2} |"));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }
}

using System.Globalization;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;
using PolicyGradient.Training;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// Maximum likelihood beside policy gradient on CartPole-v1 (docs/results.md, "Behaviour cloning"): an expert is
/// trained by policy gradient (the task's default MLP, estimator and Adam), D of its sampled state–action pairs are
/// recorded, and a fresh policy is fitted to them by <see cref="BehaviourCloning"/> (the same score code with unit
/// weights); the clone's greedy return is printed beside the expert's training curve.
/// </summary>
public static class BehaviourCloningExperiment
{
    /// <summary>Runs the comparison and prints markdown tables.</summary>
    public static void Run(TextWriter output, int seed = 1, int demonstrationEpisodes = 10, int cloningSteps = 200)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(demonstrationEpisodes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cloningSteps);
        var expert = SoftmaxPolicy.Mlp(4, [64], 2, seed);
        var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true, Normalize: true));
        TrainingResult training = new Trainer(() => new CartPole(), expert, estimator, new Adam(0.02), new TrainerOptions
        {
            EpisodesPerIteration = 4,
            MaxEnvironmentSteps = 200_000,
            TargetReturn = 475,
            Seed = seed,
            Threads = 1,
        }).Train();

        var sampler = new Sampler(() => new CartPole(), threads: 1);
        TrajectoryBatch demonstrations = sampler.CreateBatch();
        sampler.SampleEpisodes(expert, demonstrationEpisodes, seed + 1_000, demonstrations);
        double expertGreedy = Trainer.Evaluate(() => new CartPole(), expert, 20, seed + 2_000).MeanReturn;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Expert: policy gradient (mlp-softmax 4→[64]→2, Adam 0.02, seed {seed}) solved CartPole-v1 after {training.EnvironmentStepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "–"} environment steps; greedy return {expertGreedy:F1} over 20 episodes."));
        output.WriteLine();
        output.WriteLine("| policy-gradient iteration | environment steps | mean return of the last 100 episodes |");
        output.WriteLine("|---:|---:|---:|");
        IReadOnlyList<TrainingProgress> history = training.History;
        foreach (int i in new[] { 0, history.Count / 8, history.Count / 4, history.Count / 2, (3 * history.Count) / 4, history.Count - 1 }.Distinct())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {history[i].Iteration} | {history[i].EnvironmentSteps} | {history[i].RecentMeanReturn:F1} |"));
        }

        var clone = SoftmaxPolicy.Mlp(4, [64], 2, seed + 1);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Clone: maximum likelihood on D = {demonstrations.StepCount} expert pairs ({demonstrationEpisodes} sampled episodes), full batch, Adam 0.01; greedy return over 20 episodes."));
        output.WriteLine();
        output.WriteLine("| gradient steps | mean log-likelihood | greedy return |");
        output.WriteLine("|---:|---:|---:|");
        int[] marks = [0, 10, 25, 50, 100, cloningSteps];
        BehaviourCloning.Fit(clone, demonstrations, new Adam(0.01), cloningSteps, (step, logLikelihood) =>
        {
            if (marks.Contains(step))
            {
                double greedy = Trainer.Evaluate(() => new CartPole(), clone, 20, seed + 2_000).MeanReturn;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {step} | {logLikelihood:F4} | {greedy:F1} |"));
            }
        });
    }
}

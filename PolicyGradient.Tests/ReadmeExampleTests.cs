using System.Runtime.CompilerServices;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Tests;

/// <summary>
/// The README's examples, run as written. Each test also checks, line for line, that the README's code block is the
/// code between the markers in this file, so the two cannot drift apart.
/// </summary>
[TestFixture]
[Category("Policies")]
[NonParallelizable]
public class ReadmeExampleTests
{
    private static string Readme => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "README.md"));

    [Test]
    public void Readme_policy_and_score_example_runs_and_its_gradient_checks_out()
    {
        var console = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(console);
        try
        {
            // README: score
            var policy = SoftmaxPolicy.Mlp(observationSize: 4, hiddenSizes: [64, 64], actionCount: 2, seed: 1);
            double[] state = [0.01, -0.02, 0.03, 0.04];
            int action = policy.Sample(state, new Random(7));                // a ~ π(·|s)
            double logProb = policy.LogProbability(state, action);          // log π(a|s)
            var gradient = new double[policy.ParameterCount];
            policy.AccumulateScore(state, action, weight: 1.0, gradient);   // gradient += ∇θ log π(a|s)
            double error = GradientCheck.Score(policy, state, action).MaxRelativeError;
            Console.WriteLine($"a = {action}, log π = {logProb:F4}, finite-difference error = {error:E1}");
            // end README
            Assert.Multiple(() =>
            {
                Assert.That(error, Is.LessThanOrEqualTo(1e-6));
                Assert.That(gradient.Any(g => g != 0));
            });
        }
        finally
        {
            Console.SetOut(original);
        }

        AssertReadmeMatchesSource("score");
        Assert.That(console.ToString(), Does.StartWith("a = "));
    }

    [Test]
    public void Readme_train_save_load_act_example_runs()
    {
        string folder = Directory.CreateTempSubdirectory("pg-readme-").FullName;
        string previous = Directory.GetCurrentDirectory();
        var console = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(console);
        Directory.SetCurrentDirectory(folder);
        try
        {
            // README: train
            var policy = SoftmaxPolicy.Mlp(observationSize: 4, hiddenSizes: [64], actionCount: 2, seed: 1);
            var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true, Normalize: true));
            var options = new TrainerOptions { EpisodesPerIteration = 4, TargetReturn = 475, Seed = 1 };
            TrainingResult result = new Trainer(() => new CartPole(), policy, estimator, new Adam(0.02), options).Train();
            Checkpoint.Save(policy, "cartpole.json", task: "CartPole-v1");  // atomic, durable, SHA-256 checked
            Policy loaded = Checkpoint.Load("cartpole.json");               // e.g. in another app: any head, no cast
            var env = new CartPole(); var state = new double[4]; env.Reset(new Random(7), state);
            var action = new double[loaded.ActionWidth];
            loaded.Mode(state, action);                                     // act: the greedy action, as an action row
            Console.WriteLine($"solved: {result.Solved} after {result.EnvironmentStepsToSolve} steps; action {action[0]}");
            // end README
            Assert.Multiple(() =>
            {
                Assert.That(result.Solved);
                Assert.That(loaded.Parameters.ToArray(), Is.EqualTo(policy.Parameters.ToArray()));
                Assert.That(action[0], Is.EqualTo(policy.GreedyAction(state)));
            });
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
            Directory.Delete(folder, recursive: true);
            Console.SetOut(original);
        }

        AssertReadmeMatchesSource("train");
        Assert.That(console.ToString(), Does.StartWith("solved: True"));
    }

    [Test]
    public void Readme_beta_example_trains_through_the_unchanged_trainer()
    {
        var console = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(console);
        try
        {
            // README: beta
            var pendulum = new Pendulum();                                  // actions in the box [−2, 2]
            Policy beta = PolicyRegistry.CreateForTask("beta", pendulum.ObservationSize, pendulum.ActionSpace, [64, 64], seed: 1);
            var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true, Discount: 0.99));
            var options = new TrainerOptions { EpisodesPerIteration = 8, MaxEnvironmentSteps = 16_000, Seed = 1 };
            TrainingResult run = new Trainer(() => new Pendulum(), beta, estimator, new Adam(0.01), options).Train();
            Console.WriteLine($"{beta.Describe()}: {run.TotalEnvironmentSteps} steps, last mean return {run.History[^1].MeanReturn:F0}");
            // end README
            Assert.Multiple(() =>
            {
                Assert.That(run.TotalEnvironmentSteps, Is.EqualTo(16_000));
                Assert.That(run.History.All(h => h.StepApplied && double.IsFinite(h.MeanReturn)));
            });
        }
        finally
        {
            Console.SetOut(original);
        }

        AssertReadmeMatchesSource("beta");
        Assert.That(console.ToString(), Does.StartWith("mlp-beta 3→[64, 64]→2: 16000 steps"));
    }

    // The README block's statements equal the lines between "// README: name" and "// end README" here.
    private static void AssertReadmeMatchesSource(string name, [CallerFilePath] string sourcePath = "")
    {
        string[] source = File.ReadAllLines(sourcePath);
        int start = Array.FindIndex(source, l => l.Trim() == $"// README: {name}") + 1;
        int end = Array.FindIndex(source, start, l => l.Trim() == "// end README");
        string[] expected = source[start..end].Select(l => l.Trim()).ToArray();
        string[] readme = Readme.Split('\n').Select(l => l.Trim()).ToArray();
        int first = Array.IndexOf(readme, expected[0]);
        Assert.That(first, Is.GreaterThanOrEqualTo(0), $"README lacks: {expected[0]}");
        Assert.That(readme[first..(first + expected.Length)], Is.EqualTo(expected), "README and test differ");
    }
}

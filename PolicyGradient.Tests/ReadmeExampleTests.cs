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
            Checkpoint.Save(policy, "cartpole.json");                       // atomic: temp file, then rename
            var loaded = (SoftmaxPolicy)Checkpoint.Load("cartpole.json");   // e.g. in another app
            var env = new CartPole(); var state = new double[4]; env.Reset(new Random(7), state);
            int action = loaded.GreedyAction(state);                        // act
            Console.WriteLine($"solved: {result.Solved} after {result.EnvironmentStepsToSolve} steps; action {action}");
            // end README
            Assert.Multiple(() =>
            {
                Assert.That(result.Solved);
                Assert.That(loaded.Parameters.ToArray(), Is.EqualTo(policy.Parameters.ToArray()));
                Assert.That(action, Is.EqualTo(policy.GreedyAction(state)));
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

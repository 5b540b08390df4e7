using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>
/// The package's own README (PolicyGradient.Core/PACKAGE.md): it resolves on a package page (no relative links, no
/// images), and its examples are the code run here, line for line.
/// </summary>
[TestFixture]
[Category("CommandLine")]
[NonParallelizable]
public partial class PackageReadmeTests
{
    private static string PackageReadme() => File.ReadAllText(Path.Combine(Path.GetDirectoryName(SourceFile())!, "..", "..", "PolicyGradient.Core", "PACKAGE.md"));

    private static string SourceFile([CallerFilePath] string path = "") => path;

    [GeneratedRegex(@"\]\((?!https://)[^)]*\)")]
    private static partial Regex RelativeLink();

    [Test]
    public void Has_no_relative_links_or_images()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RelativeLink().Matches(PackageReadme()), Is.Empty);
            Assert.That(PackageReadme(), Does.Not.Contain("!["));
        });
    }

    [Test]
    public void Its_examples_are_the_code_run_here()
    {
        string code = File.ReadAllText(SourceFile());
        string[] lines = Regex.Matches(PackageReadme(), "```csharp\n(.*?)```", RegexOptions.Singleline)
            .SelectMany(m => m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        Assert.That(lines, Has.Length.GreaterThan(10));
        Assert.That(lines.Where(l => !code.Contains(l, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Train_save_load_act_runs()
    {
        string folder = Directory.CreateTempSubdirectory("pg-package-").FullName;
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(folder);
        TextWriter original = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            var policy = SoftmaxPolicy.Mlp(observationSize: 4, hiddenSizes: [64], actionCount: 2, seed: 1);
            var estimator = new GradientEstimator(EstimatorNames.Parse("reward-to-go+average+loo+norm"));
            var options = new TrainerOptions { EpisodesPerIteration = 4, TargetReturn = 475, Seed = 1 };
            TrainingResult result = new Trainer(() => new CartPole(), policy, estimator, new Adam(0.02), options).Train();
            Checkpoint.Save(policy, "cartpole.json", task: "CartPole-v1");  // atomic, durable, SHA-256 checked
            Policy loaded = Checkpoint.Load("cartpole.json");               // any head, no cast
            var env = new CartPole(); var state = new double[4]; env.Reset(new Random(7), state);
            var action = new double[loaded.ActionWidth];
            loaded.Mode(state, action);                                     // the greedy action, as an action row
            Console.WriteLine($"solved: {result.Solved} after {result.EnvironmentStepsToSolve} steps; action {action[0]}");
            Assert.That(result.EnvironmentStepsToSolve, Is.InRange(50_000, 70_000));
        }
        finally
        {
            Console.SetOut(original);
            Directory.SetCurrentDirectory(previous);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Score_example_runs()
    {
        var policy = SoftmaxPolicy.Mlp(observationSize: 4, hiddenSizes: [64, 64], actionCount: 2, seed: 1);
        double[] state = [0.01, -0.02, 0.03, 0.04];
        int action = policy.Sample(state, new Random(7));
        var gradient = new double[policy.ParameterCount];
        policy.AccumulateScore(state, action, weight: 1.0, gradient);   // gradient += ∇θ log π(a|s)
        double error = GradientCheck.Score(policy, state, action).MaxRelativeError;
        Assert.That(error, Is.LessThanOrEqualTo(1e-6));
    }
}

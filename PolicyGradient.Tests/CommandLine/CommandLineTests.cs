using System.Text.Json;
using PolicyGradient.Benchmarks;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>Every command parses and runs on a tiny budget; wrong arguments fail with a non-zero exit code.</summary>
[TestFixture]
[Category("CommandLine")]
[NonParallelizable]
public class CommandLineTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Directory.CreateTempSubdirectory("pg-cli-").FullName;
        System.Environment.SetEnvironmentVariable("CI", "true"); // plain lines, no live progress bar
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    [Test]
    public void Train_then_evaluate_writes_reports_and_a_checkpoint()
    {
        int train = Program.CreateApp().Run(["train", "--env", "CartPole-v1", "--seed", "2", "--max-steps", "3000", "--hidden", "8", "--threads", "1", "--save", File("p.json"), "--report", File("train.json")]);
        Assert.That(train, Is.Zero);
        using (JsonDocument report = JsonDocument.Parse(System.IO.File.ReadAllText(File("train.json"))))
        {
            JsonElement root = report.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(root.GetProperty("env").GetString(), Is.EqualTo("CartPole-v1"));
                Assert.That(root.GetProperty("seed").GetInt32(), Is.EqualTo(2));
                Assert.That(root.GetProperty("solved").GetBoolean(), Is.False);
                Assert.That(root.GetProperty("envStepsToSolve").ValueKind, Is.EqualTo(JsonValueKind.Null));
                Assert.That(root.GetProperty("totalEnvSteps").GetInt64(), Is.GreaterThanOrEqualTo(3000));
                Assert.That(root.GetProperty("wallSeconds").GetDouble(), Is.GreaterThan(0));
                Assert.That(root.GetProperty("finalMeanReturn").GetDouble(), Is.GreaterThan(0));
                Assert.That(root.GetProperty("history").GetArrayLength(), Is.GreaterThan(0));
            });
        }

        int evaluate = Program.CreateApp().Run(["evaluate", "--checkpoint", File("p.json"), "--env", "CartPole-v1", "--episodes", "3", "--seed", "1", "--report", File("eval.json")]);
        Assert.That(evaluate, Is.Zero);
        using JsonDocument evaluation = JsonDocument.Parse(System.IO.File.ReadAllText(File("eval.json")));
        Assert.Multiple(() =>
        {
            Assert.That(evaluation.RootElement.GetProperty("episodes").GetInt32(), Is.EqualTo(3));
            Assert.That(evaluation.RootElement.GetProperty("meanReturn").GetDouble(), Is.GreaterThan(0));
            Assert.That(evaluation.RootElement.TryGetProperty("stdReturn", out _));
        });
    }

    [Test]
    public void Compare_writes_plot_csv_and_table()
    {
        int code = Program.CreateApp().Run(["compare", "--env", "CartPole-v1", "--seeds", "2", "--max-steps", "1500", "--threads", "1", "--estimators", "total,reward-to-go+average", "--out", _folder]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(new FileInfo(File("learning-curves.png")).Length, Is.GreaterThan(1000));
            Assert.That(System.IO.File.ReadAllLines(File("curves.csv"))[0], Does.StartWith("estimator,seed,iteration,env_steps"));
            Assert.That(System.IO.File.ReadAllText(File("table.md")), Does.Contain("reward-to-go + average (leave-one-out)"));
        });
    }

    [Test]
    public void Variance_writes_names_variances_and_biases()
    {
        int code = Program.CreateApp().Run(["variance", "--env", "Bandit-v0", "--batches", "20", "--episodes", "4", "--seed", "1", "--report", File("v.json")]);
        Assert.That(code, Is.Zero);
        using JsonDocument report = JsonDocument.Parse(System.IO.File.ReadAllText(File("v.json")));
        JsonElement first = report.RootElement.GetProperty("estimators")[0];
        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("name").GetString(), Is.EqualTo("total"));
            Assert.That(first.GetProperty("totalVariance").GetDouble(), Is.GreaterThan(0));
            Assert.That(first.GetProperty("bias").GetDouble(), Is.GreaterThanOrEqualTo(0));
        });
    }

    [TestCase("train", "--env", "NoSuchTask-v0")]
    [TestCase("train", "--baseline", "magic")]
    [TestCase("train", "--max-steps", "many")]
    [TestCase("evaluate", "--episodes", "3")]
    [TestCase("frobnicate")]
    public void Wrong_arguments_fail_with_a_non_zero_exit_code(params string[] args)
    {
        Assert.That(Program.CreateApp().Run(args), Is.Not.Zero);
    }
}

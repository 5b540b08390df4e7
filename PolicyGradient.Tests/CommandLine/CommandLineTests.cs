using DescriptionAttribute = System.ComponentModel.DescriptionAttribute;
using System.Reflection;
using System.Text.Json;
using PolicyGradient.Benchmarks;
using PolicyGradient.Policies;
using PolicyGradient.Training;
using Spectre.Console.Cli;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>
/// Every command end to end through the built executable: exit code (0 done, 1 failed, 2 usage error), standard
/// error (one line naming the option or file), and which files are written.
/// </summary>
[TestFixture]
[Category("CommandLine")]
public class CommandLineTests : CliFixture
{
    private static void AssertUsageError(CliResult result, params string[] fragments)
    {
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
            Assert.That(result.Output, Is.Empty, "nothing ran before the error");
            foreach (string fragment in fragments)
            {
                Assert.That(result.Error, Does.Contain(fragment));
            }

            Assert.That(result.Error, Does.Not.Contain("(Parameter '").And.Not.Contain("`1").And.Not.Contain("   at "));
        });
    }

    [TestCase("")]
    [TestCase("train")]
    [TestCase("evaluate")]
    [TestCase("compare")]
    [TestCase("variance")]
    [TestCase("merge")]
    [TestCase("experiment")]
    public void Help_exits_zero(string command)
    {
        CliResult result = command.Length == 0 ? Cli.Run("--help") : Cli.Run(command, "--help");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Error, Is.Empty);
            Assert.That(result.Output, Does.Contain("USAGE"));
        });
    }

    [Test]
    public void Every_option_has_a_description_with_its_default_or_what_it_accepts()
    {
        Type[] settings = typeof(Program).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CommandSettings))).ToArray();
        string[] bare = settings.SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttribute<CommandOptionAttribute>() is not null && p.GetCustomAttribute<DescriptionAttribute>() is null)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}").Distinct().ToArray();
        Assert.That(bare, Is.Empty);
    }

    [TestCase("--max-step", "3000", "--max-steps")]
    [TestCase("--bogus-option", "3", "--")]
    [TestCase("--seeed", "3", "--seed")]
    [TestCase("--normalise", null, "--normalize")]
    public void Unknown_options_are_refused_with_the_nearest_one_suggested(string option, string? value, string suggestion)
    {
        CliResult result = value is null ? Cli.Run("train", option, "--save", "p.json") : Cli.Run("train", option, value, "--save", "p.json");
        AssertUsageError(result, $"unknown option {option}", $"did you mean {suggestion}");
        Assert.That(File.Exists(Cli["p.json"]), Is.False);
    }

    [Test]
    public void Learning_rate_is_an_alias_of_lr()
    {
        CliResult result = Cli.Run("train", "--learning-rate", "0.5", "--max-steps", "300", "--threads", "1");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("lr 0.5"));
        });
    }

    [TestCase(new[] { "train", "--hidden", "64", "--policy", "linear" }, "--hidden")]
    [TestCase(new[] { "train", "--env", "Bandit-v0", "--hidden", "8" }, "--hidden")]
    [TestCase(new[] { "train", "--batch-episodes", "-4" }, "--batch-episodes")]
    [TestCase(new[] { "train", "--max-steps", "many" }, "--max-steps", "'many'", "whole number")]
    [TestCase(new[] { "train", "--lr", "0" }, "--lr")]
    [TestCase(new[] { "train", "--discount", "1.5" }, "--discount", "[0, 1]")]
    [TestCase(new[] { "train", "--env", "NoSuchTask-v0" }, "--env", "NoSuchTask-v0", "CartPole-v1")]
    [TestCase(new[] { "train", "--hidden", "65536,65536" }, "--hidden", "MaxParameterCount")]
    [TestCase(new[] { "train", "--kl", "0.1" }, "--kl", "natural")]
    [TestCase(new[] { "experiment", "gradient-descent" }, "experiment", "natural-gradient")]
    [TestCase(new[] { "train", "--optimizer", "natural", "--damping", "-1" }, "--damping", "> 0")]
    [TestCase(new[] { "train", "--optimizer", "newton" }, "--optimizer", "natural")]
    [TestCase(new[] { "train", "--baseline", "magic" }, "--baseline", "'magic'", "optimal-per-step")]
    [TestCase(new[] { "train", "--baseline", "optimal", "--normalize" }, "--normalize")]
    [TestCase(new[] { "train", "--hidden", "64,x" }, "--hidden")]
    [TestCase(new[] { "train", "--threads", "-1" }, "--threads")]
    [TestCase(new[] { "train", "--env", "Acrobot-v1", "--initial-log-std", "-1" }, "--initial-log-std", "gaussian")]
    [TestCase(new[] { "train", "--seed" }, "--seed needs a value")]
    [TestCase(new[] { "train", "stray" }, "'stray'")]
    [TestCase(new[] { "evaluate", "--episodes", "3" }, "--checkpoint")]
    [TestCase(new[] { "evaluate", "--checkpoint", "missing.json" }, "--checkpoint", "missing.json", "no such file")]
    [TestCase(new[] { "evaluate", "--checkpoint", "." }, "--checkpoint", "is a directory")]
    [TestCase(new[] { "compare", "--seeds", "0" }, "--seeds")]
    [TestCase(new[] { "compare", "--estimators", "total,reward-to-go+magic" }, "--estimators", "'magic'", "optimal-per-step")]
    [TestCase(new[] { "compare", "--estimators", "total+loo" }, "--estimators", "total+loo", "baseline")]
    [TestCase(new[] { "compare", "--normalize" }, "--normalize", "--estimators")]
    [TestCase(new[] { "compare", "--estimators", "," }, "--estimators", "no estimator")]
    [TestCase(new[] { "compare", "--estimators", "total,reward-to-go,total" }, "--estimators", "total twice")]
    [TestCase(new[] { "train", "--max-steps", "100", "--max-steps", "200" }, "--max-steps", "twice")]
    [TestCase(new[] { "train", "--lr", "0.1", "--learning-rate", "0.2" }, "--learning-rate", "twice")]
    [TestCase(new[] { "compare", "--shard", "4/3" }, "--shard", "K/N")]
    [TestCase(new[] { "variance", "--batches", "1" }, "--batches")]
    [TestCase(new[] { "variance", "--shard", "1/2" }, "--shard", "--out")]
    [TestCase(new[] { "merge", "missing.json" }, "missing.json")]
    [TestCase(new[] { "frobnicate" }, "frobnicate", "train", "micro")]
    [TestCase(new[] { "evalute", "--episodes", "3" }, "did you mean evaluate")]
    public void Usage_errors_exit_2_with_one_line_naming_the_option(string[] args, params string[] fragments)
    {
        AssertUsageError(Cli.Run(args), fragments);
    }

    [Test]
    public void Save_and_report_paths_are_checked_before_training()
    {
        File.WriteAllText(Cli["file"], "not a directory");
        AssertUsageError(Cli.Run("train", "--save", Path.Combine("missing", "p.json")), "--save", "does not exist");
        AssertUsageError(Cli.Run("train", "--report", Path.Combine("file", "r.json")), "--report");
        AssertUsageError(Cli.Run("train", "--save", "."), "--save", "is a directory");
        AssertUsageError(Cli.Run("compare", "--out", Path.Combine("file", "out")), "--out");
        Assert.That(Directory.GetFiles(Cli.Folder), Is.EqualTo(new[] { Cli["file"] }));
    }

    [Test]
    public void A_checkpoint_without_a_stored_task_is_evaluated_on_the_task_given_or_refused()
    {
        Checkpoint.Save(SoftmaxPolicy.Linear(4, 2, seed: 1), Cli["bare.json"]);
        CliResult given = Cli.Run("evaluate", "--checkpoint", "bare.json", "--episodes", "1", "--env", "CartPole-v1");
        Assert.That(given.ExitCode, Is.Zero, given.ToString());
        AssertUsageError(Cli.Run("evaluate", "--checkpoint", "bare.json"), "bare.json", "stores no task", "--env");
    }

    [Test]
    public void The_main_job_says_what_it_runs_and_writes_its_outputs()
    {
        CliResult result = Cli.Run();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(result.Error, Does.StartWith("Main job: compare 5 estimators × 3 seeds on CartPole-v1"));
            Assert.That(File.ReadAllLines(Cli["compare-out/table.md"]), Has.Length.EqualTo(7));
            Assert.That(Directory.GetFiles(Cli["compare-out"]).Select(Path.GetFileName), Is.EquivalentTo(new[] { "table.md", "curves.csv", "history.csv", "learning-curves.png", "runs.json" }));
        });
    }

    [Test]
    public void An_unreadable_checkpoint_is_a_failure_naming_the_file()
    {
        File.WriteAllText(Cli["broken.json"], "{ \"formatVersion\": 1, \"kind\": ");
        CliResult result = Cli.Run("evaluate", "--checkpoint", "broken.json");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(result.Error, Does.Contain("broken.json"));
            Assert.That(result.Output, Is.Empty);
        });
    }

    /// <summary>The Beta head trains, saves and evaluates through the command line on a bounded task.</summary>
    [Test]
    public void A_beta_policy_trains_saves_and_evaluates()
    {
        CliResult train = Cli.Run("train", "--env", "Pendulum-v1", "--head", "beta", "--seed", "1", "--max-steps", "2000", "--batch-episodes", "4", "--hidden", "8", "--threads", "1", "--save", "beta.json");
        Assert.That(train.ExitCode, Is.Zero, train.ToString());
        CheckpointContents saved = Checkpoint.Read(Cli["beta.json"]);
        Assert.Multiple(() =>
        {
            Assert.That(saved.Policy.Describe(), Is.EqualTo("mlp-beta 3→[8]→2"));
            Assert.That(saved.Policy.ActionSpace.ToString(), Is.EqualTo("box[-2, 2]"));
            Assert.That(saved.Task, Is.EqualTo("Pendulum-v1"));
        });
        CliResult evaluate = Cli.Run("evaluate", "--checkpoint", "beta.json", "--episodes", "2");
        Assert.Multiple(() =>
        {
            Assert.That(evaluate.ExitCode, Is.Zero, evaluate.ToString());
            Assert.That(evaluate.Output, Does.Contain("mlp-beta").And.Contain("on Pendulum-v1"));
        });
        AssertUsageError(Cli.Run("train", "--env", "CartPole-v1", "--head", "beta"), "--head", "softmax");
        AssertUsageError(Cli.Run("train", "--env", "Pendulum-v1", "--head", "beta", "--initial-log-std", "-1"), "--initial-log-std", "gaussian");
    }

    [Test]
    public void The_behaviour_cloning_experiment_runs_from_the_command_line()
    {
        CliResult run = Cli.Run("experiment", "behaviour-cloning");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(run.Output, Does.Contain("| 100 |"));
        });
    }

    [Test]
    public void The_lqg_variance_experiment_runs_from_the_command_line()
    {
        CliResult run = Cli.Run("experiment", "lqg-variance");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(run.Output, Does.Contain("#updates = 1000").And.Contain("| 98 |"));
        });
    }

    [Test]
    public void The_natural_gradient_trains_from_the_command_line()
    {
        CliResult train = Cli.Run("train", "--env", "CartPole-v1", "--optimizer", "natural", "--lr", "1", "--kl", "0.1", "--damping", "0.1", "--seed", "1", "--max-steps", "3000", "--threads", "1", "--report", "natural.json");
        Assert.That(train.ExitCode, Is.Zero, train.ToString());
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Cli["natural.json"]));
        Assert.That(report.RootElement.GetProperty("history").EnumerateArray().All(h => h.GetProperty("stepApplied").GetBoolean()), "every natural step applied");
    }

    [Test]
    public void Train_saves_its_task_and_evaluate_uses_it()
    {
        CliResult train = Cli.Run("train", "--env", "Acrobot-v1", "--seed", "2", "--max-steps", "3000", "--hidden", "8", "--threads", "1", "--save", "p.json", "--report", "train.json");
        Assert.That(train.ExitCode, Is.Zero, train.ToString());
        Assert.That(Checkpoint.Read(Cli["p.json"]).Task, Is.EqualTo("Acrobot-v1"));
        using (JsonDocument report = JsonDocument.Parse(File.ReadAllText(Cli["train.json"])))
        {
            JsonElement root = report.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(root.GetProperty("env").GetString(), Is.EqualTo("Acrobot-v1"));
                Assert.That(root.GetProperty("seed").GetInt32(), Is.EqualTo(2));
                Assert.That(root.GetProperty("envStepsToSolve").ValueKind, Is.EqualTo(JsonValueKind.Null));
                Assert.That(root.GetProperty("totalEnvSteps").GetInt64(), Is.GreaterThanOrEqualTo(3000));
                Assert.That(root.GetProperty("history").GetArrayLength(), Is.GreaterThan(0));
            });
        }

        CliResult evaluate = Cli.Run("evaluate", "--checkpoint", "p.json", "--episodes", "2", "--report", "eval.json");
        Assert.Multiple(() =>
        {
            Assert.That(evaluate.ExitCode, Is.Zero, evaluate.ToString());
            Assert.That(evaluate.Output, Does.Contain("on Acrobot-v1"));
        });
        using JsonDocument evaluation = JsonDocument.Parse(File.ReadAllText(Cli["eval.json"]));
        Assert.Multiple(() =>
        {
            Assert.That(evaluation.RootElement.GetProperty("env").GetString(), Is.EqualTo("Acrobot-v1"));
            Assert.That(evaluation.RootElement.GetProperty("episodes").GetInt32(), Is.EqualTo(2));
        });
    }

    [TestCase("CartPole-v1", "observations")]
    [TestCase("Pendulum-v1", "observations")]
    [TestCase("MountainCar-v0", "observations")]
    public void Evaluate_on_a_task_the_checkpoint_does_not_fit_says_so(string env, string what)
    {
        Assert.That(Cli.Run("train", "--env", "Acrobot-v1", "--max-steps", "500", "--threads", "1", "--save", "p.json").ExitCode, Is.Zero);
        AssertUsageError(Cli.Run("evaluate", "--checkpoint", "p.json", "--env", env, "--report", "eval.json"), "p.json", $"does not fit {env}", what);
        Assert.That(File.Exists(Cli["eval.json"]), Is.False);
    }

    [Test]
    public void A_checkpoint_with_the_right_sizes_but_the_wrong_action_kind_does_not_fit()
    {
        Assert.That(Cli.Run("train", "--env", "LaneKeepingDiscrete-v0", "--max-steps", "700", "--threads", "1", "--save", "p.json").ExitCode, Is.Zero);
        AssertUsageError(Cli.Run("evaluate", "--checkpoint", "p.json", "--env", "LaneKeeping-v0"), "does not fit LaneKeeping-v0", "discrete(7)", "box");
    }

    [Test]
    public void A_report_holds_the_NaN_variance_of_a_one_episode_batch()
    {
        CliResult result = Cli.Run("train", "--batch-episodes", "1", "--baseline", "none", "--max-steps", "500", "--threads", "1", "--report", "r.json");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Cli["r.json"]));
        Assert.That(report.RootElement.GetProperty("history")[0].GetProperty("gradientVariance").GetString(), Is.EqualTo("NaN"));
    }

    [Test]
    public void Progress_lines_come_in_order_before_the_result()
    {
        for (int run = 0; run < 3; run++)
        {
            CliResult result = Cli.Run("train", "--max-steps", "8000", "--lr", "1e-9", "--threads", "2");
            string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string[] progress = lines.Where(l => l.StartsWith("iteration ", StringComparison.Ordinal)).ToArray();
            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.Zero);
                Assert.That(progress, Has.Length.GreaterThanOrEqualTo(3), result.Output);
                Assert.That(progress.Select((l, i) => l.StartsWith($"iteration {20 * (i + 1)}:", StringComparison.Ordinal)), Is.All.True, result.Output);
                Assert.That(lines[^1], Does.StartWith("solved: "), "the result comes last");
            });
        }
    }

    [Test]
    public void Compare_runs_exactly_the_named_estimators_and_labels_their_scale()
    {
        CliResult result = Cli.Run("compare", "--seeds", "2", "--max-steps", "1500", "--threads", "1", "--estimators", "total,reward-to-go+average+loo+norm", "--out", "out");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        string[] table = File.ReadAllLines(Cli["out/table.md"]);
        string[] curves = File.ReadAllLines(Cli["out/curves.csv"]);
        Assert.Multiple(() =>
        {
            Assert.That(table[0], Does.Contain("advantages").And.Contain("on the advantages' scale"));
            Assert.That(table[2], Does.StartWith("| total | raw | "));
            Assert.That(table[3], Does.StartWith("| reward-to-go+average+loo+norm | normalised | "));
            Assert.That(table, Has.Length.EqualTo(4));
            Assert.That(curves[0], Is.EqualTo("estimator,env_steps,q25,median,q75"));
            Assert.That(curves, Has.Length.EqualTo(1 + (2 * 101)));
            Assert.That(curves.Skip(1).Count(l => l.StartsWith("total,", StringComparison.Ordinal)), Is.EqualTo(101));
            Assert.That(curves, Has.None.Contains("NaN"));
            Assert.That(File.ReadAllLines(Cli["out/history.csv"])[0], Does.StartWith("estimator,seed,iteration,env_steps"));
            Assert.That(new FileInfo(Cli["out/learning-curves.png"]).Length, Is.GreaterThan(1000));
        });
    }

    [Test]
    public void Compare_with_one_episode_batches_runs_estimators_without_leave_one_out_and_refuses_those_with_it()
    {
        Assert.That(Cli.Run("compare", "--seeds", "1", "--batch-episodes", "1", "--max-steps", "300", "--threads", "1", "--estimators", "total,reward-to-go+average", "--out", "out").ExitCode, Is.Zero);
        AssertUsageError(Cli.Run("compare", "--batch-episodes", "1", "--estimators", "total,reward-to-go+average+loo"), "reward-to-go+average+loo", "--batch-episodes ≥ 2");
    }

    [Test]
    public void Curves_hold_quartiles_in_order_from_where_every_run_has_data()
    {
        Assert.That(Cli.Run("compare", "--seeds", "3", "--max-steps", "2000", "--threads", "1", "--estimators", "reward-to-go", "--out", "out").ExitCode, Is.Zero);
        double[][] rows = File.ReadAllLines(Cli["out/curves.csv"]).Skip(1)
            .Select(l => l.Split(',').Skip(1).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        long firstReports = File.ReadAllLines(Cli["out/history.csv"]).Skip(1).Select(l => l.Split(','))
            .Where(f => f[2] == "1").Max(f => long.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Multiple(() =>
        {
            Assert.That(rows[0][0], Is.EqualTo(firstReports), "the grid starts where the last run reports first");
            Assert.That(rows.All(r => r.All(double.IsFinite) && r[1] <= r[2] && r[2] <= r[3]), Is.True);
        });
    }

    [Test]
    public void Variance_writes_names_scales_variances_and_biases()
    {
        CliResult result = Cli.Run("variance", "--env", "Bandit-v0", "--batches", "20", "--episodes", "4", "--seed", "1", "--report", "v.json");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Cli["v.json"]));
        JsonElement[] estimators = report.RootElement.GetProperty("estimators").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(estimators.Select(e => e.GetProperty("name").GetString()), Is.EqualTo(PolicyGradient.Estimators.EstimatorNames.WellKnown));
            Assert.That(estimators[0].GetProperty("advantages").GetString(), Is.EqualTo("raw"));
            Assert.That(estimators[0].GetProperty("totalVariance").GetDouble(), Is.GreaterThan(0));
            Assert.That(estimators[0].GetProperty("bias").GetDouble(), Is.GreaterThanOrEqualTo(0));
            Assert.That(result.Output, Does.Contain("| reward-to-go+average+norm | normalised |"));
        });
    }

    [Test]
    public void Micro_that_runs_no_benchmark_exits_non_zero()
    {
        CliResult result = Cli.Run("micro", "--filter", "NoSuchBenchmark*");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.Error, Does.Contain("no benchmark"));
        });
    }
}

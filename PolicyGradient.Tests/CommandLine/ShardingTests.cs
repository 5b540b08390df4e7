namespace PolicyGradient.Tests.CommandLine;

/// <summary>
/// A grid run as shards in separate processes (as a Slurm job array or a Kubernetes Indexed Job would) and merged
/// gives the unsharded run's outputs byte for byte.
/// </summary>
[TestFixture]
[Category("CommandLine")]
public class ShardingTests : CliFixture
{
    private void AssertSameFiles(string expected, string actual, params string[] names)
    {
        foreach (string name in names)
        {
            Assert.That(File.ReadAllBytes(Cli[Path.Combine(actual, name)]), Is.EqualTo(File.ReadAllBytes(Cli[Path.Combine(expected, name)])), name);
        }
    }

    [Test]
    public void Sharded_compare_merges_into_the_unsharded_outputs_byte_for_byte()
    {
        string[] grid = ["compare", "--env", "CartPole-v1", "--seeds", "3", "--max-steps", "2000", "--estimators", "total,reward-to-go+average+loo+norm,reward-to-go+optimal-per-step+loo"];
        CliResult whole = Cli.Run([.. grid, "--threads", "1", "--out", "whole"]);
        Assert.That(whole.ExitCode, Is.Zero, whole.ToString());
        for (int k = 1; k <= 3; k++)
        {
            CliResult shard = Cli.Run([.. grid, "--threads", k.ToString(System.Globalization.CultureInfo.InvariantCulture), "--shard", $"{k}/3", "--out", "shards"]);
            Assert.That(shard.ExitCode, Is.Zero, shard.ToString());
        }

        Assert.That(Directory.GetFiles(Cli["shards"]).Select(Path.GetFileName), Is.EquivalentTo(new[] { "shard-1-of-3.json", "shard-2-of-3.json", "shard-3-of-3.json" }), "a shard writes only its raw results");
        CliResult merge = Cli.Run("merge", "--out", "merged", "shards/shard-3-of-3.json", "shards/shard-1-of-3.json", "shards/shard-2-of-3.json");
        Assert.That(merge.ExitCode, Is.Zero, merge.ToString());
        AssertSameFiles("whole", "merged", "table.md", "curves.csv", "history.csv", "learning-curves.png");
        Assert.That(merge.Output, Does.StartWith(File.ReadAllText(Cli["whole/table.md"])));
    }

    [Test]
    public void Sharded_variance_merges_into_the_unsharded_outputs_byte_for_byte()
    {
        string[] grid = ["variance", "--env", "TabularMdp-v0", "--batches", "30", "--episodes", "4", "--estimators", "total,total+average+loo,reward-to-go+average+norm,reward-to-go+optimal-per-step+loo"];
        Assert.That(Cli.Run([.. grid, "--out", "whole"]).ExitCode, Is.Zero);
        Assert.That(Cli.Run([.. grid, "--shard", "1/2", "--out", "shards"]).ExitCode, Is.Zero);
        Assert.That(Cli.Run([.. grid, "--shard", "2/2", "--out", "shards"]).ExitCode, Is.Zero);
        CliResult merge = Cli.Run("merge", "--out", "merged", "shards/shard-1-of-2.json", "shards/shard-2-of-2.json");
        Assert.That(merge.ExitCode, Is.Zero, merge.ToString());
        AssertSameFiles("whole", "merged", "table.md", "report.json");
    }

    [Test]
    public void Merge_refuses_missing_repeated_or_foreign_shards()
    {
        string[] grid = ["variance", "--env", "Bandit-v0", "--batches", "10", "--episodes", "3", "--estimators", "total,reward-to-go,total+average"];
        Assert.That(Cli.Run([.. grid, "--shard", "1/2", "--out", "a"]).ExitCode, Is.Zero);
        Assert.That(Cli.Run([.. grid, "--shard", "2/2", "--out", "a"]).ExitCode, Is.Zero);
        Assert.That(Cli.Run([.. grid, "--seed", "2", "--shard", "2/2", "--out", "b"]).ExitCode, Is.Zero);
        File.WriteAllText(Cli["junk.json"], "[1, 2");
        Assert.Multiple(() =>
        {
            CliResult missing = Cli.Run("merge", "--out", "m", "a/shard-1-of-2.json");
            Assert.That((missing.ExitCode, missing.Error), Is.EqualTo((2, "error: the shards given lack 1 of 3 cells (first: 1); give every shard K/2.\n")));
            CliResult repeated = Cli.Run("merge", "--out", "m", "a/shard-1-of-2.json", "a/shard-1-of-2.json", "a/shard-2-of-2.json");
            Assert.That((repeated.ExitCode, repeated.ErrorLines.Length), Is.EqualTo((2, 1)));
            Assert.That(repeated.Error, Does.Contain("both hold cell 0"));
            CliResult foreign = Cli.Run("merge", "--out", "m", "a/shard-1-of-2.json", "b/shard-2-of-2.json");
            Assert.That((foreign.ExitCode, foreign.ErrorLines.Length), Is.EqualTo((2, 1)));
            Assert.That(foreign.Error, Does.Contain("b/shard-2-of-2.json").And.Contain("another grid"));
            CliResult junk = Cli.Run("merge", "--out", "m", "junk.json");
            Assert.That((junk.ExitCode, junk.ErrorLines.Length), Is.EqualTo((1, 1)));
            Assert.That(junk.Error, Does.Contain("junk.json"));
            Assert.That(Directory.Exists(Cli["m"]) ? Directory.GetFiles(Cli["m"]) : [], Is.Empty, "no output from a failed merge");
        });
    }
}

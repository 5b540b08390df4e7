using System.Text;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Training;

/// <summary>What issue 9 found a checkpoint let through, each refused now with a message that says what failed.</summary>
[TestFixture]
[Category("Training")]
public class CheckpointIntegrityTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("pg-integrity-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Every single-digit edit of θ is refused by the hash, unless the edited decimal reads back as the same double
    /// (two 17-digit decimals can share one double), in which case the policy is the saved one bit for bit.
    /// </summary>
    [Test]
    public void Every_single_digit_edit_of_theta_is_refused_or_reads_back_the_same_theta()
    {
        var policy = SoftmaxPolicy.Linear(4, 2, 1);
        string path = Save(policy, out string good);
        int start = good.IndexOf("\"parameters\"", StringComparison.Ordinal), end = good.IndexOf(']', start);
        int edits = 0, refused = 0;
        for (int i = start; i < end; i++)
        {
            if (char.IsAsciiDigit(good[i]))
            {
                string edited = good[..i] + (char)('0' + ((good[i] - '0' + 1) % 10)) + good[(i + 1)..];
                File.WriteAllText(path, edited, Encoding.UTF8);
                edits++;
                try
                {
                    Assert.That(Checkpoint.Load(path).Parameters.ToArray(), Is.EqualTo(policy.Parameters.ToArray()), $"digit {i}");
                }
                catch (CheckpointException e)
                {
                    Assert.That(e.Message, Does.Contain("content hash"), $"digit {i}");
                    refused++;
                }
            }
        }

        Assert.That(refused, Is.GreaterThan(edits * 9 / 10), $"{refused} of {edits} edits refused");
    }

    /// <summary>
    /// 1,600 random single-byte flips: each is refused, or (a flip in insignificant whitespace, say) loads a policy
    /// identical to the saved one bit for bit — never a different one.
    /// </summary>
    [Test]
    public void A_random_byte_flip_is_refused_or_loads_the_identical_policy()
    {
        Policy policy = GaussianPolicy.Mlp(3, [5], 2, seed: 4, initialLogStd: -0.3, learnLogStd: false);
        string path = Save(policy, out _);
        byte[] good = File.ReadAllBytes(path);
        var random = new Random(12);
        int refused = 0;
        for (int trial = 0; trial < 1600; trial++)
        {
            byte[] flipped = (byte[])good.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(path, flipped);
            try
            {
                Policy loaded = Checkpoint.Load(path);
                Assert.That(loaded.Parameters.ToArray(), Is.EqualTo(policy.Parameters.ToArray()), $"trial {trial}");
                Assert.That(loaded.Head.Settings, Is.EquivalentTo(policy.Head.Settings), $"trial {trial}");
            }
            catch (CheckpointException)
            {
                refused++;
            }
        }

        Assert.That(refused, Is.GreaterThan(1500));
    }

    [Test]
    public void An_edited_fixed_log_std_is_refused()
    {
        string path = Save(GaussianPolicy.Linear(3, 1, 1, initialLogStd: -0.5, learnLogStd: false), out string good);
        File.WriteAllText(path, good.Replace("\"initialLogStd\": \"-0.5\"", "\"initialLogStd\": \"-0.4\"", StringComparison.Ordinal));
        Assert.That(() => Checkpoint.Load(path), Throws.InstanceOf<CheckpointException>().With.Message.Contains("content hash"));
    }

    [Test]
    public void Duplicate_keys_trailing_data_and_null_values_are_refused()
    {
        string path = Save(SoftmaxPolicy.Linear(2, 2, 1), out string good, new Dictionary<string, string> { ["note"] = "x" });
        (string Content, string Expected)[] cases =
        [
            (good.Replace("\"parameters\": [", "\"parameters\": [], \"parameters\": [", StringComparison.Ordinal), "twice"),
            (good + "{}", "not valid JSON"),
            (good + "garbage", "not valid JSON"),
            (good.Replace("\"note\": \"x\"", "\"note\": null", StringComparison.Ordinal), "not a string"),
            (good.Replace("\"note\": \"x\"", "\"note\": \"y\"", StringComparison.Ordinal), "content hash"),
        ];
        foreach ((string content, string expected) in cases)
        {
            File.WriteAllText(path, content, Encoding.UTF8);
            Assert.That(() => Checkpoint.Load(path), Throws.InstanceOf<CheckpointException>().With.Message.Contains(expected), expected);
        }
    }

    [Test]
    public void A_format_1_file_loads_only_when_the_caller_opts_in()
    {
        string path = Path.Combine(_folder, "v1.json");
        File.WriteAllText(path, """
            { "formatVersion": 1, "kind": "softmax", "observationSize": 2, "outputSize": 2, "approximator": "linear",
              "parameters": [0.5, -0.25, 0.125, 1, 0, -1], "metadata": { "env": "x" } }
            """);
        Assert.That(() => Checkpoint.Load(path), Throws.InstanceOf<CheckpointException>().With.Message.Contains("allowUnverified"));
        CheckpointContents contents = Checkpoint.Read(path, allowUnverified: true);
        Assert.Multiple(() =>
        {
            // W = [[0.5, −0.25], [0.125, 1]] output-major in the file; held input-major: Wᵀ then b.
            Assert.That(contents.Policy.Parameters.ToArray(), Is.EqualTo(new[] { 0.5, 0.125, -0.25, 1, 0, -1 }));
            Assert.That(contents.Policy.LogProbability([1.0, 2.0], [1.0]), Is.EqualTo(1.125 - Math.Log(1 + Math.Exp(1.125))).Within(1e-15)); // z = W s + b = (0, 1.125)
            Assert.That(contents.Policy.Describe(), Is.EqualTo("linear-softmax 2→2"));
            Assert.That(contents.Metadata["env"], Is.EqualTo("x"));
        });
    }

    [Test]
    public void The_task_id_is_stored_hashed_and_read_back()
    {
        string path = Path.Combine(_folder, "t.json");
        Checkpoint.Save(SoftmaxPolicy.Linear(4, 2, 1), path, task: "CartPole-v1");
        Assert.That(Checkpoint.Read(path).Task, Is.EqualTo("CartPole-v1"));
        File.WriteAllText(path, File.ReadAllText(path).Replace("CartPole-v1", "Acrobot-v1", StringComparison.Ordinal));
        Assert.That(() => Checkpoint.Read(path), Throws.InstanceOf<CheckpointException>().With.Message.Contains("content hash"));
    }

    [Test]
    public void Saving_a_non_finite_theta_is_refused_naming_the_policy_and_writes_nothing()
    {
        var policy = SoftmaxPolicy.Linear(2, 2, 1);
        policy.Parameters[3] = double.NaN;
        string path = Path.Combine(_folder, "nan.json");
        Assert.That(() => Checkpoint.Save(policy, path), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy").And.Message.Contains("θ[3]"));
        Assert.That(Directory.GetFiles(_folder), Is.Empty);
    }

    [Test]
    public void A_save_removes_temporary_files_that_killed_saves_left_and_nothing_else()
    {
        string path = Path.Combine(_folder, "p.json");
        string[] orphans = [path + "." + Guid.NewGuid().ToString("N") + ".tmp", path + "." + Guid.NewGuid().ToString("N") + ".tmp"];
        string[] others = [Path.Combine(_folder, "other.json." + Guid.NewGuid().ToString("N") + ".tmp"), path + ".notes.tmp"];
        foreach (string file in orphans.Concat(others))
        {
            File.WriteAllText(file, "half-written");
        }

        Checkpoint.Save(SoftmaxPolicy.Linear(2, 2, 1), path);
        Assert.That(Directory.GetFiles(_folder).Order(), Is.EqualTo(others.Append(path).Order()));
    }

    /// <summary>
    /// A 300-byte file declaring hidden sizes whose θ would need 4.3e9 or 1e10 doubles is refused with the limit named,
    /// before anything of that size is allocated (no crash, no OutOfMemoryException); just under the limit a declared
    /// shape is built.
    /// </summary>
    [TestCase("65536 65536")]
    [TestCase("100000 100000")]
    public void A_checkpoint_declaring_sizes_past_the_limit_is_refused_before_allocating(string hidden)
    {
        string path = Path.Combine(_folder, "huge.json");
        File.WriteAllText(path, $$"""
            { "formatVersion": 1, "kind": "softmax", "observationSize": 4, "outputSize": 2, "approximator": "mlp",
              "activation": "tanh", "hiddenSizes": [{{hidden.Replace(' ', ',')}}], "parameters": [0.5] }
            """);
        Assert.That(() => Checkpoint.Read(path, allowUnverified: true), Throws.InstanceOf<CheckpointException>().With.Message.Contains("MaxParameterCount"));
    }

    [Test]
    public void Policies_past_the_parameter_limit_are_refused_and_just_under_it_are_described()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => SoftmaxPolicy.Mlp(4, [65536, 65536], 2, 1), Throws.InstanceOf<ArgumentException>().With.Message.Contains("MaxParameterCount"));
            Assert.That(() => PolicyRegistry.CreateApproximatorForTask("softmax", 4, PolicyGradient.Distributions.ActionSpace.Discrete(2), [16380, 16380]), Throws.Nothing, "h² + 8h + 2 = 268,435,442 ≤ 2²⁸ = 268,435,456");
            Assert.That(() => PolicyRegistry.CreateApproximatorForTask("softmax", 4, PolicyGradient.Distributions.ActionSpace.Discrete(2), [16381, 16381]), Throws.InstanceOf<ArgumentException>(), "268,468,211 > 2²⁸");
        });
    }

    [Test]
    public void A_directory_is_refused_as_a_checkpoint_saying_so()
    {
        Assert.That(() => Checkpoint.Load(_folder), Throws.InstanceOf<CheckpointException>().With.Message.Contains("directory"));
    }

    private string Save(Policy policy, out string text, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string path = Path.Combine(_folder, "p.json");
        Checkpoint.Save(policy, path, metadata);
        text = File.ReadAllText(path);
        return path;
    }
}

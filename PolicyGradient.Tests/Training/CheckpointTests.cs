using System.Text;
using PolicyGradient.Approximators;
using PolicyGradient.Policies;
using PolicyGradient.Training;

using PolicyGradient.Tests.Policies;

namespace PolicyGradient.Tests.Training;

[TestFixture]
[Category("Training")]
public class CheckpointTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("pg-checkpoints-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    public static IEnumerable<PolicyCase> Policies() => PolicyCase.All();

    [TestCaseSource(nameof(Policies))]
    public void Round_trip_is_bitwise_exact(PolicyCase policyCase)
    {
        Policy policy = policyCase.Build(3);
        var random = new Random(1);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)); // awkward doubles
        }

        string path = Path.Combine(_folder, "p.json");
        Checkpoint.Save(policy, path, new Dictionary<string, string> { ["env"] = "CartPole-v1" });
        Policy loaded = Checkpoint.Load(path, out IReadOnlyDictionary<string, string> metadata);
        Assert.Multiple(() =>
        {
            Assert.That(loaded.GetType(), Is.EqualTo(policy.GetType()));
            Assert.That(loaded.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(policy.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits)));
            Assert.That(Checkpoint.Describe(loaded), Is.EqualTo(Checkpoint.Describe(policy)));
            Assert.That(metadata["env"], Is.EqualTo("CartPole-v1"));
            Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left behind");
        });
        Assert.That(loaded.Head.Settings, Is.EquivalentTo(policy.Head.Settings), "head settings (fixed log σ, Beta box)");
    }

    [Test]
    public void Corrupted_truncated_and_mismatched_files_throw_saying_what_is_wrong()
    {
        string path = Path.Combine(_folder, "p.json");
        Checkpoint.Save(SoftmaxPolicy.Mlp(4, [8], 2, 1), path);
        string good = File.ReadAllText(path);
        (string Content, string Expected)[] cases =
        [
            (good[..(good.Length / 2)], "not valid JSON"),
            ("{ this is not json", "not valid JSON"),
            (good.Replace("\"formatVersion\": 3", "\"formatVersion\": 7", StringComparison.Ordinal), "format version 7"),
            (good.Replace("\"formatVersion\": 3", "\"formatVersion\": 2", StringComparison.Ordinal), "content hash"),
            (good.Replace("\"softmax\"", "\"cauchy\"", StringComparison.Ordinal), "content hash"),
            (good.Replace("\"hiddenSizes\": \"8\"", "\"hiddenSizes\": \"9\"", StringComparison.Ordinal), "content hash"),
            (good.Replace("\"parameters\"", "\"parameterz\"", StringComparison.Ordinal), "no 'parameters'"),
            (good.Replace("\"formatVersion\": 3,", "\"formatVersion\": 3, \"formatVersion\": 3,", StringComparison.Ordinal), "twice"),
            (good + " {}", "not valid JSON"),
        ];
        foreach ((string content, string expected) in cases)
        {
            File.WriteAllText(path, content, Encoding.UTF8);
            Assert.That(() => Checkpoint.Load(path), Throws.InstanceOf<CheckpointException>().With.Message.Contains(expected), expected);
        }
    }

    [Test]
    public void A_failed_save_leaves_the_previous_checkpoint_intact()
    {
        string path = Path.Combine(_folder, "p.json");
        Policy first = SoftmaxPolicy.Linear(4, 2, 1);
        Checkpoint.Save(first, path);
        byte[] before = File.ReadAllBytes(path);
        var custom = new SoftmaxPolicy(new UnsupportedApproximator(), 1);
        Assert.That(() => Checkpoint.Save(custom, path), Throws.ArgumentException);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
            Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1));
        });
    }

    private sealed class UnsupportedApproximator : IApproximator
    {
        private readonly LinearMap _inner = new(2, 2);

        public int InputSize => 2;

        public int OutputSize => 2;

        public int ParameterCount => _inner.ParameterCount;

        public int RowWorkspaceSize => 0;

        public void Initialize(Span<double> parameters, Random random) => _inner.Initialize(parameters, random);

        public void Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, Span<double> workspace) => _inner.Forward(parameters, input, output, workspace);

        public void BackwardAccumulate(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, Span<double> workspace) => _inner.BackwardAccumulate(parameters, input, outputGradient, parameterGradient, workspace);

        public ApproximatorWorkspace CreateWorkspace(int capacity) => throw new NotSupportedException();

        public void ForwardBatched(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, ApproximatorWorkspace workspace) => throw new NotSupportedException();

        public void BackwardBatchedAccumulate(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, ApproximatorWorkspace workspace) => throw new NotSupportedException();
    }
}

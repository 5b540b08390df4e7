using System.Text;
using PolicyGradient.Approximators;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Training;

[TestFixture]
[Category("Training")]
public class CheckpointCriticTests
{
    private static Critic AwkwardCritic(IApproximator approximator)
    {
        var critic = new Critic(approximator, learningRate: 0.003, iterations: 7, seed: 2);
        var random = new Random(3);
        for (int k = 0; k < critic.ParameterCount; k++)
        {
            critic.Parameters[k] = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)); // awkward doubles
        }

        return critic;
    }

    public static IEnumerable<TestCaseData> Critics()
    {
        yield return new TestCaseData(new LinearMap(3, 1)).SetArgDisplayNames("linear");
        yield return new TestCaseData(new Mlp(3, [16, 8], 1)).SetArgDisplayNames("mlp");
    }

    [TestCaseSource(nameof(Critics))]
    public void Critic_round_trip_is_bitwise_exact_with_its_settings(IApproximator approximator)
    {
        Policy policy = GaussianPolicy.Mlp(3, [8], 1, seed: 1);
        Critic critic = AwkwardCritic(approximator);
        CheckpointContents loaded = Checkpoint.Deserialize(Checkpoint.Serialize(policy, task: "Pendulum-v1", critic: critic));
        Critic restored = loaded.Critic!;
        Assert.Multiple(() =>
        {
            Assert.That(restored.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(critic.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits)));
            Assert.That(restored.Name, Is.EqualTo(critic.Name));
            Assert.That(restored.LearningRate, Is.EqualTo(0.003));
            Assert.That(restored.Iterations, Is.EqualTo(7));
            Assert.That(PolicyRegistry.DescribeApproximator(restored.Approximator).Settings, Is.EquivalentTo(PolicyRegistry.DescribeApproximator(approximator).Settings));
            Assert.That(loaded.Policy.Parameters.ToArray(), Is.EqualTo(policy.Parameters.ToArray()));
        });
    }

    [Test]
    public void A_checkpoint_without_a_critic_is_unchanged_and_loads_with_none()
    {
        Policy policy = SoftmaxPolicy.Mlp(4, [8], 2, seed: 1);
        byte[] plain = Checkpoint.Serialize(policy, task: "CartPole-v1");
        Assert.Multiple(() =>
        {
            Assert.That(Checkpoint.Serialize(policy, task: "CartPole-v1", critic: null), Is.EqualTo(plain));
            Assert.That(Encoding.UTF8.GetString(plain), Does.Not.Contain("critic"));
            Assert.That(Checkpoint.Deserialize(plain).Critic, Is.Null);
        });
    }

    [Test]
    public void Saving_and_loading_a_file_keeps_the_critic()
    {
        string folder = Directory.CreateTempSubdirectory("pg-critic-").FullName;
        try
        {
            string path = Path.Combine(folder, "p.json");
            Critic critic = AwkwardCritic(new Mlp(3, [4], 1));
            Checkpoint.Save(GaussianPolicy.Mlp(3, [8], 1, seed: 1), path, critic: critic);
            Assert.That(Checkpoint.Read(path).Critic!.Parameters.ToArray(), Is.EqualTo(critic.Parameters.ToArray()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void The_content_hash_covers_the_critic_and_bad_critics_are_refused()
    {
        Policy policy = GaussianPolicy.Mlp(3, [8], 1, seed: 1);
        var critic = new Critic(new Mlp(3, [4], 1), learningRate: 0.003, iterations: 7, seed: 2);
        critic.Parameters[0] = 0.125;
        string good = Encoding.UTF8.GetString(Checkpoint.Serialize(policy, critic: critic));
        string Edit(string from, string to)
        {
            Assert.That(good, Does.Contain(from));
            return good.Replace(from, to, StringComparison.Ordinal);
        }

        Assert.Multiple(() =>
        {
            Assert.That(() => Checkpoint.Deserialize(Encoding.UTF8.GetBytes(Edit("0.125", "0.25"))), Throws.TypeOf<CheckpointException>().With.Message.Contains("content hash"), "φ");
            Assert.That(() => Checkpoint.Deserialize(Encoding.UTF8.GetBytes(Edit("\"iterations\": \"7\"", "\"iterations\": \"8\""))), Throws.TypeOf<CheckpointException>().With.Message.Contains("content hash"), "settings");
            Assert.That(() => Checkpoint.Deserialize(Encoding.UTF8.GetBytes(Edit("\"hiddenSizes\": \"4\"", "\"hiddenSizes\": \"5\""))), Throws.TypeOf<CheckpointException>().With.Message.Contains("content hash"), "approximator");
            critic.Parameters[1] = double.NaN;
            Assert.That(() => Checkpoint.Serialize(policy, critic: critic), Throws.ArgumentException.With.Message.Contains("φ[1]"));
            Assert.That(() => new Critic(new Mlp(3, [4], 2)), Throws.ArgumentException, "a critic has one output");
        });
    }
}

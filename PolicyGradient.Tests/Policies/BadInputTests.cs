using PolicyGradient.Approximators;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

/// <summary>Bad input throws an ArgumentException naming the argument, and θ and the gradient stay bit-identical.</summary>
[TestFixture]
[Category("Policies")]
public class BadInputTests
{
    private static void AssertRejected(Policy policy, double[] gradient, Action call, string paramName)
    {
        double[] thetaBefore = policy.Parameters.ToArray();
        double[] gradientBefore = (double[])gradient.Clone();
        Assert.Multiple(() =>
        {
            Assert.That(() => call(), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo(paramName));
            Assert.That(policy.Parameters.ToArray(), Is.EqualTo(thetaBefore), "θ changed");
            Assert.That(gradient, Is.EqualTo(gradientBefore), "gradient changed");
        });
    }

    [Test]
    public void Softmax_policy_rejects_bad_single_row_input()
    {
        var p = SoftmaxPolicy.Mlp(3, [4], 2, seed: 1);
        var g = Enumerable.Range(0, p.ParameterCount).Select(i => (double)i).ToArray();
        double[] s = [0.1, 0.2, 0.3];
        AssertRejected(p, g, () => p.AccumulateScore([0.1, 0.2], 0, 1, g), "observation");
        AssertRejected(p, g, () => p.AccumulateScore([0.1, double.NaN, 0.3], 0, 1, g), "observation");
        AssertRejected(p, g, () => p.AccumulateScore([0.1, double.PositiveInfinity, 0.3], 0, 1, g), "observation");
        AssertRejected(p, g, () => p.AccumulateScore(s, 2, 1, g), "action");
        AssertRejected(p, g, () => p.AccumulateScore(s, -1, 1, g), "action");
        AssertRejected(p, g, () => p.AccumulateScore(s, 0, double.NaN, g), "weight");
        AssertRejected(p, g, () => p.AccumulateScore(s, 0, 1, new double[p.ParameterCount - 1]), "gradient");
        AssertRejected(p, g, () => p.LogProbability(s, 5), "action");
        AssertRejected(p, g, () => p.Sample([1.0], new Random(1)), "observation");
    }

    [Test]
    public void Softmax_policy_rejects_bad_batches()
    {
        var p = SoftmaxPolicy.Linear(2, 3, seed: 1);
        var g = new double[p.ParameterCount];
        PolicyWorkspace ws = p.CreateWorkspace(8);
        double[] obs = [0.1, 0.2, 0.3, 0.4];
        AssertRejected(p, g, () => p.AccumulateScores(obs, [0, 1], [1.0, 1.0], g, SoftmaxPolicy.Linear(2, 3, 1).CreateWorkspace()), "workspace");
        AssertRejected(p, g, () => p.AccumulateScores(obs, [0, 1, 2], [1.0, 1.0, 1.0], g, ws), "observations");
        AssertRejected(p, g, () => p.AccumulateScores(obs, [0, 3], [1.0, 1.0], g, ws), "actions");
        AssertRejected(p, g, () => p.AccumulateScores(obs, [0, 1], [1.0], g, ws), "weights");
        AssertRejected(p, g, () => p.AccumulateScores(obs, [0, 1], [1.0, double.NaN], g, ws), "weights");
        AssertRejected(p, g, () => p.AccumulateScores([0.1, double.NaN, 0.3, 0.4], [0, 1], [1.0, 1.0], g, ws), "observations");
    }

    [Test]
    public void Gaussian_policy_rejects_bad_input()
    {
        var p = GaussianPolicy.Mlp(2, [3], 2, seed: 1);
        var g = new double[p.ParameterCount];
        double[] s = [0.1, 0.2];
        AssertRejected(p, g, () => p.AccumulateScore(s, [0.5], 1, g), "action");
        AssertRejected(p, g, () => p.AccumulateScore(s, [0.5, double.NaN], 1, g), "action");
        AssertRejected(p, g, () => p.AccumulateScore([double.NegativeInfinity, 0], [0.5, 0.5], 1, g), "observation");
        AssertRejected(p, g, () => p.AccumulateScores([0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0.1], [1.0], g, p.CreateWorkspace()), "actions");
        AssertRejected(p, g, () => p.Sample(s, new Random(1), new double[3]), "action");
        AssertRejected(p, g, () => p.MeanAction(s, new double[1]), "action");
    }

    [Test]
    public void Constructors_reject_bad_sizes_and_log_std()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => SoftmaxPolicy.Linear(0, 2, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("inputSize"));
            Assert.That(() => SoftmaxPolicy.Linear(2, 0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("outputSize"));
            Assert.That(() => SoftmaxPolicy.Mlp(2, [4, 0], 2, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("hiddenSizes"));
            Assert.That(() => SoftmaxPolicy.Mlp(2, [-3], 2, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("hiddenSizes"));
            Assert.That(() => GaussianPolicy.Linear(2, 1, 1, initialLogStd: double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("initialLogStd"));
            Assert.That(() => GaussianPolicy.Linear(2, 1, 1, initialLogStd: double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("initialLogStd"));
            Assert.That(() => GaussianPolicy.Mlp(2, [4], 1, 1, initialLogStd: 3.0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("initialLogStd"));
            Assert.That(() => new Mlp(3, [2], 1).CreateWorkspace(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("capacity"));
        });
    }
}

using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Estimators;

[TestFixture]
[Category("Estimators")]
public class EstimatorTests
{
    private static readonly EstimatorOptions[] ScalarEstimators =
    [
        new(ReturnKind.Total),
        new(ReturnKind.RewardToGo),
        new(ReturnKind.Total, BaselineKind.Average),
        new(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true),
        new(ReturnKind.RewardToGo, BaselineKind.Average, Normalize: true, Discount: 0.9),
    ];

    private static SoftmaxPolicy RandomSoftmax(int observations, int actions, int seed)
    {
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(observations, actions, seed);
        var random = new Random(seed);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = random.NextDouble() - 0.5;
        }

        return policy;
    }

    private static TrajectoryBatch SampleBatch(Func<TaskEnvironment> task, Policy policy, int episodes, long seed)
    {
        var sampler = new Sampler(task, 2);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(policy, episodes, seed, batch);
        return batch;
    }

    public static IEnumerable<EstimatorOptions> Scalar => ScalarEstimators;

    /// <summary>
    /// J̃ is smooth in θ with the advantages held fixed. Pendulum's returns make |J̃| ~ 10⁴, so the step is 1e-3:
    /// fourth-order differences then err by about 1.5 ε|J̃|/h ≈ 2e-9 absolute, below the 1e-6 relative asked for.
    /// </summary>
    [TestCaseSource(nameof(Scalar))]
    public void Estimate_is_the_gradient_of_the_pseudo_loss(EstimatorOptions options)
    {
        foreach (Policy policy in new Policy[] { RandomSoftmax(4, 2, 3), GaussianPolicy.Mlp(3, [8], 1, seed: 3) })
        {
            Func<TaskEnvironment> task = policy is SoftmaxPolicy ? () => new CartPole() : () => new Pendulum(maxEpisodeSteps: 30);
            TrajectoryBatch batch = SampleBatch(task, policy, 6, seed: 2);
            var estimator = new GradientEstimator(options);
            var estimate = new double[policy.ParameterCount];
            estimator.Estimate(policy, batch, estimate);
            var numeric = new double[policy.ParameterCount];
            GradientCheck.CentralDifferences(policy.Parameters, () => estimator.PseudoLoss(policy, batch), 1e-3, numeric);
            Assert.That(GradientCheck.CompareGradients(estimate, numeric).MaxRelativeError, Is.LessThanOrEqualTo(1e-6), $"{options.Name}, {policy.GetType().Name}");
        }
    }

    [Test]
    public void Leave_one_out_average_is_n_over_n_minus_1_times_the_batch_mean_estimator()
    {
        SoftmaxPolicy policy = RandomSoftmax(4, 2, 5);
        TrajectoryBatch batch = SampleBatch(() => new CartPole(), policy, 5, seed: 9);
        var batchMean = new double[policy.ParameterCount];
        var leaveOneOut = new double[policy.ParameterCount];
        new GradientEstimator(new(ReturnKind.Total, BaselineKind.Average)).Estimate(policy, batch, batchMean);
        new GradientEstimator(new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true)).Estimate(policy, batch, leaveOneOut);
        double[] scaled = batchMean.Select(g => g * 5 / 4).ToArray();
        TestData.AssertWithinRoundoff(scaled, leaveOneOut, scaled.Select(v => Math.Abs(v) + 1).ToArray(), 1e3, "Kool et al. (2019)");
    }

    [Test]
    public void Zero_spread_normalisation_gives_a_zero_gradient_not_nan()
    {
        var bandit = new Bandit([2.0, 2.0], [0.0, 0.0]);
        SoftmaxPolicy policy = RandomSoftmax(1, 2, 1);
        TrajectoryBatch batch = SampleBatch(() => bandit, policy, 8, seed: 1);
        var g = new double[policy.ParameterCount];
        new GradientEstimator(new(ReturnKind.Total, Normalize: true)).Estimate(policy, batch, g);
        Assert.That(g, Is.All.EqualTo(0.0));
    }

    [Test]
    public void Bad_input_is_rejected_and_leaves_policy_and_gradient_untouched()
    {
        SoftmaxPolicy policy = RandomSoftmax(1, 2, 1);
        double[] theta = policy.Parameters.ToArray();
        var g = new double[policy.ParameterCount];
        g[0] = 42;
        TrajectoryBatch one = ReturnsTests.Batch([1.0]);
        TrajectoryBatch nan = ReturnsTests.Batch([1.0], [double.NaN]);
        Assert.Multiple(() =>
        {
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total)).Estimate(policy, new TrajectoryBatch(1), g), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch"));
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true)).Estimate(policy, one, g), Throws.ArgumentException.With.Message.Contains("at least 2"));
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total)).Estimate(policy, nan, g), Throws.ArgumentException.With.Message.Contains("NaN"));
            Assert.That(() => new GradientEstimator(new(Discount: 1.01)), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new GradientEstimator(new(Discount: double.NaN)), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total, BaselineKind.OptimalPerStep)), Throws.ArgumentException);
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total, BaselineKind.Optimal, Normalize: true)), Throws.ArgumentException);
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total)).Estimate(SoftmaxPolicy.Linear(2, 2, 1), one, new double[6]), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total, BaselineKind.Optimal)).PseudoLoss(policy, one), Throws.InvalidOperationException);
            Assert.That(policy.Parameters.ToArray(), Is.EqualTo(theta));
            Assert.That(g[0], Is.EqualTo(42));
        });
    }
}

using PolicyGradient.Distributions;
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
        new(ReturnKind.RewardToGo, BaselineKind.Value, Normalize: true, Discount: 0.9, Value: new ValueOptions(0.8, Values: new AffineStateValues())),
        new(ReturnKind.RewardToGo, BaselineKind.Average, Normalize: true, Discount: 0.9, EntropyBonus: 0.05),
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

    internal static TrajectoryBatch SampleBatch(Func<TaskEnvironment> task, Policy policy, int episodes, long seed)
    {
        var sampler = new Sampler(task, 2);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(policy, episodes, seed, batch);
        return batch;
    }

    public static IEnumerable<EstimatorOptions> Scalar => ScalarEstimators;

    /// <summary>
    /// J̃ is smooth in θ with the advantages held fixed, so its fourth-order differences match the estimate up to
    /// truncation (h⁴, negligible at h = 1e-3) and the rounding of J̃ itself: J̃ = (1/N) Σ_t log π_t A_t summed over T
    /// steps errs by at most γ_T Σ_t |log π_t A_t| / N with γ_T ≈ T ε, and the stencil's weights (1 + 8 + 8 + 1)/12
    /// turn that into 1.5 γ_T Σ|log π A| / (N h) absolute. |A_t| ≤ 2 max|v| for the raw advantages (v the returns,
    /// b a mean of them) and ≤ √T once normalised. The check allows that absolute error plus 1e-6 relative.
    /// </summary>
    [TestCaseSource(nameof(Scalar))]
    public void Estimate_is_the_gradient_of_the_pseudo_loss(EstimatorOptions options)
    {
        foreach (Policy policy in new Policy[] { RandomSoftmax(4, 2, 3), GaussianPolicy.Mlp(3, [8], 1, seed: 3) })
        {
            Func<TaskEnvironment> task = policy.ActionSpace.IsDiscrete ? () => new CartPole() : () => new Pendulum(maxEpisodeSteps: 30);
            TrajectoryBatch batch = SampleBatch(task, policy, 6, seed: 2);
            var estimator = new GradientEstimator(options);
            var estimate = new double[policy.ParameterCount];
            estimator.Estimate(policy, batch, estimate);
            var numeric = new double[policy.ParameterCount];
            const double h = 1e-3;
            GradientCheck.CentralDifferences(policy.Parameters, () => estimator.PseudoLoss(policy, batch), h, numeric);
            double roundoff = PseudoLossRoundoff(policy, batch, options) / h;
            for (int k = 0; k < estimate.Length; k++)
            {
                Assert.That(numeric[k], Is.EqualTo(estimate[k]).Within(roundoff + (1e-6 * Math.Max(Math.Abs(estimate[k]), Math.Abs(numeric[k])))), $"{options.Name}, {policy.Describe()}, θ[{k}]");
            }
        }
    }

    // 1.5 γ_T Σ_t |log π_t| max|A| / N: the rounding of J̃ that the stencil divides by h.
    private static double PseudoLossRoundoff(Policy policy, TrajectoryBatch batch, EstimatorOptions options)
    {
        int steps = batch.StepCount;
        var values = new double[steps];
        Returns.RewardToGo(batch, options.Discount, values);
        var totals = new double[batch.EpisodeCount];
        Returns.Total(batch, options.Discount, totals);
        double largestAdvantage = options.Normalize ? Math.Sqrt(steps) : 2 * Math.Max(values.Max(Math.Abs), totals.Max(Math.Abs));
        var logPi = new double[steps];
        policy.LogProbabilities(batch.Observations, batch.Actions, logPi, policy.CreateWorkspace());
        double gamma = steps * Math.ScaleB(1.0, -53); // γ_T = T u, u the unit roundoff
        return 1.5 * gamma * logPi.Sum(Math.Abs) * largestAdvantage / batch.EpisodeCount;
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
        SoftmaxPolicy policy = RandomSoftmax(1, 2, 1);
        TrajectoryBatch batch = SampleBatch(() => new Bandit([2.0, 2.0], [0.0, 0.0]), policy, 8, seed: 1);
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
        Assert.Multiple(() =>
        {
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total)).Estimate(policy, new TrajectoryBatch(1, ActionSpace.Discrete(2)), g), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch"));
            Assert.That(() => new GradientEstimator(new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true)).Estimate(policy, one, g), Throws.ArgumentException.With.Message.Contains("at least 2"));
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

using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Estimators;

[TestFixture]
[Category("Estimators")]
public class EstimatorOverflowTests
{
    public static IEnumerable<EstimatorOptions> All() =>
    [
        new(ReturnKind.Total), new(ReturnKind.RewardToGo), new(ReturnKind.Total, BaselineKind.Average), new(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true),
        new(ReturnKind.RewardToGo, BaselineKind.Average, Normalize: true), new(ReturnKind.Total, BaselineKind.Optimal), new(ReturnKind.RewardToGo, BaselineKind.Optimal, LeaveOneOut: true),
        new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep), new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep, LeaveOneOut: true),
    ];

    /// <summary>Every reward 1e308 over episodes of several steps: the returns overflow, and every estimator refuses alike, writing nothing.</summary>
    [TestCaseSource(nameof(All))]
    public void Returns_that_overflow_are_refused_by_every_estimator_alike(EstimatorOptions options)
    {
        var policy = SoftmaxPolicy.Linear(1, 2, 1);
        TrajectoryBatch batch = Batch(1e308, steps: 3);
        var gradient = new double[policy.ParameterCount];
        gradient.AsSpan().Fill(7);
        Assert.That(() => new GradientEstimator(options).Estimate(policy, batch, gradient), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("batch"));
        Assert.That(gradient, Is.All.EqualTo(7));
    }

    /// <summary>Finite returns of ±1e308 whose terms sum past the largest double: every estimator throws OverflowException and writes nothing (normalised advantages stay finite and so does their estimate).</summary>
    [TestCaseSource(nameof(All))]
    public void Terms_that_overflow_are_refused_by_every_estimator_alike(EstimatorOptions options)
    {
        var policy = SoftmaxPolicy.Linear(1, 2, 1);
        policy.Parameters.Clear();
        TrajectoryBatch batch = Batch(1e308, steps: 1, alternate: true);
        var gradient = new double[policy.ParameterCount];
        if (options.Normalize)
        {
            new GradientEstimator(options).Estimate(policy, batch, gradient); // normalised advantages are ±1: nothing overflows
            Assert.That(gradient.All(double.IsFinite));
            return;
        }

        Assert.That(() => new GradientEstimator(options).Estimate(policy, batch, gradient), Throws.TypeOf<OverflowException>());
        Assert.That(gradient, Is.All.EqualTo(0.0), "nothing written");
    }

    /// <summary>
    /// Every return 0.1 or 1/3: the advantages are mathematically equal, the computed spread is rounding, and
    /// normalising gives exactly zero; a spread just above the documented tolerance is kept.
    /// </summary>
    [TestCase(0.1)]
    [TestCase(1.0 / 3)]
    public void Normalising_advantages_that_differ_only_by_rounding_gives_a_zero_gradient(double reward)
    {
        var policy = SoftmaxPolicy.Linear(1, 2, 1);
        var gradient = new double[policy.ParameterCount];
        new GradientEstimator(new(ReturnKind.RewardToGo, BaselineKind.Average, Normalize: true)).Estimate(policy, Batch(reward, steps: 7), gradient);
        Assert.That(gradient, Is.All.EqualTo(0.0));
    }

    [Test]
    public void A_spread_either_side_of_the_tolerance_is_zero_or_kept()
    {
        var policy = SoftmaxPolicy.Linear(1, 2, 1);
        var g = new double[policy.ParameterCount];
        var estimator = new GradientEstimator(new(ReturnKind.Total, Normalize: true));
        estimator.Estimate(policy, Batch(1.0, 1, rewardOfLast: 1 + (0.5 * NormalizedAdvantages.SpreadTolerance)), g);
        Assert.That(g, Is.All.EqualTo(0.0), "below the tolerance");
        estimator.Estimate(policy, Batch(1.0, 1, rewardOfLast: 1 + (100 * NormalizedAdvantages.SpreadTolerance)), g);
        Assert.That(g.Any(v => v != 0), "above it");
    }

    // Four episodes of the bandit-like task, every reward r (or ±r alternating by episode; or the last episode's reward changed).
    private static TrajectoryBatch Batch(double reward, int steps, bool alternate = false, double? rewardOfLast = null)
    {
        var batch = new TrajectoryBatch(1, PolicyGradient.Distributions.ActionSpace.Discrete(2));
        for (int i = 0; i < 4; i++)
        {
            batch.BeginEpisode();
            for (int t = 0; t < steps; t++)
            {
                double r = i == 3 && rewardOfLast is { } last ? last : alternate && i % 2 == 1 ? -reward : reward;
                batch.AddStep([1.0], i % 2, r, Math.Log(0.5));
            }

            batch.EndEpisode(true, false, [1.0]);
        }

        return batch;
    }
}

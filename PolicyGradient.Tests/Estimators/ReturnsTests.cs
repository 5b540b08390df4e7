using PolicyGradient.Distributions;
using PolicyGradient.Estimators;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Estimators;

[TestFixture]
[Category("Estimators")]
public class ReturnsTests
{
    internal static TrajectoryBatch Batch(params double[][] episodeRewards)
    {
        var batch = new TrajectoryBatch(1, ActionSpace.Discrete(2));
        foreach (double[] rewards in episodeRewards)
        {
            batch.BeginEpisode();
            foreach (double r in rewards)
            {
                batch.AddStep([1.0], 0, r, 0);
            }

            batch.EndEpisode(true, false, [1.0]);
        }

        return batch;
    }

    [Test]
    public void Total_return_and_reward_to_go_equal_hand_computed_sums()
    {
        TrajectoryBatch batch = Batch([1, 2, 3], [4]);
        var total = new double[2];
        var toGo = new double[4];
        Returns.Total(batch, 0.5, total);
        Returns.RewardToGo(batch, 0.5, toGo);
        Assert.Multiple(() =>
        {
            Assert.That(total, Is.EqualTo(new[] { 1 + (0.5 * 2) + (0.25 * 3), 4.0 }));
            Assert.That(toGo, Is.EqualTo(new[] { 1 + (0.5 * 2) + (0.25 * 3), 2 + (0.5 * 3), 3.0, 4.0 }));
        });
        Returns.RewardToGo(batch, 1.0, toGo);
        Assert.That(toGo, Is.EqualTo(new[] { 6.0, 5.0, 3.0, 4.0 }));
    }

    [Test]
    public void Bad_batches_and_discounts_are_rejected()
    {
        var total = new double[1];
        Assert.Multiple(() =>
        {
            Assert.That(() => Returns.Total(new TrajectoryBatch(1, ActionSpace.Discrete(2)), 1.0, []), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch"));
            Assert.That(() => Batch([1.0, double.NaN]), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("reward"));
            Assert.That(() => Returns.Total(Batch([1.0]), 1.5, total), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("discount"));
            Assert.That(() => Returns.Total(Batch([1.0]), -0.1, total), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("discount"));
        });
    }
}

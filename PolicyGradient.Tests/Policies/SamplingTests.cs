using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

/// <summary>
/// Empirical moments of N seeded draws match the distribution within 4 standard errors: a frequency p̂ has
/// standard error √(p(1−p)/N), a sample mean σ/√N, and a sample variance σ²·√(2/(N−1)) (Gaussian fourth moment).
/// </summary>
[TestFixture]
[Category("Policies")]
public class SamplingTests
{
    private const int Draws = 200_000;

    [TestCase(2)]
    [TestCase(17)]
    public void Sample_frequencies_match_softmax_probabilities(int actionCount)
    {
        SoftmaxPolicy softmax = PolicyCase.Spread(SoftmaxPolicy.Mlp(3, [8], actionCount, 4), 4);
        double[] s = [0.3, -1.1, 0.8];
        var p = new double[actionCount];
        softmax.Probabilities(s, p);
        var counts = new int[actionCount];
        var random = new Random(99);
        for (int i = 0; i < Draws; i++)
        {
            counts[softmax.Sample(s, random)]++;
        }

        Assert.Multiple(() =>
        {
            for (int a = 0; a < actionCount; a++)
            {
                double standardError = Math.Sqrt(p[a] * (1 - p[a]) / Draws);
                Assert.That((double)counts[a] / Draws, Is.EqualTo(p[a]).Within(4 * standardError), $"action {a}");
            }
        });
    }

    [Test]
    public void Sample_mean_and_variance_match_gaussian_mean_and_sigma_squared()
    {
        GaussianPolicy policy = PolicyCase.Spread(GaussianPolicy.Mlp(2, [5], 3, 6), 6);
        double[] s = [0.4, -0.9];
        var mu = new double[3];
        var logStd = new double[3];
        policy.MeanAction(s, mu);
        policy.LogStd(logStd);
        var sum = new double[3];
        var sumSquares = new double[3];
        var action = new double[3];
        var random = new Random(123);
        for (int i = 0; i < Draws; i++)
        {
            policy.Sample(s, random, action);
            for (int j = 0; j < 3; j++)
            {
                double deviation = action[j] - mu[j];
                sum[j] += deviation;
                sumSquares[j] += deviation * deviation;
            }
        }

        Assert.Multiple(() =>
        {
            for (int j = 0; j < 3; j++)
            {
                double sigma2 = Math.Exp(2 * logStd[j]);
                double mean = sum[j] / Draws;
                double variance = (sumSquares[j] - (Draws * mean * mean)) / (Draws - 1);
                Assert.That(mean, Is.EqualTo(0).Within(4 * Math.Sqrt(sigma2 / Draws)), $"mean {j}");
                Assert.That(variance, Is.EqualTo(sigma2).Within(4 * sigma2 * Math.Sqrt(2.0 / (Draws - 1))), $"variance {j}");
            }
        });
    }

    [Test]
    public void Greedy_action_is_the_most_probable()
    {
        SoftmaxPolicy policy = PolicyCase.Spread(SoftmaxPolicy.Linear(2, 5, 3), 3);
        double[] s = [1.0, 2.0];
        var p = new double[5];
        policy.Probabilities(s, p);
        Assert.That(policy.GreedyAction(s), Is.EqualTo(Array.IndexOf(p, p.Max())));
    }

    [Test]
    public void Same_seed_gives_same_parameters_and_samples()
    {
        var first = SoftmaxPolicy.Mlp(4, [16], 3, seed: 42);
        var second = SoftmaxPolicy.Mlp(4, [16], 3, seed: 42);
        var other = SoftmaxPolicy.Mlp(4, [16], 3, seed: 43);
        Assert.Multiple(() =>
        {
            Assert.That(second.Parameters.ToArray(), Is.EqualTo(first.Parameters.ToArray()));
            Assert.That(other.Parameters.ToArray(), Is.Not.EqualTo(first.Parameters.ToArray()));
        });
    }
}

using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

[TestFixture]
[Category("Policies")]
public class OverflowTests
{
    /// <summary>θ of 1e300 and a finite state: the logits overflow to ±∞. Every member says so instead of returning NaN.</summary>
    [Test]
    public void Logits_that_overflow_from_finite_theta_give_a_clear_exception_not_nan()
    {
        var policy = SoftmaxPolicy.Linear(2, 3, 1);
        policy.Parameters.Fill(1e300);
        policy.Parameters[0] = -1e300;
        double[] s = [1e10, 1e10];
        var gradient = new double[policy.ParameterCount];
        Assert.Multiple(() =>
        {
            Assert.That(() => policy.LogProbability(s, 0), Throws.TypeOf<OverflowException>().With.Message.Contains("overflowed"));
            Assert.That(() => policy.Sample(s, new Random(1)), Throws.TypeOf<OverflowException>());
            Assert.That(() => policy.Entropy(s), Throws.TypeOf<OverflowException>());
            Assert.That(() => policy.AccumulateScore(s, 1, 1.0, gradient), Throws.TypeOf<OverflowException>());
            Assert.That(gradient, Is.All.EqualTo(0.0), "nothing written");
        });
    }

    /// <summary>Logits of ±1e300 are finite: max-shifting keeps log π, the entropy and the score finite and right.</summary>
    [Test]
    public void Huge_but_finite_logits_give_finite_results()
    {
        var policy = SoftmaxPolicy.Linear(1, 2, 1);
        policy.Parameters.Clear();
        policy.Parameters[2] = 1e300;  // bias of action 0
        policy.Parameters[3] = -1e300; // bias of action 1
        var gradient = new double[policy.ParameterCount];
        policy.AccumulateScore([0.0], 1, 1.0, gradient);
        Assert.Multiple(() =>
        {
            Assert.That(policy.LogProbability([0.0], 0), Is.EqualTo(0.0));
            Assert.That(policy.LogProbability([0.0], 1), Is.EqualTo(double.NegativeInfinity).Or.LessThan(-1e300));
            Assert.That(policy.Entropy([0.0]), Is.EqualTo(0.0));
            Assert.That(Enumerable.Range(0, 200).Select(_ => policy.Sample([0.0], new Random(3))), Is.All.EqualTo(0), "π is one-hot on action 0");
            Assert.That(gradient.All(double.IsFinite));
        });
    }
}

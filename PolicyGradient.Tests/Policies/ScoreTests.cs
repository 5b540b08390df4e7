using PolicyGradient.Analysis;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

[TestFixture]
[Category("GradientCheck")]
public class ScoreTests
{
    [Test]
    public void Gradient_check_detects_a_wrong_gradient()
    {
        double[] analytic = [1.0, -2.0, 0.5];
        double[] wrong = [1.0, -2.0, 0.5 * (1 + 1e-4)];
        Assert.Multiple(() =>
        {
            Assert.That(GradientCheck.CompareGradients(analytic, analytic).MaxRelativeError, Is.Zero);
            GradientCheckResult result = GradientCheck.CompareGradients(analytic, wrong);
            Assert.That(result.MaxRelativeError, Is.GreaterThan(1e-6));
            Assert.That(result.WorstIndex, Is.EqualTo(2));
        });
    }

    [Test]
    public void Gradient_check_leaves_parameters_bit_identical()
    {
        Policy policy = PolicyCase.All().First(c => c.Name.StartsWith("mlp-softmax 4", StringComparison.Ordinal)).Build(5);
        double[] before = policy.Parameters.ToArray();
        GradientCheck.Score(policy, [0.1, -0.2, 0.3, 0.4], 1);
        Assert.That(policy.Parameters.ToArray(), Is.EqualTo(before));
    }

    [Test]
    public void Linear_softmax_score_equals_hand_computed_value()
    {
        // s = (1, −2), W = [[0.5, 0.1], [−0.3, 0.2], [0, 0.4]], b = (0.1, 0, −0.2), action 1; θ = [Wᵀ (input-major), b].
        var policy = SoftmaxPolicy.Linear(2, 3, seed: 0);
        double[] theta = [0.5, -0.3, 0.0, 0.1, 0.2, 0.4, 0.1, 0.0, -0.2];
        theta.CopyTo(policy.Parameters);
        double[] s = [1.0, -2.0];
        double z0 = (0.5 * 1) + (0.1 * -2) + 0.1, z1 = (-0.3 * 1) + (0.2 * -2), z2 = (0 * 1) + (0.4 * -2) - 0.2;
        double sum = Math.Exp(z0) + Math.Exp(z1) + Math.Exp(z2);
        double[] p = [Math.Exp(z0) / sum, Math.Exp(z1) / sum, Math.Exp(z2) / sum];
        double[] delta = [-p[0], 1 - p[1], -p[2]]; // onehot(1) − π
        double[] expected =
        [
            delta[0] * s[0], delta[1] * s[0], delta[2] * s[0], delta[0] * s[1], delta[1] * s[1], delta[2] * s[1],
            delta[0], delta[1], delta[2],
        ];
        var gradient = new double[9];
        policy.AccumulateScore(s, 1, 1.0, gradient);
        Assert.Multiple(() =>
        {
            Assert.That(policy.LogProbability(s, 1), Is.EqualTo(Math.Log(p[1])).Within(1e-15));
            Assert.That(gradient, Is.EqualTo(expected).Within(1e-15));
        });
    }

    [Test]
    public void Linear_gaussian_score_equals_hand_computed_value_without_the_slides_half()
    {
        // μ = w·s + b with w = (0.3, −0.7), b = 0.2, log σ = −0.4; s = (1.5, 0.5), a = 0.9.
        var policy = GaussianPolicy.Linear(2, 1, seed: 0);
        double[] theta = [0.3, -0.7, 0.2, -0.4];
        theta.CopyTo(policy.Parameters);
        double[] s = [1.5, 0.5], a = [0.9];
        double mu = (0.3 * 1.5) + (-0.7 * 0.5) + 0.2, sigma = Math.Exp(-0.4);
        double dMu = (a[0] - mu) / (sigma * sigma);                       // ∂ log π/∂μ = (a − μ)/σ²
        double dLogSigma = (((a[0] - mu) / sigma) * ((a[0] - mu) / sigma)) - 1;
        double[] expected = [dMu * s[0], dMu * s[1], dMu, dLogSigma];
        var gradient = new double[4];
        policy.AccumulateScore(s, a, 1.0, gradient);
        double logPi = (-0.5 * Math.Pow((a[0] - mu) / sigma, 2)) + 0.4 - (0.5 * Math.Log(2 * Math.PI));
        var numeric = new double[4];
        GradientCheck.CentralDifferences(policy.Parameters, () => policy.LogProbability(s, a), 1e-6, numeric);
        Assert.Multiple(() =>
        {
            Assert.That(policy.LogProbability(s, a), Is.EqualTo(logPi).Within(1e-15));
            Assert.That(gradient, Is.EqualTo(expected).Within(1e-14));
            // The slide's −½ Σ⁻¹(f(s) − a) would be half of the finite-difference slope; the slope says no ½.
            Assert.That(numeric[2], Is.EqualTo(dMu).Within(1e-8));
            Assert.That(numeric[2], Is.Not.EqualTo(0.5 * dMu).Within(0.1 * Math.Abs(dMu)));
        });
    }

    [Test]
    public void Logits_of_plus_minus_1e3_give_finite_log_probabilities_and_scores()
    {
        var policy = SoftmaxPolicy.Linear(2, 3, seed: 0);
        double[] theta = [0, 0, 0, 0, 0, 0, 1e3, -1e3, 0];
        theta.CopyTo(policy.Parameters);
        double[] s = [0.3, 0.7];
        for (int a = 0; a < 3; a++)
        {
            var gradient = new double[policy.ParameterCount];
            policy.AccumulateScore(s, a, 1.0, gradient);
            double logPi = policy.LogProbability(s, a);
            Assert.Multiple(() =>
            {
                Assert.That(double.IsFinite(logPi), $"log π({a}) = {logPi}");
                Assert.That(gradient.All(double.IsFinite), $"score of action {a}");
            });
        }

        Assert.That(policy.LogProbability(s, 1), Is.EqualTo(-2e3).Within(1e-9));
    }

    [TestCase(-20.0)]
    [TestCase(2.0)]
    public void Log_std_at_either_end_of_its_range_stays_finite(double logStd)
    {
        var policy = GaussianPolicy.Mlp(2, [4], 2, seed: 3, initialLogStd: logStd);
        double[] s = [0.5, -0.5], a = [1.0, -1.0];
        var gradient = new double[policy.ParameterCount];
        policy.AccumulateScore(s, a, 1.0, gradient);
        var sample = new double[2];
        policy.Sample(s, new Random(1), sample);
        Assert.Multiple(() =>
        {
            Assert.That(double.IsFinite(policy.LogProbability(s, a)));
            Assert.That(gradient.All(double.IsFinite));
            Assert.That(sample.All(double.IsFinite));
            Assert.That(double.IsFinite(policy.Entropy()));
        });
    }

    [Test]
    public void Log_std_outside_its_range_is_clamped_and_has_zero_score()
    {
        var policy = GaussianPolicy.Linear(1, 1, seed: 0);
        policy.Parameters[^1] = 5.0; // beyond LogStdMax = 2
        var logStd = new double[1];
        policy.LogStd(logStd);
        var gradient = new double[policy.ParameterCount];
        policy.AccumulateScore([0.2], [3.0], 1.0, gradient);
        Assert.Multiple(() =>
        {
            Assert.That(logStd[0], Is.EqualTo(2.0));
            Assert.That(gradient[^1], Is.Zero);
        });
    }
}

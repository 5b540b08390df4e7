using PolicyGradient.Optimization;

namespace PolicyGradient.Tests.Optimization;

[TestFixture]
[Category("Training")]
public class OptimizerTests
{
    [Test]
    public void Gradient_ascent_adds_learning_rate_times_gradient()
    {
        double[] theta = [1.0, -2.0];
        OptimizerStep step = new GradientAscent(0.5).Step(theta, [2.0, 4.0]);
        Assert.Multiple(() =>
        {
            Assert.That(theta, Is.EqualTo(new[] { 2.0, 0.0 }));
            Assert.That(step.Applied);
            Assert.That(step.GradientNorm, Is.EqualTo(Math.Sqrt(20)).Within(1e-15));
        });
    }

    [Test]
    public void Clipping_rescales_the_gradient_to_the_maximum_norm()
    {
        double[] theta = [0.0, 0.0];
        OptimizerStep step = new GradientAscent(1.0, maxGradientNorm: 1.0).Step(theta, [3.0, 4.0]);
        Assert.Multiple(() =>
        {
            Assert.That(step.Clipped);
            Assert.That(theta, Is.EqualTo(new[] { 0.6, 0.8 }).Within(1e-15));
        });
    }

    /// <summary>Adam's first step is α·sign(g) (m̂ = g, v̂ = g²) up to ε.</summary>
    [Test]
    public void Adam_first_step_is_learning_rate_times_sign()
    {
        double[] theta = [0.0, 0.0, 0.0];
        new Adam(0.1).Step(theta, [5.0, -0.01, 0.0]);
        Assert.That(theta, Is.EqualTo(new[] { 0.1, -0.1, 0.0 }).Within(1e-6));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Non_finite_gradient_is_refused_and_reported_with_theta_and_state_unchanged(double bad)
    {
        foreach (Optimizer optimizer in new Optimizer[] { new GradientAscent(0.1), new Adam(0.1) })
        {
            double[] theta = [1.0, 2.0];
            optimizer.Step(theta, [1.0, 1.0]);
            double[] before = (double[])theta.Clone();
            OptimizerStep refused = optimizer.Step(theta, [bad, 1.0]);
            Assert.Multiple(() =>
            {
                Assert.That(refused.Applied, Is.False);
                Assert.That(refused.Refusal, Does.Contain("unchanged"));
                Assert.That(theta, Is.EqualTo(before));
                Assert.That(optimizer.RefusedSteps, Is.EqualTo(1));
            });

            // The next good step behaves as if the refused one never happened.
            double[] a = (double[])theta.Clone();
            optimizer.Step(theta, [1.0, 1.0]);
            Assert.That(theta, Is.Not.EqualTo(a));
        }
    }

    [Test]
    public void Step_that_would_overflow_theta_is_refused()
    {
        double[] theta = [double.MaxValue];
        OptimizerStep step = new GradientAscent(1.0).Step(theta, [double.MaxValue]);
        Assert.Multiple(() =>
        {
            Assert.That(step.Applied, Is.False);
            Assert.That(theta[0], Is.EqualTo(double.MaxValue));
        });
    }

    [Test]
    public void Bad_hyper_parameters_are_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new GradientAscent(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
            Assert.That(() => new Adam(double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
            Assert.That(() => new Adam(0.1, beta1: 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("beta1"));
            Assert.That(() => new GradientAscent(0.1, maxGradientNorm: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxGradientNorm"));
            Assert.That(() => new GradientAscent(0.1).Step(new double[2], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("gradient"));
        });
    }
}

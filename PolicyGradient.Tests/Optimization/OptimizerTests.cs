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
}

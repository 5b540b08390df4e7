using PolicyGradient.Analysis;

namespace PolicyGradient.Tests.Analysis;

/// <summary>
/// Issue 9, part 6: <see cref="GradientCheck.CentralDifferences"/> restores θ bit for bit even when the objective
/// throws, and checks its arguments before touching θ.
/// </summary>
[TestFixture]
[Category("GradientCheck")]
public class GradientCheckTests
{
    /// <summary>Finite steps that are not &gt; 0, and steps that are not finite.</summary>
    private static readonly double[] BadSteps = [0.0, -0.0, -1e-4, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    /// <summary>The limits of "finite and &gt; 0", from the inside.</summary>
    private static readonly double[] EdgeSteps = [double.Epsilon, double.MaxValue];

    /// <summary>θ with a negative zero and values whose last bits a lossy restore (θ + h − h) would change.</summary>
    private static double[] Theta() => [0.1 + 0.2, -0.0, 2.0, 1.0 / 3.0];

    /// <summary>
    /// The 2nd evaluation runs at θ₀ − h (component 0); the 6th at θ₁ − h; the 16th at θ₃ − 2h, the last probe.
    /// </summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(6)]
    [TestCase(16)]
    public void Theta_is_restored_bitwise_when_the_objective_throws(int failingCall)
    {
        double[] theta = Theta();
        long[] before = Bits(theta);
        int calls = 0;
        double Objective() => ++calls == failingCall ? throw new InvalidOperationException("objective failed") : theta.Sum();

        Assert.That(() => GradientCheck.CentralDifferences(theta, Objective, 1e-4, new double[theta.Length]), Throws.InvalidOperationException.With.Message.EqualTo("objective failed"));
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(failingCall));
            Assert.That(Bits(theta), Is.EqualTo(before));
        });
    }

    [Test]
    public void Theta_is_restored_bitwise_after_a_complete_run()
    {
        double[] theta = Theta(), numeric = new double[theta.Length];
        long[] before = Bits(theta);
        GradientCheck.CentralDifferences(theta, () => theta.Sum(x => x * x), 1e-3, numeric);
        Assert.Multiple(() =>
        {
            Assert.That(Bits(theta), Is.EqualTo(before));
            Assert.That(numeric, Is.EqualTo(theta.Select(x => 2 * x)).Within(1e-9));
        });
    }

    [Test]
    public void Steps_that_are_not_finite_and_positive_are_refused_before_theta_is_touched([ValueSource(nameof(BadSteps))] double step) =>
        AssertRefusedUntouched((theta, objective) => GradientCheck.CentralDifferences(theta, objective, step, new double[theta.Length]), nameof(step), typeof(ArgumentOutOfRangeException));

    [Test]
    public void Steps_just_inside_the_limits_are_accepted_and_theta_restored([ValueSource(nameof(EdgeSteps))] double step)
    {
        double[] theta = Theta();
        long[] before = Bits(theta);
        int calls = 0;
        GradientCheck.CentralDifferences(theta, () => ++calls, step, new double[theta.Length]);
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(4 * theta.Length));
            Assert.That(Bits(theta), Is.EqualTo(before));
        });
    }

    [Test]
    public void A_destination_of_another_length_is_refused_before_theta_is_touched() =>
        AssertRefusedUntouched((theta, objective) => GradientCheck.CentralDifferences(theta, objective, 1e-4, new double[theta.Length - 1]), "destination", typeof(ArgumentException));

    [Test]
    public void A_destination_overlapping_theta_is_refused_before_theta_is_touched() =>
        AssertRefusedUntouched((theta, objective) => GradientCheck.CentralDifferences(theta, objective, 1e-4, theta), "destination", typeof(ArgumentException));

    [Test]
    public void A_null_objective_is_refused_before_theta_is_touched() =>
        AssertRefusedUntouched((theta, _) => GradientCheck.CentralDifferences(theta, null!, 1e-4, new double[theta.Length]), "objective", typeof(ArgumentNullException));

    /// <summary>The call throws exactly <paramref name="exception"/> naming <paramref name="paramName"/>, never evaluates the objective, and leaves θ's bits as they were.</summary>
    private static void AssertRefusedUntouched(Action<double[], Func<double>> call, string paramName, Type exception)
    {
        double[] theta = Theta();
        long[] before = Bits(theta);
        int calls = 0;
        Assert.That(() => call(theta, () => ++calls), Throws.TypeOf(exception).With.Property("ParamName").EqualTo(paramName));
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.Zero);
            Assert.That(Bits(theta), Is.EqualTo(before));
        });
    }

    private static long[] Bits(double[] values) => Array.ConvertAll(values, BitConverter.DoubleToInt64Bits);
}

using PolicyGradient.Optimization;

namespace PolicyGradient.Tests.Optimization;

/// <summary>
/// Issue 9, part 8 (optimiser side): every hyper-parameter outside its documented range is refused with an
/// <see cref="ArgumentOutOfRangeException"/> naming it, the values just inside each limit are accepted, and nothing
/// refused (a setter, a step, a call with bad lengths) changes θ or the optimiser's state: an optimiser that saw
/// the refusal goes on bit for bit like a twin that did not.
/// </summary>
[TestFixture]
[Category("Training")]
public class OptimizerValidationTests
{
    private static readonly double[][] LaterGradients = [[0.3, 0.1], [-0.2, 0.4], [1e-3, -5.0]];

    /// <summary>Refused learning rates: NaN, ±∞, both zeros and a negative rate (which would turn ascent into descent).</summary>
    private static readonly double[] NotFiniteAndPositive = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, -0.5, -double.Epsilon];

    /// <summary>The limits of "finite and &gt; 0", from the inside.</summary>
    private static readonly double[] FiniteAndPositiveEdges = [double.Epsilon, double.MaxValue];

    public static IEnumerable<string> Kinds => ["sgd", "adam"];

    [Test]
    public void Learning_rate_setter_refuses_values_that_are_not_finite_and_positive_and_keeps_the_old_rate(
        [ValueSource(nameof(Kinds))] string kind, [ValueSource(nameof(NotFiniteAndPositive))] double bad)
    {
        AssertGoesOnLikeATwin(kind, optimizer =>
        {
            Assert.That(() => optimizer.LearningRate = bad, Throws.InstanceOf<ArgumentOutOfRangeException>()
                .With.Property("ParamName").EqualTo("value")
                .And.Message.Contains("learning rate α > 0"));
            Assert.That(optimizer.LearningRate, Is.EqualTo(1e300));
        });
    }

    [Test]
    public void Constructors_refuse_a_learning_rate_that_is_not_finite_and_positive([ValueSource(nameof(NotFiniteAndPositive))] double bad)
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new GradientAscent(bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
            Assert.That(() => new Adam(bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
        });
    }

    [Test]
    public void Learning_rates_just_inside_the_limits_are_accepted([ValueSource(nameof(FiniteAndPositiveEdges))] double edge)
    {
        var optimizer = new GradientAscent(edge);
        optimizer.LearningRate = 0.1;
        optimizer.LearningRate = edge;
        Assert.Multiple(() =>
        {
            Assert.That(optimizer.LearningRate, Is.EqualTo(edge));
            Assert.That(new Adam(edge).LearningRate, Is.EqualTo(edge));
        });
    }

    [Test]
    public void Maximum_gradient_norm_must_be_finite_and_positive([ValueSource(nameof(NotFiniteAndPositive))] double bad)
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new GradientAscent(0.1, maxGradientNorm: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxGradientNorm"));
            Assert.That(() => new Adam(0.1, maxGradientNorm: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxGradientNorm"));
        });
    }

    [Test]
    public void Maximum_gradient_norms_just_inside_the_limits_are_accepted([ValueSource(nameof(FiniteAndPositiveEdges))] double edge) =>
        Assert.That(new Adam(0.1, maxGradientNorm: edge).MaxGradientNorm, Is.EqualTo(edge));

    [Test]
    public void Adam_refuses_an_epsilon_that_is_not_finite_and_positive([ValueSource(nameof(NotFiniteAndPositive))] double bad) =>
        Assert.That(() => new Adam(0.1, epsilon: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("epsilon"));

    [Test]
    public void Adam_accepts_epsilons_just_inside_the_limits([ValueSource(nameof(FiniteAndPositiveEdges))] double edge) =>
        Assert.That(new Adam(0.1, epsilon: edge).Epsilon, Is.EqualTo(edge));

    [TestCase(-double.Epsilon)]
    [TestCase(1.0)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Adam_refuses_betas_outside_zero_inclusive_to_one_exclusive(double bad)
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new Adam(0.1, beta1: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("beta1"));
            Assert.That(() => new Adam(0.1, beta2: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("beta2"));
        });
    }

    /// <summary>0 and the largest double below 1, the inside of [0, 1); Adam still steps finitely with them.</summary>
    [TestCase(0.0)]
    [TestCase(0.99999999999999989)]
    public void Adam_accepts_betas_just_inside_zero_inclusive_to_one_exclusive(double edge)
    {
        Assume.That(edge, Is.EqualTo(0.0).Or.EqualTo(Math.BitDecrement(1.0)));
        var adam = new Adam(0.1, beta1: edge, beta2: edge);
        double[] theta = [1.0, 2.0];
        OptimizerStep step = adam.Step(theta, [0.5, -0.25]);
        Assert.Multiple(() =>
        {
            Assert.That((adam.Beta1, adam.Beta2), Is.EqualTo((edge, edge)));
            Assert.That(step.Applied);
            Assert.That(theta, Is.All.Matches<double>(double.IsFinite));
        });
    }

    /// <summary>
    /// Each kind of refused step, after one accepted warm-up step on a θ of length 2: a NaN or infinite gradient, a
    /// gradient whose norm overflows, a θ that is already non-finite, and a step that would overflow θ (hence
    /// α = 1e300 throughout: Adam's steps are about α in size).
    /// </summary>
    [TestCase("sgd", new[] { double.NaN, 1.0 }, new[] { 1.0, 2.0 }, "NaN or infinite")]
    [TestCase("adam", new[] { double.NaN, 1.0 }, new[] { 1.0, 2.0 }, "NaN or infinite")]
    [TestCase("adam", new[] { double.NegativeInfinity, 1.0 }, new[] { 1.0, 2.0 }, "NaN or infinite")]
    [TestCase("adam", new[] { 1e200, 1e200 }, new[] { 1.0, 2.0 }, "norm overflows")]
    [TestCase("sgd", new[] { 1.0, 1.0 }, new[] { 1.0, double.NaN }, "θ[1] is already NaN")]
    [TestCase("adam", new[] { 1.0, 1.0 }, new[] { double.PositiveInfinity, 2.0 }, "θ[0] is already Infinity")]
    [TestCase("sgd", new[] { 1.0, 0.0 }, new[] { double.MaxValue, 0.0 }, "would make θ non-finite")]
    [TestCase("adam", new[] { 1.0, 0.0 }, new[] { double.MaxValue, 0.0 }, "would make θ non-finite")]
    public void Refused_step_leaves_theta_and_optimiser_state_bitwise_unchanged(string kind, double[] gradient, double[] theta, string reason)
    {
        long[] before = Bits(theta);
        AssertGoesOnLikeATwin(kind, optimizer =>
        {
            OptimizerStep step = optimizer.Step(theta, gradient);
            Assert.Multiple(() =>
            {
                Assert.That(step.Applied, Is.False);
                Assert.That(step.Refusal, Does.Contain(reason).And.Contain("θ was left unchanged"));
                Assert.That(Bits(theta), Is.EqualTo(before));
                Assert.That(optimizer.RefusedSteps, Is.EqualTo(1));
            });
        });
    }

    /// <summary>A gradient of another length than θ, and a θ of another length than the first step's.</summary>
    [TestCase("sgd", 2, 3, "gradient")]
    [TestCase("adam", 2, 1, "gradient")]
    [TestCase("sgd", 3, 3, "parameters")]
    [TestCase("adam", 3, 3, "parameters")]
    [TestCase("adam", 1, 1, "parameters")]
    public void Mismatched_lengths_throw_before_anything_changes(string kind, int thetaLength, int gradientLength, string paramName)
    {
        double[] theta = Enumerable.Range(1, thetaLength).Select(i => i / 3.0).ToArray();
        long[] before = Bits(theta);
        AssertGoesOnLikeATwin(kind, optimizer =>
        {
            Assert.That(() => optimizer.Step(theta, new double[gradientLength]), Throws.ArgumentException.With.Property("ParamName").EqualTo(paramName));
            Assert.Multiple(() =>
            {
                Assert.That(Bits(theta), Is.EqualTo(before));
                Assert.That(optimizer.RefusedSteps, Is.Zero);
            });
        });
    }

    private static Optimizer Make(string kind) => kind == "adam" ? new Adam(1e300) : new GradientAscent(1e300);

    /// <summary>
    /// Makes two optimisers of <paramref name="kind"/>, steps both once on θ = [1, 2], lets <paramref name="disturb"/>
    /// act on one of them, and asserts that three more steps move both θ bit for bit alike.
    /// </summary>
    private static void AssertGoesOnLikeATwin(string kind, Action<Optimizer> disturb)
    {
        Optimizer disturbed = Make(kind), twin = Make(kind);
        double[] a = [1.0, 2.0], b = [1.0, 2.0];
        disturbed.Step(a, [0.5, -0.25]);
        twin.Step(b, [0.5, -0.25]);
        disturb(disturbed);
        foreach (double[] g in LaterGradients)
        {
            disturbed.Step(a, g);
            twin.Step(b, g);
        }

        Assert.That(Bits(a), Is.EqualTo(Bits(b)), "θ after the refusal differs from the twin's: the refusal changed the optimiser's state");
    }

    private static long[] Bits(double[] values) => Array.ConvertAll(values, BitConverter.DoubleToInt64Bits);
}

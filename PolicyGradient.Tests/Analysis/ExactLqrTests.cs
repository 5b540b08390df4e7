using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Analysis;

[TestFixture]
[Category("ExactGradients")]
public class ExactLqrTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(false, true, 1.0).SetName("Lqr_v0_learned_log_std_undiscounted");
        yield return new TestCaseData(false, false, 0.9).SetName("Lqr_v0_fixed_log_std_discount_0.9");
        yield return new TestCaseData(true, true, 0.95).SetName("Lqr_3x2_learned_log_std_discount_0.95");
    }

    /// <summary>A 3-state, 2-action instance with cross-coupled A, non-diagonal costs and a correlated start.</summary>
    public static Lqr ThreeByTwo(int horizon = 12)
    {
        var build = Matrix<double>.Build;
        return new Lqr(
            build.DenseOfArray(new[,] { { 0.9, 0.2, 0.0 }, { -0.1, 1.0, 0.1 }, { 0.0, 0.3, 0.8 } }),
            build.DenseOfArray(new[,] { { 0.1, 0.0 }, { 0.0, 0.2 }, { 0.1, -0.1 } }),
            build.DenseOfArray(new[,] { { 1.0, 0.2, 0.0 }, { 0.2, 0.5, 0.1 }, { 0.0, 0.1, 0.3 } }),
            build.DenseOfArray(new[,] { { 0.2, 0.05 }, { 0.05, 0.1 } }),
            build.DenseIdentity(3) * 0.01,
            Vector<double>.Build.DenseOfArray([1.0, -0.5, 0.3]),
            build.DenseOfArray(new[,] { { 0.1, 0.02, 0.0 }, { 0.02, 0.05, 0.0 }, { 0.0, 0.0, 0.02 } }),
            horizon);
    }

    public static GaussianPolicy RandomLinearGaussian(Lqr task, bool learnLogStd, int seed)
    {
        GaussianPolicy policy = GaussianPolicy.Linear(task.StateDimension, task.ActionSize, seed, initialLogStd: -0.7, learnLogStd);
        var random = new Random(seed);
        int meanCount = policy.Approximator.ParameterCount;
        for (int k = 0; k < meanCount; k++)
        {
            policy.Parameters[k] = (2 * random.NextDouble()) - 1;
        }

        return policy;
    }

    /// <summary>J is a polynomial in (K, k) and in e^{2 log σ}: fourth-order differences at h = 1e-3 are exact to ~1e-11 relative.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Closed_form_gradient_matches_central_differences_of_the_closed_form_objective(bool threeByTwo, bool learnLogStd, double discount)
    {
        Lqr task = threeByTwo ? ThreeByTwo() : Lqr.Default();
        foreach (int seed in new[] { 1, 2 })
        {
            GaussianPolicy policy = RandomLinearGaussian(task, learnLogStd, seed);
            var exact = new double[policy.ParameterCount];
            var numeric = new double[policy.ParameterCount];
            double j = ExactLqr.Gradient(task, policy, exact, discount);
            GradientCheck.CentralDifferences(policy.Parameters, () => ExactLqr.Objective(task, policy, discount), 1e-3, numeric);
            Assert.Multiple(() =>
            {
                Assert.That(GradientCheck.CompareGradients(exact, numeric).MaxRelativeError, Is.LessThanOrEqualTo(1e-8), $"seed {seed}");
                Assert.That(j, Is.EqualTo(ExactLqr.Objective(task, policy, discount)).Within(1e-12 * Math.Abs(j)));
            });
        }
    }

    /// <summary>The mean of N sampled returns has standard error s/√N: it must land within 4 of them.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Closed_form_objective_matches_the_monte_carlo_mean_return(bool threeByTwo)
    {
        Lqr task = threeByTwo ? ThreeByTwo() : Lqr.Default();
        GaussianPolicy policy = RandomLinearGaussian(task, learnLogStd: true, seed: 3);
        const int episodes = 20_000;
        var sampler = new Sampler(() => threeByTwo ? ThreeByTwo() : Lqr.Default(), threads: 1);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(policy, episodes, seed: 7, batch);
        double[] returns = Enumerable.Range(0, episodes).Select(i => batch.Rewards[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]].ToArray().Sum()).ToArray();
        double mean = returns.Average();
        double standardError = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (episodes - 1) / episodes);
        Assert.That(mean, Is.EqualTo(ExactLqr.Objective(task, policy)).Within(4 * standardError));
    }

    [Test]
    public void Riccati_optimum_bounds_every_linear_gaussian_policy_and_is_nearly_reached_by_the_best_gain()
    {
        Lqr task = Lqr.Default();
        double optimum = ExactLqr.OptimalObjective(task);
        foreach (int seed in Enumerable.Range(1, 5))
        {
            Assert.That(ExactLqr.Objective(task, RandomLinearGaussian(task, true, seed)), Is.LessThan(optimum));
        }

        // exact gradient ascent on a deterministic-ish stationary gain gets within 2% of the time-varying optimum
        GaussianPolicy policy = GaussianPolicy.Linear(2, 1, seed: 1, initialLogStd: -20, learnLogStd: false);
        var gradient = new double[policy.ParameterCount];
        for (int i = 0; i < 3000; i++)
        {
            ExactLqr.Gradient(task, policy, gradient);
            for (int k = 0; k < gradient.Length; k++)
            {
                policy.Parameters[k] += 0.005 * gradient[k];
            }
        }

        double best = ExactLqr.Objective(task, policy);
        TestContext.Out.WriteLine($"J* = {optimum}, best stationary J = {best}");
        Assert.That(best, Is.LessThanOrEqualTo(optimum).And.GreaterThan(optimum - (0.02 * Math.Abs(optimum))));
    }

    [Test]
    public void A_policy_whose_mean_is_not_affine_or_does_not_fit_is_refused_naming_policy()
    {
        Lqr task = Lqr.Default();
        GaussianPolicy mlp = GaussianPolicy.Mlp(2, [4], 1, seed: 1);
        for (int k = 0; k < mlp.ParameterCount; k++)
        {
            mlp.Parameters[k] = 0.8;
        }

        Assert.Multiple(() =>
        {
            Assert.That(() => ExactLqr.Objective(task, mlp), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => ExactLqr.Objective(task, GaussianPolicy.Linear(3, 1, 1)), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => ExactLqr.Objective(task, GaussianPolicy.Linear(2, 1, 1), 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("discount"));
            Assert.That(() => ExactLqr.Gradient(task, GaussianPolicy.Linear(2, 1, 1), new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("gradient"));
        });
    }

    [Test]
    public void Lqr_refuses_bad_matrices_naming_the_argument()
    {
        var build = Matrix<double>.Build;
        Matrix<double> a = build.DenseIdentity(2), b = build.Dense(2, 1, 1.0), q = build.DenseIdentity(2), r = build.DenseIdentity(1);
        Vector<double> m0 = Vector<double>.Build.Dense(2);
        Assert.Multiple(() =>
        {
            Assert.That(() => new Lqr(build.Dense(2, 3), b, q, r, q, m0, q, 5), Throws.ArgumentException.With.Property("ParamName").EqualTo("dynamics"));
            Assert.That(() => new Lqr(a, build.Dense(3, 1), q, r, q, m0, q, 5), Throws.ArgumentException.With.Property("ParamName").EqualTo("control"));
            Assert.That(() => new Lqr(a, b, build.DenseOfArray(new[,] { { 1.0, 0.5 }, { 0.0, 1.0 } }), r, q, m0, q, 5), Throws.ArgumentException.With.Property("ParamName").EqualTo("stateCost"));
            Assert.That(() => new Lqr(a, b, q, -r, q, m0, q, 5), Throws.ArgumentException.With.Property("ParamName").EqualTo("actionCost"));
            Assert.That(() => new Lqr(a, b, q, r, q * double.NaN, m0, q, 5), Throws.ArgumentException.With.Property("ParamName").EqualTo("noiseCovariance"));
            Assert.That(() => new Lqr(a, b, q, r, q, Vector<double>.Build.Dense(3), q, 5), Throws.ArgumentException.With.Property("ParamName").EqualTo("initialMean"));
            Assert.That(() => new Lqr(a, b, q, r, q, m0, q, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxEpisodeSteps"));
            Assert.That(() => new Lqr(a, b, q, r, q, m0, q, 5, actionBound: double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("actionBound"));
        });
    }

    [Test]
    public void A_custom_lqr_passes_the_environment_checker_with_noise_in_its_state()
    {
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => ThreeByTwo(), seed: 5, episodes: 3);
        Assert.That(report.Passed, report.ToString());
    }

    [Test]
    public void Actions_outside_the_advertised_box_are_applied_unclipped()
    {
        Lqr task = Lqr.Default();
        var observation = new double[2];
        task.Reset(new Random(1), observation);
        var state = new double[task.StateSize];
        task.GetState(state);
        double huge = task.Step([1000.0], observation).Reward;
        task.SetState(state);
        double inside = task.Step([10.0], observation).Reward;
        double stateCost = inside + (0.1 * 100);
        Assert.That(huge, Is.EqualTo(stateCost - (0.1 * 1000 * 1000)).Within(1e-9 * 1e5));
    }
}

using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Analysis;

[TestFixture]
[Category("ExactGradients")]
public class ExactGradientTests
{
    public static IEnumerable<TestCaseData> MdpCases()
    {
        yield return new TestCaseData(4, 2, 5, 1.0, false).SetName("Tabular_S4_A2_H5_undiscounted");
        yield return new TestCaseData(6, 3, 8, 0.9, false).SetName("Tabular_S6_A3_H8_discount_0.9");
        yield return new TestCaseData(3, 4, 4, 0.5, true).SetName("Mlp_softmax_S3_A4_H4_discount_0.5");
    }

    private static SoftmaxPolicy PolicyFor(int states, int actions, bool mlp, int seed)
    {
        SoftmaxPolicy policy = mlp ? SoftmaxPolicy.Mlp(states, [5], actions, seed) : SoftmaxPolicy.Linear(states, actions, seed);
        var random = new Random(seed + 17);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = (2 * random.NextDouble()) - 1; // a policy far from uniform
        }

        return policy;
    }

    /// <summary>J is a smooth function of θ, so fourth-order differences are accurate to ~1e-12: 1e-8 is a real test.</summary>
    [TestCaseSource(nameof(MdpCases))]
    public void Exact_gradient_matches_finite_differences_of_exact_objective(int states, int actions, int horizon, double discount, bool mlp)
    {
        foreach (int seed in new[] { 1, 2 })
        {
            TabularMdp mdp = TabularMdp.Random(states, actions, horizon, seed, discount);
            SoftmaxPolicy policy = PolicyFor(states, actions, mlp, seed);
            var exact = new double[policy.ParameterCount];
            var numeric = new double[policy.ParameterCount];
            ExactMdp.Gradient(mdp, policy, exact);
            GradientCheck.CentralDifferences(policy.Parameters, () => ExactMdp.Objective(mdp, policy), 1e-3, numeric);
            Assert.That(GradientCheck.CompareGradients(exact, numeric).MaxRelativeError, Is.LessThanOrEqualTo(1e-8), $"seed {seed}");
        }
    }

    /// <summary>The mean of N sampled discounted returns has standard error s/√N; it must land within 4 of them.</summary>
    [TestCaseSource(nameof(MdpCases))]
    public void Exact_objective_matches_monte_carlo_mean_return(int states, int actions, int horizon, double discount, bool mlp)
    {
        TabularMdp mdp = TabularMdp.Random(states, actions, horizon, seed: 3, discount);
        SoftmaxPolicy policy = PolicyFor(states, actions, mlp, 3);
        const int episodes = 20_000;
        var returns = new double[episodes];
        var observation = new double[states];
        var random = new Random(5);
        for (int i = 0; i < episodes; i++)
        {
            mdp.Reset(random, observation);
            double g = 0, power = 1;
            StepResult step;
            do
            {
                step = mdp.Step(policy.Sample(observation, random), observation);
                g += power * step.Reward;
                power *= discount;
            }
            while (!step.Done);
            returns[i] = g;
        }

        double mean = returns.Average();
        double standardError = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (episodes - 1) / episodes);
        Assert.That(mean, Is.EqualTo(ExactMdp.Objective(mdp, policy)).Within(4 * standardError));
    }

    [Test]
    public void Bandit_exact_gradient_matches_finite_differences_and_monte_carlo()
    {
        var bandit = new Bandit([1.0, 0.2, -0.5], [0.5, 1.0, 2.0]);
        SoftmaxPolicy policy = PolicyFor(1, 3, false, 4);
        var exact = new double[policy.ParameterCount];
        var numeric = new double[policy.ParameterCount];
        ExactBandit.Gradient(bandit, policy, exact);
        GradientCheck.CentralDifferences(policy.Parameters, () => ExactBandit.Objective(bandit, policy), 1e-3, numeric);
        Assert.That(GradientCheck.CompareGradients(exact, numeric).MaxRelativeError, Is.LessThanOrEqualTo(1e-8));

        const int pulls = 50_000;
        var observation = new double[1];
        var random = new Random(8);
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < pulls; i++)
        {
            bandit.Reset(random, observation);
            double r = bandit.Step(policy.Sample(observation, random), observation).Reward;
            sum += r;
            sumSquares += r * r;
        }

        double mean = sum / pulls, standardError = Math.Sqrt(((sumSquares / pulls) - (mean * mean)) / pulls);
        Assert.That(mean, Is.EqualTo(ExactBandit.Objective(bandit, policy)).Within(4 * standardError));
    }

    /// <summary>
    /// The closed form of docs/derivations.md for two arms and logits z (p = π₁): per logit component,
    /// Var = p(1−p)[(1−p)(σ₁² + (μ₁−b)²) + p(σ₂² + (μ₂−b)²)] − p²(1−p)²(μ₁−μ₂)². A linear-softmax policy on the
    /// constant observation [1] has four parameters (W and b), each with that variance.
    /// </summary>
    [TestCase(0.0)]
    [TestCase(0.7)]
    [TestCase(-3.0)]
    public void Two_armed_bandit_variance_equals_the_closed_form(double baseline)
    {
        double mu1 = 1.0, mu2 = 0.25, sigma1 = 0.5, sigma2 = 1.5;
        var bandit = new Bandit([mu1, mu2], [sigma1, sigma2]);
        var policy = SoftmaxPolicy.Linear(1, 2, seed: 0);
        double[] theta = [0.3, -0.2, 0.1, 0.05]; // z₁ = 0.4, z₂ = −0.15
        theta.CopyTo(policy.Parameters);
        double p = 1 / (1 + Math.Exp(-(0.4 - -0.15)));
        double perComponent = (p * (1 - p) * (((1 - p) * ((sigma1 * sigma1) + Math.Pow(mu1 - baseline, 2))) + (p * ((sigma2 * sigma2) + Math.Pow(mu2 - baseline, 2)))))
            - (p * p * (1 - p) * (1 - p) * Math.Pow(mu1 - mu2, 2));
        Assert.That(ExactBandit.ReinforceVariance(bandit, policy, baseline), Is.EqualTo(4 * perComponent).Within(1e-14));
    }

    [Test]
    public void Two_armed_bandit_variance_matches_sampled_estimator_and_the_optimal_baseline_minimises_it()
    {
        var bandit = new Bandit([1.0, 0.25], [0.5, 1.5]);
        var policy = SoftmaxPolicy.Linear(1, 2, seed: 0);
        double[] theta = [0.3, -0.2, 0.1, 0.05];
        theta.CopyTo(policy.Parameters);
        var pi = new double[2];
        policy.Probabilities([1.0], pi);
        double optimal = (pi[1] * 1.0) + (pi[0] * 0.25); // b* = E[c² r]/E[c²] = (1−p)μ₁ + pμ₂ (derivations.md)
        double average = (pi[0] * 1.0) + (pi[1] * 0.25);
        double vOptimal = ExactBandit.ReinforceVariance(bandit, policy, optimal);
        Assert.Multiple(() =>
        {
            Assert.That(vOptimal, Is.LessThan(ExactBandit.ReinforceVariance(bandit, policy, average)));
            Assert.That(vOptimal, Is.LessThan(ExactBandit.ReinforceVariance(bandit, policy, optimal + 0.01)));
            Assert.That(vOptimal, Is.LessThan(ExactBandit.ReinforceVariance(bandit, policy, optimal - 0.01)));
        });

        // Monte Carlo: mean of ‖ĝ − ∇J‖² over N draws, with its standard error from the same draws.
        const int draws = 100_000;
        var mean = new double[4];
        ExactBandit.Gradient(bandit, policy, mean);
        var g = new double[4];
        var observation = new double[1];
        var random = new Random(9);
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < draws; i++)
        {
            bandit.Reset(random, observation);
            int a = policy.Sample(observation, random);
            double r = bandit.Step(a, observation).Reward;
            Array.Clear(g);
            policy.AccumulateScore([1.0], a, r - average, g);
            double squared = g.Select((x, k) => (x - mean[k]) * (x - mean[k])).Sum();
            sum += squared;
            sumSquares += squared * squared;
        }

        double estimate = sum / draws, standardError = Math.Sqrt(((sumSquares / draws) - (estimate * estimate)) / draws);
        Assert.That(estimate, Is.EqualTo(ExactBandit.ReinforceVariance(bandit, policy, average)).Within(4 * standardError));
    }

    [Test]
    public void Invalid_tables_and_policies_are_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TabularMdp([0.5, 0.4], [0.0], [1.0], 1, 3), Throws.ArgumentException.With.Property("ParamName").EqualTo("transitions"));
            Assert.That(() => new TabularMdp([1.0], [double.NaN], [1.0], 1, 3), Throws.ArgumentException.With.Property("ParamName").EqualTo("rewards"));
            Assert.That(() => new TabularMdp([1.0], [0.0], [0.9], 1, 3), Throws.ArgumentException.With.Property("ParamName").EqualTo("initial"));
            Assert.That(() => new TabularMdp([1.0], [0.0], [1.0], 1, 3, discount: 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("discount"));
            Assert.That(() => new Bandit([1.0], [-1.0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("standardDeviations"));
            Assert.That(() => ExactMdp.Objective(TabularMdp.Random(3, 2, 4, 1), SoftmaxPolicy.Linear(2, 2, 1)), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
        });
    }

    [Test]
    public void Exact_gradient_tasks_pass_the_environment_checker()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EnvironmentChecker.Check(() => TabularMdp.Random(5, 3, 7, 2, 0.9)).Passed);
            Assert.That(EnvironmentChecker.Check(() => new Bandit([0.0, 1.0], [1.0, 1.0])).Passed);
        });
    }
}

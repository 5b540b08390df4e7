using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Estimators;

/// <summary>
/// Seeded statistical properties of the estimators against the exact gradients of the tabular tasks. A mean of M
/// independent estimates has standard error s/√M per component; "matches" means within 4 of them in every
/// component. Variances are compared with a margin of 4 standard errors of a sample variance, 4·√(2/(M − 1)) relative
/// (its Gaussian approximation).
/// </summary>
[TestFixture]
[Category("Estimators")]
public class EstimatorStatisticsTests
{
    private const int Batches = 3000;

    private static SoftmaxPolicy Policy(int states, int actions)
    {
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(states, actions, seed: 1);
        var random = new Random(2);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = (2 * random.NextDouble()) - 1;
        }

        return policy;
    }

    private static void AssertUnbiased(IReadOnlyList<EstimatorStatistics> results) =>
        Assert.Multiple(() =>
        {
            foreach (EstimatorStatistics r in results)
            {
                Assert.That(r.MaxBiasInStandardErrors, Is.LessThanOrEqualTo(4.0), r.Options.Name);
            }
        });

    private static double VarianceMargin(int batches) => 1 + (4 * Math.Sqrt(2.0 / (batches - 1)));

    /// <summary>With γ = 1 every estimator below is unbiased for ∇J (reward-to-go's γ^{t'−t} and GPOMDP's γᵗ agree).</summary>
    private static readonly EstimatorOptions[] Unbiased =
    [
        new(ReturnKind.Total),
        new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true),
        new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true),
        new(ReturnKind.RewardToGo),
        new(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true),
        new(ReturnKind.RewardToGo, BaselineKind.Optimal, LeaveOneOut: true),
        new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep, LeaveOneOut: true),
    ];

    [Test]
    public void Every_unbiased_estimator_matches_the_exact_gradient_on_a_tabular_mdp()
    {
        TabularMdp mdp = TabularMdp.Random(3, 2, 4, seed: 7);
        SoftmaxPolicy policy = Policy(3, 2);
        var exact = new double[policy.ParameterCount];
        ExactMdp.Gradient(mdp, policy, exact);
        var sampler = new Sampler(() => TabularMdp.Random(3, 2, 4, seed: 7), 2);
        IReadOnlyList<EstimatorStatistics> results = EstimatorAnalysis.Run(sampler, policy, Unbiased, Batches, 4, seed: 1, exact);
        AssertUnbiased(results);
    }

    [Test]
    public void Discounted_total_and_per_step_estimators_are_unbiased_for_the_discounted_objective()
    {
        TabularMdp mdp = TabularMdp.Random(3, 2, 5, seed: 8, discount: 0.8);
        SoftmaxPolicy policy = Policy(3, 2);
        var exact = new double[policy.ParameterCount];
        ExactMdp.Gradient(mdp, policy, exact);
        EstimatorOptions[] estimators =
        [
            new(ReturnKind.Total, Discount: 0.8),
            new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true, Discount: 0.8),
            new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep, LeaveOneOut: true, Discount: 0.8),
        ];
        var sampler = new Sampler(() => TabularMdp.Random(3, 2, 5, seed: 8, discount: 0.8), 2);
        IReadOnlyList<EstimatorStatistics> results = EstimatorAnalysis.Run(sampler, policy, estimators, Batches, 4, seed: 2, exact);
        AssertUnbiased(results);
    }

    [Test]
    public void Unbiased_estimators_match_the_exact_bandit_gradient()
    {
        static Bandit Task() => new([1.0, 0.3, -0.4], [0.5, 1.0, 0.2]);
        Func<TaskEnvironment> task = Task;
        SoftmaxPolicy policy = Policy(1, 3);
        var exact = new double[policy.ParameterCount];
        ExactBandit.Gradient(Task(), policy, exact);
        IReadOnlyList<EstimatorStatistics> results = EstimatorAnalysis.Run(new Sampler(task, 2), policy, Unbiased, Batches, 3, seed: 3, exact);
        AssertUnbiased(results);
    }

    /// <summary>E[(1/N) Σ g_i (R_i − R̄)] = (1 − 1/N) ∇J: the batch-mean baseline's bias is −∇J/N (derivations §12).</summary>
    [TestCase(2)]
    [TestCase(16)]
    public void Batch_mean_baseline_is_biased_by_minus_grad_over_n(int episodes)
    {
        static Bandit Task() => new([3.0, 1.0], [0.5, 0.5]);
        Func<TaskEnvironment> task = Task;
        SoftmaxPolicy policy = Policy(1, 2);
        var exact = new double[policy.ParameterCount];
        ExactBandit.Gradient(Task(), policy, exact);
        double[] shrunk = exact.Select(g => (1 - (1.0 / episodes)) * g).ToArray();
        EstimatorOptions[] estimators = [new(ReturnKind.Total, BaselineKind.Average), new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true)];
        IReadOnlyList<EstimatorStatistics> againstExact = EstimatorAnalysis.Run(new Sampler(task, 2), policy, estimators, Batches, episodes, seed: 4, exact);
        IReadOnlyList<EstimatorStatistics> againstShrunk = EstimatorAnalysis.Run(new Sampler(task, 2), policy, estimators, Batches, episodes, seed: 4, shrunk);
        Assert.Multiple(() =>
        {
            Assert.That(againstShrunk[0].MaxBiasInStandardErrors, Is.LessThanOrEqualTo(4.0), "batch mean ≈ (1 − 1/N)∇J");
            Assert.That(againstExact[1].MaxBiasInStandardErrors, Is.LessThanOrEqualTo(4.0), "leave-one-out ≈ ∇J");
            if (episodes == 2)
            {
                Assert.That(againstExact[0].MaxBiasInStandardErrors, Is.GreaterThan(4.0), "at N = 2 the bias is visible");
            }
            else
            {
                Assert.That(againstExact[0].BiasNorm, Is.LessThan(againstExact[0].MeanGradient.Length * 0.1 * exact.Max(Math.Abs)), "at N = 16 it is small");
            }
        });
    }

    [Test]
    public void Reward_to_go_has_lower_variance_than_total_return_and_the_optimal_baseline_is_lowest()
    {
        TabularMdp mdp = TabularMdp.Random(4, 2, 6, seed: 9);
        SoftmaxPolicy policy = Policy(4, 2);
        EstimatorOptions[] estimators =
        [
            new(ReturnKind.Total),
            new(ReturnKind.RewardToGo),
            new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true),
            new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true),
        ];
        // N = 32: the optimal baseline is estimated from the batch, and its estimation error shrinks as 1/N.
        const int batches = 1000;
        IReadOnlyList<EstimatorStatistics> r = EstimatorAnalysis.Run(new Sampler(() => TabularMdp.Random(4, 2, 6, seed: 9), 2), policy, estimators, batches, 32, seed: 5);
        double margin = VarianceMargin(batches);
        Assert.Multiple(() =>
        {
            Assert.That(r[1].TotalVariance, Is.LessThan(r[0].TotalVariance), "reward-to-go < total");
            Assert.That(r[3].TotalVariance, Is.LessThanOrEqualTo(r[2].TotalVariance * margin), "optimal ≤ average");
            Assert.That(r[3].TotalVariance, Is.LessThanOrEqualTo(r[0].TotalVariance * margin), "optimal ≤ none");
        });
    }

    [Test]
    public void On_cartpole_optimal_is_at_most_average_which_is_below_none()
    {
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(4, 2, seed: 3);
        EstimatorOptions[] estimators =
        [
            new(ReturnKind.Total),
            new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true),
            new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true),
        ];
        const int batches = 400;
        IReadOnlyList<EstimatorStatistics> r = EstimatorAnalysis.Run(new Sampler(() => new CartPole(), 2), policy, estimators, batches, 10, seed: 6);
        Assert.Multiple(() =>
        {
            Assert.That(r[1].TotalVariance, Is.LessThan(r[0].TotalVariance), "average < none (all returns are positive)");
            Assert.That(r[2].TotalVariance, Is.LessThanOrEqualTo(r[1].TotalVariance * VarianceMargin(batches)), "optimal ≤ average");
        });
    }
}

using MathNet.Numerics.Distributions;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Estimators;

/// <summary>
/// The value baseline and GAE against exact gradients and exact V^π on tabular MDPs (derivations §23–§25). "Unbiased"
/// means: the mean of M estimates lies within z standard errors of ∇J in every one of the p coordinates of every
/// estimator checked, z = Φ⁻¹(1 − α/(2·p·E)) at family-wise α = 0.001 (Bonferroni over the p·E comparisons).
/// </summary>
[TestFixture]
[Category("Estimators")]
public class ValueBaselineStatisticsTests
{
    private const int Batches = 3000, Episodes = 4, States = 3, Actions = 2, Horizon = 4;

    private static TabularMdp Mdp() => TabularMdp.Random(States, Actions, Horizon, seed: 7);

    private static SoftmaxPolicy Policy()
    {
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(States, Actions, seed: 1);
        var random = new Random(2);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = (2 * random.NextDouble()) - 1;
        }

        // drawn in the output-major order θ had before it became input-major: the policy derivations §25 tabulates
        PolicyRegistry.FromOutputMajor(policy.Approximator, policy.Parameters[..policy.Approximator.ParameterCount]);
        return policy;
    }

    /// <summary>V_t(s) ~ U(−5, 5), far from V^π (whose values lie in [0, 4]).</summary>
    internal static TabularStateValues ArbitraryValues(int states, int horizon, int seed)
    {
        var random = new Random(seed);
        return new TabularStateValues(Enumerable.Range(0, states * horizon).Select(_ => (10 * random.NextDouble()) - 5).ToArray(), states, "arbitrary V");
    }

    private static EstimatorOptions Value(StateValueFunction v, double lambda) => new(ReturnKind.RewardToGo, BaselineKind.Value, Value: new ValueOptions(lambda, Values: v));

    private static string Label(EstimatorOptions o) => o.Name + (o.Value is { } v ? $" (λ = {v.GaeLambda}, {v.Values?.Name ?? "critic"})" : string.Empty);

    private static double BonferroniZ(int comparisons) => Normal.InvCDF(0, 1, 1 - (0.001 / (2.0 * comparisons)));

    private static (IReadOnlyList<EstimatorStatistics> Results, double Z) Run(EstimatorOptions[] estimators, int seed)
    {
        TabularMdp mdp = Mdp();
        SoftmaxPolicy policy = Policy();
        var exact = new double[policy.ParameterCount];
        ExactMdp.Gradient(mdp, policy, exact);
        IReadOnlyList<EstimatorStatistics> results = EstimatorAnalysis.Run(new Sampler(Mdp, 2), policy, estimators, Batches, Episodes, seed, exact);
        return (results, BonferroniZ(policy.ParameterCount * estimators.Length));
    }

    [Test]
    public void Exact_values_satisfy_the_bellman_equation_and_give_the_objective()
    {
        TabularMdp mdp = TabularMdp.Random(4, 3, 5, seed: 3, discount: 0.9);
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(4, 3, seed: 2);
        policy.Parameters[1] = 0.7;
        double[] v = ExactMdp.Values(mdp, policy);
        var observation = new double[4];
        Assert.Multiple(() =>
        {
            double j = Enumerable.Range(0, 4).Sum(s => mdp.Initial[s] * v[s]);
            Assert.That(j, Is.EqualTo(ExactMdp.Objective(mdp, policy)).Within(1e-12), "J = Σ_s μ₀(s) V₀(s)");
            for (int t = 0; t < 5; t++)
            {
                for (int s = 0; s < 4; s++)
                {
                    observation.AsSpan().Clear();
                    observation[s] = 1;
                    double expected = 0;
                    for (int a = 0; a < 3; a++)
                    {
                        double next = 0;
                        for (int s2 = 0; s2 < 4 && t + 1 < 5; s2++)
                        {
                            next += mdp.Transitions[(((s * 3) + a) * 4) + s2] * v[((t + 1) * 4) + s2];
                        }

                        expected += Math.Exp(policy.LogProbability(observation, [a])) * (mdp.Rewards[(s * 3) + a] + (0.9 * next));
                    }

                    Assert.That(v[(t * 4) + s], Is.EqualTo(expected).Within(1e-12), $"V_{t}({s}) = Σ_a π(a|s)(r(s,a) + γ Σ P V_{t + 1})");
                }
            }
        });
    }

    [Test]
    public void State_baseline_is_unbiased_for_the_exact_and_for_an_arbitrary_value_and_gae_is_unbiased_with_exact_values()
    {
        var exactV = new TabularStateValues(ExactMdp.Values(Mdp(), Policy()), States, "exact V^π");
        TabularStateValues arbitrary = ArbitraryValues(States, Horizon, seed: 11);
        EstimatorOptions[] estimators =
        [
            Value(exactV, 1.0),
            Value(arbitrary, 1.0),
            Value(exactV, 0.5),
            Value(exactV, 0.0),
        ];
        (IReadOnlyList<EstimatorStatistics> results, double z) = Run(estimators, seed: 21);
        Assert.Multiple(() =>
        {
            foreach (EstimatorStatistics r in results)
            {
                Assert.That(r.MaxBiasInStandardErrors, Is.LessThanOrEqualTo(z), Label(r.Options));
            }
        });
    }

    /// <summary>With λ &lt; 1 and V ≠ V^π the advantages keep E[γV(s_{t+1}) − V(s_t)] ≠ what the policy-gradient theorem needs: biased.</summary>
    [Test]
    public void Gae_below_one_is_biased_with_an_arbitrary_value()
    {
        TabularStateValues arbitrary = ArbitraryValues(States, Horizon, seed: 11);
        (IReadOnlyList<EstimatorStatistics> results, double z) = Run([Value(arbitrary, 0.5), Value(arbitrary, 0.0)], seed: 22);
        Assert.Multiple(() =>
        {
            foreach (EstimatorStatistics r in results)
            {
                TestContext.Out.WriteLine($"{Label(r.Options)}: ‖bias‖ = {r.BiasNorm:G3}, max |bias|/SE = {r.MaxBiasInStandardErrors:F1} (z = {z:F2})");
                Assert.That(r.MaxBiasInStandardErrors, Is.GreaterThan(3 * z), Label(r.Options));
            }
        });
    }

    /// <summary>
    /// derivations §25's table: tr Cov ĝ of every baseline at one fixed policy on two MDPs, M = 2000 batches of N = 8,
    /// common random numbers. The exact V^π must beat the batch average (margin: 4 standard errors of a sample
    /// variance, 4·√(2/(M − 1)) relative).
    /// </summary>
    [TestCase(3, 2, 4, 7)]
    [TestCase(4, 2, 6, 9)]
    public void Variance_table_exact_value_baseline_against_average_optimal_and_per_step(int states, int actions, int horizon, int seed)
    {
        Func<TaskEnvironment> task = () => TabularMdp.Random(states, actions, horizon, seed);
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(states, actions, seed: 1);
        var random = new Random(2);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = (2 * random.NextDouble()) - 1;
        }

        var exactV = new TabularStateValues(ExactMdp.Values((TabularMdp)task(), policy), states, "exact V^π");
        EstimatorOptions[] estimators =
        [
            new(ReturnKind.RewardToGo),
            new(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true),
            new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true),
            new(ReturnKind.RewardToGo, BaselineKind.Optimal, LeaveOneOut: true),
            new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep, LeaveOneOut: true),
            Value(exactV, 1.0),
            Value(exactV, 0.5),
            Value(ArbitraryValues(states, horizon, seed: 11), 1.0),
        ];
        const int batches = 2000;
        var exact = new double[policy.ParameterCount];
        ExactMdp.Gradient((TabularMdp)task(), policy, exact);
        IReadOnlyList<EstimatorStatistics> r = EstimatorAnalysis.Run(new Sampler(task, 2), policy, estimators, batches, 8, seed: 31, exact);
        TestContext.Out.WriteLine($"TabularMdp.Random({states}, {actions}, {horizon}, seed: {seed}), N = 8, M = {batches}");
        foreach (EstimatorStatistics e in r)
        {
            TestContext.Out.WriteLine($"| {Label(e.Options)} | {e.TotalVariance:G4} | {e.TotalVariance / r[1].TotalVariance:F3} | {e.MaxBiasInStandardErrors:F1} |");
        }

        Assert.That(r[5].TotalVariance, Is.LessThan(r[1].TotalVariance * (1 + (4 * Math.Sqrt(2.0 / (batches - 1))))), "V^π ≤ average");
    }
}

using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Analysis;

/// <summary>
/// docs/derivations.md §14: the variance an estimate reports about itself, TermVariance / N, runs low when the
/// baseline comes from the same batch (E[reported] = tr Cov ĝ − Σ_k Cov(h₁ₖ, h₂ₖ)), while the variance over independent
/// batches (<see cref="EstimatorStatistics.TotalVariance"/>) is unbiased; and the plug-in optimal baselines are biased
/// at small N.
/// </summary>
[TestFixture]
[Category("Estimators")]
public class EstimatorVarianceRelationTests
{
    private static (Sampler Sampler, Policy Policy, double[] Exact) TabularMdpV0()
    {
        TaskEnvironment task = TaskRegistry.Create("TabularMdp-v0");
        var policy = SoftmaxPolicy.Linear(task.ObservationSize, 3, seed: 1);
        var random = new Random(1);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = random.NextDouble() - 0.5; // the policy of `variance --env TabularMdp-v0 --seed 1`
        }

        var exact = new double[policy.ParameterCount];
        ExactMdp.Gradient((IFiniteMdp)task, policy, exact);
        return (new Sampler(() => TaskRegistry.Create("TabularMdp-v0"), 2), policy, exact);
    }

    /// <summary>
    /// At N = 2 with the batch-mean baseline, h_i = g_i (R_i − R_j)/2 (g_i the summed score, R the returns), the estimate
    /// is (h₁ + h₂)/2 and the reported variance Σ_k (h₁ₖ − h₂ₖ)²/4, whose mean is
    /// ¼ Σ_k (Var h₁ₖ + Var h₂ₖ − 2 Cov(h₁ₖ, h₂ₖ)) = tr Cov ĝ − Σ_k Cov(h₁ₖ, h₂ₖ): checked per batch to rounding (1e-10
    /// relative). With independent terms (no baseline) the covariance is 0, and over M = 4,000 batches the mean reported
    /// variance matches the across-batch one within 10% (the relative standard error of a variance over M heavy-tailed
    /// samples is a few percent).
    /// </summary>
    [Test]
    public void Reported_variance_misses_the_covariance_of_same_batch_terms_and_is_right_without_it()
    {
        (Sampler sampler, Policy policy, _) = TabularMdpV0();
        var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.Total, BaselineKind.Average));
        TrajectoryBatch batch = sampler.CreateBatch();
        int p = policy.ParameterCount;
        var estimate = new double[p];
        for (int m = 0; m < 20; m++)
        {
            sampler.SampleEpisodes(policy, 2, seed: 50 + m, batch);
            double reported = estimator.Estimate(policy, batch, estimate).EstimatorVariance;
            var g = new double[2][];
            var r = new double[2];
            for (int i = 0; i < 2; i++)
            {
                g[i] = new double[p];
                for (int t = batch.EpisodeOffsets[i]; t < batch.EpisodeOffsets[i + 1]; t++)
                {
                    policy.AccumulateScore(batch.Observations.Slice(t * batch.ObservationSize, batch.ObservationSize), batch.Actions.Slice(t, 1), 1.0, g[i]);
                    r[i] += batch.Rewards[t];
                }
            }

            double[] h1 = g[0].Select(x => x * (r[0] - r[1]) / 2).ToArray(), h2 = g[1].Select(x => x * (r[1] - r[0]) / 2).ToArray();
            double expected = h1.Zip(h2, (a, b) => (a - b) * (a - b) / 4).Sum();
            Assert.That(reported, Is.EqualTo(expected).Within(1e-10 * expected), $"batch {m}");
            for (int k = 0; k < p; k++)
            {
                Assert.That(estimate[k], Is.EqualTo((h1[k] + h2[k]) / 2).Within(1e-10 * (Math.Abs(h1[k]) + Math.Abs(h2[k]))), $"batch {m}, θ[{k}]");
            }
        }

        EstimatorOptions[] estimators =
        [
            new(ReturnKind.Total),
            new(ReturnKind.Total, BaselineKind.Average),
            new(ReturnKind.Total, BaselineKind.Average, LeaveOneOut: true),
            new(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true),
            new(ReturnKind.Total, BaselineKind.Optimal, LeaveOneOut: true),
            new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep),
        ];
        IReadOnlyList<EstimatorStatistics> results = EstimatorAnalysis.Run(sampler, policy, estimators, 4000, 2, seed: 1);
        foreach (EstimatorStatistics s in results)
        {
            TestContext.Out.WriteLine($"{s.Options.Name}: reported {s.MeanReportedVariance:G4}, across batches {s.TotalVariance:G4}, ratio {s.MeanReportedVariance / s.TotalVariance:F3}");
        }

        Assert.That(results[0].MeanReportedVariance / results[0].TotalVariance, Is.InRange(0.9, 1.1));
    }

    /// <summary>
    /// The same-batch (plug-in) optimal baselines b_k = Σ x g / Σ g² use trajectory i's own terms, so E[ĝ] ≠ ∇J; the
    /// bias shrinks roughly as 1/N. Over M = 3,000 batches at N = 4 the bias exceeds 5 standard errors for each, and its
    /// norm at N = 16 is below half of that at N = 4.
    /// </summary>
    [Test]
    public void Plug_in_optimal_baselines_are_biased_at_small_n_and_the_bias_shrinks_with_n()
    {
        (Sampler sampler, Policy policy, double[] exact) = TabularMdpV0();
        EstimatorOptions[] estimators =
        [
            new(ReturnKind.Total, BaselineKind.Optimal),
            new(ReturnKind.RewardToGo, BaselineKind.Optimal),
            new(ReturnKind.RewardToGo, BaselineKind.OptimalPerStep),
        ];
        var norms = new Dictionary<int, IReadOnlyList<EstimatorStatistics>>();
        foreach (int n in new[] { 4, 8, 16 })
        {
            norms[n] = EstimatorAnalysis.Run(sampler, policy, estimators, 3000, n, seed: 2, exact);
            foreach (EstimatorStatistics s in norms[n])
            {
                TestContext.Out.WriteLine($"N = {n}: {s.Options.Name}: ‖bias‖ = {s.BiasNorm:F3}, max |bias|_∞ = {s.Bias!.Max(Math.Abs):F3}, max |bias|/SE = {s.MaxBiasInStandardErrors:F1}");
            }
        }

        TestContext.Out.WriteLine($"‖∇J‖ = {Math.Sqrt(exact.Sum(g => g * g)):F3}, |∇J|_∞ = {exact.Max(Math.Abs):F3}");
        Assert.Multiple(() =>
        {
            for (int j = 0; j < estimators.Length; j++)
            {
                Assert.That(norms[4][j].MaxBiasInStandardErrors, Is.GreaterThan(5), estimators[j].Name);
                Assert.That(norms[16][j].BiasNorm, Is.LessThan(0.5 * norms[4][j].BiasNorm!.Value), estimators[j].Name);
            }
        });
    }
}

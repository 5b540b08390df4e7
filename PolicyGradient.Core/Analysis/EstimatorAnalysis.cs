using PolicyGradient.Estimators;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Analysis;

/// <summary>
/// Runs M independent batches of N episodes at a fixed θ and, for each estimator, reports the mean gradient, its
/// standard errors, its bias against an exact gradient when one is given, and the total variance tr Cov ĝ of the
/// estimator (sample covariance over the M estimates). Every estimator sees the same M batches (common random
/// numbers), so differences between them are not sampling noise of the batches. θ is never changed.
/// </summary>
public static class EstimatorAnalysis
{
    /// <summary>Runs the analysis.</summary>
    /// <param name="sampler">Samples the task.</param>
    /// <param name="policy">The fixed policy π_θ.</param>
    /// <param name="estimators">The estimators to compare.</param>
    /// <param name="batches">M ≥ 2.</param>
    /// <param name="episodesPerBatch">N ≥ 1 (≥ 2 for leave-one-out estimators).</param>
    /// <param name="seed">Batch m draws episode i from <see cref="EpisodeRandom"/>(seed·1,000,003 + m, i).</param>
    /// <param name="exactGradient">∇J(θ), when the task provides it, to report the bias.</param>
    /// <exception cref="ArgumentException">M &lt; 2, N &lt; 1, or an exact gradient of the wrong length.</exception>
    public static IReadOnlyList<EstimatorStatistics> Run(Sampler sampler, Policy policy, IReadOnlyList<EstimatorOptions> estimators, int batches, int episodesPerBatch, long seed, ReadOnlySpan<double> exactGradient = default)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(estimators);
        if (batches < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(batches), batches, "Expected at least 2 batches to estimate a variance.");
        }

        ThrowHelper.CheckPositive(episodesPerBatch, nameof(episodesPerBatch));
        if (!exactGradient.IsEmpty)
        {
            ThrowHelper.CheckLength(exactGradient.Length, policy.ParameterCount, nameof(exactGradient), "[policy.ParameterCount]");
        }

        int p = policy.ParameterCount, e = estimators.Count;
        GradientEstimator[] estimatorObjects = estimators.Select(o => new GradientEstimator(o)).ToArray();
        var sums = new double[e][];
        var sumSquares = new double[e][];
        var reported = new double[e];
        for (int j = 0; j < e; j++)
        {
            sums[j] = new double[p];
            sumSquares[j] = new double[p];
        }

        TrajectoryBatch batch = sampler.CreateBatch();
        var estimate = new double[p];
        for (int m = 0; m < batches; m++)
        {
            sampler.SampleEpisodes(policy, episodesPerBatch, unchecked((seed * 1_000_003) + m), batch);
            for (int j = 0; j < e; j++)
            {
                reported[j] += estimatorObjects[j].Estimate(policy, batch, estimate).EstimatorVariance;
                for (int k = 0; k < p; k++)
                {
                    sums[j][k] += estimate[k];
                    sumSquares[j][k] += estimate[k] * estimate[k];
                }
            }
        }

        var results = new EstimatorStatistics[e];
        double[]? exact = exactGradient.IsEmpty ? null : exactGradient.ToArray();
        for (int j = 0; j < e; j++)
        {
            var mean = new double[p];
            var standardError = new double[p];
            double totalVariance = 0;
            for (int k = 0; k < p; k++)
            {
                mean[k] = sums[j][k] / batches;
                double variance = Math.Max(0, (sumSquares[j][k] - (batches * mean[k] * mean[k])) / (batches - 1));
                totalVariance += variance;
                standardError[k] = Math.Sqrt(variance / batches);
            }

            double[]? bias = exact?.Select((x, k) => mean[k] - x).ToArray();
            results[j] = new EstimatorStatistics(estimators[j], mean, standardError, totalVariance, reported[j] / batches, bias);
        }

        return results;
    }
}

/// <summary>What <see cref="EstimatorAnalysis"/> measured for one estimator.</summary>
/// <param name="Options">The estimator.</param>
/// <param name="MeanGradient">ḡ, the mean of the M estimates.</param>
/// <param name="StandardError">Per component, the standard error of ḡ (sample standard deviation / √M).</param>
/// <param name="TotalVariance">tr Cov ĝ, summed sample variances of the M estimates.</param>
/// <param name="MeanReportedVariance">Mean over batches of the variance each estimate reported about itself.</param>
/// <param name="Bias">ḡ − ∇J where the exact gradient was given; null otherwise.</param>
public sealed record EstimatorStatistics(EstimatorOptions Options, double[] MeanGradient, double[] StandardError, double TotalVariance, double MeanReportedVariance, double[]? Bias)
{
    /// <summary>‖ḡ − ∇J‖ where the exact gradient was given; null otherwise.</summary>
    public double? BiasNorm => Bias is null ? null : Math.Sqrt(Bias.Sum(b => b * b));

    /// <summary>max_k |ḡ_k − ∇J_k| / SE_k (components with SE = 0 must match exactly); null without an exact gradient.</summary>
    public double? MaxBiasInStandardErrors => Bias?.Select((b, k) => StandardError[k] > 0 ? Math.Abs(b) / StandardError[k] : (b == 0 ? 0 : double.PositiveInfinity)).Max();
}

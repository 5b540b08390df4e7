using MathNet.Numerics.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Distributions;

/// <summary>
/// The Gaussian with mean μ ∈ ℝᵈ and diagonal covariance diag(σ²), parameterised by log σ so that σ &gt; 0 by
/// construction:
/// <list type="bullet">
/// <item>log π(a) = −½ Σ_j ((a_j − μ_j)/σ_j)² − Σ_j log σ_j − (d/2) log 2π</item>
/// <item>∂ log π/∂μ_j = (a_j − μ_j)/σ_j²</item>
/// <item>∂ log π/∂log σ_j = ((a_j − μ_j)/σ_j)² − 1</item>
/// <item>H = Σ_j log σ_j + (d/2)(1 + log 2π)</item>
/// </list>
/// Policies keep log σ inside [<see cref="LogStdMin"/>, <see cref="LogStdMax"/>], so σ ∈ [2.1e−9, 7.39]
/// never underflows or overflows and σ² stays a normal double.
/// </summary>
public static class DiagonalGaussian
{
    /// <summary>Lower end of the log σ range: σ ≥ e^−20 ≈ 2.06e−9.</summary>
    public const double LogStdMin = -20.0;

    /// <summary>Upper end of the log σ range: σ ≤ e² ≈ 7.39.</summary>
    public const double LogStdMax = 2.0;

    /// <summary>log 2π.</summary>
    public const double LogTwoPi = 1.8378770664093454835606594728112;

    /// <summary>log π(a) for mean μ and log standard deviations log σ, all of length d.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double LogProbability(ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, ReadOnlySpan<double> action)
    {
        CheckShapes(mean, logStd, action);
        double quadratic = 0, logDet = 0;
        for (int j = 0; j < mean.Length; j++)
        {
            double u = (action[j] - mean[j]) * Math.Exp(-logStd[j]); // (a − μ)/σ
            quadratic += u * u;
            logDet += logStd[j];
        }

        return (-0.5 * quadratic) - logDet - (0.5 * mean.Length * LogTwoPi);
    }

    /// <summary>
    /// meanGradient = weight · (a − μ)/σ² and logStdGradient = weight · (((a − μ)/σ)² − 1). Both overwrite.
    /// </summary>
    /// <exception cref="ArgumentException">A length differs from d.</exception>
    public static void LogProbabilityGradient(ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, ReadOnlySpan<double> action, double weight, Span<double> meanGradient, Span<double> logStdGradient)
    {
        CheckShapes(mean, logStd, action);
        ThrowHelper.CheckLength(meanGradient.Length, mean.Length, nameof(meanGradient), "[d]");
        ThrowHelper.CheckLength(logStdGradient.Length, mean.Length, nameof(logStdGradient), "[d]");
        for (int j = 0; j < mean.Length; j++)
        {
            double inverseStd = Math.Exp(-logStd[j]);
            double u = (action[j] - mean[j]) * inverseStd; // (a − μ)/σ
            meanGradient[j] = weight * u * inverseStd;
            logStdGradient[j] = weight * ((u * u) - 1.0);
        }
    }

    /// <summary>Entropy H = Σ_j log σ_j + (d/2)(1 + log 2π), in nats.</summary>
    public static double Entropy(ReadOnlySpan<double> logStd)
    {
        double sum = 0;
        foreach (double s in logStd)
        {
            sum += s;
        }

        return sum + (0.5 * logStd.Length * (1.0 + LogTwoPi));
    }

    /// <summary>a = μ + σ ⊙ ε with ε ~ N(0, I) (MathNet's normal sampler over <paramref name="random"/>).</summary>
    /// <exception cref="ArgumentException">A length differs from d.</exception>
    public static void Sample(ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, Random random, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckShapes(mean, logStd, destination);
        for (int j = 0; j < mean.Length; j++)
        {
            destination[j] = mean[j] + (Math.Exp(logStd[j]) * Normal.Sample(random, 0.0, 1.0));
        }
    }

    /// <summary>Clamps a log standard deviation into [<see cref="LogStdMin"/>, <see cref="LogStdMax"/>].</summary>
    public static double ClampLogStd(double logStd) => Math.Clamp(logStd, LogStdMin, LogStdMax);

    private static void CheckShapes(ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, ReadOnlySpan<double> action)
    {
        ThrowHelper.CheckLength(logStd.Length, mean.Length, nameof(logStd), "[d] = mean.Length");
        ThrowHelper.CheckLength(action.Length, mean.Length, nameof(action), "[d] = mean.Length");
    }
}

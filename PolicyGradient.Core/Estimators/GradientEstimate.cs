namespace PolicyGradient.Estimators;

/// <summary>Diagnostics reported with every gradient estimate.</summary>
/// <param name="Episodes">N, the episodes in the batch.</param>
/// <param name="Steps">Environment steps in the batch.</param>
/// <param name="MeanReturn">Mean undiscounted episode return Σ_t r_t.</param>
/// <param name="MinReturn">Smallest undiscounted episode return.</param>
/// <param name="MaxReturn">Largest undiscounted episode return.</param>
/// <param name="TermVariance">
/// Σ_k sample variance (N − 1 denominator) over trajectories of the per-trajectory terms h_{i,k}, where the
/// estimate is ĝ = (1/N) Σ_i h_i; NaN when N = 1.
/// </param>
public readonly record struct GradientEstimate(int Episodes, int Steps, double MeanReturn, double MinReturn, double MaxReturn, double TermVariance)
{
    /// <summary>The estimated total variance of the estimate itself, tr Cov ĝ ≈ TermVariance / N.</summary>
    public double EstimatorVariance => TermVariance / Episodes;
}

using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace PolicyGradient.Analysis;

/// <summary>
/// A time-varying open-loop Gaussian policy a_t ~ N(μ_t, Σ_a), t = 0 … H−1, that ignores the state: the policy of
/// Tucker et al. (2018)'s LQG study, whose parameters are the means μ_t (one per step). Its score for μ_t is
/// ∇_{μ_t} log π(a_t) = Σ_a⁻¹(a_t − μ_t). Immutable; the analyses read it (<see cref="LqgVarianceDecomposition"/>).
/// </summary>
public sealed class OpenLoopGaussian
{
    private readonly Vector<double>[] _means;
    private readonly Matrix<double> _covariance;

    /// <summary>Creates the policy (copies its arguments).</summary>
    /// <param name="means">μ_0 … μ_{H−1}: H ≥ 1 vectors of one length m ≥ 1, finite.</param>
    /// <param name="covariance">Σ_a: [m, m], symmetric positive definite.</param>
    /// <exception cref="ArgumentException">No steps, means of different lengths or not finite, or Σ_a not [m, m] symmetric positive definite.</exception>
    public OpenLoopGaussian(IReadOnlyList<Vector<double>> means, Matrix<double> covariance)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariance);
        if (means.Count < 1 || means[0] is null || means[0].Count < 1)
        {
            throw new ArgumentException("Expected H ≥ 1 means μ_t, each of length m ≥ 1.", nameof(means));
        }

        int m = means[0].Count;
        for (int t = 0; t < means.Count; t++)
        {
            if (means[t] is null || means[t].Count != m || !means[t].ForAll(double.IsFinite))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected every μ_t of length {m} with finite entries; μ_{t} is not."), nameof(means));
            }
        }

        if (covariance.RowCount != m || covariance.ColumnCount != m || !covariance.ForAll(double.IsFinite)
            || (covariance - covariance.Transpose()).InfinityNorm() > 1e-12 * Math.Max(1.0, covariance.InfinityNorm()))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected Σ_a: [{m}, {m}], symmetric with finite entries, got [{covariance.RowCount}, {covariance.ColumnCount}]."), nameof(covariance));
        }

        if (covariance.Evd(Symmetricity.Symmetric).EigenValues.Real().Minimum() <= 0)
        {
            throw new ArgumentException("Expected a positive definite Σ_a.", nameof(covariance));
        }

        _means = means.Select(v => v.Clone()).ToArray();
        _covariance = covariance.Clone();
    }

    /// <summary>H, the number of steps.</summary>
    public int Steps => _means.Length;

    /// <summary>m, the length of an action.</summary>
    public int ActionSize => _covariance.RowCount;

    /// <summary>Σ_a: [m, m] (a copy).</summary>
    public Matrix<double> Covariance => _covariance.Clone();

    /// <summary>μ_t: [m] (a copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H).</exception>
    public Vector<double> Mean(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Steps);
        return _means[step].Clone();
    }
}

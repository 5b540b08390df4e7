using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace PolicyGradient.Analysis;

/// <summary>
/// A quadratic function f(x) = xᵀPx + pᵀx + c of x ∈ ℝⁿ, P symmetric, closed under the operations the exact
/// linear-quadratic-Gaussian analyses need (docs/derivations.md §28). For a Gaussian noise ν ~ N(0, C):
/// <code>
/// E f(x + ν)   = xᵀPx + pᵀx + c + tr(PC)
/// Var f(x + ν) = (2Px + p)ᵀ C (2Px + p) + 2 tr(PCPC) = xᵀ(4PCP)x + (4PCp)ᵀx + pᵀCp + 2 tr(PCPC)
/// f(Hx + h)    = xᵀ(HᵀPH)x + (Hᵀ(2Ph + p))ᵀx + hᵀPh + pᵀh + c
/// </code>
/// each again a quadratic in x. Immutable.
/// </summary>
public sealed class QuadraticFunction
{
    private readonly Matrix<double> _p;
    private readonly Vector<double> _linear;

    /// <summary>Creates f(x) = xᵀPx + pᵀx + c (P and p copied).</summary>
    /// <param name="quadratic">P: [n, n], symmetric to 1e-9 of its largest entry, finite; n ≥ 1.</param>
    /// <param name="linear">p: [n], finite.</param>
    /// <param name="constant">c, finite.</param>
    /// <exception cref="ArgumentException">A shape is wrong, a value is not finite, or P is not symmetric.</exception>
    public QuadraticFunction(Matrix<double> quadratic, Vector<double> linear, double constant)
    {
        ArgumentNullException.ThrowIfNull(quadratic);
        ArgumentNullException.ThrowIfNull(linear);
        int n = quadratic.RowCount;
        if (n < 1 || quadratic.ColumnCount != n || !quadratic.ForAll(double.IsFinite))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected P: [n, n] with n ≥ 1 and finite entries, got [{quadratic.RowCount}, {quadratic.ColumnCount}]."), nameof(quadratic));
        }

        if ((quadratic - quadratic.Transpose()).InfinityNorm() > 1e-9 * Math.Max(1.0, quadratic.InfinityNorm()))
        {
            throw new ArgumentException("Expected a symmetric P.", nameof(quadratic));
        }

        if (linear.Count != n || !linear.ForAll(double.IsFinite))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected p: [{n}] with finite entries, got length {linear.Count}."), nameof(linear));
        }

        if (!double.IsFinite(constant))
        {
            throw new ArgumentOutOfRangeException(nameof(constant), constant, "Expected a finite constant c.");
        }

        _p = 0.5 * (quadratic + quadratic.Transpose());
        _linear = linear.Clone();
        Constant = constant;
    }

    /// <summary>n, the length of x.</summary>
    public int Dimension => _linear.Count;

    /// <summary>P: [n, n] (a copy).</summary>
    public Matrix<double> Quadratic => _p.Clone();

    /// <summary>p: [n] (a copy).</summary>
    public Vector<double> Linear => _linear.Clone();

    /// <summary>c.</summary>
    public double Constant { get; }

    /// <summary>The zero function of x ∈ ℝⁿ.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static QuadraticFunction Zero(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return new QuadraticFunction(Matrix<double>.Build.Dense(dimension, dimension), Vector<double>.Build.Dense(dimension), 0);
    }

    /// <summary>f(x).</summary>
    /// <exception cref="ArgumentException">x is not of length n.</exception>
    public double Evaluate(Vector<double> x)
    {
        CheckVector(x, Dimension, nameof(x));
        return x.DotProduct(_p * x) + _linear.DotProduct(x) + Constant;
    }

    /// <summary>f + g.</summary>
    /// <exception cref="ArgumentException">g is over another dimension.</exception>
    public QuadraticFunction Add(QuadraticFunction other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckDimension(other.Dimension, nameof(other));
        return new QuadraticFunction(_p + other._p, _linear + other._linear, Constant + other.Constant);
    }

    /// <summary>α f.</summary>
    /// <exception cref="ArgumentOutOfRangeException">α is not finite.</exception>
    public QuadraticFunction Scale(double factor)
    {
        if (!double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Expected a finite factor.");
        }

        return new QuadraticFunction(factor * _p, factor * _linear, factor * Constant);
    }

    /// <summary>x ↦ f(Hx + h), a quadratic in x ∈ ℝᵏ.</summary>
    /// <param name="map">H: [n, k], k ≥ 1.</param>
    /// <param name="offset">h: [n].</param>
    /// <exception cref="ArgumentException">A shape is wrong.</exception>
    public QuadraticFunction Substitute(Matrix<double> map, Vector<double> offset)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.RowCount != Dimension || map.ColumnCount < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected H: [{Dimension}, k] with k ≥ 1, got [{map.RowCount}, {map.ColumnCount}]."), nameof(map));
        }

        CheckVector(offset, Dimension, nameof(offset));
        Vector<double> ph = _p * offset;
        return new QuadraticFunction(map.TransposeThisAndMultiply(_p * map), map.TransposeThisAndMultiply((2 * ph) + _linear), offset.DotProduct(ph) + _linear.DotProduct(offset) + Constant);
    }

    /// <summary>x ↦ E f(x + ν), ν ~ N(0, C): P, p unchanged, c + tr(PC).</summary>
    /// <param name="covariance">C: [n, n] (symmetric positive semi-definite; not checked beyond its shape).</param>
    /// <exception cref="ArgumentException">C is not [n, n].</exception>
    public QuadraticFunction MeanUnderNoise(Matrix<double> covariance)
    {
        CheckCovariance(covariance);
        return new QuadraticFunction(_p, _linear, Constant + (_p * covariance).Trace());
    }

    /// <summary>x ↦ Var f(x + ν), ν ~ N(0, C): 4PCP, 4PCp, pᵀCp + 2 tr(PCPC).</summary>
    /// <param name="covariance">C: [n, n] (symmetric positive semi-definite; not checked beyond its shape).</param>
    /// <exception cref="ArgumentException">C is not [n, n].</exception>
    public QuadraticFunction VarianceUnderNoise(Matrix<double> covariance)
    {
        CheckCovariance(covariance);
        Matrix<double> pc = _p * covariance;
        return new QuadraticFunction(4 * pc * _p, 4 * (pc * _linear), _linear.DotProduct(covariance * _linear) + (2 * (pc * pc).Trace()));
    }

    /// <summary>E f(x) for x ~ N(m, S).</summary>
    /// <exception cref="ArgumentException">m is not [n] or S not [n, n].</exception>
    public double Mean(Vector<double> mean, Matrix<double> covariance) => MeanUnderNoise(covariance).Evaluate(mean);

    /// <summary>Var f(x) for x ~ N(m, S).</summary>
    /// <exception cref="ArgumentException">m is not [n] or S not [n, n].</exception>
    public double Variance(Vector<double> mean, Matrix<double> covariance) => VarianceUnderNoise(covariance).Evaluate(mean);

    private void CheckCovariance(Matrix<double> covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        if (covariance.RowCount != Dimension || covariance.ColumnCount != Dimension || !covariance.ForAll(double.IsFinite))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected C: [{Dimension}, {Dimension}] with finite entries, got [{covariance.RowCount}, {covariance.ColumnCount}]."), nameof(covariance));
        }
    }

    private void CheckDimension(int dimension, string paramName)
    {
        if (dimension != Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a quadratic over [{Dimension}], got [{dimension}]."), paramName);
        }
    }

    private static void CheckVector(Vector<double> vector, int length, string paramName)
    {
        ArgumentNullException.ThrowIfNull(vector, paramName);
        if (vector.Count != length || !vector.ForAll(double.IsFinite))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected [{length}] with finite entries, got length {vector.Count}."), paramName);
        }
    }
}

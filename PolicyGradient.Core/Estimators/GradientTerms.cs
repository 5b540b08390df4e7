using System.Globalization;

namespace PolicyGradient.Estimators;

/// <summary>
/// The per-trajectory terms h_i of an estimate ĝ = (1/N) Σ_i h_i, kept as running sums Σ_i h_i and Σ_i h_i² (per
/// coordinate), from which the estimate and the sample variance of the terms follow. A term that is not finite is
/// refused with an <see cref="OverflowException"/>, so no estimator writes NaN silently.
/// </summary>
public sealed class GradientTerms
{
    private double[] _sum = [], _sumSquares = [];

    /// <summary>p, the length of every term.</summary>
    public int Length { get; private set; }

    /// <summary>Terms added since <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one trajectory's term h_i: [p].</summary>
    /// <exception cref="ArgumentException">Wrong length.</exception>
    /// <exception cref="OverflowException">A value, or the running sum, is NaN or infinite (returns or scores too large to represent).</exception>
    public void Add(ReadOnlySpan<double> term)
    {
        if (term.Length != Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a term of length {Length}, got {term.Length}."), nameof(term));
        }

        for (int k = 0; k < term.Length; k++)
        {
            if (!double.IsFinite(term[k]))
            {
                throw new OverflowException(string.Create(CultureInfo.InvariantCulture, $"The gradient term of trajectory {Count} is {term[k]} at coordinate {k}: the returns or scores are too large to represent."));
            }
        }

        for (int k = 0; k < term.Length; k++)
        {
            _sum[k] += term[k];
            _sumSquares[k] += term[k] * term[k];
            if (!double.IsFinite(_sum[k]))
            {
                throw new OverflowException(string.Create(CultureInfo.InvariantCulture, $"The sum of the gradient terms overflowed at coordinate {k} after trajectory {Count}: the returns or scores are too large to represent."));
            }
        }

        Count++;
    }

    /// <summary>Clears the sums for terms of length <paramref name="length"/>.</summary>
    internal void Reset(int length)
    {
        if (_sum.Length < length)
        {
            _sum = new double[length];
            _sumSquares = new double[length];
        }

        Length = length;
        Count = 0;
        _sum.AsSpan(0, length).Clear();
        _sumSquares.AsSpan(0, length).Clear();
    }

    /// <summary>ĝ = (1/N) Σ_i h_i into <paramref name="destination"/>.</summary>
    internal void Mean(Span<double> destination)
    {
        for (int k = 0; k < Length; k++)
        {
            destination[k] = _sum[k] / Count;
        }
    }

    /// <summary>Σ_k of the sample variance (N − 1 denominator) of h_{i,k}; NaN when N &lt; 2.</summary>
    internal double TotalVariance()
    {
        if (Count < 2)
        {
            return double.NaN;
        }

        double variance = 0;
        for (int k = 0; k < Length; k++)
        {
            double mean = _sum[k] / Count;
            variance += Math.Max(0, (_sumSquares[k] - (Count * mean * mean)) / (Count - 1));
        }

        return variance;
    }
}

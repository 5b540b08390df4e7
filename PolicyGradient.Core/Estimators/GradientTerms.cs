using System.Globalization;

namespace PolicyGradient.Estimators;

/// <summary>
/// The per-trajectory terms h_i of an estimate ĝ = (1/N) Σ_i h_i, kept as running sums Σ_i h_i and Σ_i h_i² (per
/// coordinate), from which the estimate and the sample variance of the terms follow. A term that is not finite is
/// refused with an <see cref="OverflowException"/>, so no estimator writes NaN silently.
/// </summary>
public sealed class GradientTerms
{
    private double[] _sum = [], _sumSquares = [], _bonusTerm = [], _bonusWeights = [];
    private EstimationContext? _context;
    private double _entropyBonus;

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

        if (_context is not null)
        {
            term = WithEntropyBonus(term);
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

    /// <summary>
    /// Clears the sums for terms of length <paramref name="length"/>; with β &gt; 0, every term h_i added gains
    /// β Σ_t ∇_θ H(π(·|s_{i,t})) over episode i (the Count-th) of <paramref name="context"/>'s batch.
    /// </summary>
    internal void Reset(int length, EstimationContext? context = null, double entropyBonus = 0)
    {
        (_context, _entropyBonus) = entropyBonus > 0 ? (context, entropyBonus) : (null, 0);
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

    // h_i + β Σ_{t ∈ episode i} ∇_θ H(π(·|s_{i,t})), in a buffer of this object
    private ReadOnlySpan<double> WithEntropyBonus(ReadOnlySpan<double> term)
    {
        EstimationContext context = _context!;
        if (Count >= context.Episodes)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"More terms than the batch's {context.Episodes} episodes."));
        }

        int start = context.Batch.EpisodeOffsets[Count], steps = context.Batch.EpisodeLength(Count);
        if (_bonusTerm.Length < Length)
        {
            _bonusTerm = new double[Length];
        }

        if (_bonusWeights.Length < steps)
        {
            _bonusWeights = new double[Math.Max(steps, 2 * _bonusWeights.Length)];
        }

        Span<double> h = _bonusTerm.AsSpan(0, Length), weights = _bonusWeights.AsSpan(0, steps);
        weights.Fill(_entropyBonus);
        term.CopyTo(h);
        context.AccumulateEntropyGradients(start, steps, weights, h);
        return h;
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

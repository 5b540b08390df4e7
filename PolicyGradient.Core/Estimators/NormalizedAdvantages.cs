namespace PolicyGradient.Estimators;

/// <summary>
/// Another scalar baseline's advantages normalised to mean 0 and standard deviation 1 over all steps of the batch:
/// A′ = (A − mean A)/std A. A spread std A ≤ <see cref="SpreadTolerance"/> · max_t |A_t| is zero spread (every
/// advantage is then mathematically equal, and what differs is rounding), and gives A′ = 0.
/// </summary>
/// <param name="inner">The baseline whose advantages are normalised.</param>
public sealed class NormalizedAdvantages(ScalarBaseline inner) : ScalarBaseline(inner?.LeaveOneOut ?? false)
{
    /// <summary>The relative spread below which advantages count as all equal: 1e−12 of the largest |A|.</summary>
    public const double SpreadTolerance = 1e-12;

    /// <summary>The baseline whose advantages are normalised.</summary>
    public ScalarBaseline Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public override string Name => Inner.Name + " (normalised)";

    /// <inheritdoc/>
    public override Critic? Critic => Inner.Critic;

    /// <inheritdoc/>
    public override void Advantages(EstimationContext context, Span<double> advantages)
    {
        Inner.Advantages(context, advantages);
        double sum = 0, largest = 0;
        foreach (double v in advantages)
        {
            sum += v;
            largest = Math.Max(largest, Math.Abs(v));
        }

        double mean = sum / advantages.Length, squares = 0;
        foreach (double v in advantages)
        {
            squares += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(squares / advantages.Length);
        if (!(std > SpreadTolerance * largest))
        {
            advantages.Clear();
            return;
        }

        for (int t = 0; t < advantages.Length; t++)
        {
            advantages[t] = (advantages[t] - mean) / std;
        }
    }

    /// <inheritdoc/>
    public override void Update(EstimationContext context) => Inner.Update(context);
}

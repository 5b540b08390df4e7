namespace PolicyGradient.Estimators;

/// <summary>
/// A baseline that yields one scalar advantage per step, A_{i,t} = v_{i,t} − b_{i,t}, and so the terms
/// h_i = Σ_t ∇log π(a_{i,t}|s_{i,t}) A_{i,t}, each computed with one batched score call per episode. Only scalar
/// advantages have a pseudo-loss (<see cref="GradientEstimator.PseudoLoss"/>) and can be normalised.
/// </summary>
public abstract class ScalarBaseline : Baseline
{
    /// <summary>Sets whether trajectory i is left out of its own baseline.</summary>
    protected ScalarBaseline(bool leaveOneOut = false)
        : base(leaveOneOut)
    {
    }

    private double[] _advantages = [], _term = [];

    /// <summary>Writes A_{i,t} for every step of the batch: [StepCount].</summary>
    public abstract void Advantages(EstimationContext context, Span<double> advantages);

    /// <inheritdoc/>
    public sealed override void AddTerms(EstimationContext context, GradientTerms terms)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(terms);
        Span<double> a = Buffer(ref _advantages, context.Batch.StepCount);
        Advantages(context, a);
        Span<double> h = Buffer(ref _term, context.ParameterCount);
        ReadOnlySpan<int> offsets = context.Batch.EpisodeOffsets;
        for (int i = 0; i < context.Episodes; i++)
        {
            h.Clear();
            context.AccumulateScores(offsets[i], offsets[i + 1] - offsets[i], a[offsets[i]..offsets[i + 1]], h); // h_i = Σ_t ∇log π A_{i,t}
            terms.Add(h);
        }
    }

    /// <summary>A buffer of at least <paramref name="length"/> doubles, kept between calls; the first <paramref name="length"/>.</summary>
    private protected static Span<double> Buffer(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[Math.Max(length, 2 * buffer.Length)];
        }

        return buffer.AsSpan(0, length);
    }
}

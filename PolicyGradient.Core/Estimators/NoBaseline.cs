namespace PolicyGradient.Estimators;

/// <summary>No baseline: A_{i,t} = v_{i,t}, the lecture's plain REINFORCE (Total) or reward-to-go estimator.</summary>
public sealed class NoBaseline : ScalarBaseline
{
    /// <inheritdoc/>
    public override string Name => "none";

    /// <inheritdoc/>
    public override void Advantages(EstimationContext context, Span<double> advantages)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Values.CopyTo(advantages);
    }
}

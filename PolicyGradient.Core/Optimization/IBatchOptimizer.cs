using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Optimization;

/// <summary>
/// An optimiser whose step depends on the batch as well as on the gradient (the natural gradient's Fisher matrix).
/// The trainer calls <see cref="Observe"/> with the policy and the batch the gradient was estimated from, then
/// <see cref="Optimizer.Step"/>.
/// </summary>
public interface IBatchOptimizer
{
    /// <summary>Reads what the next step needs from <paramref name="batch"/>, sampled from <paramref name="policy"/> at its current θ.</summary>
    /// <exception cref="ArgumentException">The batch is empty or does not fit the policy.</exception>
    void Observe(Policy policy, TrajectoryBatch batch);
}

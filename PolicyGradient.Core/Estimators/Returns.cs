using PolicyGradient.Numerics;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// Returns of sampled episodes. Truncated episodes are cut at the time limit: their returns simply stop there (no
/// bootstrapping from a value estimate), so for them Q̂ underestimates the true return-to-go near the cut.
/// </summary>
public static class Returns
{
    /// <summary>r(τ_i) = Σ_t γᵗ r_{i,t} for every episode into <paramref name="destination"/>: [EpisodeCount].</summary>
    /// <exception cref="ArgumentException">Empty batch, non-finite rewards, γ outside [0, 1], or a wrong length.</exception>
    public static void Total(TrajectoryBatch batch, double discount, Span<double> destination)
    {
        Check(batch, discount);
        ThrowHelper.CheckLength(destination.Length, batch.EpisodeCount, nameof(destination), "[EpisodeCount]");
        ReadOnlySpan<int> offsets = batch.EpisodeOffsets;
        ReadOnlySpan<double> rewards = batch.Rewards;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            double sum = 0, power = 1;
            for (int t = offsets[i]; t < offsets[i + 1]; t++)
            {
                sum += power * rewards[t];
                power *= discount;
            }

            destination[i] = sum;
        }
    }

    /// <summary>Q̂_{i,t} = Σ_{t'≥t} γ^{t'−t} r_{i,t'} for every step into <paramref name="destination"/>: [StepCount].</summary>
    /// <exception cref="ArgumentException">Empty batch, non-finite rewards, γ outside [0, 1], or a wrong length.</exception>
    public static void RewardToGo(TrajectoryBatch batch, double discount, Span<double> destination)
    {
        Check(batch, discount);
        ThrowHelper.CheckLength(destination.Length, batch.StepCount, nameof(destination), "[StepCount]");
        ReadOnlySpan<int> offsets = batch.EpisodeOffsets;
        ReadOnlySpan<double> rewards = batch.Rewards;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            double next = 0;
            for (int t = offsets[i + 1] - 1; t >= offsets[i]; t--)
            {
                next = rewards[t] + (discount * next); // Q̂_t = r_t + γ Q̂_{t+1}
                destination[t] = next;
            }
        }
    }

    internal static void Check(TrajectoryBatch batch, double discount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.EpisodeCount == 0)
        {
            throw new ArgumentException("The batch holds no episodes.", nameof(batch));
        }

        if (!(discount >= 0 && discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount, "Expected a discount γ in [0, 1].");
        }

        ThrowHelper.CheckFinite(batch.Rewards, nameof(batch)); // "found NaN at index t" of the rewards
    }
}

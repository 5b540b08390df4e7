using System.Numerics.Tensors;
using PolicyGradient.Numerics;

namespace PolicyGradient.Distributions;

/// <summary>
/// The categorical distribution over A actions parameterised by logits z (the softmax head):
/// π(a) = exp(z_a) / Σ_b exp(z_b).
/// <list type="bullet">
/// <item>log π(a) = z_a − logsumexp(z)</item>
/// <item>∂ log π(a)/∂z = onehot(a) − softmax(z)</item>
/// <item>H = logsumexp(z) − Σ_b π(b) z_b</item>
/// </list>
/// Every formula is max-shifted, so logits of any finite size give finite results.
/// </summary>
public static class Categorical
{
    /// <summary>log π(a) = z_a − logsumexp(z).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="action"/> is not in [0, A).</exception>
    public static double LogProbability(ReadOnlySpan<double> logits, int action)
    {
        ThrowHelper.CheckIndex(action, logits.Length, nameof(action));
        return logits[action] - Kernels.LogSumExp(logits);
    }

    /// <summary>
    /// destination = weight · ∂ log π(a)/∂z = weight · (onehot(a) − softmax(z)). Overwrites
    /// <paramref name="destination"/>: [A].
    /// </summary>
    /// <exception cref="ArgumentException">A length or the action is out of range.</exception>
    public static void LogProbabilityGradient(ReadOnlySpan<double> logits, int action, double weight, Span<double> destination)
    {
        ThrowHelper.CheckIndex(action, logits.Length, nameof(action));
        Kernels.Softmax(logits, destination);
        TensorPrimitives.Multiply(destination, -weight, destination);
        destination[action] += weight;
    }

    /// <summary>
    /// Row by row over B rows: destination[r] = weights[r] · (onehot(actions[r]) − softmax(logits[r])).
    /// logits, destination: [B, A]; actions, weights: [B]. The exponentials of the whole block are taken in
    /// one vectorised pass. <paramref name="destination"/> may be <paramref name="logits"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A shape does not match, or an action is out of range.</exception>
    public static void LogProbabilityGradientBatched(int actionCount, ReadOnlySpan<double> logits, ReadOnlySpan<int> actions, ReadOnlySpan<double> weights, Span<double> destination)
    {
        ThrowHelper.CheckPositive(actionCount, nameof(actionCount));
        int batch = actions.Length;
        ThrowHelper.CheckLength(logits.Length, batch * actionCount, nameof(logits), "[B, A]");
        ThrowHelper.CheckLength(weights.Length, batch, nameof(weights), "[B] = actions.Length");
        ThrowHelper.CheckLength(destination.Length, batch * actionCount, nameof(destination), "[B, A]");
        for (int r = 0; r < batch; r++)
        {
            ThrowHelper.CheckIndex(actions[r], actionCount, nameof(actions));
        }

        // destination[r] = z[r] − max z[r]   (every entry ≤ 0, the largest exactly 0)
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> z = logits.Slice(r * actionCount, actionCount);
            TensorPrimitives.Subtract(z, TensorPrimitives.Max(z), destination.Slice(r * actionCount, actionCount));
        }

        TensorPrimitives.Exp(destination, destination); // [B, A] in one pass
        for (int r = 0; r < batch; r++)
        {
            Span<double> p = destination.Slice(r * actionCount, actionCount);
            double w = weights[r];
            TensorPrimitives.Multiply(p, -w / TensorPrimitives.Sum(p), p);
            p[actions[r]] += w;
        }
    }

    /// <summary>Entropy H = −Σ_a π(a) log π(a) = logsumexp(z) − Σ_a π(a) z_a, in nats.</summary>
    public static double Entropy(ReadOnlySpan<double> logits)
    {
        double lse = Kernels.LogSumExp(logits);
        double expected = 0;
        foreach (double z in logits)
        {
            expected += Math.Exp(z - lse) * z;
        }

        return lse - expected;
    }

    /// <summary>
    /// Draws a ~ π by inverting the cumulative distribution of the max-shifted weights exp(z_a − max z) against
    /// one uniform draw; allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    public static int Sample(ReadOnlySpan<double> logits, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (logits.IsEmpty)
        {
            throw new ArgumentException("Expected at least one logit.", nameof(logits));
        }

        double max = TensorPrimitives.Max(logits);
        double total = 0;
        foreach (double z in logits)
        {
            total += Math.Exp(z - max);
        }

        double u = random.NextDouble() * total;
        double cumulative = 0;
        for (int a = 0; a < logits.Length - 1; a++)
        {
            cumulative += Math.Exp(logits[a] - max);
            if (u < cumulative)
            {
                return a;
            }
        }

        return logits.Length - 1;
    }

    /// <summary>The most probable action, argmax_a z_a (the lowest index on ties).</summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    public static int Mode(ReadOnlySpan<double> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("Expected at least one logit.", nameof(logits));
        }

        return TensorPrimitives.IndexOfMax(logits);
    }
}

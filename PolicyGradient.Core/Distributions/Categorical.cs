using System.Buffers;
using System.Numerics.Tensors;
using PolicyGradient.Numerics;

namespace PolicyGradient.Distributions;

/// <summary>
/// The softmax head: the categorical distribution over A actions parameterised by logits z = f ∈ ℝᴬ,
/// π(a) = exp(z_a) / Σ_b exp(z_b). An action row is one double holding the index a.
/// <list type="bullet">
/// <item>log π(a) = z_a − logsumexp(z)</item>
/// <item>∂ log π(a)/∂z = onehot(a) − softmax(z)</item>
/// <item>H = logsumexp(z) − Σ_b π(b) z_b</item>
/// <item>∂H/∂z_k = −π_k (log π_k + H)</item>
/// </list>
/// Every formula is max-shifted, so logits of any finite size give finite results. No head parameters.
/// </summary>
public sealed class Categorical : DistributionHead
{
    /// <summary>Creates the head over <paramref name="actionCount"/> actions.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="actionCount"/> ≤ 0.</exception>
    public Categorical(int actionCount)
        : base(actionCount, ActionSpace.Discrete(actionCount))
    {
    }

    /// <inheritdoc/>
    public override string Name => "softmax";

    /// <summary>log π(a) = z_a − logsumexp(z).</summary>
    public static double LogProbability(ReadOnlySpan<double> logits, int action) => logits[action] - Kernels.LogSumExp(logits);

    /// <summary>Entropy H = −Σ_a π(a) log π(a) = logsumexp(z) − Σ_a π(a) z_a, in nats.</summary>
    public static double Entropy(ReadOnlySpan<double> logits)
    {
        double lse = Kernels.LogSumExp(logits);
        double expected = 0;
        foreach (double z in logits)
        {
            expected += DeterministicMath.Exp(z - lse) * z;
        }

        return lse - expected;
    }

    /// <summary>
    /// Draws a ~ π by inverting the cumulative distribution of the max-shifted weights exp(z_a − max z) against
    /// one uniform draw; allocates nothing in steady state.
    /// </summary>
    public static int Sample(ReadOnlySpan<double> logits, Random random) => Sample(logits, random, out _);

    // The draw above, and log π(a) from the same weights: z_a − (max z + ln Σ_b w_b) with the sum in the order of
    // Kernels.LogSumExp, so the bits of LogProbability(logits, a) with one set of exponentials instead of two.
    private static int Sample(ReadOnlySpan<double> logits, Random random, out double logProbability)
    {
        const int OnStack = 16;
        if (logits.Length <= OnStack)
        {
            Span<double> weights = stackalloc double[OnStack];
            return Sample(logits, random, weights[..logits.Length], out logProbability);
        }

        double[] rented = ArrayPool<double>.Shared.Rent(logits.Length);
        try
        {
            return Sample(logits, random, rented.AsSpan(0, logits.Length), out logProbability);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    // weights: [A], scratch for w_b = exp(z_b − max z).
    private static int Sample(ReadOnlySpan<double> logits, Random random, Span<double> weights, out double logProbability)
    {
        double max = ShiftedLogits(logits, weights);
        Kernels.Exp(weights, weights);
        int a = Draw(weights, random);
        logProbability = LogProbability(logits, a, max, DeterministicMath.Log(Kernels.Sum(weights)));
        return a;
    }

    /// <summary>
    /// Row by row as <see cref="Sample(ReadOnlySpan{double}, Random)"/> on each row with its generator (the same bits),
    /// with the exponentials of the whole block taken in one vectorised pass of the deterministic exp and the
    /// logarithms of the rows' sums in another.
    /// </summary>
    protected internal override void SampleRows(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<Random> randoms, Span<double> actions, Span<double> logProbabilities, Span<double> scratch, Span<double> rowScratch)
    {
        int a = InputSize, batch = randoms.Length;
        Span<double> weights = scratch[..(batch * a)], logSums = rowScratch[..batch]; // weights: [B, A]
        for (int r = 0; r < batch; r++)
        {
            ShiftedLogits(f.Slice(r * a, a), weights.Slice(r * a, a));
        }

        Kernels.Exp(weights, weights);
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> w = weights.Slice(r * a, a);
            actions[r] = Draw(w, randoms[r]);
            logSums[r] = Kernels.Sum(w);
        }

        Kernels.Log(logSums, logSums);
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> z = f.Slice(r * a, a);
            logProbabilities[r] = LogProbability(z, (int)actions[r], Max(z), logSums[r]);
        }
    }

    // shifted_b = z_b − max z (every entry ≤ 0, the largest exactly 0); returns max z.
    private static double ShiftedLogits(ReadOnlySpan<double> logits, Span<double> shifted)
    {
        double max = Max(logits);
        for (int b = 0; b < logits.Length; b++)
        {
            shifted[b] = logits[b] - max;
        }

        return max;
    }

    // Inverts the cumulative distribution of the weights against one uniform draw u·Σ_b w_b (sums in index order).
    private static int Draw(ReadOnlySpan<double> weights, Random random)
    {
        double total = 0;
        foreach (double w in weights)
        {
            total += w;
        }

        double u = random.NextDouble() * total, cumulative = 0;
        for (int b = 0; b < weights.Length - 1; b++)
        {
            cumulative += weights[b];
            if (u < cumulative)
            {
                return b;
            }
        }

        return weights.Length - 1;
    }

    // log π(a) = z_a − (max z + ln Σ_b w_b) from the ln of the weights' sum (in the order of Kernels.LogSumExp), so
    // the bits of LogProbability(logits, a); that formula itself when max z is not finite.
    private static double LogProbability(ReadOnlySpan<double> logits, int a, double max, double logSum) =>
        double.IsFinite(max) ? logits[a] - (max + logSum) : LogProbability(logits, a);

    /// <summary>max_a z_a.</summary>
    private static double Max(ReadOnlySpan<double> z)
    {
        double max = z[0];
        for (int a = 1; a < z.Length; a++)
        {
            max = Math.Max(max, z[a]);
        }

        return max;
    }

    /// <summary>The most probable action, argmax_a z_a (the lowest index on ties).</summary>
    public static int Mode(ReadOnlySpan<double> logits) => TensorPrimitives.IndexOfMax(logits);

    /// <inheritdoc/>
    protected internal override double LogProbability(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action) =>
        LogProbability(f, (int)action[0]);

    /// <inheritdoc/>
    protected internal override double Sample(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Random random, Span<double> action)
    {
        action[0] = Sample(f, random, out double logProbability);
        return logProbability;
    }

    /// <summary>The greedy action argmax_a z_a.</summary>
    protected internal override void Mode(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> action) => action[0] = Mode(f);

    /// <summary>mean = Σ_a a π(a), variance = Σ_a (a − mean)² π(a), of the index a.</summary>
    protected internal override void Moments(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> mean, Span<double> variance)
    {
        double lse = Kernels.LogSumExp(f), m = 0, v = 0;
        for (int a = 0; a < f.Length; a++)
        {
            m += a * DeterministicMath.Exp(f[a] - lse);
        }

        for (int a = 0; a < f.Length; a++)
        {
            v += (a - m) * (a - m) * DeterministicMath.Exp(f[a] - lse);
        }

        (mean[0], variance[0]) = (m, v);
    }

    /// <inheritdoc/>
    protected internal override double Entropy(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters) => Entropy(f);

    /// <summary>fGradient = w · (onehot(a) − softmax(z)): the batched pass with one row.</summary>
    protected internal override void LogProbabilityGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action, double weight, Span<double> fGradient, Span<double> parameterGradient) =>
        LogProbabilityGradients(f, parameters, action, new ReadOnlySpan<double>(in weight), fGradient, parameterGradient);

    /// <summary>fGradient_k = −w π_k (log π_k + H), with log π_k = z_k − logsumexp(z).</summary>
    protected internal override void EntropyGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, double weight, Span<double> fGradient, Span<double> parameterGradient)
    {
        double lse = Kernels.LogSumExp(f), entropy = Entropy(f);
        for (int k = 0; k < f.Length; k++)
        {
            double logPi = f[k] - lse;
            fGradient[k] = -weight * DeterministicMath.Exp(logPi) * (logPi + entropy);
        }
    }

    /// <summary>
    /// Row by row over B rows: fGradients[r] = w_r (onehot(a_r) − softmax(z_r)), the exponentials of the whole block
    /// taken in one vectorised pass of the deterministic exp (the same bits at every register width), each row's sum
    /// in index order.
    /// </summary>
    protected internal override void LogProbabilityGradients(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights, Span<double> fGradients, Span<double> parameterGradient)
    {
        int a = InputSize, batch = weights.Length;

        // fGradients[r] = z[r] − max z[r]   (every entry ≤ 0, the largest exactly 0)
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> z = f.Slice(r * a, a);
            double max = Max(z);
            for (int k = 0; k < a; k++)
            {
                fGradients[(r * a) + k] = z[k] - max;
            }
        }

        Kernels.Exp(fGradients[..(batch * a)], fGradients); // [B, A] in one pass
        for (int r = 0; r < batch; r++)
        {
            Span<double> p = fGradients.Slice(r * a, a);
            double sum = 0, w = weights[r];
            foreach (double e in p)
            {
                sum += e;
            }

            double scale = -w / sum;
            for (int k = 0; k < a; k++)
            {
                p[k] *= scale;                       // −w π_k
            }

            p[(int)actions[r]] += w;                 // + w onehot(a)
        }
    }
}

using System.Numerics.Tensors;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>Elements processed per pass through the stack buffer of the shifted exponentials.</summary>
    private const int ExpChunk = 64;

    /// <summary>
    /// logsumexp(z) = m + log Σ_i exp(z_i − m) with m = max_i z_i, so no exponential overflows and the largest
    /// term is exactly 1. Returns −∞ for an empty span and propagates NaN.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        if (z.IsEmpty)
        {
            return double.NegativeInfinity;
        }

        double max = TensorPrimitives.Max(z);
        if (!double.IsFinite(max))
        {
            return max; // NaN, or +∞ (the sum is dominated by it)
        }

        Span<double> buffer = stackalloc double[ExpChunk];
        double sum = 0;
        for (int start = 0; start < z.Length; start += ExpChunk)
        {
            ReadOnlySpan<double> chunk = z.Slice(start, Math.Min(ExpChunk, z.Length - start));
            Span<double> shifted = buffer[..chunk.Length];
            TensorPrimitives.Subtract(chunk, max, shifted);
            TensorPrimitives.Exp(shifted, shifted);
            sum += TensorPrimitives.Sum(shifted);
        }

        return max + Math.Log(sum);
    }

    /// <summary>
    /// Log-softmax, destination_i = z_i − logsumexp(z), max-shifted (see <see cref="LogSumExp"/>).
    /// <paramref name="destination"/> may be <paramref name="z"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void LogSoftmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        TensorPrimitives.Subtract(z, LogSumExp(z), destination);
    }

    /// <summary>
    /// Softmax, destination_i = exp(z_i − m) / Σ_j exp(z_j − m) with m = max z, so it is exact for logits of any
    /// size (<c>TensorPrimitives.SoftMax</c> does not subtract the maximum and overflows past z ≈ 709).
    /// <paramref name="destination"/> may be <paramref name="z"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        if (z.IsEmpty)
        {
            return;
        }

        TensorPrimitives.Subtract(z, TensorPrimitives.Max(z), destination);
        TensorPrimitives.Exp(destination, destination);
        TensorPrimitives.Divide(destination, TensorPrimitives.Sum(destination), destination);
    }
}

public static partial class ScalarKernels
{
    /// <summary>logsumexp(z), max-shifted (see <see cref="Kernels.LogSumExp"/>).</summary>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        if (z.IsEmpty)
        {
            return double.NegativeInfinity;
        }

        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            if (double.IsNaN(v))
            {
                return v;
            }

            max = Math.Max(max, v);
        }

        if (!double.IsFinite(max))
        {
            return max;
        }

        double sum = 0;
        foreach (double v in z)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>destination_i = z_i − logsumexp(z).</summary>
    public static void LogSoftmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        double lse = LogSumExp(z);
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] = z[i] - lse;
        }
    }

    /// <summary>destination_i = exp(z_i − m) / Σ_j exp(z_j − m), m = max z.</summary>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] = Math.Exp(z[i] - max);
            sum += destination[i];
        }

        for (int i = 0; i < z.Length; i++)
        {
            destination[i] /= sum;
        }
    }
}

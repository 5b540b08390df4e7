namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// Dot product xᵀy = Σ_i x_i y_i, summed in the fixed order of <see cref="ScalarKernels.Dot"/> (eight interleaved
    /// fused multiply-add chains, combined pairwise), the same bits at every register width.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        return PartialSum(default(MultiplyAddOperator), x, y);
    }

    /// <summary>
    /// Σ_i x_i in the fixed order of <see cref="ScalarKernels.Sum"/> (eight interleaved partial sums, combined pairwise),
    /// the same bits at every register width. Returns 0 for an empty span.
    /// </summary>
    public static double Sum(ReadOnlySpan<double> x) => PartialSum(default(AddFirstOperator), x, x);

    /// <summary>
    /// logsumexp(z) = m + ln Σ_i e^{z_i − m} with m = max_i z_i, so no exponential overflows and the largest term is
    /// exactly 1; the sum in the fixed order of <see cref="Dot"/>, the exponentials and the logarithm from
    /// <see cref="DeterministicMath"/>. Returns −∞ for an empty span and propagates NaN and +∞.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = Max(z);
        return double.IsFinite(max) ? max + DeterministicMath.Log(SumShiftedExp(z, max)) : max;
    }

    /// <summary>
    /// Log-softmax, destination_i = z_i + (−logsumexp(z)) (see <see cref="LogSumExp"/>).
    /// <paramref name="destination"/> may be <paramref name="z"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void LogSoftmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        Map(new AddOperator(-LogSumExp(z)), z, destination);
    }

    /// <summary>
    /// Softmax, destination_i = e^{z_i − m} / Σ_j e^{z_j − m} with m = max z, so it is exact for logits of any size;
    /// deterministic like <see cref="LogSumExp"/>. <paramref name="destination"/> may be <paramref name="z"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, z.Length, nameof(destination), "same length as z");
        double max = Max(z);
        double sum = SumShiftedExp(z, max);
        for (int i = 0; i < z.Length; i++)
        {
            destination[i] = DeterministicMath.Exp(z[i] - max) / sum;
        }
    }

    // max_i z_i; NaN if any element is NaN; −∞ for an empty span. Order-independent, so a plain loop.
    private static double Max(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            if (double.IsNaN(v))
            {
                return v;
            }

            max = v > max ? v : max;
        }

        return max;
    }

    // Σ_i e^{z_i − shift} in the fixed eight-partial order.
    internal static double SumShiftedExp(ReadOnlySpan<double> z, double shift) => PartialSum(new ShiftedExpOperator(shift), z, z);

    // Σ_i op(x_i, y_i) in the eight-partial order; fewer terms than partials (a softmax over a few actions, once per
    // row) skip the width dispatch: each partial is then its one term, combined in the same order.
    private static double PartialSum<TOp>(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        where TOp : struct, IAccumulateOperator
    {
        if (x.Length < PartialSumKernel<TOp>.Partials)
        {
            return PartialSumKernel<TOp>.Short(op, x, y);
        }

        var kernel = new PartialSumKernel<TOp>(op, x, y);
        Width.Dispatch(ref kernel);
        return kernel.Result;
    }
}

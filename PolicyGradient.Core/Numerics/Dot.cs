using System.Numerics.Tensors;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>Dot product xᵀy = Σ_i x_i y_i (TensorPrimitives).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        return TensorPrimitives.Dot(x, y);
    }
}

public static partial class ScalarKernels
{
    /// <summary>Dot product xᵀy = Σ_i x_i y_i, summed left to right.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}

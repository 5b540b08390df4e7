using System.Numerics.Tensors;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>y ← y + α x (accumulates into <paramref name="y"/>; TensorPrimitives).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        TensorPrimitives.MultiplyAdd(x, alpha, y, y);
    }
}

public static partial class ScalarKernels
{
    /// <summary>y ← y + α x.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}

using System.Numerics.Tensors;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>x ← α x in place (TensorPrimitives).</summary>
    public static void Scale(double alpha, Span<double> x) => TensorPrimitives.Multiply(x, alpha, x);
}

public static partial class ScalarKernels
{
    /// <summary>x ← α x in place.</summary>
    public static void Scale(double alpha, Span<double> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= alpha;
        }
    }
}

using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>y = tanh(x) elementwise (TensorPrimitives). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        TensorPrimitives.Tanh(x, y);
    }

    /// <summary>
    /// Backward of <see cref="Tanh"/> from its saved output: x̄ = ȳ ⊙ (1 − y²), since d tanh(x)/dx = 1 − tanh²(x).
    /// Overwrites <paramref name="xBar"/>, which may be <paramref name="yBar"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        CheckActivationBackward(y, yBar, xBar);
        if (Simd512.IsAccelerated)
        {
            TanhBackwardCore<Simd512, Vector512<double>>(y, yBar, xBar);
        }
        else if (Simd256.IsAccelerated)
        {
            TanhBackwardCore<Simd256, Vector256<double>>(y, yBar, xBar);
        }
        else if (Simd128.IsAccelerated)
        {
            TanhBackwardCore<Simd128, Vector128<double>>(y, yBar, xBar);
        }
        else
        {
            ScalarKernels.TanhBackward(y, yBar, xBar);
        }
    }

    /// <summary>y = max(x, 0) elementwise (TensorPrimitives). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        TensorPrimitives.Max(x, 0.0, y);
    }

    /// <summary>
    /// Backward of <see cref="Relu"/> from its saved output: x̄_i = ȳ_i where y_i &gt; 0, else 0 (the derivative at
    /// 0 is taken as 0). Overwrites <paramref name="xBar"/>, which may be <paramref name="yBar"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        CheckActivationBackward(y, yBar, xBar);
        if (Simd512.IsAccelerated)
        {
            ReluBackwardCore<Simd512, Vector512<double>>(y, yBar, xBar);
        }
        else if (Simd256.IsAccelerated)
        {
            ReluBackwardCore<Simd256, Vector256<double>>(y, yBar, xBar);
        }
        else if (Simd128.IsAccelerated)
        {
            ReluBackwardCore<Simd128, Vector128<double>>(y, yBar, xBar);
        }
        else
        {
            ScalarKernels.ReluBackward(y, yBar, xBar);
        }
    }

    internal static void CheckActivationBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        ThrowHelper.CheckLength(yBar.Length, y.Length, nameof(yBar), "same length as y");
        ThrowHelper.CheckLength(xBar.Length, y.Length, nameof(xBar), "same length as y");
    }

    // xBar = yBar − (yBar·y)·y, one rounding fewer than yBar·(1 − y²) where FMA exists.
    internal static void TanhBackwardCore<TS, TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double gr = ref MemoryMarshal.GetReference(yBar);
        ref double xr = ref MemoryMarshal.GetReference(xBar);
        int n = y.Length, width = TS.Count, i = 0;
        for (; i + width <= n; i += width)
        {
            TV yv = TS.Load(ref yr, (nuint)i), gv = TS.Load(ref gr, (nuint)i);
            TS.Store(TS.Subtract(gv, TS.Multiply(TS.Multiply(gv, yv), yv)), ref xr, (nuint)i);
        }

        for (; i < n; i++)
        {
            xBar[i] = yBar[i] - (yBar[i] * y[i] * y[i]);
        }
    }

    internal static void ReluBackwardCore<TS, TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double gr = ref MemoryMarshal.GetReference(yBar);
        ref double xr = ref MemoryMarshal.GetReference(xBar);
        int n = y.Length, width = TS.Count, i = 0;
        for (; i + width <= n; i += width)
        {
            TS.Store(TS.WherePositive(TS.Load(ref yr, (nuint)i), TS.Load(ref gr, (nuint)i)), ref xr, (nuint)i);
        }

        for (; i < n; i++)
        {
            xBar[i] = y[i] > 0 ? yBar[i] : 0.0;
        }
    }
}

public static partial class ScalarKernels
{
    /// <summary>y = tanh(x) elementwise (<see cref="Math.Tanh"/>).</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Tanh(x[i]);
        }
    }

    /// <summary>x̄ = ȳ ⊙ (1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        Kernels.CheckActivationBackward(y, yBar, xBar);
        for (int i = 0; i < y.Length; i++)
        {
            xBar[i] = yBar[i] * (1.0 - (y[i] * y[i]));
        }
    }

    /// <summary>y = max(x, 0) elementwise.</summary>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0 ? x[i] : 0.0;
        }
    }

    /// <summary>x̄_i = ȳ_i where y_i &gt; 0, else 0.</summary>
    public static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        Kernels.CheckActivationBackward(y, yBar, xBar);
        for (int i = 0; i < y.Length; i++)
        {
            xBar[i] = y[i] > 0 ? yBar[i] : 0.0;
        }
    }
}

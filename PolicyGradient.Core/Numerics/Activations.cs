using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>
    /// y = tanh(x) elementwise, vectorised as tanh|x| = −m / (2 + m) with m = expm1(−2|x|) and the sign of x
    /// restored, so it keeps full relative accuracy near 0 (see <see cref="TanhCore{TS, TV}"/>).
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        if (Simd512.IsAccelerated)
        {
            TanhCore<Simd512, Vector512<double>>(x, y);
        }
        else if (Simd256.IsAccelerated)
        {
            TanhCore<Simd256, Vector256<double>>(x, y);
        }
        else if (Simd128.IsAccelerated)
        {
            TanhCore<Simd128, Vector128<double>>(x, y);
        }
        else
        {
            ScalarKernels.Tanh(x, y);
        }
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

    // tanh|x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}) = −m / (2 + m), m = expm1(−2|x|) ∈ (−1, 0].
    // expm1(u), u = k ln2 + r with k = round(u / ln2) and |r| ≤ ln2/2 (Cody–Waite, ln2 split in two):
    // expm1(u) = 2^k · expm1(r) + (2^k − 1), with expm1(r) = r + r²/2! + … + r¹³/13! (Horner; the next term is
    // below 2e−17 relative). |x| is capped at 20, where tanh is 1 to double precision, so 2^k stays normal.
    // TensorPrimitives.Tanh takes about 2.4× as long on the machine of docs/benchmarks.md.
    internal static void TanhCore<TS, TV>(ReadOnlySpan<double> x, Span<double> y)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length, width = TS.Count, i = 0;
        TV cap = TS.Broadcast(20.0), minusTwo = TS.Broadcast(-2.0), two = TS.Broadcast(2.0), one = TS.Broadcast(1.0);
        TV log2e = TS.Broadcast(1.4426950408889634), magic = TS.Broadcast(Simd.RoundingMagic);
        TV ln2Hi = TS.Broadcast(-6.93147180369123816490e-01), ln2Lo = TS.Broadcast(-1.90821492927058770002e-10);
        for (; i + width <= n; i += width)
        {
            TV xv = TS.Load(ref xr, (nuint)i);
            TV u = TS.Multiply(minusTwo, TS.Min(cap, TS.Abs(xv)));          // u = −2|x| ∈ [−40, 0]; x86 min returns its
                                                                             // second operand for NaN, so NaN propagates
            TV t = TS.MultiplyAdd(u, log2e, magic);                          // k + 1.5·2⁵²
            TV k = TS.Subtract(t, magic);
            TV r = TS.MultiplyAdd(k, ln2Lo, TS.MultiplyAdd(k, ln2Hi, u));    // r = u − k ln2
            TV r2 = TS.Multiply(r, r), r4 = TS.Multiply(r2, r2), r8 = TS.Multiply(r4, r4);
            TV q0 = TS.MultiplyAdd(TS.Broadcast(1.0 / 2), r, one);           // Estrin's scheme: depth 5, not 13
            TV q1 = TS.MultiplyAdd(TS.Broadcast(1.0 / 24), r, TS.Broadcast(1.0 / 6));
            TV q2 = TS.MultiplyAdd(TS.Broadcast(1.0 / 720), r, TS.Broadcast(1.0 / 120));
            TV q3 = TS.MultiplyAdd(TS.Broadcast(1.0 / 40320), r, TS.Broadcast(1.0 / 5040));
            TV q4 = TS.MultiplyAdd(TS.Broadcast(1.0 / 3628800), r, TS.Broadcast(1.0 / 362880));
            TV q5 = TS.MultiplyAdd(TS.Broadcast(1.0 / 479001600), r, TS.Broadcast(1.0 / 39916800));
            TV s0 = TS.MultiplyAdd(q1, r2, q0), s1 = TS.MultiplyAdd(q3, r2, q2);
            TV s2 = TS.MultiplyAdd(q5, r2, q4);
            TV t0 = TS.MultiplyAdd(s1, r4, s0), t1 = TS.MultiplyAdd(TS.Broadcast(1.0 / 6227020800), r4, s2);
            TV p = TS.MultiplyAdd(t1, r8, t0);                               // Σ_{j=0}^{12} r^j/(j+1)!
            TV expm1R = TS.Multiply(p, r);                                   // expm1(r)
            TV scale = TS.PowerOfTwo(t);                                     // 2^k
            TV m = TS.MultiplyAdd(scale, expm1R, TS.Subtract(scale, one));   // expm1(u)
            TV magnitude = TS.Divide(TS.Subtract(TS.Zero, m), TS.Add(two, m));
            TS.Store(TS.CopySign(magnitude, xv), ref yr, (nuint)i);
        }

        for (; i < n; i++)
        {
            y[i] = Math.Tanh(x[i]);
        }
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

using System.Runtime.CompilerServices;

namespace PolicyGradient.Numerics;

/// <summary>
/// exp, log, log1p, expm1, tanh and softplus computed by a fixed sequence of IEEE 754 operations (correctly rounded
/// +, −, ×, ÷, fused multiply-add, comparisons and bit operations), so they return the same bits on every CPU, with
/// or without AVX-512, AVX2, SSE or FMA hardware, and on every operating system — unlike <see cref="Math"/> (whose
/// last bits come from the C runtime) and <c>TensorPrimitives</c> (whose vector paths round differently per
/// instruction set). The span kernels <see cref="Kernels.Exp"/>, <see cref="Kernels.Log"/>, … run exactly the same
/// sequence in every vector lane, so they agree with these scalar functions bit for bit.
/// </summary>
/// <remarks>
/// Accuracy, measured by the tests against <see cref="Math"/> (and against Taylor series in 28-digit decimal for
/// log1p and expm1 near 0) on 60,000 arguments per function spread over the whole double range: within 1 ulp for
/// <see cref="Exp"/> and <see cref="Log"/>; 2 ulps for <see cref="Log1P"/>, <see cref="ExpM1"/> and
/// <see cref="Softplus"/>; 3 ulps for <see cref="Tanh"/> (its quotient −m/(2 + m) adds two roundings). Special values follow IEEE 754 / C99 Annex F
/// (exp(−∞) = 0, log(0) = −∞, log(x &lt; 0) = NaN, NaN in, NaN out, signed zeros kept where C99 keeps them).
/// The algorithms are derived in docs/derivations.md ("Deterministic kernels").
/// </remarks>
public static class DeterministicMath
{
    // ln 2 split for Cody–Waite reduction: Ln2Hi has 32 trailing zero bits, so k·Ln2Hi is exact for |k| < 2²⁰.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Log2E = 1.4426950408889634;

    /// <summary>1.5·2⁵²: x + RoundingMagic rounds x (|x| &lt; 2⁵¹) to an integer k held in the low mantissa bits.</summary>
    private const double RoundingMagic = 6755399441055744.0;

    /// <summary>The bit pattern of <see cref="RoundingMagic"/>; bits(k + RoundingMagic) − MagicBits = k.</summary>
    private const ulong MagicBits = 0x4338000000000000UL;

    /// <summary>eˣ (+∞ above 709.78…, 0 below −745.13…).</summary>
    public static double Exp(double x) => Exp<SimdScalar, double>(x);

    /// <summary>ln x (−∞ at ±0, NaN below 0).</summary>
    public static double Log(double x) => Log<SimdScalar, double>(x);

    /// <summary>ln(1 + x), accurate for tiny x (−∞ at −1, NaN below −1).</summary>
    public static double Log1P(double x) => Log1P<SimdScalar, double>(x);

    /// <summary>eˣ − 1, accurate for tiny x.</summary>
    public static double ExpM1(double x) => ExpM1<SimdScalar, double>(x);

    /// <summary>tanh x, with full relative accuracy near 0 and ±1 beyond |x| = 20.</summary>
    public static double Tanh(double x) => Tanh<SimdScalar, double>(x);

    /// <summary>softplus(x) = ln(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) so it neither overflows nor cancels.</summary>
    public static double Softplus(double x) => Softplus<SimdScalar, double>(x);

    // x with lanes above `high` replaced by high and below `low` by low; NaN lanes stay NaN (comparisons are false).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Clamp<TS, TV>(TV x, double low, double high)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV lo = TS.Broadcast(low), hi = TS.Broadcast(high);
        return TS.Select(TS.LessThan(x, lo), lo, TS.Select(TS.GreaterThan(x, hi), hi, x));
    }

    // Cody–Waite: x = k·ln2 + r, |r| ≤ ln2/2 (+ rounding), k = round(x·log₂e). Returns expm1(r) = r + r²·q(r) with
    // q(r) = Σ_{j=0}^{11} r^j/(j+2)! (Taylor; the first term left out, r¹⁴/14!, is below 2⁻⁵⁷ relative), evaluated by
    // Estrin's scheme; t = k + 1.5·2⁵² carries k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceExp<TS, TV>(TV x, out TV t)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV magic = TS.Broadcast(RoundingMagic);
        t = TS.MultiplyAdd(x, TS.Broadcast(Log2E), magic);
        TV k = TS.Subtract(t, magic);
        TV r = TS.MultiplyAdd(k, TS.Broadcast(-Ln2Hi), x);
        r = TS.MultiplyAdd(k, TS.Broadcast(-Ln2Lo), r);
        TV r2 = TS.Multiply(r, r), r4 = TS.Multiply(r2, r2), r8 = TS.Multiply(r4, r4);
        TV q0 = TS.MultiplyAdd(TS.Broadcast(1.0 / 6), r, TS.Broadcast(1.0 / 2));
        TV q1 = TS.MultiplyAdd(TS.Broadcast(1.0 / 120), r, TS.Broadcast(1.0 / 24));
        TV q2 = TS.MultiplyAdd(TS.Broadcast(1.0 / 5040), r, TS.Broadcast(1.0 / 720));
        TV q3 = TS.MultiplyAdd(TS.Broadcast(1.0 / 362880), r, TS.Broadcast(1.0 / 40320));
        TV q4 = TS.MultiplyAdd(TS.Broadcast(1.0 / 39916800), r, TS.Broadcast(1.0 / 3628800));
        TV q5 = TS.MultiplyAdd(TS.Broadcast(1.0 / 6227020800), r, TS.Broadcast(1.0 / 479001600));
        TV s0 = TS.MultiplyAdd(q1, r2, q0), s1 = TS.MultiplyAdd(q3, r2, q2), s2 = TS.MultiplyAdd(q5, r2, q4);
        TV q = TS.MultiplyAdd(s2, r8, TS.MultiplyAdd(s1, r4, s0));
        return TS.MultiplyAdd(r2, q, r);
    }

    // k as a 64-bit integer in each lane, from t = k + 1.5·2⁵².
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV IntegerK<TS, TV>(TV t)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.IntegerSubtract(t, TS.Bits(MagicBits));

    // 2^e for a 64-bit integer lane e ∈ [−1022, 1023]: the biased exponent shifted into place.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV PowerOfTwo<TS, TV>(TV e)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.ShiftLeft(TS.IntegerAdd(e, TS.Bits(1023)), 52);

    // 2^k from t = k + 1.5·2⁵² (k ∈ [−1022, 1023]) in two integer operations: (bits(t) − bits(1.5·2⁵²) + 1023) ≪ 52.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV PowerOfTwoOfRounded<TS, TV>(TV t)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.ShiftLeft(TS.IntegerSubtract(t, TS.Bits(MagicBits - 1023)), 52);

    /// <summary>eˣ lane by lane (see <see cref="Exp(double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Exp<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // Beyond [−746, 710] the result is 0 or +∞ anyway; clamping keeps k ∈ [−1076, 1024].
        TV em1 = ReduceExp<TS, TV>(Clamp<TS, TV>(x, -746.0, 710.0), out TV t);
        TV p = TS.Add(TS.Broadcast(1.0), em1); // e^r
        // p·2^k as (p·2^h)·2^(k−h), h = ⌊k/2⌋: both factors are normal, and the one rounding is the last product's,
        // so subnormal results are correctly rounded from p.
        TV k = IntegerK<TS, TV>(t), h = TS.ShiftRightArithmetic(k, 1);
        return TS.Multiply(TS.Multiply(p, PowerOfTwo<TS, TV>(h)), PowerOfTwo<TS, TV>(TS.IntegerSubtract(k, h)));
    }

    /// <summary>eˣ − 1 lane by lane (see <see cref="ExpM1(double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpM1<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // Above 40, eˣ − 1 rounds to eˣ; below −40 it rounds to −1, which the formula gives at −40.
        TV small = ExpM1Moderate<TS, TV>(Clamp<TS, TV>(x, -40.0, 40.0));
        TV result = TS.Select(TS.GreaterThan(x, TS.Broadcast(40.0)), Exp<TS, TV>(x), small);
        return TS.Select(TS.Equal(x, TS.Zero), x, result); // ±0 ↦ ±0
    }

    // expm1(x) for x ∈ [−40, 40] (or NaN): 2^k·expm1(r) + (2^k − 1) in one fused multiply-add; 2^k − 1 is exact
    // for k ≥ −53, and below that the result is −1 to double precision either way.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpM1Moderate<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV em1 = ReduceExp<TS, TV>(x, out TV t);
        TV scale = PowerOfTwoOfRounded<TS, TV>(t);
        return TS.MultiplyAdd(scale, em1, TS.Subtract(scale, TS.Broadcast(1.0)));
    }

    /// <summary>ln x lane by lane (see <see cref="Log(double)"/>): fdlibm's e_log.c, branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Log<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // Subnormals are scaled into the normal range first: x·2⁵⁴, k −= 54.
        TV subnormal = TS.LessThan(x, TS.Broadcast(2.2250738585072014e-308));
        TV xs = TS.Select(subnormal, TS.Multiply(x, TS.Broadcast(18014398509481984.0)), x);
        // x = 2^k·m with m ∈ [√2/2, √2): the mantissa gets exponent 0 or −1 depending on whether it exceeds √2.
        TV mantissa = TS.And(xs, TS.Bits(0x000FFFFFFFFFFFFFUL));
        TV carry = TS.And(TS.IntegerAdd(mantissa, TS.Bits(0x95F64UL << 32)), TS.Bits(1UL << 52));
        TV m = TS.Or(mantissa, TS.Xor(carry, TS.Bits(0x3FF0000000000000UL)));
        TV k = TS.IntegerAdd(
            TS.IntegerSubtract(TS.ShiftRightLogical(xs, 52), TS.Select(subnormal, TS.Bits(1023 + 54), TS.Bits(1023))),
            TS.ShiftRightLogical(carry, 52));
        TV dk = TS.Subtract(TS.IntegerAdd(k, TS.Bits(MagicBits)), TS.Broadcast(RoundingMagic)); // (double)k, exact

        // ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2 + f), R the minimax fit of 2·atanh(s)/s − 2 − ….
        TV f = TS.Subtract(m, TS.Broadcast(1.0));
        TV s = TS.Divide(f, TS.Add(TS.Broadcast(2.0), f));
        TV z = TS.Multiply(s, s), w = TS.Multiply(z, z);
        TV t1 = TS.Multiply(w, TS.Add(TS.Broadcast(3.999999999940941908e-01), TS.Multiply(w, TS.Add(TS.Broadcast(2.222219843214978396e-01), TS.Multiply(w, TS.Broadcast(1.531383769920937332e-01))))));
        TV t2 = TS.Multiply(z, TS.Add(TS.Broadcast(6.666666666666735130e-01), TS.Multiply(w, TS.Add(TS.Broadcast(2.857142874366239149e-01), TS.Multiply(w, TS.Add(TS.Broadcast(1.818357216161805012e-01), TS.Multiply(w, TS.Broadcast(1.479819860511658591e-01))))))));
        TV r = TS.Add(t2, t1);
        TV hfsq = TS.Multiply(TS.Multiply(TS.Broadcast(0.5), f), f);
        TV inner = TS.Add(TS.Multiply(s, TS.Add(hfsq, r)), TS.Multiply(dk, TS.Broadcast(Ln2Lo)));
        TV result = TS.Subtract(TS.Multiply(dk, TS.Broadcast(Ln2Hi)), TS.Subtract(TS.Subtract(hfsq, inner), f));

        result = TS.Select(TS.Equal(x, TS.Zero), TS.Broadcast(double.NegativeInfinity), result);
        result = TS.Select(TS.LessThan(x, TS.Zero), TS.Broadcast(double.NaN), result);
        result = TS.Select(TS.Equal(x, TS.Broadcast(double.PositiveInfinity)), x, result);
        return TS.Select(TS.Equal(x, x), result, x); // NaN ↦ NaN
    }

    /// <summary>ln(1 + x) lane by lane (see <see cref="Log1P(double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Log1P<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // u = 1 + x rounds; ln(1 + x) = ln u + (x − (u − 1))/u to first order restores what the rounding lost
        // (u − 1 is exact). The correction is dropped where u is 0 or +∞ (x = −1, x = +∞).
        TV u = TS.Add(TS.Broadcast(1.0), x);
        TV correction = TS.Divide(TS.Subtract(x, TS.Subtract(u, TS.Broadcast(1.0))), u);
        TV finite = TS.And(TS.GreaterThan(u, TS.Zero), TS.LessThan(u, TS.Broadcast(double.PositiveInfinity)));
        TV result = TS.Add(Log<TS, TV>(u), TS.Select(finite, correction, TS.Zero));
        return TS.Select(TS.Equal(x, TS.Zero), x, result); // ±0 ↦ ±0
    }

    /// <summary>tanh x lane by lane (see <see cref="Tanh(double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Tanh<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // tanh|x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}) = −m / (2 + m), m = expm1(−2|x|) ∈ (−1, 0]: no cancellation near
        // 0. |x| is capped at 20, where tanh is 1 to double precision; the sign of x is put back by a bit operation.
        TV magnitude = TS.And(x, TS.Bits(0x7FFFFFFFFFFFFFFFUL));                // |x|
        TV cap = TS.Broadcast(20.0);
        magnitude = TS.Select(TS.GreaterThan(magnitude, cap), cap, magnitude); // min(|x|, 20); NaN kept
        TV m = ExpM1Moderate<TS, TV>(TS.Multiply(TS.Broadcast(-2.0), magnitude));
        TV y = TS.Divide(TS.Subtract(TS.Zero, m), TS.Add(TS.Broadcast(2.0), m));
        return TS.Or(y, TS.And(x, TS.Bits(0x8000000000000000UL)));
    }

    /// <summary>softplus(x) = ln(1 + eˣ) lane by lane (see <see cref="Softplus(double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Softplus<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV sign = TS.Bits(0x8000000000000000UL);
        TV negativeMagnitude = TS.Or(x, sign); // −|x|
        TV positivePart = TS.Select(TS.GreaterThan(x, TS.Zero), x, TS.Zero);
        return TS.Add(positivePart, Log1P<TS, TV>(Exp<TS, TV>(negativeMagnitude)));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

/// <summary>
/// The few vector operations the hand-written kernels need, abstracted over the register width so that
/// one generic kernel body serves <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> and
/// <see cref="Vector128{T}"/>. The JIT specialises each kernel per width (struct type arguments) and
/// inlines these members, so the abstraction costs nothing at run time.
/// </summary>
/// <typeparam name="TV">The vector type, e.g. <c>Vector512&lt;double&gt;</c>.</typeparam>
internal interface ISimd<TV>
    where TV : struct
{
    /// <summary>Whether this width is hardware accelerated on this machine and run.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>Number of doubles in one register.</summary>
    static abstract int Count { get; }

    static abstract TV Zero { get; }

    static abstract TV Broadcast(double value);

    static abstract TV Load(ref readonly double source, nuint offset);

    static abstract void Store(TV value, ref double destination, nuint offset);

    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    static abstract TV Multiply(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    /// <summary>value where mask &gt; 0, else 0 (the ReLU derivative applied to value).</summary>
    static abstract TV WherePositive(TV mask, TV value);

    /// <summary>Horizontal sum of the lanes.</summary>
    static abstract double Sum(TV value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Divide(TV a, TV b);

    /// <summary>The hardware minimum (which operand a NaN yields is platform-defined).</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>|value| (clears the sign bit).</summary>
    static abstract TV Abs(TV value);

    /// <summary>A non-negative magnitude given the sign bit of sign (a bitwise OR, no IEEE special cases).</summary>
    static abstract TV CopySign(TV magnitude, TV sign);

    /// <summary>
    /// 2^k for t = k + 1.5·2⁵² (k a small integer held in the low mantissa bits of t): the exponent field
    /// (bits(t) − bits(1.5·2⁵²) + 1023) shifted into place.
    /// </summary>
    static abstract TV PowerOfTwo(TV t);
}

/// <summary>512-bit registers: 8 doubles.</summary>
internal readonly struct Simd512 : ISimd<Vector512<double>>
{
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    public static int Count => Vector512<double>.Count;
    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Broadcast(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref readonly double source, nuint offset) => Vector512.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> WherePositive(Vector512<double> mask, Vector512<double> value) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(mask, Vector512<double>.Zero), value, Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector512<double> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Abs(Vector512<double> value) => Vector512.AndNot(value, Vector512.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> CopySign(Vector512<double> magnitude, Vector512<double> sign) => magnitude | (sign & Vector512.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PowerOfTwo(Vector512<double> t) =>
        Vector512.ShiftLeft(t.AsUInt64() - Vector512.Create(Simd.MagicBits - 1023), 52).AsDouble();
}

/// <summary>256-bit registers: 4 doubles.</summary>
internal readonly struct Simd256 : ISimd<Vector256<double>>
{
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    public static int Count => Vector256<double>.Count;
    public static Vector256<double> Zero => Vector256<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Broadcast(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref readonly double source, nuint offset) => Vector256.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> WherePositive(Vector256<double> mask, Vector256<double> value) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(mask, Vector256<double>.Zero), value, Vector256<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector256<double> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Min(Vector256<double> a, Vector256<double> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Abs(Vector256<double> value) => Vector256.AndNot(value, Vector256.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> CopySign(Vector256<double> magnitude, Vector256<double> sign) => magnitude | (sign & Vector256.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> PowerOfTwo(Vector256<double> t) =>
        Vector256.ShiftLeft(t.AsUInt64() - Vector256.Create(Simd.MagicBits - 1023), 52).AsDouble();
}

/// <summary>128-bit registers: 2 doubles.</summary>
internal readonly struct Simd128 : ISimd<Vector128<double>>
{
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    public static int Count => Vector128<double>.Count;
    public static Vector128<double> Zero => Vector128<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Broadcast(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(ref readonly double source, nuint offset) => Vector128.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> WherePositive(Vector128<double> mask, Vector128<double> value) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(mask, Vector128<double>.Zero), value, Vector128<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Min(Vector128<double> a, Vector128<double> b) => Vector128.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Abs(Vector128<double> value) => Vector128.AndNot(value, Vector128.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> CopySign(Vector128<double> magnitude, Vector128<double> sign) => magnitude | (sign & Vector128.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> PowerOfTwo(Vector128<double> t) =>
        Vector128.ShiftLeft(t.AsUInt64() - Vector128.Create(Simd.MagicBits - 1023), 52).AsDouble();
}

/// <summary>Constants shared by the register widths.</summary>
internal static class Simd
{
    /// <summary>1.5·2⁵²: adding it to |x| &lt; 2⁵¹ rounds x to an integer held in the low mantissa bits.</summary>
    public const double RoundingMagic = 6755399441055744.0;

    /// <summary>The bit pattern of <see cref="RoundingMagic"/>.</summary>
    public const ulong MagicBits = 0x4338000000000000UL;
}

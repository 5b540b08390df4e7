using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PolicyGradient.Numerics;

/// <summary>
/// The operations the hand-written kernels are built from, abstracted over the register width so that one generic
/// kernel body serves <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> and plain
/// <see cref="double"/> (<see cref="SimdScalar"/>, one lane). The JIT specialises each kernel per width (struct type
/// arguments) and inlines these members, so the abstraction costs nothing at run time.
/// </summary>
/// <remarks>
/// Every member is an exactly specified IEEE 754 operation applied lane by lane (correctly rounded +, −, ×, ÷ and
/// fused multiply-add; comparisons; bit operations on the 64-bit pattern), so a lane computes the same bits at every
/// width: this is what makes the kernels' results independent of the instruction set. Nothing here may use an
/// "estimate", a "native" min/max or a horizontal sum, whose results differ between instruction sets.
/// </remarks>
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

    /// <summary>Every lane holds the 64-bit pattern <paramref name="pattern"/>.</summary>
    static abstract TV Bits(ulong pattern);

    static abstract TV Load(ref readonly double source, nuint offset);

    static abstract void Store(TV value, ref double destination, nuint offset);

    /// <summary>a·b + c rounded once (fused multiply-add; correctly rounded in software where the CPU has no FMA).</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    static abstract TV Multiply(TV a, TV b);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV Divide(TV a, TV b);

    /// <summary>√a, correctly rounded (IEEE 754).</summary>
    static abstract TV Sqrt(TV a);

    /// <summary>All-ones lanes where a &gt; b, zero elsewhere (false for NaN).</summary>
    static abstract TV GreaterThan(TV a, TV b);

    /// <summary>All-ones lanes where a &lt; b, zero elsewhere (false for NaN).</summary>
    static abstract TV LessThan(TV a, TV b);

    /// <summary>All-ones lanes where a = b (IEEE: +0 = −0, NaN ≠ NaN), zero elsewhere.</summary>
    static abstract TV Equal(TV a, TV b);

    /// <summary>Bitwise (mask ∧ whenTrue) ∨ (¬mask ∧ whenFalse); masks come from the comparisons above.</summary>
    static abstract TV Select(TV mask, TV whenTrue, TV whenFalse);

    static abstract TV And(TV a, TV b);

    static abstract TV Or(TV a, TV b);

    static abstract TV Xor(TV a, TV b);

    /// <summary>The bit patterns added as 64-bit two's-complement integers.</summary>
    static abstract TV IntegerAdd(TV a, TV b);

    /// <summary>The bit patterns subtracted as 64-bit two's-complement integers.</summary>
    static abstract TV IntegerSubtract(TV a, TV b);

    static abstract TV ShiftLeft(TV value, int count);

    static abstract TV ShiftRightLogical(TV value, int count);

    static abstract TV ShiftRightArithmetic(TV value, int count);

    /// <summary>
    /// Writes the transpose of the <see cref="Count"/> × <see cref="Count"/> tile whose row l starts at
    /// source[l·<paramref name="sourceStride"/>] into the tile whose row q starts at
    /// destination[q·<paramref name="destinationStride"/>]: destination[q, l] = source[l, q]. Moves bits, computes nothing.
    /// </summary>
    static abstract void TransposeTile(ref readonly double source, nint sourceStride, ref double destination, nint destinationStride);
}

/// <summary>The element-by-element tile transpose, where a width's shuffles are not available (emulated widths).</summary>
internal static class TileTranspose
{
    public static void ByElement(ref readonly double source, nint sourceStride, ref double destination, nint destinationStride, int size)
    {
        for (int l = 0; l < size; l++)
        {
            for (int q = 0; q < size; q++)
            {
                Unsafe.Add(ref destination, (q * destinationStride) + l) = Unsafe.Add(ref Unsafe.AsRef(in source), (l * sourceStride) + q);
            }
        }
    }
}

/// <summary>One lane: the width the kernels run at without vector hardware, and their remainders at every width.</summary>
internal readonly struct SimdScalar : ISimd<double>
{
    public static bool IsAccelerated => true;
    public static int Count => 1;
    public static double Zero => 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Broadcast(double value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Bits(ulong pattern) => BitConverter.UInt64BitsToDouble(pattern);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Load(ref readonly double source, nuint offset) => Unsafe.Add(ref Unsafe.AsRef(in source), offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double value, ref double destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Multiply(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Subtract(double a, double b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double a, double b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sqrt(double a) => Math.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GreaterThan(double a, double b) => Mask(a > b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LessThan(double a, double b) => Mask(a < b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Equal(double a, double b) => Mask(a == b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Select(double mask, double whenTrue, double whenFalse) =>
        BitConverter.DoubleToUInt64Bits(mask) != 0 ? whenTrue : whenFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double And(double a, double b) => FromBits(ToBits(a) & ToBits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Or(double a, double b) => FromBits(ToBits(a) | ToBits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Xor(double a, double b) => FromBits(ToBits(a) ^ ToBits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double IntegerAdd(double a, double b) => FromBits(ToBits(a) + ToBits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double IntegerSubtract(double a, double b) => FromBits(ToBits(a) - ToBits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ShiftLeft(double value, int count) => FromBits(ToBits(value) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ShiftRightLogical(double value, int count) => FromBits(ToBits(value) >>> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ShiftRightArithmetic(double value, int count) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(value) >> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeTile(ref readonly double source, nint sourceStride, ref double destination, nint destinationStride) =>
        destination = source;

    private static ulong ToBits(double value) => BitConverter.DoubleToUInt64Bits(value);

    private static double FromBits(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    private static double Mask(bool condition) => condition ? BitConverter.UInt64BitsToDouble(ulong.MaxValue) : 0.0;
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
    public static Vector512<double> Bits(ulong pattern) => Vector512.Create(pattern).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref readonly double source, nuint offset) => Vector512.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sqrt(Vector512<double> a) => Vector512.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> GreaterThan(Vector512<double> a, Vector512<double> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LessThan(Vector512<double> a, Vector512<double> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Equal(Vector512<double> a, Vector512<double> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Select(Vector512<double> mask, Vector512<double> whenTrue, Vector512<double> whenFalse) =>
        Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> And(Vector512<double> a, Vector512<double> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Or(Vector512<double> a, Vector512<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Xor(Vector512<double> a, Vector512<double> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> IntegerAdd(Vector512<double> a, Vector512<double> b) => (a.AsInt64() + b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> IntegerSubtract(Vector512<double> a, Vector512<double> b) => (a.AsInt64() - b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ShiftLeft(Vector512<double> value, int count) => Vector512.ShiftLeft(value.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ShiftRightLogical(Vector512<double> value, int count) => Vector512.ShiftRightLogical(value.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ShiftRightArithmetic(Vector512<double> value, int count) => Vector512.ShiftRightArithmetic(value.AsInt64(), count).AsDouble();

    // 8 × 8: pairs of rows interleaved (unpack), then 128-bit lanes gathered in two rounds of vshuff64x2: 24 shuffles.
    public static void TransposeTile(ref readonly double source, nint sourceStride, ref double destination, nint destinationStride)
    {
        if (!Avx512F.IsSupported)
        {
            TileTranspose.ByElement(in source, sourceStride, ref destination, destinationStride, 8);
            return;
        }

        nuint ss = (nuint)sourceStride, ds = (nuint)destinationStride;
        Vector512<double> r0 = Load(in source, 0), r1 = Load(in source, ss), r2 = Load(in source, 2 * ss), r3 = Load(in source, 3 * ss);
        Vector512<double> r4 = Load(in source, 4 * ss), r5 = Load(in source, 5 * ss), r6 = Load(in source, 6 * ss), r7 = Load(in source, 7 * ss);
        // t_even(l, l+1) = [r_l[0] r_l+1[0] | r_l[2] r_l+1[2] | r_l[4] r_l+1[4] | r_l[6] r_l+1[6]], t_odd likewise from columns 1, 3, 5, 7
        Vector512<double> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<double> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        const byte Lanes0202 = 0x88, Lanes1313 = 0xDD; // lanes (0, 2) of the left operand, then (0, 2) of the right; (1, 3) likewise
        Vector512<double> s0 = Avx512F.Shuffle4x128(t0, t2, Lanes0202), s1 = Avx512F.Shuffle4x128(t0, t2, Lanes1313);
        Vector512<double> s2 = Avx512F.Shuffle4x128(t4, t6, Lanes0202), s3 = Avx512F.Shuffle4x128(t4, t6, Lanes1313);
        Vector512<double> s4 = Avx512F.Shuffle4x128(t1, t3, Lanes0202), s5 = Avx512F.Shuffle4x128(t1, t3, Lanes1313);
        Vector512<double> s6 = Avx512F.Shuffle4x128(t5, t7, Lanes0202), s7 = Avx512F.Shuffle4x128(t5, t7, Lanes1313);
        Store(Avx512F.Shuffle4x128(s0, s2, Lanes0202), ref destination, 0);
        Store(Avx512F.Shuffle4x128(s4, s6, Lanes0202), ref destination, ds);
        Store(Avx512F.Shuffle4x128(s1, s3, Lanes0202), ref destination, 2 * ds);
        Store(Avx512F.Shuffle4x128(s5, s7, Lanes0202), ref destination, 3 * ds);
        Store(Avx512F.Shuffle4x128(s0, s2, Lanes1313), ref destination, 4 * ds);
        Store(Avx512F.Shuffle4x128(s4, s6, Lanes1313), ref destination, 5 * ds);
        Store(Avx512F.Shuffle4x128(s1, s3, Lanes1313), ref destination, 6 * ds);
        Store(Avx512F.Shuffle4x128(s5, s7, Lanes1313), ref destination, 7 * ds);
    }
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
    public static Vector256<double> Bits(ulong pattern) => Vector256.Create(pattern).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref readonly double source, nuint offset) => Vector256.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sqrt(Vector256<double> a) => Vector256.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> GreaterThan(Vector256<double> a, Vector256<double> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LessThan(Vector256<double> a, Vector256<double> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Equal(Vector256<double> a, Vector256<double> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> mask, Vector256<double> whenTrue, Vector256<double> whenFalse) =>
        Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> And(Vector256<double> a, Vector256<double> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Or(Vector256<double> a, Vector256<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Xor(Vector256<double> a, Vector256<double> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> IntegerAdd(Vector256<double> a, Vector256<double> b) => (a.AsInt64() + b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> IntegerSubtract(Vector256<double> a, Vector256<double> b) => (a.AsInt64() - b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ShiftLeft(Vector256<double> value, int count) => Vector256.ShiftLeft(value.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ShiftRightLogical(Vector256<double> value, int count) => Vector256.ShiftRightLogical(value.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ShiftRightArithmetic(Vector256<double> value, int count) => Vector256.ShiftRightArithmetic(value.AsInt64(), count).AsDouble();

    // 4 × 4: pairs of rows interleaved (unpack), then 128-bit halves exchanged: 8 shuffles.
    public static void TransposeTile(ref readonly double source, nint sourceStride, ref double destination, nint destinationStride)
    {
        if (!Avx.IsSupported)
        {
            TileTranspose.ByElement(in source, sourceStride, ref destination, destinationStride, 4);
            return;
        }

        nuint ss = (nuint)sourceStride, ds = (nuint)destinationStride;
        Vector256<double> r0 = Load(in source, 0), r1 = Load(in source, ss), r2 = Load(in source, 2 * ss), r3 = Load(in source, 3 * ss);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        const byte LowHalves = 0x20, HighHalves = 0x31;
        Store(Avx.Permute2x128(t0, t2, LowHalves), ref destination, 0);
        Store(Avx.Permute2x128(t1, t3, LowHalves), ref destination, ds);
        Store(Avx.Permute2x128(t0, t2, HighHalves), ref destination, 2 * ds);
        Store(Avx.Permute2x128(t1, t3, HighHalves), ref destination, 3 * ds);
    }
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
    public static Vector128<double> Bits(ulong pattern) => Vector128.Create(pattern).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(ref readonly double source, nuint offset) => Vector128.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sqrt(Vector128<double> a) => Vector128.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> GreaterThan(Vector128<double> a, Vector128<double> b) => Vector128.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LessThan(Vector128<double> a, Vector128<double> b) => Vector128.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Equal(Vector128<double> a, Vector128<double> b) => Vector128.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Select(Vector128<double> mask, Vector128<double> whenTrue, Vector128<double> whenFalse) =>
        Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> And(Vector128<double> a, Vector128<double> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Or(Vector128<double> a, Vector128<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Xor(Vector128<double> a, Vector128<double> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> IntegerAdd(Vector128<double> a, Vector128<double> b) => (a.AsInt64() + b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> IntegerSubtract(Vector128<double> a, Vector128<double> b) => (a.AsInt64() - b.AsInt64()).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ShiftLeft(Vector128<double> value, int count) => Vector128.ShiftLeft(value.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ShiftRightLogical(Vector128<double> value, int count) => Vector128.ShiftRightLogical(value.AsUInt64(), count).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ShiftRightArithmetic(Vector128<double> value, int count) => Vector128.ShiftRightArithmetic(value.AsInt64(), count).AsDouble();

    // 2 × 2: the rows' low halves, then their high halves.
    public static void TransposeTile(ref readonly double source, nint sourceStride, ref double destination, nint destinationStride)
    {
        if (!Sse2.IsSupported)
        {
            TileTranspose.ByElement(in source, sourceStride, ref destination, destinationStride, 2);
            return;
        }

        Vector128<double> r0 = Load(in source, 0), r1 = Load(in source, (nuint)sourceStride);
        Store(Sse2.UnpackLow(r0, r1), ref destination, 0);
        Store(Sse2.UnpackHigh(r0, r1), ref destination, (nuint)destinationStride);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Numerics;

/// <summary>A kernel body written once for every register width (see <see cref="ISimd{TV}"/>).</summary>
internal interface IWidthKernel
{
    /// <summary>Runs the kernel at the width <typeparamref name="TS"/>.</summary>
    void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct;
}

/// <summary>
/// The one place that chooses a register width: the widest the hardware accelerates, else one lane. Because every
/// kernel computes each output by a sequence of operations fixed by its definition (not by the width), the choice
/// changes the speed, never the bits.
/// </summary>
internal static class Width
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dispatch<TK>(ref TK kernel)
        where TK : struct, IWidthKernel, allows ref struct
    {
        if (Simd512.IsAccelerated)
        {
            kernel.Run<Simd512, Vector512<double>>();
        }
        else if (Simd256.IsAccelerated)
        {
            kernel.Run<Simd256, Vector256<double>>();
        }
        else if (Simd128.IsAccelerated)
        {
            kernel.Run<Simd128, Vector128<double>>();
        }
        else
        {
            kernel.Run<SimdScalar, double>();
        }
    }
}

/// <summary>An elementwise map y = f(x), written once per lane.</summary>
internal interface IUnaryOperator
{
    TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct;
}

/// <summary>An elementwise map z = f(x, y), written once per lane.</summary>
internal interface IBinaryOperator
{
    TV Invoke<TS, TV>(TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct;
}

/// <summary>An elementwise map of one argument as a map of two that ignores its second.</summary>
internal readonly struct FirstArgument<TOp>(TOp op) : IBinaryOperator
    where TOp : struct, IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct => op.Invoke<TS, TV>(x);
}

/// <summary>
/// destination_i = op(x_i, y_i) for every i: whole registers, then the remainder one lane at a time with the same
/// operator, so every element gets the same bits at every width. <c>destination</c> may be <c>x</c> or <c>y</c> itself.
/// </summary>
internal ref struct BinaryKernel<TOp>(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination) : IWidthKernel
    where TOp : struct, IBinaryOperator
{
    private readonly ReadOnlySpan<double> _x = x, _y = y;
    private readonly Span<double> _destination = destination;

    public readonly void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        ref double xr = ref MemoryMarshal.GetReference(_x);
        ref double yr = ref MemoryMarshal.GetReference(_y);
        ref double dr = ref MemoryMarshal.GetReference(_destination);
        int n = _x.Length, width = TS.Count, i = 0;
        for (; i + (2 * width) <= n; i += 2 * width)
        {
            TV a = op.Invoke<TS, TV>(TS.Load(ref xr, (nuint)i), TS.Load(ref yr, (nuint)i));
            TV b = op.Invoke<TS, TV>(TS.Load(ref xr, (nuint)(i + width)), TS.Load(ref yr, (nuint)(i + width)));
            TS.Store(a, ref dr, (nuint)i);
            TS.Store(b, ref dr, (nuint)(i + width));
        }

        for (; i + width <= n; i += width)
        {
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref xr, (nuint)i), TS.Load(ref yr, (nuint)i)), ref dr, (nuint)i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dr, i) = op.Invoke<SimdScalar, double>(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
        }
    }
}

/// <summary>
/// A sum Σ_i op(acc, x_i, y_i) with a definition independent of the register width: element i goes to partial sum
/// s_(i mod 8) (s_j ← op(s_j, x_i, y_i), i ascending), and the eight partials are combined as
/// ((s₀ + s₄) + (s₂ + s₆)) + ((s₁ + s₅) + (s₃ + s₇)). A 512-bit register holds the eight partials, two 256-bit or four
/// 128-bit registers hold them, or eight scalars; the remainder (fewer than eight elements) is added lane by lane.
/// </summary>
internal ref struct PartialSumKernel<TOp>(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y) : IWidthKernel
    where TOp : struct, IAccumulateOperator
{
    /// <summary>The number of partial sums: fixed by the definition, not by the hardware.</summary>
    public const int Partials = 8;

    private readonly ReadOnlySpan<double> _x = x, _y = y;

    /// <summary>The sum, after <see cref="Run{TS, TV}"/>.</summary>
    public double Result { get; private set; }

    public void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        ref double xr = ref MemoryMarshal.GetReference(_x);
        ref double yr = ref MemoryMarshal.GetReference(_y);
        int n = _x.Length, w = TS.Count, i = 0;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
        for (; i + Partials <= n; i += Partials)
        {
            a0 = Step<TS, TV>(a0, ref xr, ref yr, i);
            if (w <= 4)
            {
                a1 = Step<TS, TV>(a1, ref xr, ref yr, i + w);
            }

            if (w <= 2)
            {
                a2 = Step<TS, TV>(a2, ref xr, ref yr, i + (2 * w));
                a3 = Step<TS, TV>(a3, ref xr, ref yr, i + (3 * w));
            }

            if (w == 1)
            {
                a4 = Step<TS, TV>(a4, ref xr, ref yr, i + 4);
                a5 = Step<TS, TV>(a5, ref xr, ref yr, i + 5);
                a6 = Step<TS, TV>(a6, ref xr, ref yr, i + 6);
                a7 = Step<TS, TV>(a7, ref xr, ref yr, i + 7);
            }
        }

        Span<double> s = stackalloc double[Partials];
        ref double sr = ref MemoryMarshal.GetReference(s);
        TS.Store(a0, ref sr, 0);
        if (w <= 4)
        {
            TS.Store(a1, ref sr, (nuint)w);
        }

        if (w <= 2)
        {
            TS.Store(a2, ref sr, (nuint)(2 * w));
            TS.Store(a3, ref sr, (nuint)(3 * w));
        }

        if (w == 1)
        {
            TS.Store(a4, ref sr, 4);
            TS.Store(a5, ref sr, 5);
            TS.Store(a6, ref sr, 6);
            TS.Store(a7, ref sr, 7);
        }

        for (int j = 0; i < n; i++, j++)
        {
            s[j] = op.Invoke<SimdScalar, double>(s[j], Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
        }

        Result = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
    }

    /// <summary>The sum of fewer than <see cref="Partials"/> terms, as <see cref="Run{TS, TV}"/> forms it: partial j is op(0, x_j, y_j), or 0.</summary>
    public static double Short(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        ((Term(op, x, y, 0) + Term(op, x, y, 4)) + (Term(op, x, y, 2) + Term(op, x, y, 6))) +
        ((Term(op, x, y, 1) + Term(op, x, y, 5)) + (Term(op, x, y, 3) + Term(op, x, y, 7)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Term(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> y, int j) =>
        j < x.Length ? op.Invoke<SimdScalar, double>(0.0, x[j], y[j]) : 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly TV Step<TS, TV>(TV acc, ref double xr, ref double yr, int i)
        where TS : struct, ISimd<TV>
        where TV : struct =>
        op.Invoke<TS, TV>(acc, TS.Load(ref xr, (nuint)i), TS.Load(ref yr, (nuint)i));
}

/// <summary>One term of a sum: acc ← op(acc, x, y), written once per lane.</summary>
internal interface IAccumulateOperator
{
    TV Invoke<TS, TV>(TV acc, TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct;
}

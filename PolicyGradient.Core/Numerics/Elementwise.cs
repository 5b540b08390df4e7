using System.Runtime.CompilerServices;

namespace PolicyGradient.Numerics;

public static partial class Kernels
{
    /// <summary>y_i = e^{x_i} (<see cref="DeterministicMath.Exp"/> in every lane). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Exp(ReadOnlySpan<double> x, Span<double> y) => Map(default(ExpOperator), x, y);

    /// <summary>y_i = ln x_i (<see cref="DeterministicMath.Log"/> in every lane). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Log(ReadOnlySpan<double> x, Span<double> y) => Map(default(LogOperator), x, y);

    /// <summary>y_i = ln(1 + x_i) (<see cref="DeterministicMath.Log1P"/> in every lane). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Log1P(ReadOnlySpan<double> x, Span<double> y) => Map(default(Log1POperator), x, y);

    /// <summary>y_i = e^{x_i} − 1 (<see cref="DeterministicMath.ExpM1"/> in every lane). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ExpM1(ReadOnlySpan<double> x, Span<double> y) => Map(default(ExpM1Operator), x, y);

    /// <summary>y_i = tanh x_i (<see cref="DeterministicMath.Tanh"/> in every lane). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y) => Map(default(TanhOperator), x, y);

    /// <summary>y_i = ln(1 + e^{x_i}) (<see cref="DeterministicMath.Softplus"/> in every lane). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Softplus(ReadOnlySpan<double> x, Span<double> y) => Map(default(SoftplusOperator), x, y);

    /// <summary>y_i = max(x_i, 0) (NaN stays NaN, −0 ↦ +0). <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y) => Map(default(ReluOperator), x, y);

    /// <summary>x ← α x in place.</summary>
    public static void Scale(double alpha, Span<double> x) => Map(new ScaleOperator(alpha), x, x);

    /// <summary>y ← fma(α, x, y) elementwise: y + α x with one rounding per element.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        var kernel = new BinaryKernel<AxpyOperator>(new AxpyOperator(alpha), x, y, y);
        Width.Dispatch(ref kernel);
    }

    /// <summary>
    /// Backward of <see cref="Tanh"/> from its saved output: x̄ = ȳ · (1 − y²), with 1 − y² formed by one fused
    /// multiply-add. Overwrites <paramref name="xBar"/>, which may be <paramref name="yBar"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void TanhBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) =>
        Zip(default(TanhBackwardOperator), y, yBar, xBar);

    /// <summary>
    /// Backward of <see cref="Relu"/> from its saved output: x̄_i = ȳ_i where y_i &gt; 0, else 0 (the derivative at
    /// 0 is taken as 0). Overwrites <paramref name="xBar"/>, which may be <paramref name="yBar"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar) =>
        Zip(default(ReluBackwardOperator), y, yBar, xBar);

    /// <summary>y_i = op(x_i) at the widest accelerated width, the same bits at every width. <paramref name="y"/> may be <paramref name="x"/>.</summary>
    internal static void Map<TOp>(TOp op, ReadOnlySpan<double> x, Span<double> y)
        where TOp : struct, IUnaryOperator
    {
        ThrowHelper.CheckLength(y.Length, x.Length, nameof(y), "same length as x");
        var kernel = new BinaryKernel<FirstArgument<TOp>>(new FirstArgument<TOp>(op), x, x, y);
        Width.Dispatch(ref kernel);
    }

    private static void Zip<TOp>(TOp op, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
        where TOp : struct, IBinaryOperator
    {
        ThrowHelper.CheckLength(yBar.Length, y.Length, nameof(yBar), "same length as y");
        ThrowHelper.CheckLength(xBar.Length, y.Length, nameof(xBar), "same length as y");
        var kernel = new BinaryKernel<TOp>(op, y, yBar, xBar);
        Width.Dispatch(ref kernel);
    }
}

internal readonly struct ExpOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => DeterministicMath.Exp<TS, TV>(x);
}

internal readonly struct LogOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => DeterministicMath.Log<TS, TV>(x);
}

internal readonly struct Log1POperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => DeterministicMath.Log1P<TS, TV>(x);
}

internal readonly struct ExpM1Operator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => DeterministicMath.ExpM1<TS, TV>(x);
}

internal readonly struct TanhOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => DeterministicMath.Tanh<TS, TV>(x);
}

internal readonly struct SoftplusOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => DeterministicMath.Softplus<TS, TV>(x);
}

internal readonly struct ReluOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Select(TS.GreaterThan(x, TS.Zero), x, TS.Select(TS.Equal(x, x), TS.Zero, x));
}

internal readonly struct ScaleOperator(double alpha) : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Multiply(TS.Broadcast(alpha), x);
}

internal readonly struct AddOperator(double addend) : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Add(x, TS.Broadcast(addend));
}

internal readonly struct AxpyOperator(double alpha) : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.MultiplyAdd(TS.Broadcast(alpha), x, y);
}

internal readonly struct TanhBackwardOperator : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV y, TV yBar)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Multiply(yBar, TS.MultiplyAdd(TS.Subtract(TS.Zero, y), y, TS.Broadcast(1.0)));
}

internal readonly struct ReluBackwardOperator : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV y, TV yBar)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Select(TS.GreaterThan(y, TS.Zero), yBar, TS.Zero);
}

internal readonly struct MultiplyAddOperator : IAccumulateOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV acc, TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.MultiplyAdd(x, y, acc);
}

/// <summary>acc + x: the terms of a plain sum (y is unused).</summary>
internal readonly struct AddFirstOperator : IAccumulateOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV acc, TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Add(acc, x);
}

/// <summary>acc + e^{x − shift}: the terms of a max-shifted log-sum-exp (y is unused).</summary>
internal readonly struct ShiftedExpOperator(double shift) : IAccumulateOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV acc, TV x, TV y)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Add(acc, DeterministicMath.Exp<TS, TV>(TS.Subtract(x, TS.Broadcast(shift))));
}

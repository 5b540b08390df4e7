using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using PolicyGradient.Numerics;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// This machine's FP64 FMA peak on one core: 12 independent chains of fused multiply-adds at the widest accelerated
/// register width, 1,000,000 iterations. Each chain starts from a different value, so the JIT cannot merge them.
/// GFLOP/s = 12 · <see cref="Lanes"/> · 2 · 1e6 / time. <see cref="FmaPeakTwoThreads"/> runs the same on two threads at
/// once (twice the flops): the two-thread peak that multi-threaded figures are measured against, since two virtual cores
/// need not deliver twice one core's work.
/// </summary>
public class PeakBenchmarks
{
    private const int Iterations = 1_000_000;

    /// <summary>Doubles per register of the width <see cref="FmaPeak"/> runs (the width the kernels dispatch to).</summary>
    public static int Lanes => Simd512.IsAccelerated ? Simd512.Count : Simd256.IsAccelerated ? Simd256.Count : Simd128.IsAccelerated ? Simd128.Count : 1;

    /// <summary>Floating-point operations per invocation.</summary>
    public static double Flops => 12.0 * Lanes * 2 * Iterations;

    [Benchmark]
    public double FmaPeak() =>
        Simd512.IsAccelerated ? Chains<Simd512, Vector512<double>>()
        : Simd256.IsAccelerated ? Chains<Simd256, Vector256<double>>()
        : Simd128.IsAccelerated ? Chains<Simd128, Vector128<double>>()
        : Chains<SimdScalar, double>();

    /// <summary><see cref="FmaPeak"/> on two threads at once: 2 · <see cref="Flops"/> per invocation.</summary>
    [Benchmark]
    public double FmaPeakTwoThreads()
    {
        double first = 0, second = 0;
        Parallel.Invoke(() => first = FmaPeak(), () => second = FmaPeak());
        return first + second;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Chains<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV m = TS.Broadcast(0.9999999), c = TS.Broadcast(1e-7);
        TV a0 = TS.Broadcast(1.0), a1 = TS.Broadcast(1.1), a2 = TS.Broadcast(1.2), a3 = TS.Broadcast(1.3);
        TV a4 = TS.Broadcast(1.4), a5 = TS.Broadcast(1.5), a6 = TS.Broadcast(1.6), a7 = TS.Broadcast(1.7);
        TV a8 = TS.Broadcast(1.8), a9 = TS.Broadcast(1.9), a10 = TS.Broadcast(2.0), a11 = TS.Broadcast(2.1);
        for (int i = 0; i < Iterations; i++)
        {
            a0 = TS.MultiplyAdd(a0, m, c); a1 = TS.MultiplyAdd(a1, m, c); a2 = TS.MultiplyAdd(a2, m, c);
            a3 = TS.MultiplyAdd(a3, m, c); a4 = TS.MultiplyAdd(a4, m, c); a5 = TS.MultiplyAdd(a5, m, c);
            a6 = TS.MultiplyAdd(a6, m, c); a7 = TS.MultiplyAdd(a7, m, c); a8 = TS.MultiplyAdd(a8, m, c);
            a9 = TS.MultiplyAdd(a9, m, c); a10 = TS.MultiplyAdd(a10, m, c); a11 = TS.MultiplyAdd(a11, m, c);
        }

        TV sum = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
        sum = TS.Add(sum, TS.Add(TS.Add(a8, a9), TS.Add(a10, a11)));
        Span<double> lanes = stackalloc double[TS.Count];
        TS.Store(sum, ref lanes[0], 0);
        return lanes[0];
    }
}

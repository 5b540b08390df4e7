using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Numerics;

namespace PolicyGradient.Benchmarks;

/// <summary>Each kernel against its scalar twin, TensorPrimitives and MathNet where they have the operation.</summary>
[MemoryDiagnoser]
public class DotBenchmarks
{
    private double[] _x = [], _y = [];
    private Vector<double> _mx = null!, _my = null!;

    [Params(64, 4096)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _x = Enumerable.Range(0, N).Select(_ => random.NextDouble()).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => random.NextDouble()).ToArray();
        _mx = Vector<double>.Build.DenseOfArray(_x);
        _my = Vector<double>.Build.DenseOfArray(_y);
    }

    [Benchmark(Baseline = true)]
    public double Scalar() => ScalarKernels.Dot(_x, _y);

    [Benchmark]
    public double Kernel() => Kernels.Dot(_x, _y);

    [Benchmark]
    public double TensorPrimitivesDot() => TensorPrimitives.Dot(_x, _y);

    [Benchmark]
    public double MathNet() => _mx.DotProduct(_my);
}

/// <summary>y = W x + b for a 64×64 layer (one row of the policy's middle layer).</summary>
[MemoryDiagnoser]
public class GemvBenchmarks
{
    private readonly double[] _w = new double[64 * 64], _x = new double[64], _b = new double[64], _y = new double[64];
    private Matrix<double> _mw = null!;
    private Vector<double> _mx = null!, _mb = null!, _my = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        for (int i = 0; i < _w.Length; i++)
        {
            _w[i] = random.NextDouble();
        }

        _mw = Matrix<double>.Build.DenseOfRowMajor(64, 64, _w);
        _mx = Vector<double>.Build.Dense(64, 0.5);
        _mb = Vector<double>.Build.Dense(64, 0.1);
        _my = Vector<double>.Build.Dense(64);
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => ScalarKernels.Gemv(_w, _x, _b, _y);

    [Benchmark]
    public void Kernel() => Kernels.Gemv(_w, _x, _b, _y);

    [Benchmark]
    public void MathNet()
    {
        _mw.Multiply(_mx, _my);
        _my.Add(_mb, _my);
    }
}

/// <summary>Y = X W̃ + b (W̃ = Wᵀ, input-major) for 256 rows through a 64→64 layer, the batched forward's core.</summary>
[MemoryDiagnoser]
public class LinearForwardBatchedBenchmarks
{
    private const int Rows = 256, In = 64, Out = 64;
    private readonly double[] _x = new double[Rows * In], _w = new double[Out * In], _b = new double[Out];
    private readonly double[] _y = new double[Rows * Out];
    private Matrix<double> _mx = null!, _mw = null!, _my = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = random.NextDouble();
        }

        for (int i = 0; i < _w.Length; i++)
        {
            _w[i] = random.NextDouble();
        }

        _mx = Matrix<double>.Build.DenseOfRowMajor(Rows, In, _x);
        _mw = Matrix<double>.Build.DenseOfRowMajor(In, Out, _w);
        _my = Matrix<double>.Build.Dense(Rows, Out);
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => ScalarKernels.LinearForwardBatched(Rows, _x, _w, _b, _y);

    [Benchmark]
    public void Kernel() => Kernels.LinearForwardBatched(Rows, _x, _w, _b, _y);

    [Benchmark]
    public void MathNet() => _mx.Multiply(_mw, _my);
}

/// <summary>
/// The deterministic transcendentals (the same bits on every CPU) against TensorPrimitives' (whose bits depend on
/// the instruction set), 4096 elements.
/// </summary>
[MemoryDiagnoser]
public class TranscendentalBenchmarks
{
    private readonly double[] _x = new double[4096], _y = new double[4096];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(6);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (8 * random.NextDouble()) - 4;
        }
    }

    [Benchmark(Baseline = true)]
    public void KernelsExp() => Kernels.Exp(_x, _y);

    [Benchmark]
    public void TensorPrimitivesExp() => TensorPrimitives.Exp(_x, _y);

    [Benchmark]
    public void KernelsTanh() => Kernels.Tanh(_x, _y);

    [Benchmark]
    public void TensorPrimitivesTanh() => TensorPrimitives.Tanh(_x, _y);
}

/// <summary>
/// Y = X W̃ + b through a 64→64 layer for one row (the single-state forward) and 256 rows, with W̃, b, X and Y on
/// 64-byte boundaries (<see cref="AlignedBuffer"/>, as θ and the workspaces are) or each one double past them, so
/// that every register-wide load and store of a row straddles two cache lines. The bits are the same either way.
/// </summary>
[MemoryDiagnoser]
public class AlignmentBenchmarks
{
    private const int In = 64, Out = 64;
    private AlignedBuffer _x = null!, _w = null!, _b = null!, _y = null!;

    /// <summary>Rows per call.</summary>
    [Params(1, 256)]
    public int Rows { get; set; }

    /// <summary>Doubles past the 64-byte boundary every operand starts at: 0 (aligned) or 1.</summary>
    [Params(0, 1)]
    public int Offset { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        (_x, _w, _b, _y) = (new AlignedBuffer((Rows * In) + 1), new AlignedBuffer((In * Out) + 1), new AlignedBuffer(Out + 1), new AlignedBuffer((Rows * Out) + 1));
        foreach (AlignedBuffer buffer in new[] { _x, _w, _b })
        {
            Span<double> values = buffer.Span;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = random.NextDouble() - 0.5;
            }
        }
    }

    [Benchmark]
    public void Forward() => Kernels.LinearForwardBatched(Rows, _x.Span.Slice(Offset, Rows * In), _w.Span.Slice(Offset, In * Out), _b.Span.Slice(Offset, Out), _y.Span.Slice(Offset, Rows * Out));
}

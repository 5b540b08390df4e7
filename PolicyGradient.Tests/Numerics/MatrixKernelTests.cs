using PolicyGradient.Numerics;
using static PolicyGradient.Tests.Numerics.Bits;
using static PolicyGradient.Tests.TestData;

namespace PolicyGradient.Tests.Numerics;

/// <summary>
/// Every matrix kernel, at every register width (Vector512, Vector256, Vector128, one lane, and the dispatcher), gives
/// exactly the bits of its scalar twin, which defines the order of every operation, for every inner length 0..257
/// and for odd shapes; and the properties the layers above rely on hold bit for bit.
/// </summary>
[TestFixture]
[Category("Kernels")]
public class MatrixKernelTests
{
    private const int MaxLength = 257;

    private static readonly (int M, int N)[] OddShapes = [(1, 1), (3, 7), (64, 5), (5, 64), (65, 63)];

    public static IEnumerable<KernelSet> Sets => KernelSet.Available();

    private static IEnumerable<(int M, int N)> LengthSweep(int rows) =>
        Enumerable.Range(0, MaxLength + 1).Select(n => (rows, n)).Concat(OddShapes);

    // (B, N inputs, M outputs) of a layer: every output count and input count 1..257, odd shapes, one to nine rows and
    // a large batch through 64×64, narrow output and input layers over many rows (the rows run in the lanes: blocks
    // of four registers of rows and of one, leftover rows, inner lengths not a multiple of the tile and beyond one
    // cache block), and no inputs or no outputs (Y = b; X̄ = 0).
    private static IEnumerable<(int B, int N, int M)> LayerShapes() =>
        Enumerable.Range(1, MaxLength).Select(m => (B: 6, N: 11, M: m))
            .Concat(Enumerable.Range(1, MaxLength).Select(n => (B: 5, N: n, M: 40)))
            .Concat(OddShapes.Select(s => (B: 9, N: s.N, M: s.M)))
            .Concat(Enumerable.Range(1, 9).Select(b => (B: b, N: 64, M: 64)))
            .Append((B: 300, N: 64, M: 2))
            .Append((B: 300, N: 37, M: 3))
            .Append((B: 300, N: 200, M: 1))
            .Append((B: 300, N: 3, M: 64))
            .Append((B: 300, N: 7, M: 150))
            .Append((B: 300, N: 64, M: 64))
            .Append((B: 7, N: 0, M: 5))
            .Append((B: 7, N: 5, M: 0));

    [Test]
    public void Gemv_equals_scalar_twin_bit_for_bit()
    {
        var random = new Random(11);
        foreach ((int m, int n) in LengthSweep(5).Append((17, 64)))
        {
            double[] w = Uniform(random, m * n), x = Uniform(random, n), b = Uniform(random, m);
            var expected = new double[m];
            var actual = new double[m];
            ScalarKernels.Gemv(w, x, b, expected);
            Kernels.Gemv(w, x, b, actual);
            AssertBitwiseEqual(expected, actual, $"{m}x{n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void GemvTransposedAccumulate_equals_scalar_twin_bit_for_bit(KernelSet set)
    {
        var random = new Random(12);
        foreach ((int m, int n) in LengthSweep(6))
        {
            double[] w = Uniform(random, m * n), yBar = Uniform(random, m), start = Uniform(random, n);
            double[] expected = (double[])start.Clone(), actual = (double[])start.Clone();
            ScalarKernels.GemvTransposedAccumulate(w, yBar, expected);
            set.GemvTransposedAccumulate(w, yBar, actual);
            AssertBitwiseEqual(expected, actual, $"{set} {m}x{n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void Rank1Accumulate_equals_scalar_twin_bit_for_bit(KernelSet set)
    {
        var random = new Random(13);
        foreach ((int m, int n) in LengthSweep(3))
        {
            double[] yBar = Uniform(random, m), x = Uniform(random, n), start = Uniform(random, m * n);
            double[] expected = (double[])start.Clone(), actual = (double[])start.Clone();
            ScalarKernels.Rank1Accumulate(0.75, yBar, x, expected);
            set.Rank1Accumulate(0.75, yBar, x, actual);
            AssertBitwiseEqual(expected, actual, $"{set} {m}x{n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void MatMulAccumulate_equals_scalar_twin_bit_for_bit_for_both_layouts_of_A(KernelSet set)
    {
        var random = new Random(14);
        var shapes = Enumerable.Range(0, MaxLength + 1).Select(n => (M: 5, K: 9, N: n))
            .Concat(Enumerable.Range(0, MaxLength + 1).Select(k => (M: 7, K: k, N: 33)))
            .Concat(OddShapes.Select(s => (s.M, K: s.N, s.N)))
            .Concat(OddShapes.Select(s => (M: s.N, K: 300, N: s.M)))
            .Concat(new[] { 1, 2, 3 }.SelectMany(m => new[] { 19, 35, 67, 131 }.Select(n => (M: m, K: 300, N: n)))) // one to three rows: eight registers of columns, a remainder, two inner blocks
            .Append((M: 13, K: 64, N: 64));
        foreach ((int m, int k, int n) in shapes)
        {
            foreach (bool transposeA in new[] { false, true })
            {
                double[] a = Uniform(random, m * k), b = Uniform(random, k * n), start = Uniform(random, m * n);
                double[] expected = (double[])start.Clone(), actual = (double[])start.Clone();
                ScalarKernels.MatMulAccumulate(m, k, n, a, transposeA, b, expected);
                set.MatMulAccumulate(m, k, n, a, transposeA, b, actual);
                AssertBitwiseEqual(expected, actual, $"{set} m={m} k={k} n={n} transposeA={transposeA}");
            }
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearForwardBatched_equals_scalar_twin_bit_for_bit(KernelSet set)
    {
        var random = new Random(15);
        foreach ((int batch, int n, int m) in LayerShapes())
        {
            double[] x = Uniform(random, batch * n), wT = Uniform(random, n * m), b = Uniform(random, m);
            var expected = new double[batch * m];
            var actual = new double[batch * m];
            ScalarKernels.LinearForwardBatched(batch, x, wT, b, expected);
            set.LinearForwardBatched(batch, x, wT, b, actual);
            AssertBitwiseEqual(expected, actual, $"{set} B={batch} N={n} M={m}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearInputGradientBatched_equals_scalar_twin_bit_for_bit(KernelSet set)
    {
        var random = new Random(21);
        foreach ((int batch, int n, int m) in LayerShapes())
        {
            double[] yBar = Uniform(random, batch * m), wT = Uniform(random, n * m);
            double[] expected = Uniform(random, batch * n), actual = Uniform(random, batch * n); // overwritten
            var scratch = new double[m * n];
            ScalarKernels.LinearInputGradientBatched(batch, yBar, wT, expected, scratch);
            set.LinearInputGradientBatched(batch, yBar, wT, actual, scratch);
            AssertBitwiseEqual(expected, actual, $"{set} B={batch} N={n} M={m}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearInputGradientBatched_gives_a_row_the_same_bits_whatever_the_batch(KernelSet set)
    {
        var random = new Random(22);
        const int Batch = 300, N = 64, M = 64;
        double[] yBar = Uniform(random, Batch * M), wT = Uniform(random, N * M);
        var all = new double[Batch * N];
        var scratch = new double[M * N];
        set.LinearInputGradientBatched(Batch, yBar, wT, all, scratch);
        foreach (int size in new[] { 1, 2, 3, 4, 5, 8, 64 })
        {
            var pieces = new double[Batch * N];
            for (int start = 0; start < Batch; start += size)
            {
                int rows = Math.Min(size, Batch - start);
                set.LinearInputGradientBatched(rows, yBar.AsSpan(start * M, rows * M), wT, pieces.AsSpan(start * N, rows * N), scratch);
            }

            AssertBitwiseEqual(all, pieces, $"{set} batches of {size}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearWeightGradientBatched_equals_scalar_twin_bit_for_bit(KernelSet set)
    {
        var random = new Random(16);
        var shapes = Enumerable.Range(1, MaxLength).Select(n => (B: 7, N: n, M: 3))
            .Concat(Enumerable.Range(1, MaxLength).Select(m => (B: 4, N: 5, M: m)))
            .Concat(OddShapes.Select(s => (B: 10, N: s.N, M: s.M)))
            .Concat(Enumerable.Range(1, 9).Select(b => (B: b, N: 4, M: 64)))
            .Concat(Enumerable.Range(1, 9).Select(b => (B: b, N: 64, M: 2)))
            .Append((B: 300, N: 4, M: 64))
            .Append((B: 300, N: 64, M: 2))
            .Append((B: 300, N: 37, M: 3))
            .Append((B: 300, N: 200, M: 1))
            .Append((B: 300, N: 3, M: 64))
            .Append((B: 300, N: 7, M: 150))
            .Append((B: 300, N: 64, M: 64))
            .Append((B: 7, N: 0, M: 5))
            .Append((B: 7, N: 5, M: 0));
        foreach ((int batch, int n, int m) in shapes)
        {
            double[] yBar = Uniform(random, batch * m), x = Uniform(random, batch * n);
            double[] dW0 = Uniform(random, n * m), db0 = Uniform(random, m);
            double[] dWExpected = (double[])dW0.Clone(), dWActual = (double[])dW0.Clone();
            double[] dbExpected = (double[])db0.Clone(), dbActual = (double[])db0.Clone();
            var scratch = new double[m * n];
            ScalarKernels.LinearWeightGradientBatched(batch, yBar, x, dWExpected, dbExpected, scratch);
            set.LinearWeightGradientBatched(batch, yBar, x, dWActual, dbActual, scratch);
            AssertBitwiseEqual(dWExpected, dWActual, $"{set} dW B={batch} N={n} M={m}");
            AssertBitwiseEqual(dbExpected, dbActual, $"{set} db B={batch} N={n} M={m}");
        }
    }

    /// <summary>The property the policy layer relies on: a sum over rows does not depend on how the rows are split into calls.</summary>
    [TestCaseSource(nameof(Sets))]
    public void LinearWeightGradientBatched_on_rows_one_at_a_time_equals_one_call_on_all_rows(KernelSet set)
    {
        var random = new Random(19);
        foreach ((int batch, int n, int m) in new[] { (300, 4, 64), (300, 64, 64), (77, 64, 2), (33, 7, 13), (5, 64, 64) })
        {
            double[] yBar = Uniform(random, batch * m), x = Uniform(random, batch * n);
            double[] dW0 = Uniform(random, n * m), db0 = Uniform(random, m);
            double[] dWAll = (double[])dW0.Clone(), dWRows = (double[])dW0.Clone(), dWSplit = (double[])dW0.Clone();
            double[] dbAll = (double[])db0.Clone(), dbRows = (double[])db0.Clone(), dbSplit = (double[])db0.Clone();
            var scratch = new double[m * n];
            set.LinearWeightGradientBatched(batch, yBar, x, dWAll, dbAll, scratch);
            for (int r = 0; r < batch; r++)
            {
                set.LinearWeightGradientBatched(1, yBar.AsSpan(r * m, m), x.AsSpan(r * n, n), dWRows, dbRows, []);
            }

            for (int start = 0, size = 1; start < batch; start += size, size = (size * 3) + 1)
            {
                int rows = Math.Min(size, batch - start);
                set.LinearWeightGradientBatched(rows, yBar.AsSpan(start * m, rows * m), x.AsSpan(start * n, rows * n), dWSplit, dbSplit, scratch);
            }

            AssertBitwiseEqual(dWAll, dWRows, $"{set} dW row by row B={batch} N={n} M={m}");
            AssertBitwiseEqual(dbAll, dbRows, $"{set} db row by row B={batch} N={n} M={m}");
            AssertBitwiseEqual(dWAll, dWSplit, $"{set} dW split B={batch} N={n} M={m}");
            AssertBitwiseEqual(dbAll, dbSplit, $"{set} db split B={batch} N={n} M={m}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearForwardBatched_gives_a_row_the_same_bits_whatever_the_batch(KernelSet set)
    {
        var random = new Random(20);
        const int Batch = 300, N = 64, M = 64;
        double[] x = Uniform(random, Batch * N), wT = Uniform(random, N * M), b = Uniform(random, M);
        var all = new double[Batch * M];
        set.LinearForwardBatched(Batch, x, wT, b, all);
        foreach (int size in new[] { 1, 2, 3, 4, 5, 8, 64 })
        {
            var pieces = new double[Batch * M];
            for (int start = 0; start < Batch; start += size)
            {
                int rows = Math.Min(size, Batch - start);
                set.LinearForwardBatched(rows, x.AsSpan(start * N, rows * N), wT, b, pieces.AsSpan(start * M, rows * M));
            }

            AssertBitwiseEqual(all, pieces, $"{set} batches of {size}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void Activation_backward_kernels_equal_scalar_twins_bit_for_bit(KernelSet set)
    {
        var random = new Random(17);
        for (int n = 0; n <= MaxLength; n++)
        {
            double[] y = Uniform(random, n), yBar = Uniform(random, n);
            double[] expected = new double[n], actual = new double[n];
            ScalarKernels.TanhBackward(y, yBar, expected);
            set.TanhBackward(y, yBar, actual);
            AssertBitwiseEqual(expected, actual, $"{set} tanh' n={n}");

            ScalarKernels.ReluBackward(y, yBar, expected);
            set.ReluBackward(y, yBar, actual);
            AssertBitwiseEqual(expected, actual, $"{set} relu' n={n}");
        }
    }

    /// <summary>Sizes whose product wraps around 2³² in 32-bit arithmetic are refused before any memory is touched.</summary>
    [Test]
    public void Kernels_refuse_shapes_whose_size_product_overflows_32_bits()
    {
        double[] big = new double[65536], none = [];
        Assert.Multiple(() =>
        {
            Assert.That(() => Kernels.Gemv(none, big, big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
            Assert.That(() => Kernels.GemvTransposedAccumulate(none, big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
            Assert.That(() => Kernels.Rank1Accumulate(1.0, big, big, none), Throws.ArgumentException.With.Property("ParamName").EqualTo("g"));
            Assert.That(() => Kernels.MatMulAccumulate(65536, 65536, 1, none, false, big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
            Assert.That(() => Kernels.LinearForwardBatched(1, big, none, big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("wT"));
            Assert.That(() => Kernels.LinearWeightGradientBatched(1, big, big, none, big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("dWT"));
            Assert.That(() => Kernels.LinearInputGradientBatched(1, big, none, big, big), Throws.ArgumentException.With.Property("ParamName").EqualTo("wT"));
        });
    }
}

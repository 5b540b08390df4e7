using PolicyGradient.Numerics;
using static PolicyGradient.Tests.TestData;

namespace PolicyGradient.Tests.Numerics;

/// <summary>
/// Every matrix kernel, at every available register width, equals its scalar twin within the forward-error bound
/// of a sum of k products, |error| ≤ 2(k + 2)·ε·Σ|terms| (the twin's own error plus the kernel's), for every inner
/// length 0..257 and for odd shapes. The bound's scale is the scalar twin run on absolute values.
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

    [TestCaseSource(nameof(Sets))]
    public void Gemv_matches_scalar_twin(KernelSet set)
    {
        var random = new Random(11);
        foreach ((int m, int n) in LengthSweep(5))
        {
            double[] w = Uniform(random, m * n), x = Uniform(random, n), b = Uniform(random, m);
            var expected = new double[m];
            var actual = new double[m];
            var scale = new double[m];
            ScalarKernels.Gemv(w, x, b, expected);
            set.Gemv(w, x, b, actual);
            ScalarKernels.Gemv(Abs(w), Abs(x), Abs(b), scale);
            AssertWithinRoundoff(expected, actual, scale, 2 * (n + 2), $"{set} {m}x{n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void GemvTransposedAccumulate_matches_scalar_twin(KernelSet set)
    {
        var random = new Random(12);
        foreach ((int m, int n) in LengthSweep(6))
        {
            double[] w = Uniform(random, m * n), yBar = Uniform(random, m), start = Uniform(random, n);
            double[] expected = (double[])start.Clone(), actual = (double[])start.Clone(), scale = Abs(start);
            ScalarKernels.GemvTransposedAccumulate(w, yBar, expected);
            set.GemvTransposedAccumulate(w, yBar, actual);
            ScalarKernels.GemvTransposedAccumulate(Abs(w), Abs(yBar), scale);
            AssertWithinRoundoff(expected, actual, scale, 2 * (m + 2), $"{set} {m}x{n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void Rank1Accumulate_matches_scalar_twin(KernelSet set)
    {
        var random = new Random(13);
        foreach ((int m, int n) in LengthSweep(3))
        {
            double[] yBar = Uniform(random, m), x = Uniform(random, n), start = Uniform(random, m * n);
            double[] expected = (double[])start.Clone(), actual = (double[])start.Clone(), scale = Abs(start);
            ScalarKernels.Rank1Accumulate(0.75, yBar, x, expected);
            set.Rank1Accumulate(0.75, yBar, x, actual);
            ScalarKernels.Rank1Accumulate(0.75, Abs(yBar), Abs(x), scale);
            AssertWithinRoundoff(expected, actual, scale, 6, $"{set} {m}x{n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void MatMulAccumulate_matches_scalar_twin_for_both_layouts_of_A(KernelSet set)
    {
        var random = new Random(14);
        var shapes = Enumerable.Range(0, MaxLength + 1).Select(n => (M: 5, K: 9, N: n))
            .Concat(Enumerable.Range(0, MaxLength + 1).Select(k => (M: 7, K: k, N: 33)))
            .Concat(OddShapes.Select(s => (s.M, K: s.N, s.N)))
            .Concat(OddShapes.Select(s => (M: s.N, K: 300, N: s.M)));
        foreach ((int m, int k, int n) in shapes)
        {
            foreach (bool transposeA in new[] { false, true })
            {
                double[] a = Uniform(random, m * k), b = Uniform(random, k * n), start = Uniform(random, m * n);
                double[] expected = (double[])start.Clone(), actual = (double[])start.Clone(), scale = Abs(start);
                ScalarKernels.MatMulAccumulate(m, k, n, a, transposeA, b, expected);
                set.MatMulAccumulate(m, k, n, a, transposeA, b, actual);
                ScalarKernels.MatMulAccumulate(m, k, n, Abs(a), transposeA, Abs(b), scale);
                AssertWithinRoundoff(expected, actual, scale, 2 * (k + 2), $"{set} m={m} k={k} n={n} transposeA={transposeA}");
            }
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearForwardBatched_matches_scalar_twin(KernelSet set)
    {
        var random = new Random(15);
        var shapes = Enumerable.Range(1, MaxLength).Select(m => (B: 6, N: 11, M: m))
            .Concat(Enumerable.Range(1, MaxLength).Select(n => (B: 5, N: n, M: 40)))
            .Concat(OddShapes.Select(s => (B: 9, N: s.N, M: s.M)))
            .Append((B: 300, N: 64, M: 64));
        foreach ((int batch, int n, int m) in shapes)
        {
            double[] x = Uniform(random, batch * n), w = Uniform(random, m * n), b = Uniform(random, m);
            var expected = new double[batch * m];
            var actual = new double[batch * m];
            var scale = new double[batch * m];
            var scratch = new double[m * n];
            ScalarKernels.LinearForwardBatched(batch, x, w, b, expected, scratch);
            set.LinearForwardBatched(batch, x, w, b, actual, scratch);
            ScalarKernels.LinearForwardBatched(batch, Abs(x), Abs(w), Abs(b), scale, scratch);
            AssertWithinRoundoff(expected, actual, scale, 2 * (n + 2), $"{set} B={batch} N={n} M={m}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void LinearWeightGradientBatched_matches_scalar_twin(KernelSet set)
    {
        var random = new Random(16);
        var shapes = Enumerable.Range(1, MaxLength).Select(n => (B: 7, N: n, M: 3))
            .Concat(Enumerable.Range(1, MaxLength).Select(m => (B: 4, N: 5, M: m)))
            .Concat(OddShapes.Select(s => (B: 10, N: s.N, M: s.M)))
            .Append((B: 300, N: 4, M: 64))
            .Append((B: 300, N: 64, M: 64));
        foreach ((int batch, int n, int m) in shapes)
        {
            double[] yBar = Uniform(random, batch * m), x = Uniform(random, batch * n);
            double[] dW0 = Uniform(random, m * n), db0 = Uniform(random, m);
            double[] dWExpected = (double[])dW0.Clone(), dWActual = (double[])dW0.Clone(), dWScale = Abs(dW0);
            double[] dbExpected = (double[])db0.Clone(), dbActual = (double[])db0.Clone(), dbScale = Abs(db0);
            var scratch = new double[m * n];
            ScalarKernels.LinearWeightGradientBatched(batch, yBar, x, dWExpected, dbExpected, scratch);
            set.LinearWeightGradientBatched(batch, yBar, x, dWActual, dbActual, scratch);
            ScalarKernels.LinearWeightGradientBatched(batch, Abs(yBar), Abs(x), dWScale, dbScale, scratch);
            AssertWithinRoundoff(dWExpected, dWActual, dWScale, 2 * (batch + 2), $"{set} dW B={batch} N={n} M={m}");
            AssertWithinRoundoff(dbExpected, dbActual, dbScale, 2 * (batch + 2), $"{set} db B={batch} N={n} M={m}");
        }
    }

    /// <summary>
    /// The vectorised tanh keeps relative accuracy everywhere: within 8 ε·|tanh x| of Math.Tanh (its expm1 form
    /// has about 5 roundings), over small, moderate and saturating arguments and signed zeros.
    /// </summary>
    [TestCaseSource(nameof(Sets))]
    public void Tanh_matches_scalar_twin_to_a_few_ulps_relative(KernelSet set)
    {
        var random = new Random(18);
        for (int n = 0; n <= MaxLength; n++)
        {
            double[] x = Uniform(random, n, -4, 4);
            for (int i = 0; i < n; i += 5)
            {
                x[i] = Math.ScaleB(x[i], -random.Next(0, 60)); // tiny arguments, where 1 − e^{−2|x|} would cancel
            }

            double[] expected = new double[n], actual = new double[n];
            ScalarKernels.Tanh(x, expected);
            set.Tanh(x, actual);
            AssertWithinRoundoff(expected, actual, Abs(expected), 8, $"{set} tanh n={n}");
        }

        double[] edges = [0.0, -0.0, 19.0625, -19.0625, 20.5, -25, 700, double.PositiveInfinity, double.NegativeInfinity, 1e-300, -5e-324, 0.3465, 0.3466];
        double[] edgeExpected = new double[edges.Length], edgeActual = new double[edges.Length];
        ScalarKernels.Tanh(edges, edgeExpected);
        set.Tanh(edges, edgeActual);
        AssertWithinRoundoff(edgeExpected, edgeActual, Abs(edgeExpected), 8, $"{set} tanh edges");
        Assert.That(edgeActual.Select(double.IsNegative), Is.EqualTo(edgeExpected.Select(double.IsNegative)), "signs, including −0");

        double[] nan = [double.NaN, 0.5, double.NaN, -0.5, double.NaN, 1, 2, 3, 4];
        var nanOut = new double[nan.Length];
        set.Tanh(nan, nanOut);
        Assert.That(nanOut.Select(double.IsNaN), Is.EqualTo(nan.Select(double.IsNaN)), "NaN propagates");
    }

    [TestCaseSource(nameof(Sets))]
    public void Activation_backward_kernels_match_scalar_twins(KernelSet set)
    {
        var random = new Random(17);
        for (int n = 0; n <= MaxLength; n++)
        {
            double[] y = Uniform(random, n), yBar = Uniform(random, n);
            double[] expected = new double[n], actual = new double[n];
            ScalarKernels.TanhBackward(y, yBar, expected);
            set.TanhBackward(y, yBar, actual);
            AssertWithinRoundoff(expected, actual, Abs(yBar), 6, $"{set} tanh' n={n}");

            ScalarKernels.ReluBackward(y, yBar, expected);
            set.ReluBackward(y, yBar, actual);
            Assert.That(actual, Is.EqualTo(expected), $"{set} relu' n={n}");
        }
    }
}

using PolicyGradient.Numerics;
using static PolicyGradient.Tests.Numerics.Bits;
using static PolicyGradient.Tests.TestData;

namespace PolicyGradient.Tests.Numerics;

/// <summary>
/// The vector kernels (dot, axpy, scale, the sums of log-sum-exp, ReLU) give the bits of their scalar twins at every
/// register width for every length 0..257: their sums have one fixed order, independent of the hardware.
/// </summary>
[TestFixture]
[Category("Kernels")]
public class VectorKernelTests
{
    private static IEnumerable<int> Lengths => Enumerable.Range(0, 258);

    public static IEnumerable<KernelSet> Sets => KernelSet.Available();

    [TestCaseSource(nameof(Sets))]
    public void Dot_and_Sum_equal_scalar_twins_bit_for_bit(KernelSet set)
    {
        var random = new Random(21);
        foreach (int n in Lengths)
        {
            double[] x = Uniform(random, n), y = Uniform(random, n);
            AssertBitwiseEqual([ScalarKernels.Dot(x, y)], [set.Dot(x, y)], $"{set} dot n={n}");
            AssertBitwiseEqual([ScalarKernels.Sum(x)], [set.Sum(x)], $"{set} sum n={n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void Axpy_Scale_and_Relu_equal_scalar_twins_bit_for_bit(KernelSet set)
    {
        var random = new Random(22);
        foreach (int n in Lengths)
        {
            double[] x = Uniform(random, n), y = Uniform(random, n);
            double[] expected = (double[])y.Clone(), actual = (double[])y.Clone();
            ScalarKernels.Axpy(-1.5, x, expected);
            set.Axpy(-1.5, x, actual);
            AssertBitwiseEqual(expected, actual, $"{set} axpy n={n}");

            ScalarKernels.Scale(0.3, expected);
            set.Scale(0.3, actual);
            AssertBitwiseEqual(expected, actual, $"{set} scale n={n}");

            if (n > 2)
            {
                x[0] = double.NaN;
                x[1] = -0.0;
            }

            ScalarKernels.Relu(x, expected);
            set.Map("Relu", x, actual);
            AssertBitwiseEqual(expected, actual, $"{set} relu n={n}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void Sum_of_shifted_exponentials_equals_the_scalar_order_bit_for_bit(KernelSet set)
    {
        var random = new Random(25);
        foreach (int n in Lengths.Skip(1))
        {
            double[] z = Uniform(random, n, -30, 30);
            double max = z.Max();
            double expected = ScalarKernels.LogSumExp(z);
            AssertBitwiseEqual([expected], [max + DeterministicMath.Log(set.SumShiftedExp(z, max))], $"{set} n={n}");
        }
    }

    [Test]
    public void LogSumExp_LogSoftmax_and_Softmax_equal_scalar_twins_bit_for_bit_and_Math_closely()
    {
        var random = new Random(23);
        foreach (int n in Lengths)
        {
            double[] z = Uniform(random, n, -30, 30);
            double lse = ScalarKernels.LogSumExp(z);
            AssertBitwiseEqual([lse], [Kernels.LogSumExp(z)], $"lse n={n}");
            if (n > 0)
            {
                double max = z.Max();
                double reference = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                Assert.That(lse, Is.EqualTo(reference).Within(4 * (n + 4) * Epsilon * (Math.Abs(reference) + 1)), $"lse against Math n={n}");
            }

            double[] expected = new double[n], actual = new double[n];
            ScalarKernels.LogSoftmax(z, expected);
            Kernels.LogSoftmax(z, actual);
            AssertBitwiseEqual(expected, actual, $"logsoftmax n={n}");

            ScalarKernels.Softmax(z, expected);
            Kernels.Softmax(z, actual);
            AssertBitwiseEqual(expected, actual, $"softmax n={n}");
        }
    }

    [Test]
    public void Softmax_is_exact_for_huge_logits_where_unshifted_softmax_overflows()
    {
        double[] z = [1000, 999, -1000];
        var p = new double[3];
        Kernels.Softmax(z, p);
        double e = Math.Exp(-1);
        Assert.Multiple(() =>
        {
            Assert.That(p[0], Is.EqualTo(1 / (1 + e)).Within(4 * Epsilon));
            Assert.That(p[1], Is.EqualTo(e / (1 + e)).Within(4 * Epsilon));
            Assert.That(p[2], Is.Zero);
            Assert.That(Kernels.LogSumExp(z), Is.EqualTo(1000 + Math.Log(1 + e)).Within(1e-12));
        });
    }

    [Test]
    public void LogSumExp_of_nothing_is_minus_infinity_and_NaN_and_infinity_propagate()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Kernels.LogSumExp([]), Is.EqualTo(double.NegativeInfinity));
            Assert.That(Kernels.LogSumExp([1, double.NaN, 2]), Is.NaN);
            Assert.That(Kernels.LogSumExp([1, double.PositiveInfinity]), Is.EqualTo(double.PositiveInfinity));
        });
    }

    [Test]
    public void Kernels_reject_mismatched_shapes_naming_the_argument()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Kernels.Dot(new double[3], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
            Assert.That(() => Kernels.Axpy(1, new double[3], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
            Assert.That(() => Kernels.Exp(new double[3], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
            Assert.That(() => Kernels.TanhBackward(new double[3], new double[3], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("xBar"));
            Assert.That(() => Kernels.Gemv(new double[5], new double[2], new double[3], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
            Assert.That(() => Kernels.MatMulAccumulate(2, 3, 4, new double[6], false, new double[11], new double[8]), Throws.ArgumentException.With.Property("ParamName").EqualTo("b"));
            Assert.That(() => Kernels.LinearForwardBatched(3, new double[7], new double[4], new double[2], new double[6]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
            Assert.That(() => Kernels.LinearForwardBatched(4, new double[8], new double[3], new double[2], new double[8]), Throws.ArgumentException.With.Property("ParamName").EqualTo("wT"));
            Assert.That(() => Kernels.LinearInputGradientBatched(4, new double[8], new double[4], new double[8], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("scratch"));
            Assert.That(() => Kernels.LinearInputGradientBatched(3, new double[7], new double[4], new double[6], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("yBar"));
            Assert.That(() => Kernels.LinearWeightGradientBatched(4, new double[8], new double[8], new double[4], new double[2], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("scratch"));
        });
    }
}

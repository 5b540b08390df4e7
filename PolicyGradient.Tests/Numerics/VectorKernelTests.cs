using PolicyGradient.Numerics;
using static PolicyGradient.Tests.TestData;

namespace PolicyGradient.Tests.Numerics;

/// <summary>The TensorPrimitives-backed kernels equal their scalar twins for every length 0..257.</summary>
[TestFixture]
[Category("Kernels")]
public class VectorKernelTests
{
    private static IEnumerable<int> Lengths => Enumerable.Range(0, 258);

    [Test]
    public void Dot_matches_scalar_twin_within_summation_bound()
    {
        var random = new Random(21);
        foreach (int n in Lengths)
        {
            double[] x = Uniform(random, n), y = Uniform(random, n);
            double bound = ScalarKernels.Dot(Abs(x), Abs(y));
            AssertWithinRoundoff([ScalarKernels.Dot(x, y)], [Kernels.Dot(x, y)], [bound], 2 * (n + 1), $"n={n}");
        }
    }

    [Test]
    public void Axpy_and_Scale_match_scalar_twins()
    {
        var random = new Random(22);
        foreach (int n in Lengths)
        {
            double[] x = Uniform(random, n), y = Uniform(random, n);
            double[] expected = (double[])y.Clone(), actual = (double[])y.Clone(), scale = Abs(y);
            ScalarKernels.Axpy(-1.5, x, expected);
            Kernels.Axpy(-1.5, x, actual);
            ScalarKernels.Axpy(1.5, Abs(x), scale);
            AssertWithinRoundoff(expected, actual, scale, 4, $"axpy n={n}");

            ScalarKernels.Scale(0.3, expected);
            Kernels.Scale(0.3, actual);
            ScalarKernels.Scale(0.3, scale);
            AssertWithinRoundoff(expected, actual, scale, 8, $"scale n={n}");
        }
    }

    [Test]
    public void LogSumExp_LogSoftmax_and_Softmax_match_scalar_twins()
    {
        var random = new Random(23);
        foreach (int n in Lengths.Skip(1))
        {
            double[] z = Uniform(random, n, -30, 30);
            double lse = ScalarKernels.LogSumExp(z);
            // exp is within a few ulps in either implementation; log of a sum of n terms adds n·ε relative.
            AssertWithinRoundoff([lse], [Kernels.LogSumExp(z)], [Math.Abs(lse) + 1], 4 * (n + 4), $"lse n={n}");

            double[] expected = new double[n], actual = new double[n];
            ScalarKernels.LogSoftmax(z, expected);
            Kernels.LogSoftmax(z, actual);
            AssertWithinRoundoff(expected, actual, Abs(expected).Select(v => v + Math.Abs(lse) + 1).ToArray(), 4 * (n + 4), $"logsoftmax n={n}");

            ScalarKernels.Softmax(z, expected);
            Kernels.Softmax(z, actual);
            AssertWithinRoundoff(expected, actual, expected, 8 * (n + 4), $"softmax n={n}");
        }
    }

    [Test]
    public void Relu_matches_scalar_twin()
    {
        var random = new Random(24);
        foreach (int n in Lengths)
        {
            double[] x = Uniform(random, n, -5, 5);
            double[] expected = new double[n], actual = new double[n];
            ScalarKernels.Relu(x, expected);
            Kernels.Relu(x, actual);
            Assert.That(actual, Is.EqualTo(expected), $"relu n={n}");
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
    public void Kernels_reject_mismatched_shapes_naming_the_argument()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Kernels.Dot(new double[3], new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
            Assert.That(() => Kernels.Gemv(new double[5], new double[2], new double[3], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
            Assert.That(() => Kernels.MatMulAccumulate(2, 3, 4, new double[6], false, new double[11], new double[8]), Throws.ArgumentException.With.Property("ParamName").EqualTo("b"));
            Assert.That(() => Kernels.LinearForwardBatched(3, new double[7], new double[4], new double[2], new double[6], new double[8]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
        });
    }
}

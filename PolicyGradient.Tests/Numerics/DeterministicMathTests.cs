using System.Runtime.Intrinsics;
using PolicyGradient.Numerics;
using static PolicyGradient.Tests.Numerics.Bits;

namespace PolicyGradient.Tests.Numerics;

/// <summary>
/// The deterministic transcendentals are within their documented ulps of <see cref="Math"/> over their ranges, keep
/// IEEE special values, and every span kernel at every register width returns exactly the scalar function's bits.
/// </summary>
[TestFixture]
[Category("Kernels")]
public class DeterministicMathTests
{
    private static readonly (string Name, Func<double, double> Deterministic, Func<double, double> Reference, long Ulps, double Low, double High)[] Functions =
    [
        ("Exp", DeterministicMath.Exp, Math.Exp, 1, -745, 709.7),
        ("Log", DeterministicMath.Log, Math.Log, 1, 0, 1e300),
        ("Log1P", DeterministicMath.Log1P, ReferenceLog1P, 2, -1, 1e300),
        ("ExpM1", DeterministicMath.ExpM1, ReferenceExpM1, 2, -50, 709.7),
        ("Tanh", DeterministicMath.Tanh, Math.Tanh, 3, -25, 25),
        ("Softplus", DeterministicMath.Softplus, ReferenceSoftplus, 2, -745, 1e300),
    ];

    public static IEnumerable<KernelSet> Sets => KernelSet.Available();

    private static IEnumerable<string> Names => Functions.Select(f => f.Name);

    // log1p(eˣ) with the two sides of 0 split so neither overflows.
    private static double ReferenceSoftplus(double x) => x > 0 ? x + ReferenceLog1P(Math.Exp(-x)) : ReferenceLog1P(Math.Exp(x));

    // .NET's double.LogP1 and double.ExpM1 are log(1 + x) and exp(x) − 1, which lose every digit near 0, so the
    // references are built here: near 0 a Taylor series (in decimal, 28 digits, for moderate x), elsewhere Math.
    private static double ReferenceLog1P(double x)
    {
        if (x == 0 || x == -1 || !double.IsFinite(x))
        {
            return x == -1 ? double.NegativeInfinity : x < -1 ? double.NaN : x;
        }

        if (Math.Abs(x) < 1e-6)
        {
            return Math.FusedMultiplyAdd(x * x, -0.5 + (x / 3), x);
        }

        if (Math.Abs(x) < 0.25)
        {
            decimal d = ExactDecimal(x), power = d, sum = 0;
            for (int k = 1; k < 60; k++, power *= d)
            {
                sum += (k % 2 == 1 ? power : -power) / k;
            }

            return (double)sum;
        }

        double u = 1 + x;
        return Math.Log(u) + ((x - (u - 1)) / u);
    }

    // x exactly (m / 2^k with k ≤ 72 for 1e-6 ≤ |x| < 1), rounded once to decimal's 28 digits; the (decimal) cast
    // would keep only 15.
    private static decimal ExactDecimal(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        long mantissa = (bits & 0xFFFFFFFFFFFFFL) | (1L << 52);
        int k = 1075 - (int)(bits >> 52);
        decimal value = mantissa;
        for (; k > 0; k--)
        {
            value /= 2;
        }

        return x < 0 ? -value : value;
    }

    private static double ReferenceExpM1(double x)
    {
        if (x == 0 || double.IsNaN(x))
        {
            return x;
        }

        if (Math.Abs(x) < 1e-6)
        {
            return Math.FusedMultiplyAdd(x * x, 0.5 + (x / 6), x);
        }

        if (Math.Abs(x) < 1)
        {
            decimal d = ExactDecimal(x), term = d, sum = 0;
            for (int k = 2; k < 40; k++)
            {
                sum += term;
                term = term * d / k;
            }

            return (double)sum;
        }

        return Math.Exp(x) - 1;
    }

    // Arguments spread over the function's range: uniform in [low, high] on a linear and on a logarithmic scale,
    // tiny magnitudes, and the interval ends.
    private static double[] Arguments(double low, double high, int seed)
    {
        var random = new Random(seed);
        var values = new List<double> { low, high, 0.0, -0.0 };
        for (int i = 0; i < 20000; i++)
        {
            values.Add(low + ((high - low) * random.NextDouble()));
            double magnitude = Math.Pow(10, (random.NextDouble() * 40) - 30);
            values.Add(random.Next(2) == 0 ? magnitude : -magnitude);
            values.Add(Math.ScaleB(random.NextDouble() - 0.5, -random.Next(0, 1070)));
        }

        return values.Where(v => v >= low && v <= high).ToArray();
    }

    [TestCaseSource(nameof(Names))]
    public void Scalar_function_is_within_its_documented_ulps_of_Math(string name)
    {
        var f = Functions.Single(g => g.Name == name);
        long worst = 0;
        double worstAt = 0;
        foreach (double x in Arguments(f.Low, f.High, name.Length))
        {
            long ulps = UlpDistance(f.Reference(x), f.Deterministic(x));
            if (ulps > worst)
            {
                worst = ulps;
                worstAt = x;
            }
        }

        Assert.That(worst, Is.LessThanOrEqualTo(f.Ulps), $"{name}: {worst} ulps at x = {worstAt:R} (Math gives {f.Reference(worstAt):R}, we give {f.Deterministic(worstAt):R})");
    }

    [TestCaseSource(nameof(Names))]
    public void Special_values_match_Math(string name)
    {
        var f = Functions.Single(g => g.Name == name);
        double[] specials =
        [
            0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
            double.MaxValue, -double.MaxValue, 2.2250738585072014e-308, 1.0, -1.0, 709.78, 709.79, -745.13, -745.14, 20.0, -40.0, 40.5,
        ];
        foreach (double x in specials)
        {
            double expected = f.Reference(x), actual = f.Deterministic(x);
            Assert.That(UlpDistance(expected, actual), Is.LessThanOrEqualTo(f.Ulps), $"{name}({x:R}): Math {expected:R}, ours {actual:R}");
            if (expected == 0)
            {
                Assert.That(double.IsNegative(actual), Is.EqualTo(double.IsNegative(expected)), $"{name}({x:R}): sign of zero");
            }
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void Span_kernels_equal_the_scalar_functions_bit_for_bit_at_every_width(KernelSet set)
    {
        var random = new Random(26);
        foreach (var f in Functions)
        {
            double[] pool = Arguments(f.Low, f.High, 7).Concat([double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon]).ToArray();
            for (int n = 0; n <= 257; n++)
            {
                double[] x = Enumerable.Range(0, n).Select(_ => pool[random.Next(pool.Length)]).ToArray();
                double[] expected = x.Select(f.Deterministic).ToArray(), actual = new double[n];
                set.Map(f.Name, x, actual);
                AssertBitwiseEqual(expected, actual, $"{set} {f.Name} n={n}");
                set.Map(f.Name, x, x); // in place
                AssertBitwiseEqual(expected, x, $"{set} {f.Name} in place n={n}");
            }
        }
    }

    /// <summary>
    /// a·b + c where the fused and the unfused results differ: every width rounds once (hardware FMA, or the runtime's
    /// correctly rounded software fallback when FMA is disabled), never twice.
    /// </summary>
    [Test]
    public void Multiply_add_is_fused_at_every_width()
    {
        double a = 1 + Math.ScaleB(1, -30), b = 1 - Math.ScaleB(1, -30), c = -1;
        double fused = Math.FusedMultiplyAdd(a, b, c);
        Assert.That(fused, Is.Not.EqualTo((a * b) + c), "the test case separates fused from unfused");
        Assert.Multiple(() =>
        {
            Assert.That(SimdScalar.MultiplyAdd(a, b, c), Is.EqualTo(fused), "one lane");
            Assert.That(Simd128.MultiplyAdd(Vector128.Create(a), Vector128.Create(b), Vector128.Create(c)), Is.EqualTo(Vector128.Create(fused)), "Vector128");
            Assert.That(Simd256.MultiplyAdd(Vector256.Create(a), Vector256.Create(b), Vector256.Create(c)), Is.EqualTo(Vector256.Create(fused)), "Vector256");
            Assert.That(Simd512.MultiplyAdd(Vector512.Create(a), Vector512.Create(b), Vector512.Create(c)), Is.EqualTo(Vector512.Create(fused)), "Vector512");
            Assert.That(fused, Is.EqualTo(-Math.ScaleB(1, -60)), "Math.FusedMultiplyAdd is exact here");
        });
    }
}

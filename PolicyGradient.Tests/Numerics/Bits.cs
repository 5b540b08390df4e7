namespace PolicyGradient.Tests.Numerics;

/// <summary>Exact comparisons: bit patterns and distances in units in the last place.</summary>
internal static class Bits
{
    /// <summary>Asserts the two spans hold the same 64-bit patterns (so +0 ≠ −0, and NaN = NaN only bit for bit).</summary>
    public static void AssertBitwiseEqual(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string context)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), context);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail($"{context}: element {i}: expected {expected[i]:R}, got {actual[i]:R} (not bitwise equal)");
            }
        }
    }

    /// <summary>Units in the last place between two doubles of the same sign (0 when both are NaN or equal).</summary>
    public static long UlpDistance(double a, double b)
    {
        if (a == b || (double.IsNaN(a) && double.IsNaN(b)))
        {
            return 0;
        }

        if (double.IsNaN(a) || double.IsNaN(b) || Math.Sign(a) != Math.Sign(b))
        {
            return long.MaxValue;
        }

        return Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));
    }
}

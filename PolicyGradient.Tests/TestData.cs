namespace PolicyGradient.Tests;

/// <summary>Seeded test inputs and the tolerance rule shared by every test.</summary>
internal static class TestData
{
    /// <summary>Unit roundoff of double, 2⁻⁵³.</summary>
    public const double Epsilon = 1.1102230246251565e-16;

    /// <summary>
    /// The fewest bytes the calling thread allocates in one of three calls of <paramref name="run"/>. An allocation
    /// the code makes on every call shows in each; a one-off of the runtime's (a method promoted to its next JIT tier
    /// in the middle of the call) does not make the test flaky.
    /// </summary>
    public static long SteadyStateAllocation(Action run)
    {
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }

    public static double[] Uniform(Random random, int length, double low = -1, double high = 1)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * random.NextDouble());
        }

        return values;
    }

    public static double[] Abs(double[] values) => values.Select(Math.Abs).ToArray();

    /// <summary>
    /// Asserts |expected_i − actual_i| ≤ factor · ε · scale_i for every i: the forward-error bound of a
    /// computation whose exact result has magnitude-sum scale_i (e.g. Σ_p |a_ip b_pj| for a product).
    /// </summary>
    public static void AssertWithinRoundoff(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, ReadOnlySpan<double> scale, double factor, string context)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), context);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = factor * Epsilon * scale[i];
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= bound))
            {
                Assert.Fail($"{context}: element {i}: expected {expected[i]:R}, got {actual[i]:R}; |error| {error:E3} > bound {bound:E3}");
            }
        }
    }
}

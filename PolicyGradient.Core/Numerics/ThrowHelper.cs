using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PolicyGradient.Numerics;

/// <summary>
/// Argument checks made once at a public boundary. Every message names the argument and the expected shape or
/// range, so that a caller can fix the call without reading the source.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void CheckLength(int actual, long expected, string paramName, string shape)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, paramName, shape);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="minimum"/>.</summary>
    public static void CheckMinimumLength(int actual, long minimum, string paramName, string shape)
    {
        if (actual < minimum)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected length at least {minimum} ({shape}), got {actual}."),
                paramName);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> &gt; 0.</summary>
    public static void CheckPositive(int value, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "Expected a positive size (> 0).");
        }
    }

    /// <summary>Throws unless every element of <paramref name="values"/> is finite.</summary>
    public static void CheckFinite(ReadOnlySpan<double> values, string paramName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                ThrowNonFinite(values[i], i, paramName);
            }
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static void CheckFinite(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "Expected a finite number.");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="index"/> &lt; <paramref name="count"/>.</summary>
    public static void CheckIndex(int index, int count, string paramName)
    {
        if ((uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(
                paramName, index, string.Create(CultureInfo.InvariantCulture, $"Expected an index in [0, {count})."));
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, long expected, string paramName, string shape) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Expected length {expected} ({shape}), got {actual}."),
            paramName);

    [DoesNotReturn]
    private static void ThrowNonFinite(double value, int index, string paramName) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Expected finite values, found {value} at index {index}."),
            paramName);
}

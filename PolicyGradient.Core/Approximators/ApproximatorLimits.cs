using System.Globalization;

namespace PolicyGradient.Approximators;

/// <summary>
/// The size limits every approximator enforces, so that no size product can overflow 32-bit span lengths and no
/// allocation is attempted that the process cannot hold. A checkpoint loader can check a declared shape against
/// these before allocating anything.
/// </summary>
public static class ApproximatorLimits
{
    /// <summary>The largest parameter count θ may have: 2²⁸ doubles (2 GiB).</summary>
    public const int MaxParameterCount = 1 << 28;

    /// <summary>The most doubles one <see cref="ApproximatorWorkspace"/> may hold, all its buffers together: 2²⁸ (2 GiB).</summary>
    public const int MaxWorkspaceLength = 1 << 28;

    /// <summary>Throws unless the parameter count, computed in 64 bits, is at most <see cref="MaxParameterCount"/>.</summary>
    internal static void CheckParameterCount(long count, string paramName)
    {
        if (count > MaxParameterCount)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture,
                $"These sizes need {count} parameters; the limit is ApproximatorLimits.MaxParameterCount = {MaxParameterCount}."));
        }
    }

    /// <summary>Throws unless a workspace of <paramref name="length"/> doubles (64-bit count) is within <see cref="MaxWorkspaceLength"/>.</summary>
    internal static void CheckWorkspaceLength(long length, string paramName)
    {
        if (length > MaxWorkspaceLength)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture,
                $"This capacity needs a workspace of {length} doubles; the limit is ApproximatorLimits.MaxWorkspaceLength = {MaxWorkspaceLength}."));
        }
    }
}

using System.Globalization;
using PolicyGradient.Numerics;

namespace PolicyGradient.Distributions;

/// <summary>
/// The set actions live in, as a task states it and as a policy's head produces it. Every action is a row of
/// <see cref="Width"/> doubles:
/// <list type="bullet">
/// <item>discrete, n actions: one double holding the index a ∈ {0, …, n − 1} (Width = 1);</item>
/// <item>a box [low, high] ⊂ ℝᵈ: d doubles, low_j ≤ a_j ≤ high_j, where a bound may be infinite (Width = d).</item>
/// </list>
/// The sampler, evaluation and every check size and validate actions through this one type.
/// </summary>
public sealed class ActionSpace : IEquatable<ActionSpace>
{
    private readonly double[] _low, _high;

    private ActionSpace(int count, double[] low, double[] high)
    {
        Count = count;
        _low = low;
        _high = high;
    }

    /// <summary>Whether actions are indices 0 … <see cref="Count"/> − 1.</summary>
    public bool IsDiscrete => Count > 0;

    /// <summary>n, the number of actions of a discrete space; 0 for a box.</summary>
    public int Count { get; }

    /// <summary>Doubles per action row: 1 for a discrete space, d for a box.</summary>
    public int Width => IsDiscrete ? 1 : _low.Length;

    /// <summary>Lower bounds of a box: [d] (empty for a discrete space). −∞ means unbounded below.</summary>
    public ReadOnlySpan<double> Low => _low;

    /// <summary>Upper bounds of a box: [d] (empty for a discrete space). +∞ means unbounded above.</summary>
    public ReadOnlySpan<double> High => _high;

    /// <summary>Whether every bound of a box is finite.</summary>
    public bool IsBounded => !IsDiscrete && _low.All(double.IsFinite) && _high.All(double.IsFinite);

    /// <summary>The discrete space {0, …, <paramref name="count"/> − 1}.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> ≤ 0.</exception>
    public static ActionSpace Discrete(int count)
    {
        ThrowHelper.CheckPositive(count, nameof(count));
        return new ActionSpace(count, [], []);
    }

    /// <summary>The box [low, high] ⊂ ℝᵈ; bounds may be infinite but never NaN, and low_j &lt; high_j.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are 0, a bound is NaN, or low_j ≥ high_j.</exception>
    public static ActionSpace Box(ReadOnlySpan<double> low, ReadOnlySpan<double> high)
    {
        ThrowHelper.CheckPositive(low.Length, nameof(low));
        ThrowHelper.CheckLength(high.Length, low.Length, nameof(high), "[d] = low.Length");
        for (int j = 0; j < low.Length; j++)
        {
            if (!(low[j] < high[j]) || double.IsPositiveInfinity(low[j]) || double.IsNegativeInfinity(high[j]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected low[{j}] < high[{j}] with low < +∞ and high > −∞, got [{low[j]}, {high[j]}]."), nameof(low));
            }
        }

        return new ActionSpace(0, low.ToArray(), high.ToArray());
    }

    /// <summary>The unbounded box ℝᵈ (a Gaussian head's support).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> ≤ 0.</exception>
    public static ActionSpace Unbounded(int dimension)
    {
        ThrowHelper.CheckPositive(dimension, nameof(dimension));
        double[] low = new double[dimension], high = new double[dimension];
        low.AsSpan().Fill(double.NegativeInfinity);
        high.AsSpan().Fill(double.PositiveInfinity);
        return new ActionSpace(0, low, high);
    }

    /// <summary>
    /// Throws unless <paramref name="action"/> is one action of this space: for a discrete space one integer in
    /// [0, n); for a box d finite values inside the bounds.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, a non-finite value, a non-integer or out-of-range index, or a value outside the box.</exception>
    public void CheckAction(ReadOnlySpan<double> action, string paramName)
    {
        ThrowHelper.CheckLength(action.Length, Width, paramName, IsDiscrete ? "[1], the action index" : "[d], one value per action dimension");
        ThrowHelper.CheckFinite(action, paramName);
        if (IsDiscrete)
        {
            double a = action[0];
            if (a != Math.Floor(a) || a < 0 || a >= Count)
            {
                throw new ArgumentOutOfRangeException(paramName, a, string.Create(CultureInfo.InvariantCulture, $"Expected an integer action index in [0, {Count})."));
            }

            return;
        }

        for (int j = 0; j < action.Length; j++)
        {
            if (action[j] < _low[j] || action[j] > _high[j])
            {
                throw new ArgumentOutOfRangeException(paramName, action[j], string.Create(CultureInfo.InvariantCulture, $"Expected action[{j}] in [{_low[j]}, {_high[j]}]."));
            }
        }
    }

    /// <summary>
    /// Throws unless <paramref name="action"/> is a well-formed action row: Width finite values, and for a discrete space
    /// an integer index in [0, n). Unlike <see cref="CheckAction"/> it accepts values outside a box's bounds, which a
    /// task clips (a Gaussian head samples there).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, a non-finite value, or a bad index.</exception>
    public void CheckRow(ReadOnlySpan<double> action, string paramName)
    {
        if (IsDiscrete)
        {
            CheckAction(action, paramName);
            return;
        }

        ThrowHelper.CheckLength(action.Length, Width, paramName, "[d], one value per action dimension");
        ThrowHelper.CheckFinite(action, paramName);
    }

    /// <summary>
    /// Whether a policy whose head produces actions in <paramref name="policyActions"/> can act in this (a task's)
    /// space: the same number of discrete actions; or a box of the same dimension whose every dimension the policy
    /// either leaves unbounded (the task clips, as Gymnasium's do) or bounds exactly as the task does.
    /// </summary>
    public bool Admits(ActionSpace policyActions)
    {
        ArgumentNullException.ThrowIfNull(policyActions);
        if (IsDiscrete || policyActions.IsDiscrete)
        {
            return Count == policyActions.Count;
        }

        if (Width != policyActions.Width)
        {
            return false;
        }

        for (int j = 0; j < Width; j++)
        {
            bool unbounded = double.IsNegativeInfinity(policyActions._low[j]) && double.IsPositiveInfinity(policyActions._high[j]);
            if (!unbounded && (policyActions._low[j] != _low[j] || policyActions._high[j] != _high[j]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"discrete(2)" or "box[-2, 2]×[…]".</summary>
    public override string ToString() => IsDiscrete
        ? string.Create(CultureInfo.InvariantCulture, $"discrete({Count})")
        : "box" + string.Join("×", _low.Zip(_high, (l, h) => string.Create(CultureInfo.InvariantCulture, $"[{l}, {h}]")));

    /// <inheritdoc/>
    public bool Equals(ActionSpace? other) =>
        other is not null && Count == other.Count && _low.AsSpan().SequenceEqual(other._low) && _high.AsSpan().SequenceEqual(other._high);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ActionSpace);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Count, Width);
}

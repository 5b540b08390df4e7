using System.Globalization;
using PolicyGradient.Estimators;
using PolicyGradient.Numerics;
using PolicyGradient.Sampling;

namespace PolicyGradient.Analysis;

/// <summary>
/// A fixed, time-dependent state value V_t(s) over one-hot observations of S states, given as a table [H, S]
/// (V_t = 0 for t ≥ H): the exact V^π from <see cref="ExactMdp.Values"/>, or any other table, for proving the value
/// baseline's properties against exact gradients. The time t of a step is its index within its episode. Never fitted.
/// </summary>
public sealed class TabularStateValues : StateValueFunction
{
    private readonly double[] _table;

    /// <summary>Wraps <paramref name="table"/>: [H, S] row-major, finite (copied).</summary>
    /// <param name="table">V_t(s).</param>
    /// <param name="states">S.</param>
    /// <param name="name">What the table is, e.g. "exact V^π".</param>
    /// <exception cref="ArgumentException">The length is not a positive multiple of S, or a value is not finite.</exception>
    public TabularStateValues(double[] table, int states, string name)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowHelper.CheckPositive(states, nameof(states));
        if (table.Length == 0 || table.Length % states != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a table [H, {states}], got {table.Length} values."), nameof(table));
        }

        ThrowHelper.CheckFinite(table, nameof(table));
        (_table, States, Name) = ((double[])table.Clone(), states, name);
    }

    /// <summary>S.</summary>
    public int States { get; }

    /// <summary>H, the times the table covers.</summary>
    public int Horizon => _table.Length / States;

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>V_t(s); 0 for t ≥ H.</summary>
    public double Value(int time, int state) => time < Horizon ? _table[(time * States) + state] : 0;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The batch's observations are not one-hot vectors of length S.</exception>
    public override void Evaluate(TrajectoryBatch batch, Span<double> values, Span<double> finalValues)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowHelper.CheckLength(batch.ObservationSize, States, nameof(batch), "one-hot observations [S]");
        ThrowHelper.CheckLength(values.Length, batch.StepCount, nameof(values), "[StepCount]");
        ThrowHelper.CheckLength(finalValues.Length, batch.EpisodeCount, nameof(finalValues), "[EpisodeCount]");
        ReadOnlySpan<int> offsets = batch.EpisodeOffsets;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            for (int t = offsets[i]; t < offsets[i + 1]; t++)
            {
                values[t] = Value(t - offsets[i], State(batch.Observations.Slice(t * States, States)));
            }

            finalValues[i] = Value(offsets[i + 1] - offsets[i], State(batch.FinalObservations.Slice(i * States, States)));
        }
    }

    private static int State(ReadOnlySpan<double> oneHot)
    {
        int s = oneHot.IndexOf(1.0);
        return s >= 0 ? s : throw new ArgumentException("Expected one-hot observations.", nameof(oneHot));
    }
}

using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// A state-value function V(s) as a <see cref="ValueBaseline"/> reads it: V(s_t) at every step of a batch and V(s_T)
/// at every episode's final observation. It may depend on the step's time t within its episode (the exact V_t^π of a
/// finite-horizon MDP does) but never on the action: that is what keeps the state baseline unbiased. A learned one
/// (<see cref="Critic"/>) fits itself in <see cref="Fit"/>; a fixed one ignores it.
/// </summary>
public abstract class StateValueFunction
{
    /// <summary>A short name, e.g. "critic mlp 3→[64, 64]→1".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// values[t] = V(s_t) for every step of <paramref name="batch"/>: [StepCount]; finalValues[i] = V(s_{T_i}) at
    /// episode i's final observation, at time T_i: [EpisodeCount].
    /// </summary>
    public abstract void Evaluate(TrajectoryBatch batch, Span<double> values, Span<double> finalValues);

    /// <summary>Moves V towards targets[t] at the batch's steps (one per step: [StepCount]); a fixed V does nothing.</summary>
    public virtual void Fit(TrajectoryBatch batch, ReadOnlySpan<double> targets)
    {
    }
}

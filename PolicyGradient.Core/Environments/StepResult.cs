namespace PolicyGradient.Environments;

/// <summary>
/// What one step returns besides the observation, with Gymnasium's semantics: <see cref="Terminated"/> means the
/// task reached a terminal state (no future reward: bootstrap from 0); <see cref="Truncated"/> means the episode was
/// cut by the time limit (the state is not terminal). Both can be true on the same step.
/// </summary>
/// <param name="Reward">r_t, the reward of this transition.</param>
/// <param name="Terminated">The new state is terminal.</param>
/// <param name="Truncated">The time limit was reached with this step.</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    /// <summary>The episode is over, for either reason.</summary>
    public bool Done => Terminated || Truncated;
}

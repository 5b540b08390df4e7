namespace PolicyGradient.Estimators;

/// <summary>
/// A baseline, in the wide sense the estimators need: the part that turns a batch into the per-trajectory terms h_i
/// of ĝ = (1/N) Σ_i h_i. A scalar baseline subtracts b_{i,t} from the returns (<see cref="ScalarBaseline"/>); a
/// per-parameter one (the variance-optimal b_k) builds h_i from the scores directly. A baseline sees the whole
/// batch and may keep state between iterations (a learned V(s) fits itself in <see cref="Update"/>). To add one,
/// derive a class; <see cref="EstimatorOptions"/> is the front door for the built-in ones.
/// </summary>
public abstract class Baseline
{
    /// <summary>Sets whether trajectory i is left out of its own baseline.</summary>
    protected Baseline(bool leaveOneOut = false) => LeaveOneOut = leaveOneOut;

    /// <summary>A short name, e.g. "average (leave-one-out)".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether trajectory i's baseline is computed from the other N − 1 trajectories only, which makes a baseline built
    /// from the batch exactly unbiased.
    /// </summary>
    public bool LeaveOneOut { get; }

    /// <summary>The fewest episodes a batch must hold: 2 with leave-one-out, else 1.</summary>
    public virtual int MinimumEpisodes => LeaveOneOut ? 2 : 1;

    /// <summary>Adds h_i for every episode i of the batch, in episode order, to <paramref name="terms"/>.</summary>
    public abstract void AddTerms(EstimationContext context, GradientTerms terms);

    /// <summary>The learned critic this baseline fits, if any (to save it in a checkpoint beside the policy).</summary>
    public virtual Critic? Critic => null;

    /// <summary>Called once the estimate is made, with the same batch: a learned baseline fits itself here.</summary>
    public virtual void Update(EstimationContext context)
    {
    }
}

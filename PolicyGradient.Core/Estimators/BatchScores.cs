using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>The policy's score over rows of a trajectory batch, whatever the policy's action type.</summary>
internal static class BatchScores
{
    // gradient += Σ_{t ∈ [start, start + count)} weights[t − start] ∇log π(a_t|s_t)
    public static void Accumulate(Policy policy, TrajectoryBatch batch, int start, int count, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        int n = batch.ObservationSize;
        ReadOnlySpan<double> observations = batch.Observations.Slice(start * n, count * n);
        if (policy is SoftmaxPolicy softmax)
        {
            softmax.AccumulateScores(observations, batch.Actions.Slice(start, count), weights, gradient, workspace);
        }
        else
        {
            int d = batch.ActionSize;
            ((GaussianPolicy)policy).AccumulateScores(observations, batch.ContinuousActions.Slice(start * d, count * d), weights, gradient, workspace);
        }
    }

    // destination[t − start] = log π(a_t|s_t)
    public static void LogProbabilities(Policy policy, TrajectoryBatch batch, int start, int count, Span<double> destination, PolicyWorkspace workspace)
    {
        int n = batch.ObservationSize;
        ReadOnlySpan<double> observations = batch.Observations.Slice(start * n, count * n);
        if (policy is SoftmaxPolicy softmax)
        {
            softmax.LogProbabilities(observations, batch.Actions.Slice(start, count), destination, workspace);
        }
        else
        {
            int d = batch.ActionSize;
            ((GaussianPolicy)policy).LogProbabilities(observations, batch.ContinuousActions.Slice(start * d, count * d), destination, workspace);
        }
    }
}

using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// What an estimator's parts see of one batch: the policy, the batch, γ, the returns v_{i,t} the estimator
/// multiplies the score by (the whole return r(τ_i) at every step, or the reward-to-go Q̂_{i,t}), and the policy's
/// score over rows of the batch. Owned by one <see cref="GradientEstimator"/>, refilled for each of its calls and
/// valid during it.
/// </summary>
public sealed class EstimationContext
{
    private double[] _values = [], _episodeReturns = [], _scratch = [];
    private PolicyWorkspace? _workspace;

    internal EstimationContext(ReturnKind returns, double discount) => (ReturnKind, Discount) = (returns, discount);

    /// <summary>The policy whose gradient is estimated.</summary>
    public Policy Policy { get; private set; } = null!;

    /// <summary>The sampled trajectories.</summary>
    public TrajectoryBatch Batch { get; private set; } = null!;

    /// <summary>Whether <see cref="Values"/> are whole returns or rewards-to-go.</summary>
    public ReturnKind ReturnKind { get; }

    /// <summary>γ.</summary>
    public double Discount { get; }

    /// <summary>N, the episodes.</summary>
    public int Episodes => Batch.EpisodeCount;

    /// <summary>p, the length of θ and of every term.</summary>
    public int ParameterCount => Policy.ParameterCount;

    /// <summary>v_{i,t}: r(τ_i) at every step of episode i (Total) or Q̂_{i,t} (RewardToGo): [StepCount].</summary>
    public ReadOnlySpan<double> Values => _values.AsSpan(0, Batch.StepCount);

    /// <summary>r(τ_i) = Σ_t γᵗ r_{i,t}: [EpisodeCount].</summary>
    public ReadOnlySpan<double> EpisodeReturns => _episodeReturns.AsSpan(0, Batch.EpisodeCount);

    /// <summary>Scratch of length max(StepCount, EpisodeCount) that a part may use during its call.</summary>
    public Span<double> Scratch => _scratch.AsSpan(0, Math.Max(Batch.StepCount, Batch.EpisodeCount));

    /// <summary>gradient += Σ_{t ∈ [start, start + count)} weights[t − start] ∇_θ log π(a_t|s_t), rows ascending.</summary>
    /// <exception cref="ArgumentException">A shape or weight is wrong; the gradient is then untouched.</exception>
    public void AccumulateScores(int start, int count, ReadOnlySpan<double> weights, Span<double> gradient)
    {
        int n = Batch.ObservationSize, w = Batch.ActionWidth;
        Policy.AccumulateScores(Batch.Observations.Slice(start * n, count * n), Batch.Actions.Slice(start * w, count * w), weights, gradient, _workspace!);
    }

    /// <summary>gradient += Σ_{t ∈ [start, start + count)} weights[t − start] ∇_θ H(π(·|s_t)), rows ascending.</summary>
    /// <exception cref="ArgumentException">A shape or weight is wrong; the gradient is then untouched.</exception>
    public void AccumulateEntropyGradients(int start, int count, ReadOnlySpan<double> weights, Span<double> gradient)
    {
        int n = Batch.ObservationSize;
        Policy.AccumulateEntropyGradients(Batch.Observations.Slice(start * n, count * n), weights, gradient, _workspace!);
    }

    /// <summary>destination[t − start] = log π(a_t|s_t) over rows [start, start + count).</summary>
    /// <exception cref="ArgumentException">A shape is wrong.</exception>
    public void LogProbabilities(int start, int count, Span<double> destination)
    {
        int n = Batch.ObservationSize, w = Batch.ActionWidth;
        Policy.LogProbabilities(Batch.Observations.Slice(start * n, count * n), Batch.Actions.Slice(start * w, count * w), destination, _workspace!);
    }

    /// <summary>Refills the context for a checked policy and batch: r(τ_i), then v_{i,t}. Allocates only when the batch grows.</summary>
    internal void Reset(Policy policy, TrajectoryBatch batch)
    {
        (Policy, Batch) = (policy, batch);
        if (_workspace is null || !ReferenceEquals(_workspace.Owner, policy))
        {
            _workspace = policy.CreateWorkspace();
        }

        int steps = batch.StepCount, n = batch.EpisodeCount;
        Ensure(ref _values, steps);
        Ensure(ref _episodeReturns, n);
        Ensure(ref _scratch, Math.Max(steps, n));
        Span<double> values = _values.AsSpan(0, steps), episodeReturns = _episodeReturns.AsSpan(0, n);
        Returns.Total(batch, Discount, episodeReturns);
        if (ReturnKind == ReturnKind.RewardToGo)
        {
            Returns.RewardToGo(batch, Discount, values);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                values[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]].Fill(episodeReturns[i]);
            }
        }
    }

    private static void Ensure(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[Math.Max(length, 2 * buffer.Length)];
        }
    }
}

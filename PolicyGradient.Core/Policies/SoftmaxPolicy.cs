using PolicyGradient.Approximators;
using PolicyGradient.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// A softmax policy over A discrete actions: logits z = f(s; θ), π(a|s) = softmax(z)_a. Its score is
/// ∇_θ log π(a|s) = (onehot(a) − softmax(z))ᵀ ∂z/∂θ. With a <see cref="LinearMap"/> on one-hot states this is the
/// tabular softmax policy.
/// </summary>
public sealed class SoftmaxPolicy : Policy
{
    /// <summary>Creates a softmax head over <paramref name="approximator"/>, initialised from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="approximator"/> is null.</exception>
    public SoftmaxPolicy(IApproximator approximator, int seed)
        : base(approximator, 0)
    {
        approximator.Initialize(Parameters, new Random(seed));
    }

    /// <summary>Number of actions A.</summary>
    public int ActionCount => Approximator.OutputSize;

    /// <summary>Linear-softmax: z = W s + b.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0.</exception>
    public static SoftmaxPolicy Linear(int observationSize, int actionCount, int seed) =>
        new(new LinearMap(observationSize, actionCount), seed);

    /// <summary>MLP-softmax: z = MLP(s) with tanh hidden layers of the given sizes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0.</exception>
    public static SoftmaxPolicy Mlp(int observationSize, int[] hiddenSizes, int actionCount, int seed) =>
        Mlp(observationSize, hiddenSizes, actionCount, seed, Activation.Tanh);

    /// <summary>MLP-softmax with the given hidden activation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0.</exception>
    public static SoftmaxPolicy Mlp(int observationSize, int[] hiddenSizes, int actionCount, int seed, Activation activation) =>
        new(new Approximators.Mlp(observationSize, hiddenSizes, actionCount, activation), seed);

    /// <summary>log π(a|s) = z_a − logsumexp(z).</summary>
    /// <exception cref="ArgumentException">Bad observation shape or values, or an action outside [0, A).</exception>
    public double LogProbability(ReadOnlySpan<double> observation, int action)
    {
        CheckObservation(observation);
        ThrowHelper.CheckIndex(action, ActionCount, nameof(action));
        return Categorical.LogProbability(ForwardRow(observation).Output, action);
    }

    /// <summary>Writes π(·|s) = softmax(z) into <paramref name="destination"/>: [A].</summary>
    /// <exception cref="ArgumentException">Bad observation, or destination not of length A.</exception>
    public void Probabilities(ReadOnlySpan<double> observation, Span<double> destination)
    {
        CheckObservation(observation);
        ThrowHelper.CheckLength(destination.Length, ActionCount, nameof(destination), "[ActionCount]");
        Kernels.Softmax(ForwardRow(observation).Output, destination);
    }

    /// <summary>Entropy of π(·|s) in nats.</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public double Entropy(ReadOnlySpan<double> observation)
    {
        CheckObservation(observation);
        return Categorical.Entropy(ForwardRow(observation).Output);
    }

    /// <summary>Draws a ~ π(·|s).</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public int Sample(ReadOnlySpan<double> observation, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckObservation(observation);
        return Categorical.Sample(ForwardRow(observation).Output, random);
    }

    /// <summary>Draws a ~ π(·|s) and returns log π(a|s) from the same forward pass.</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public int Sample(ReadOnlySpan<double> observation, Random random, out double logProbability)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckObservation(observation);
        Span<double> z = ForwardRow(observation).Output;
        int action = Categorical.Sample(z, random);
        logProbability = Categorical.LogProbability(z, action);
        return action;
    }

    /// <summary>argmax_a π(a|s).</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public int GreedyAction(ReadOnlySpan<double> observation)
    {
        CheckObservation(observation);
        return Categorical.Mode(ForwardRow(observation).Output);
    }

    /// <summary>gradient += weight · ∇_θ log π(action | observation).</summary>
    /// <exception cref="ArgumentException">
    /// Bad observation, an action outside [0, A), a non-finite weight, or a gradient not of length ParameterCount;
    /// the gradient is then left untouched.
    /// </exception>
    public void AccumulateScore(ReadOnlySpan<double> observation, int action, double weight, Span<double> gradient)
    {
        CheckObservation(observation);
        ThrowHelper.CheckIndex(action, ActionCount, nameof(action));
        ThrowHelper.CheckFinite(weight, nameof(weight));
        CheckGradient(gradient);
        RowPass pass = ForwardRow(observation);
        Categorical.LogProbabilityGradient(pass.Output, action, weight, pass.OutputGradient); // ∂ log π/∂z, weighted
        BackwardRow(observation, pass, gradient);                                            // · ∂z/∂θ
    }

    /// <summary>
    /// The batched score, the hot loop of every estimator: gradient += Σ_r weights[r] · ∇_θ log π(actions[r] | s_r)
    /// over rows r with observations: [rows, n] row-major, actions: [rows], weights: [rows].
    /// </summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong; the gradient is then untouched.</exception>
    public void AccumulateScores(ReadOnlySpan<double> observations, ReadOnlySpan<int> actions, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        CheckRows(actions, observations, workspace);
        CheckWeightsAndGradient(actions.Length, weights, gradient);
        int n = ObservationSize, a = ActionCount;
        for (int start = 0; start < actions.Length; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, actions.Length - start);
            ReadOnlySpan<double> s = observations.Slice(start * n, batch * n);           // [B, n]
            Span<double> z = ForwardChunk(batch, s, workspace);                           // [B, A]
            Categorical.LogProbabilityGradientBatched(a, z, actions.Slice(start, batch), weights.Slice(start, batch), workspace.OutputGradients.AsSpan(0, batch * a));
            BackwardChunk(batch, s, gradient, workspace);
        }
    }

    /// <summary>destination[r] = log π(actions[r] | s_r) over rows (observations: [rows, n]).</summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong.</exception>
    public void LogProbabilities(ReadOnlySpan<double> observations, ReadOnlySpan<int> actions, Span<double> destination, PolicyWorkspace workspace)
    {
        ThrowHelper.CheckLength(destination.Length, actions.Length, nameof(destination), "[rows] = actions.Length");
        CheckRows(actions, observations, workspace);
        int n = ObservationSize, a = ActionCount;
        for (int start = 0; start < actions.Length; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, actions.Length - start);
            Span<double> z = ForwardChunk(batch, observations.Slice(start * n, batch * n), workspace);
            for (int r = 0; r < batch; r++)
            {
                destination[start + r] = Categorical.LogProbability(z.Slice(r * a, a), actions[start + r]);
            }
        }
    }

    private void CheckRows(ReadOnlySpan<int> actions, ReadOnlySpan<double> observations, PolicyWorkspace workspace)
    {
        CheckRows(actions.Length, observations, workspace);
        for (int r = 0; r < actions.Length; r++)
        {
            ThrowHelper.CheckIndex(actions[r], ActionCount, nameof(actions));
        }
    }
}

using PolicyGradient.Approximators;
using PolicyGradient.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// A softmax policy over A discrete actions: the <see cref="Categorical"/> head on logits z = f(s; θ),
/// π(a|s) = softmax(z)_a, with score ∇_θ log π(a|s) = (onehot(a) − softmax(z))ᵀ ∂z/∂θ. With a <see cref="LinearMap"/>
/// on one-hot states this is the tabular softmax policy. Besides the <see cref="Policy"/> members over action rows it
/// keeps overloads over integer actions.
/// </summary>
public sealed class SoftmaxPolicy : Policy
{
    /// <summary>Creates a softmax head over <paramref name="approximator"/>, initialised from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="approximator"/> is null.</exception>
    public SoftmaxPolicy(IApproximator approximator, int seed)
        : base(approximator, new Categorical(CheckApproximator(approximator).OutputSize), seed)
    {
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
        ThrowHelper.CheckIndex(action, ActionCount, nameof(action));
        double row = action;
        return LogProbability(observation, new ReadOnlySpan<double>(in row));
    }

    /// <summary>Writes π(·|s) = softmax(z) into <paramref name="destination"/>: [A].</summary>
    /// <exception cref="ArgumentException">Bad observation, or destination not of length A.</exception>
    public void Probabilities(ReadOnlySpan<double> observation, Span<double> destination)
    {
        CheckObservation(observation);
        ThrowHelper.CheckLength(destination.Length, ActionCount, nameof(destination), "[ActionCount]");
        Kernels.Softmax(ForwardRow(observation), destination);
    }

    /// <summary>Draws a ~ π(·|s).</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public int Sample(ReadOnlySpan<double> observation, Random random) => Sample(observation, random, out _);

    /// <summary>Draws a ~ π(·|s) and returns log π(a|s) from the same forward pass.</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public int Sample(ReadOnlySpan<double> observation, Random random, out double logProbability)
    {
        double action = 0;
        logProbability = Sample(observation, random, new Span<double>(ref action));
        return (int)action;
    }

    /// <summary>argmax_a π(a|s).</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public int GreedyAction(ReadOnlySpan<double> observation)
    {
        double action = 0;
        Mode(observation, new Span<double>(ref action));
        return (int)action;
    }

    /// <summary>gradient += weight · ∇_θ log π(action | observation).</summary>
    /// <exception cref="ArgumentException">
    /// Bad observation, an action outside [0, A), a non-finite weight, or a gradient not of length ParameterCount;
    /// the gradient is then left untouched.
    /// </exception>
    public void AccumulateScore(ReadOnlySpan<double> observation, int action, double weight, Span<double> gradient)
    {
        ThrowHelper.CheckIndex(action, ActionCount, nameof(action));
        double row = action;
        AccumulateScore(observation, new ReadOnlySpan<double>(in row), weight, gradient);
    }

    /// <summary>
    /// The batched score over integer actions: gradient += Σ_r weights[r] · ∇_θ log π(actions[r] | s_r) over rows r
    /// with observations: [rows, n] row-major, actions: [rows], weights: [rows].
    /// </summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong; the gradient is then untouched.</exception>
    public void AccumulateScores(ReadOnlySpan<double> observations, ReadOnlySpan<int> actions, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        CheckRows(actions, observations, workspace);
        ThrowHelper.CheckLength(weights.Length, actions.Length, nameof(weights), "[rows], one weight per row");
        ThrowHelper.CheckFinite(weights, nameof(weights));
        CheckGradient(gradient);
        AccumulateGradient(GradientKind.Score, actions.Length, observations, default, actions, weights, gradient, workspace);
    }

    /// <summary>destination[r] = log π(actions[r] | s_r) over rows (observations: [rows, n]).</summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong.</exception>
    public void LogProbabilities(ReadOnlySpan<double> observations, ReadOnlySpan<int> actions, Span<double> destination, PolicyWorkspace workspace)
    {
        ThrowHelper.CheckLength(destination.Length, actions.Length, nameof(destination), "[rows] = actions.Length");
        CheckRows(actions, observations, workspace);
        int n = ObservationSize;
        for (int start = 0; start < actions.Length; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, actions.Length - start);
            LogProbabilityChunk(batch, observations.Slice(start * n, batch * n), IndexRows(actions.Slice(start, batch), workspace), destination.Slice(start, batch), workspace);
        }
    }

    private static IApproximator CheckApproximator(IApproximator approximator)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        return approximator;
    }

    // The indices as action rows, in the workspace's buffer.
    private static ReadOnlySpan<double> IndexRows(ReadOnlySpan<int> actions, PolicyWorkspace workspace)
    {
        Span<double> rows = workspace.IndexRows.AsSpan(0, actions.Length);
        for (int r = 0; r < actions.Length; r++)
        {
            rows[r] = actions[r];
        }

        return rows;
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

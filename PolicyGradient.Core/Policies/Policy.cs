using PolicyGradient.Approximators;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// A stochastic policy π_θ(a|s) = head(f(s; θ)): a distribution head composed with an approximator. Its score
/// factors as the lecture writes it, by the chain rule:
/// ∇_θ log π(a|s) = (∂ log π/∂f) · (∂f/∂θ),
/// where the head supplies the first factor and the approximator's backward pass applies the second.
/// θ is one flat vector: the approximator's parameters first, then any head parameters.
/// </summary>
/// <remarks>
/// Single-row members are thread-safe (their scratch is per thread) and allocate nothing after a thread's first
/// call. Batched members take a caller-owned <see cref="PolicyWorkspace"/>. Every member checks its arguments before
/// touching anything: on bad input it throws and leaves θ and the caller's gradient buffer as they were.
/// </remarks>
public abstract class Policy
{
    [ThreadStatic]
    private static double[]? t_rowBuffer;

    private readonly double[] _theta;

    private protected Policy(IApproximator approximator, int headParameterCount)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        Approximator = approximator;
        _theta = new double[approximator.ParameterCount + headParameterCount];
    }

    /// <summary>The approximator f(s; θ) whose outputs feed the head.</summary>
    public IApproximator Approximator { get; }

    /// <summary>Length of an observation s.</summary>
    public int ObservationSize => Approximator.InputSize;

    /// <summary>Length of θ.</summary>
    public int ParameterCount => _theta.Length;

    /// <summary>θ, the flat parameter vector, writable in place (optimisers step it).</summary>
    public Span<double> Parameters => _theta;

    /// <summary>The first <see cref="IApproximator.ParameterCount"/> entries of θ: the approximator's.</summary>
    private protected ReadOnlySpan<double> ApproximatorParameters => _theta.AsSpan(0, Approximator.ParameterCount);

    /// <summary>Creates a workspace for batched calls, processing up to <paramref name="capacity"/> rows at a time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> ≤ 0.</exception>
    public PolicyWorkspace CreateWorkspace(int capacity = 256)
    {
        ThrowHelper.CheckPositive(capacity, nameof(capacity));
        return new PolicyWorkspace(this, capacity, HeadWorkspaceLength);
    }

    /// <summary>Doubles of head scratch a workspace needs.</summary>
    private protected virtual int HeadWorkspaceLength => 0;

    /// <summary>Evaluates f(s) for one row into per-thread scratch, with <paramref name="headLength"/> spare doubles.</summary>
    private protected RowPass ForwardRow(ReadOnlySpan<double> observation, int headLength = 0)
    {
        int m = Approximator.OutputSize;
        int length = (2 * m) + headLength + Approximator.RowWorkspaceSize;
        double[]? buffer = t_rowBuffer;
        if (buffer is null || buffer.Length < length)
        {
            t_rowBuffer = buffer = new double[Math.Max(length, 256)];
        }

        var pass = new RowPass(buffer.AsSpan(0, m), buffer.AsSpan(m, m), buffer.AsSpan(2 * m, headLength), buffer.AsSpan((2 * m) + headLength));
        Approximator.Forward(ApproximatorParameters, observation, pass.Output, pass.Workspace);
        return pass;
    }

    /// <summary>gradient[approximator part] += f̄ᵀ ∂f/∂θ, with f̄ = pass.OutputGradient.</summary>
    private protected void BackwardRow(ReadOnlySpan<double> observation, RowPass pass, Span<double> gradient) =>
        Approximator.BackwardAccumulate(ApproximatorParameters, observation, pass.OutputGradient, gradient[..Approximator.ParameterCount], pass.Workspace);

    /// <summary>workspace.Outputs[..B·m] = f(observations: [B, n]).</summary>
    private protected Span<double> ForwardChunk(int batch, ReadOnlySpan<double> observations, PolicyWorkspace workspace)
    {
        Span<double> f = workspace.Outputs.AsSpan(0, batch * Approximator.OutputSize);
        Approximator.ForwardBatched(batch, ApproximatorParameters, observations, f, workspace.Approximator);
        return f;
    }

    /// <summary>gradient[approximator part] += Σ_rows f̄[r]ᵀ ∂f/∂θ, with f̄ = workspace.OutputGradients[..B·m].</summary>
    private protected void BackwardChunk(int batch, ReadOnlySpan<double> observations, Span<double> gradient, PolicyWorkspace workspace) =>
        Approximator.BackwardBatchedAccumulate(batch, ApproximatorParameters, observations, workspace.OutputGradients.AsSpan(0, batch * Approximator.OutputSize), gradient[..Approximator.ParameterCount], workspace.Approximator);

    private protected void CheckObservation(ReadOnlySpan<double> observation)
    {
        ThrowHelper.CheckLength(observation.Length, ObservationSize, nameof(observation), "[ObservationSize]");
        ThrowHelper.CheckFinite(observation, nameof(observation));
    }

    private protected void CheckGradient(ReadOnlySpan<double> gradient)
    {
        ThrowHelper.CheckLength(gradient.Length, ParameterCount, nameof(gradient), "[ParameterCount]");
    }

    /// <summary>The checks shared by every batched call over <paramref name="rows"/> rows.</summary>
    private protected void CheckRows(int rows, ReadOnlySpan<double> observations, PolicyWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
        {
            throw new ArgumentException("The workspace was created by another policy; use this policy's CreateWorkspace.", nameof(workspace));
        }

        ThrowHelper.CheckLength(observations.Length, rows * ObservationSize, nameof(observations), "[rows, ObservationSize], row-major");
        ThrowHelper.CheckFinite(observations, nameof(observations));
    }

    /// <summary>The extra checks of a batched score: one finite weight per row and a gradient of length ParameterCount.</summary>
    private protected void CheckWeightsAndGradient(int rows, ReadOnlySpan<double> weights, ReadOnlySpan<double> gradient)
    {
        ThrowHelper.CheckLength(weights.Length, rows, nameof(weights), "[rows], one weight per row");
        ThrowHelper.CheckFinite(weights, nameof(weights));
        CheckGradient(gradient);
    }

    /// <summary>Scratch of one single-row evaluation: f, f̄, head scratch and the approximator's saved activations.</summary>
    private protected readonly ref struct RowPass(Span<double> output, Span<double> outputGradient, Span<double> head, Span<double> workspace)
    {
        public Span<double> Output { get; } = output;

        public Span<double> OutputGradient { get; } = outputGradient;

        public Span<double> Head { get; } = head;

        public Span<double> Workspace { get; } = workspace;
    }
}

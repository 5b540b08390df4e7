using System.Globalization;
using PolicyGradient.Approximators;
using PolicyGradient.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// A stochastic policy π_θ(a|s) = head(f(s; θ_f), φ): a <see cref="DistributionHead"/> composed with an
/// <see cref="IApproximator"/>. θ = (θ_f, φ) is one flat vector, the approximator's parameters first. Its score
/// factors as the lecture writes it, by the chain rule:
/// ∇_θ log π(a|s) = (∂ log π/∂f) · (∂f/∂θ_f) ⊕ ∂ log π/∂φ,
/// where the head supplies ∂ log π/∂f and ∂ log π/∂φ and the approximator's backward pass applies ∂f/∂θ_f.
/// Every caller (sampler, estimators, trainer, checkpoints, checks) uses a policy through these members alone;
/// actions are rows of <see cref="ActionWidth"/> doubles (a discrete head's row holds the index).
/// </summary>
/// <remarks>
/// A single row is a batch of one: the single-row members run the batched path with B = 1 on a per-thread
/// workspace, so <see cref="AccumulateScore"/> row by row and <see cref="AccumulateScores"/> give the same bits.
/// Gradients accumulate (+=) over rows in ascending order, so the bits do not depend on a workspace's capacity.
/// Single-row members are thread-safe and allocate nothing after a thread's first call; batched members take a
/// caller-owned <see cref="PolicyWorkspace"/>. Every member checks all of its arguments before touching anything: on
/// bad input it throws an <see cref="ArgumentException"/> and leaves θ and the caller's buffers as they were. When a
/// finite θ and s still overflow (f or its gradient not finite) an <see cref="OverflowException"/> says so instead of
/// a NaN; a batched gradient may then hold the rows before the failing chunk.
/// </remarks>
public class Policy
{
    // This thread's batch-of-one workspaces of its most recent policies (4, replaced round robin).
    [ThreadStatic]
    private static PolicyWorkspace?[]? t_rows;

    [ThreadStatic]
    private static int t_nextRow;

    private readonly AlignedBuffer _theta; // on a 64-byte boundary: rows of W̃ load whole cache lines
    private readonly Action<PolicyWorkspace.Lane> _scoreLane, _entropyLane; // made once: a wave of chunks allocates nothing

    /// <summary>Composes <paramref name="head"/> with <paramref name="approximator"/> and initialises θ from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The approximator's output size is not the head's input size.</exception>
    public Policy(IApproximator approximator, DistributionHead head, int seed)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        ArgumentNullException.ThrowIfNull(head);
        if (approximator.OutputSize != head.InputSize)
        {
            throw new ArgumentException($"The {head.Name} head reads {head.InputSize} outputs per row; the approximator gives {approximator.OutputSize}.", nameof(head));
        }

        long count = (long)approximator.ParameterCount + head.ParameterCount;
        if (count > AlignedBuffer.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(approximator), count, "The policy's parameter count exceeds the largest array .NET can allocate.");
        }

        Approximator = approximator;
        Head = head;
        _theta = new AlignedBuffer((int)count);
        approximator.Initialize(Parameters[..approximator.ParameterCount], new Random(seed));
        head.InitializeParameters(Parameters[approximator.ParameterCount..]);
        (_scoreLane, _entropyLane) = (ScoreLane, EntropyLane);
    }

    /// <summary>The approximator f(s; θ_f) whose outputs feed the head.</summary>
    public IApproximator Approximator { get; }

    /// <summary>The distribution head.</summary>
    public DistributionHead Head { get; }

    /// <summary>The actions the policy produces.</summary>
    public ActionSpace ActionSpace => Head.Actions;

    /// <summary>Doubles per action row: 1 for a discrete head (the index), d for a continuous one.</summary>
    public int ActionWidth => Head.Actions.Width;

    /// <summary>Length of an observation s.</summary>
    public int ObservationSize => Approximator.InputSize;

    /// <summary>Length of θ.</summary>
    public int ParameterCount => _theta.Length;

    /// <summary>θ, the flat parameter vector, writable in place (optimisers step it).</summary>
    public Span<double> Parameters => _theta.Span;

    /// <summary>φ, the head's parameters: the last <see cref="DistributionHead.ParameterCount"/> entries of θ.</summary>
    private protected ReadOnlySpan<double> HeadParameters => _theta.Span[Approximator.ParameterCount..];

    private ReadOnlySpan<double> ApproximatorParameters => _theta.Span[..Approximator.ParameterCount];

    /// <summary>
    /// Rows per chunk of a batched gradient, a constant of the definition (not of the thread count or a workspace's
    /// capacity). A call on at most this many rows accumulates them into the gradient in ascending order (so it equals
    /// row-by-row calls); a longer call does gradient += P₀ + P₁ + … in chunk order, each chunk's P_c summed from zero
    /// over its rows in ascending order, so its bits are the same on any number of threads.
    /// </summary>
    public const int GradientChunkRows = 256;

    /// <summary>
    /// Creates a workspace for batched calls, processing up to <paramref name="capacity"/> rows at a time on
    /// <paramref name="threads"/> threads (gradients over several chunks run their chunks in parallel; the bits do not
    /// depend on the thread count).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="capacity"/> or <paramref name="threads"/> ≤ 0, or the workspace would exceed
    /// <see cref="ApproximatorLimits.MaxWorkspaceLength"/>.
    /// </exception>
    public PolicyWorkspace CreateWorkspace(int capacity = 256, int threads = 1)
    {
        ThrowHelper.CheckPositive(capacity, nameof(capacity));
        ThrowHelper.CheckPositive(threads, nameof(threads));
        ApproximatorLimits.CheckWorkspaceLength(2L * capacity * Approximator.OutputSize, nameof(capacity)); // f and f̄: [C, m] each
        return new PolicyWorkspace(this, capacity, threads);
    }

    /// <summary>A short description, e.g. "mlp-softmax 4→[64, 64]→2".</summary>
    public string Describe() => PolicyRegistry.Describe(this);

    /// <summary>Draws a ~ π(·|s) into <paramref name="action"/>: [ActionWidth], and returns log π(a|s) from the same forward pass.</summary>
    /// <exception cref="ArgumentException">Bad observation, or an action row not of length ActionWidth.</exception>
    public double Sample(ReadOnlySpan<double> observation, Random random, Span<double> action)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckObservation(observation);
        ThrowHelper.CheckLength(action.Length, ActionWidth, nameof(action), "[ActionWidth]");
        return Head.Sample(ForwardRow(observation), HeadParameters, random, action);
    }

    /// <summary>
    /// The batched sample, one row per task instance: row r draws a_r ~ π(·|s_r) with its own
    /// <paramref name="randoms"/>[r] into actions[r] and writes log π(a_r|s_r). observations: [rows, n];
    /// actions: [rows, ActionWidth]; logProbabilities: [rows]. Row r gets the same bits as
    /// <see cref="Sample(ReadOnlySpan{double}, Random, Span{double})"/> on s_r with the same generator state.
    /// </summary>
    /// <exception cref="ArgumentException">A shape, an observation, a null generator or the workspace is wrong; nothing is written.</exception>
    public void Sample(ReadOnlySpan<double> observations, ReadOnlySpan<Random> randoms, Span<double> actions, Span<double> logProbabilities, PolicyWorkspace workspace)
    {
        int rows = randoms.Length;
        CheckRows(rows, observations, workspace);
        CheckRowMajor(actions.Length, rows, ActionWidth, nameof(actions), "[rows, ActionWidth], row-major");
        ThrowHelper.CheckLength(logProbabilities.Length, rows, nameof(logProbabilities), "[rows] = randoms.Length");
        foreach (Random random in randoms)
        {
            ArgumentNullException.ThrowIfNull(random, nameof(randoms));
        }

        int n = ObservationSize, w = ActionWidth;
        for (int start = 0; start < rows; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, rows - start);
            ReadOnlySpan<double> f = ForwardChunk(batch, observations.Slice(start * n, batch * n), workspace); // [B, m]
            Head.SampleRows(f, HeadParameters, randoms.Slice(start, batch), actions.Slice(start * w, batch * w), logProbabilities.Slice(start, batch), workspace.OutputGradients, workspace.IndexRows);
        }
    }

    /// <summary>
    /// The batched mode: actions[r] = the most probable action at s_r and logProbabilities[r] = log π(actions[r]|s_r).
    /// observations: [rows, n]; actions: [rows, ActionWidth]; logProbabilities: [rows].
    /// </summary>
    /// <exception cref="ArgumentException">A shape, an observation or the workspace is wrong; nothing is written.</exception>
    public void Mode(ReadOnlySpan<double> observations, Span<double> actions, Span<double> logProbabilities, PolicyWorkspace workspace)
    {
        int rows = logProbabilities.Length;
        CheckRows(rows, observations, workspace);
        CheckRowMajor(actions.Length, rows, ActionWidth, nameof(actions), "[rows, ActionWidth], row-major");
        int n = ObservationSize, w = ActionWidth, m = Approximator.OutputSize;
        for (int start = 0; start < rows; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, rows - start);
            ReadOnlySpan<double> f = ForwardChunk(batch, observations.Slice(start * n, batch * n), workspace);
            for (int r = 0; r < batch; r++)
            {
                Span<double> action = actions.Slice((start + r) * w, w);
                Head.Mode(f.Slice(r * m, m), HeadParameters, action);
                logProbabilities[start + r] = Head.LogProbability(f.Slice(r * m, m), HeadParameters, action);
            }
        }
    }

    /// <summary>log π(a|s).</summary>
    /// <exception cref="ArgumentException">Bad observation, or an action that is not one of <see cref="ActionSpace"/>.</exception>
    public double LogProbability(ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        CheckObservation(observation);
        ActionSpace.CheckAction(action, nameof(action));
        return Head.LogProbability(ForwardRow(observation), HeadParameters, action);
    }

    /// <summary>Writes the most probable action (greedy for a softmax head, the mean for a Gaussian, the mode for a Beta).</summary>
    /// <exception cref="ArgumentException">Bad observation, or an action row not of length ActionWidth.</exception>
    public void Mode(ReadOnlySpan<double> observation, Span<double> action)
    {
        CheckObservation(observation);
        ThrowHelper.CheckLength(action.Length, ActionWidth, nameof(action), "[ActionWidth]");
        Head.Mode(ForwardRow(observation), HeadParameters, action);
    }

    /// <summary>
    /// The mean and variance of each coordinate of the action row under π(·|s) (for a discrete head, of the index).
    /// </summary>
    /// <exception cref="ArgumentException">Bad observation, or a destination not of length ActionWidth.</exception>
    public void ActionMoments(ReadOnlySpan<double> observation, Span<double> mean, Span<double> variance)
    {
        CheckObservation(observation);
        ThrowHelper.CheckLength(mean.Length, ActionWidth, nameof(mean), "[ActionWidth]");
        ThrowHelper.CheckLength(variance.Length, ActionWidth, nameof(variance), "[ActionWidth]");
        Head.Moments(ForwardRow(observation), HeadParameters, mean, variance);
    }

    /// <summary>H(π(·|s)) in nats.</summary>
    /// <exception cref="ArgumentException">Bad observation.</exception>
    public double Entropy(ReadOnlySpan<double> observation)
    {
        CheckObservation(observation);
        return Head.Entropy(ForwardRow(observation), HeadParameters);
    }

    /// <summary>gradient += weight · ∇_θ log π(action | observation): the batched score with one row.</summary>
    /// <exception cref="ArgumentException">
    /// Bad observation or action, a non-finite weight, or a gradient not of length ParameterCount; the gradient is
    /// then left untouched.
    /// </exception>
    public void AccumulateScore(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double weight, Span<double> gradient)
    {
        CheckObservation(observation);
        ActionSpace.CheckAction(action, nameof(action));
        ThrowHelper.CheckFinite(weight, nameof(weight));
        CheckGradient(gradient);
        AccumulateGradient(GradientKind.Score, 1, observation, action, default, new ReadOnlySpan<double>(in weight), gradient, RowWorkspace());
    }

    /// <summary>
    /// The batched score, the hot loop of every estimator: gradient += Σ_r weights[r] · ∇_θ log π(a_r | s_r), with
    /// observations: [rows, n] and actions: [rows, ActionWidth] row-major, weights: [rows], summed in the order of
    /// <see cref="GradientChunkRows"/> on the workspace's threads.
    /// </summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong; the gradient is then untouched.</exception>
    public void AccumulateScores(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        int rows = weights.Length;
        CheckActions(rows, actions);
        CheckRows(rows, observations, workspace);
        ThrowHelper.CheckFinite(weights, nameof(weights));
        CheckGradient(gradient);
        AccumulateGradient(GradientKind.Score, rows, observations, actions, default, weights, gradient, workspace);
    }

    /// <summary>destination[r] = log π(a_r | s_r) over rows (observations: [rows, n], actions: [rows, ActionWidth]).</summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong.</exception>
    public void LogProbabilities(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, Span<double> destination, PolicyWorkspace workspace)
    {
        int rows = destination.Length;
        CheckRows(rows, observations, workspace);
        CheckActions(rows, actions);
        int n = ObservationSize, w = ActionWidth;
        for (int start = 0; start < rows; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, rows - start);
            LogProbabilityChunk(batch, observations.Slice(start * n, batch * n), actions.Slice(start * w, batch * w), destination.Slice(start, batch), workspace);
        }
    }

    /// <summary>
    /// The entropy bonus's gradient: gradient += Σ_r weights[r] · ∇_θ H(π(·|s_r)), with observations: [rows, n] and
    /// weights: [rows], summed in the order of <see cref="GradientChunkRows"/> on the workspace's threads.
    /// </summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong; the gradient is then untouched.</exception>
    public void AccumulateEntropyGradients(ReadOnlySpan<double> observations, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        int rows = weights.Length;
        CheckRows(rows, observations, workspace);
        ThrowHelper.CheckFinite(weights, nameof(weights));
        CheckGradient(gradient);
        AccumulateGradient(GradientKind.Entropy, rows, observations, default, default, weights, gradient, workspace);
    }

    /// <summary>The checks of a single observation: length n and finite values.</summary>
    private protected void CheckObservation(ReadOnlySpan<double> observation)
    {
        ThrowHelper.CheckLength(observation.Length, ObservationSize, nameof(observation), "[ObservationSize]");
        ThrowHelper.CheckFinite(observation, nameof(observation));
    }

    /// <summary>The check of a gradient buffer: length ParameterCount.</summary>
    private protected void CheckGradient(ReadOnlySpan<double> gradient) =>
        ThrowHelper.CheckLength(gradient.Length, ParameterCount, nameof(gradient), "[ParameterCount]");

    /// <summary>The checks shared by every batched call over <paramref name="rows"/> rows: the workspace and the observations.</summary>
    private protected void CheckRows(int rows, ReadOnlySpan<double> observations, PolicyWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
        {
            throw new ArgumentException("The workspace was created by another policy; use this policy's CreateWorkspace.", nameof(workspace));
        }

        CheckRowMajor(observations.Length, rows, ObservationSize, nameof(observations), "[rows, ObservationSize], row-major");
        ThrowHelper.CheckFinite(observations, nameof(observations));
    }

    /// <summary>f(s) for one row on this thread's batch-of-one workspace.</summary>
    private protected ReadOnlySpan<double> ForwardRow(ReadOnlySpan<double> observation) => ForwardChunk(1, observation, RowWorkspace());

    /// <summary>What a batched gradient sums per row.</summary>
    private protected enum GradientKind
    {
        /// <summary>w ∇_θ log π(a|s).</summary>
        Score,

        /// <summary>w ∇_θ H(π(·|s)).</summary>
        Entropy,
    }

    /// <summary>
    /// gradient += the rows' terms in the order of <see cref="GradientChunkRows"/>: one chunk straight in, several as
    /// chunk sums from zero (rows ascending) added in chunk order. Actions come as rows of doubles, or as indices (<paramref name="indices"/>, a discrete head's
    /// typed overloads). With several threads the chunks run in waves, one per thread, added in chunk order.
    /// </summary>
    private protected void AccumulateGradient(GradientKind kind, int rows, ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<int> indices, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        int n = ObservationSize, w = ActionWidth, chunks = (rows + GradientChunkRows - 1) / GradientChunkRows;
        if (chunks <= 1)
        {
            // one chunk accumulates straight into the gradient, so a call on one row equals that row's term added in
            ChunkGradient(kind, rows, observations, kind == GradientKind.Score ? ActionRows(0, rows, actions, indices, workspace) : default, weights, gradient, workspace);
            return;
        }

        for (int first = 0; first < chunks; first += workspace.Threads)
        {
            int lanes = Math.Min(workspace.Threads, chunks - first);
            if (lanes == 1)
            {
                int start = first * GradientChunkRows, count = Math.Min(GradientChunkRows, rows - start);
                ReadOnlySpan<double> a = kind == GradientKind.Score ? ActionRows(start, count, actions, indices, workspace) : default;
                Span<double> partial = workspace.Partial;
                partial.Clear();
                ChunkGradient(kind, count, observations.Slice(start * n, count * n), a, weights.Slice(start, count), partial, workspace);
                Add(partial, gradient);
                continue;
            }

            for (int lane = 0; lane < lanes; lane++)
            {
                int start = (first + lane) * GradientChunkRows, count = Math.Min(GradientChunkRows, rows - start);
                workspace.Lanes[lane].Load(count, observations.Slice(start * n, count * n), kind == GradientKind.Score ? ActionRows(start, count, actions, indices, workspace) : default, weights.Slice(start, count));
            }

            workspace.RunLanes(lanes, kind == GradientKind.Score ? _scoreLane : _entropyLane);
            for (int lane = 0; lane < lanes; lane++)
            {
                Add(workspace.Lanes[lane].Workspace.Partial, gradient);
            }
        }
    }

    /// <summary>gradient += Σ_rows w_r ∇_θ log π(a_r|s_r) for one chunk of checked rows.</summary>
    private protected void ScoreChunk(int batch, ReadOnlySpan<double> s, ReadOnlySpan<double> a, ReadOnlySpan<double> w, Span<double> gradient, PolicyWorkspace workspace)
    {
        ReadOnlySpan<double> f = ForwardChunk(batch, s, workspace);                                  // [B, m]
        Span<double> fBar = workspace.OutputGradients[..(batch * Approximator.OutputSize)];    // [B, m]
        Head.LogProbabilityGradients(f, HeadParameters, a, w, fBar, gradient[Approximator.ParameterCount..]); // ∂ log π/∂f, weighted; φ̄ +=
        BackwardChunk(batch, s, fBar, gradient, workspace);                                          // · ∂f/∂θ_f
    }

    /// <summary>destination[r] = log π(a_r|s_r) for one chunk of checked rows.</summary>
    private protected void LogProbabilityChunk(int batch, ReadOnlySpan<double> s, ReadOnlySpan<double> a, Span<double> destination, PolicyWorkspace workspace)
    {
        int m = Approximator.OutputSize, w = ActionWidth;
        ReadOnlySpan<double> f = ForwardChunk(batch, s, workspace);
        for (int r = 0; r < batch; r++)
        {
            destination[r] = Head.LogProbability(f.Slice(r * m, m), HeadParameters, a.Slice(r * w, w));
        }
    }

    /// <summary>
    /// This thread's batch-of-one workspace for this policy: created on the first call of a thread and kept for the
    /// thread's four most recent policies, so alternating between up to four allocates nothing.
    /// </summary>
    private protected PolicyWorkspace RowWorkspace()
    {
        PolicyWorkspace?[] rows = t_rows ??= new PolicyWorkspace?[4];
        foreach (PolicyWorkspace? row in rows)
        {
            if (row is not null && ReferenceEquals(row.Owner, this))
            {
                return row;
            }
        }

        var created = new PolicyWorkspace(this, 1, 1);
        rows[t_nextRow] = created;
        t_nextRow = (t_nextRow + 1) % rows.Length;
        return created;
    }

    // destination += source, index by index: fma(1, s, d) is s + d rounded once, the addition's own bits, vectorised.
    private static void Add(ReadOnlySpan<double> source, Span<double> destination) => Kernels.Axpy(1.0, source, destination);

    // The action rows [start, start + count): a slice of the double rows, or the indices converted into the workspace.
    private ReadOnlySpan<double> ActionRows(int start, int count, ReadOnlySpan<double> actions, ReadOnlySpan<int> indices, PolicyWorkspace workspace)
    {
        if (indices.IsEmpty)
        {
            return actions.Slice(start * ActionWidth, count * ActionWidth);
        }

        Span<double> rows = workspace.IndexRows.AsSpan(0, count);
        for (int r = 0; r < count; r++)
        {
            rows[r] = indices[start + r];
        }

        return rows;
    }

    // One chunk's rows into a zeroed partial, in sub-chunks of the workspace's capacity (rows ascending either way).
    private void ChunkGradient(GradientKind kind, int count, ReadOnlySpan<double> s, ReadOnlySpan<double> a, ReadOnlySpan<double> w, Span<double> partial, PolicyWorkspace workspace)
    {
        int n = ObservationSize, width = ActionWidth;
        for (int start = 0; start < count; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, count - start);
            ReadOnlySpan<double> rows = s.Slice(start * n, batch * n), weights = w.Slice(start, batch);
            if (kind == GradientKind.Score)
            {
                ScoreChunk(batch, rows, a.Slice(start * width, batch * width), weights, partial, workspace);
            }
            else
            {
                EntropyChunk(batch, rows, weights, partial, workspace);
            }
        }
    }

    // gradient += Σ_rows w_r ∇_θ H(π(·|s_r)) for one chunk of checked rows
    private void EntropyChunk(int batch, ReadOnlySpan<double> s, ReadOnlySpan<double> w, Span<double> gradient, PolicyWorkspace workspace)
    {
        int m = Approximator.OutputSize;
        ReadOnlySpan<double> f = ForwardChunk(batch, s, workspace);       // [B, m]
        Span<double> fBar = workspace.OutputGradients[..(batch * m)]; // [B, m]
        Span<double> headGradient = gradient[Approximator.ParameterCount..];
        for (int r = 0; r < batch; r++)
        {
            Head.EntropyGradient(f.Slice(r * m, m), HeadParameters, w[r], fBar.Slice(r * m, m), headGradient);
        }

        BackwardChunk(batch, s, fBar, gradient, workspace);
    }

    // A parallel lane: its loaded chunk into its zeroed partial.
    private void ScoreLane(PolicyWorkspace.Lane lane) => LaneGradient(GradientKind.Score, lane);

    private void EntropyLane(PolicyWorkspace.Lane lane) => LaneGradient(GradientKind.Entropy, lane);

    private void LaneGradient(GradientKind kind, PolicyWorkspace.Lane lane)
    {
        Span<double> partial = lane.Workspace.Partial;
        partial.Clear();
        ChunkGradient(kind, lane.Count, lane.Observations.AsSpan(0, lane.Count * ObservationSize), lane.Actions.AsSpan(0, lane.Count * ActionWidth), lane.Weights.AsSpan(0, lane.Count), partial, lane.Workspace);
    }

    /// <summary>Throws unless length = rows × width, computed in 64 bits.</summary>
    private protected static void CheckRowMajor(int length, int rows, int width, string paramName, string shape)
    {
        if (length != (long)rows * width)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected length {(long)rows * width} ({shape} with rows = {rows}), got {length}."), paramName);
        }
    }

    private void CheckActions(int rows, ReadOnlySpan<double> actions)
    {
        int w = ActionWidth;
        CheckRowMajor(actions.Length, rows, w, nameof(actions), "[rows, ActionWidth], row-major");
        for (int r = 0; r < rows; r++)
        {
            ActionSpace.CheckAction(actions.Slice(r * w, w), nameof(actions));
        }
    }

    // f: [B, m] = f(s: [B, n]), refused when a finite input overflowed
    private ReadOnlySpan<double> ForwardChunk(int batch, ReadOnlySpan<double> observations, PolicyWorkspace workspace)
    {
        Span<double> f = workspace.Outputs[..(batch * Approximator.OutputSize)];
        Approximator.ForwardBatched(batch, ApproximatorParameters, observations, f, workspace.Approximator);
        CheckOverflow(f, "approximator output f(s)");
        return f;
    }

    // gradient[θ_f] += Σ_rows f̄[r]ᵀ ∂f/∂θ_f
    private void BackwardChunk(int batch, ReadOnlySpan<double> observations, ReadOnlySpan<double> fBar, Span<double> gradient, PolicyWorkspace workspace)
    {
        CheckOverflow(fBar, "head gradient ∂/∂f");
        Approximator.BackwardBatchedAccumulate(batch, ApproximatorParameters, observations, fBar, gradient[..Approximator.ParameterCount], workspace.Approximator);
    }

    private static void CheckOverflow(ReadOnlySpan<double> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new OverflowException(string.Create(CultureInfo.InvariantCulture, $"The {what} overflowed to {values[i]} at index {i} from a finite θ and observation; θ has grown too large."));
            }
        }
    }
}

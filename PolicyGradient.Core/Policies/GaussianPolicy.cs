using PolicyGradient.Approximators;
using PolicyGradient.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// A diagonal Gaussian policy over d-dimensional continuous actions: mean μ = f(s; θ) and a state-independent
/// log σ, either fixed or learned as the last d entries of θ. Its score is
/// ∇_θ log π(a|s) = ((a − μ)/σ²)ᵀ ∂μ/∂θ for the approximator's parameters and ((a_j − μ_j)/σ_j)² − 1 for log σ_j.
/// </summary>
/// <remarks>
/// The lecture's slide writes ∇_θ log π = −½ Σ⁻¹(f(s) − a) df/dθ; the ½ is a slip, since ∇_μ ½‖a − μ‖²_Σ⁻¹ =
/// −Σ⁻¹(a − μ). The finite-difference tests settle it. The effective log σ_j is clamp(θ_j,
/// <see cref="DiagonalGaussian.LogStdMin"/>, <see cref="DiagonalGaussian.LogStdMax"/>); outside that range its
/// derivative is 0, exactly what finite differences of the clamped density give.
/// </remarks>
public sealed class GaussianPolicy : Policy
{
    private readonly double[] _fixedLogStd;

    /// <summary>Creates a Gaussian head over <paramref name="approximator"/> (whose output size is d).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialLogStd"/> is not finite or outside the log σ range.</exception>
    public GaussianPolicy(IApproximator approximator, int seed, double initialLogStd = 0, bool learnLogStd = true)
        : base(approximator, learnLogStd ? CheckApproximator(approximator).OutputSize : 0)
    {
        if (!double.IsFinite(initialLogStd) || initialLogStd < DiagonalGaussian.LogStdMin || initialLogStd > DiagonalGaussian.LogStdMax)
        {
            throw new ArgumentOutOfRangeException(nameof(initialLogStd), initialLogStd, $"Expected a finite log σ in [{DiagonalGaussian.LogStdMin}, {DiagonalGaussian.LogStdMax}].");
        }

        LearnsLogStd = learnLogStd;
        approximator.Initialize(Parameters[..approximator.ParameterCount], new Random(seed));
        _fixedLogStd = learnLogStd ? [] : Enumerable.Repeat(initialLogStd, ActionSize).ToArray();
        if (learnLogStd)
        {
            Parameters[approximator.ParameterCount..].Fill(initialLogStd);
        }
    }

    /// <summary>Action dimension d.</summary>
    public int ActionSize => Approximator.OutputSize;

    /// <summary>Whether log σ is part of θ (the last d entries) and receives a score.</summary>
    public bool LearnsLogStd { get; }

    private protected override int HeadWorkspaceLength => 2 * ActionSize;

    /// <summary>Linear-Gaussian: μ = W s + b.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0 or the initial log σ is invalid.</exception>
    public static GaussianPolicy Linear(int observationSize, int actionSize, int seed, double initialLogStd = 0, bool learnLogStd = true) =>
        new(new LinearMap(observationSize, actionSize), seed, initialLogStd, learnLogStd);

    /// <summary>MLP-Gaussian: μ = MLP(s) with tanh hidden layers.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0 or the initial log σ is invalid.</exception>
    public static GaussianPolicy Mlp(int observationSize, int[] hiddenSizes, int actionSize, int seed, double initialLogStd = 0, bool learnLogStd = true) =>
        new(new Approximators.Mlp(observationSize, hiddenSizes, actionSize), seed, initialLogStd, learnLogStd);

    /// <summary>Writes the effective log σ (clamped into range) into <paramref name="destination"/>: [d].</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not of length d.</exception>
    public void LogStd(Span<double> destination)
    {
        ThrowHelper.CheckLength(destination.Length, ActionSize, nameof(destination), "[ActionSize]");
        ReadOnlySpan<double> source = LearnsLogStd ? Parameters[Approximator.ParameterCount..] : _fixedLogStd;
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] = DiagonalGaussian.ClampLogStd(source[j]);
        }
    }

    /// <summary>log π(a|s) = −½ Σ_j ((a_j − μ_j)/σ_j)² − Σ_j log σ_j − (d/2) log 2π.</summary>
    /// <exception cref="ArgumentException">Bad observation or action shape or values.</exception>
    public double LogProbability(ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        CheckObservation(observation);
        CheckAction(action, nameof(action));
        RowPass pass = ForwardRow(observation, ActionSize);
        LogStd(pass.Head);
        return DiagonalGaussian.LogProbability(pass.Output, pass.Head, action);
    }

    /// <summary>Entropy of π(·|s) in nats (independent of s here).</summary>
    public double Entropy()
    {
        Span<double> logStd = stackalloc double[ActionSize];
        LogStd(logStd);
        return DiagonalGaussian.Entropy(logStd);
    }

    /// <summary>Draws a ~ N(μ(s), diag σ²) into <paramref name="action"/>: [d].</summary>
    /// <exception cref="ArgumentException">Bad observation, or action not of length d.</exception>
    public void Sample(ReadOnlySpan<double> observation, Random random, Span<double> action) =>
        SampleWithLogProbability(observation, random, action);

    /// <summary>Draws a ~ N(μ(s), diag σ²) into <paramref name="action"/> and returns log π(a|s) from the same forward pass.</summary>
    /// <exception cref="ArgumentException">Bad observation, or action not of length d.</exception>
    public double SampleWithLogProbability(ReadOnlySpan<double> observation, Random random, Span<double> action)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckObservation(observation);
        ThrowHelper.CheckLength(action.Length, ActionSize, nameof(action), "[ActionSize]");
        RowPass pass = ForwardRow(observation, ActionSize);
        LogStd(pass.Head);
        DiagonalGaussian.Sample(pass.Output, pass.Head, random, action);
        return DiagonalGaussian.LogProbability(pass.Output, pass.Head, action);
    }

    /// <summary>Writes the mean action μ(s) into <paramref name="action"/>: [d].</summary>
    /// <exception cref="ArgumentException">Bad observation, or action not of length d.</exception>
    public void MeanAction(ReadOnlySpan<double> observation, Span<double> action)
    {
        CheckObservation(observation);
        ThrowHelper.CheckLength(action.Length, ActionSize, nameof(action), "[ActionSize]");
        ForwardRow(observation).Output.CopyTo(action);
    }

    /// <summary>gradient += weight · ∇_θ log π(action | observation).</summary>
    /// <exception cref="ArgumentException">
    /// Bad observation or action, a non-finite weight, or a gradient not of length ParameterCount; the gradient is
    /// then left untouched.
    /// </exception>
    public void AccumulateScore(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double weight, Span<double> gradient)
    {
        CheckObservation(observation);
        CheckAction(action, nameof(action));
        ThrowHelper.CheckFinite(weight, nameof(weight));
        CheckGradient(gradient);
        int d = ActionSize;
        RowPass pass = ForwardRow(observation, 2 * d);
        Span<double> logStd = pass.Head[..d], logStdBar = pass.Head[d..];
        LogStd(logStd);
        DiagonalGaussian.LogProbabilityGradient(pass.Output, logStd, action, weight, pass.OutputGradient, logStdBar); // ∂ log π/∂μ, ∂ log π/∂log σ
        BackwardRow(observation, pass, gradient);                                                                   // · ∂μ/∂θ
        AccumulateLogStd(logStdBar, gradient);
    }

    /// <summary>
    /// The batched score: gradient += Σ_r weights[r] · ∇_θ log π(a_r | s_r) over rows, with observations: [rows, n]
    /// and actions: [rows, d], both row-major, and weights: [rows].
    /// </summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong; the gradient is then untouched.</exception>
    public void AccumulateScores(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights, Span<double> gradient, PolicyWorkspace workspace)
    {
        int rows = CheckRows(observations, actions, workspace);
        CheckWeightsAndGradient(rows, weights, gradient);
        int n = ObservationSize, d = ActionSize;
        Span<double> logStd = workspace.Head.AsSpan(0, d), logStdBar = workspace.Head.AsSpan(d, d);
        LogStd(logStd);
        Span<double> rowLogStdBar = stackalloc double[d];
        for (int start = 0; start < rows; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, rows - start);
            ReadOnlySpan<double> s = observations.Slice(start * n, batch * n); // [B, n]
            Span<double> mu = ForwardChunk(batch, s, workspace);                 // [B, d]
            Span<double> muBar = workspace.OutputGradients.AsSpan(0, batch * d); // [B, d]
            logStdBar.Clear();
            for (int r = 0; r < batch; r++)
            {
                DiagonalGaussian.LogProbabilityGradient(mu.Slice(r * d, d), logStd, actions.Slice((start + r) * d, d), weights[start + r], muBar.Slice(r * d, d), rowLogStdBar);
                Kernels.Axpy(1.0, rowLogStdBar, logStdBar);
            }

            BackwardChunk(batch, s, gradient, workspace);
            AccumulateLogStd(logStdBar, gradient);
        }
    }

    /// <summary>destination[r] = log π(a_r | s_r) over rows (observations: [rows, n], actions: [rows, d]).</summary>
    /// <exception cref="ArgumentException">A shape, a value or the workspace is wrong.</exception>
    public void LogProbabilities(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, Span<double> destination, PolicyWorkspace workspace)
    {
        int rows = CheckRows(observations, actions, workspace);
        ThrowHelper.CheckLength(destination.Length, rows, nameof(destination), "[rows]");
        int n = ObservationSize, d = ActionSize;
        Span<double> logStd = workspace.Head.AsSpan(0, d);
        LogStd(logStd);
        for (int start = 0; start < rows; start += workspace.Capacity)
        {
            int batch = Math.Min(workspace.Capacity, rows - start);
            Span<double> mu = ForwardChunk(batch, observations.Slice(start * n, batch * n), workspace);
            for (int r = 0; r < batch; r++)
            {
                destination[start + r] = DiagonalGaussian.LogProbability(mu.Slice(r * d, d), logStd, actions.Slice((start + r) * d, d));
            }
        }
    }

    private static IApproximator CheckApproximator(IApproximator approximator)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        return approximator;
    }

    // gradient[log σ part] += logStdBar where the clamp is inactive (its derivative is 0 outside the range).
    private void AccumulateLogStd(ReadOnlySpan<double> logStdBar, Span<double> gradient)
    {
        if (!LearnsLogStd)
        {
            return;
        }

        int offset = Approximator.ParameterCount;
        ReadOnlySpan<double> raw = Parameters[offset..];
        for (int j = 0; j < logStdBar.Length; j++)
        {
            if (raw[j] >= DiagonalGaussian.LogStdMin && raw[j] <= DiagonalGaussian.LogStdMax)
            {
                gradient[offset + j] += logStdBar[j];
            }
        }
    }

    private void CheckAction(ReadOnlySpan<double> action, string paramName)
    {
        ThrowHelper.CheckLength(action.Length, ActionSize, paramName, "[ActionSize]");
        ThrowHelper.CheckFinite(action, paramName);
    }

    private int CheckRows(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, PolicyWorkspace workspace)
    {
        if (actions.Length % ActionSize != 0)
        {
            throw new ArgumentException($"Expected actions of shape [rows, {ActionSize}] (a multiple of ActionSize), got length {actions.Length}.", nameof(actions));
        }

        int rows = actions.Length / ActionSize;
        CheckRows(rows, observations, workspace);
        ThrowHelper.CheckFinite(actions, nameof(actions));
        return rows;
    }
}

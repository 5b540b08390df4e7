namespace PolicyGradient.Distributions;

/// <summary>
/// A distribution head: the family of action distributions π(·|f, φ) that a policy's approximator outputs
/// f = f(s; θ_f) ∈ ℝᵐ parameterise, together with the head's own parameters φ (a learned log σ, say). A policy is a
/// head composed with an approximator, π_θ(a|s) = head(f(s; θ_f), φ), θ = (θ_f, φ), and every member the policy
/// needs comes from the head:
/// <list type="bullet">
/// <item>log π(a|f, φ), sampling, the mode, the entropy H(π(·|f, φ));</item>
/// <item>the head's share of the score, ∂log π/∂f (which the approximator's backward pass turns into ∂/∂θ_f) and
/// ∂log π/∂φ;</item>
/// <item>the same two derivatives of the entropy, for the entropy bonus.</item>
/// </list>
/// Actions are rows of <see cref="ActionSpace.Width"/> doubles in <see cref="Actions"/>. To add a head, derive from
/// this class in Distributions/ and add one line to <c>PolicyRegistry</c>.
/// </summary>
/// <remarks>
/// The computing members are called by <c>Policy</c> after it has checked every argument (shapes, finiteness,
/// actions inside <see cref="Actions"/>), so they do not check again. Output-gradient spans are overwritten;
/// parameter-gradient spans are accumulated into (+=).
/// </remarks>
public abstract class DistributionHead
{
    /// <summary>Sets the head's input size m and action space.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> ≤ 0.</exception>
    protected DistributionHead(int inputSize, ActionSpace actions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentNullException.ThrowIfNull(actions);
        InputSize = inputSize;
        Actions = actions;
    }

    /// <summary>The head's registry name, e.g. "softmax", "gaussian", "beta".</summary>
    public abstract string Name { get; }

    /// <summary>m, the approximator outputs the head reads per row.</summary>
    public int InputSize { get; }

    /// <summary>The actions the head produces.</summary>
    public ActionSpace Actions { get; }

    /// <summary>Length of φ, the head's own parameters (stored after the approximator's in θ).</summary>
    public virtual int ParameterCount => 0;

    /// <summary>The settings that, with the registry name and input size, rebuild the head (for checkpoints).</summary>
    public virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Writes the initial φ.</summary>
    protected internal virtual void InitializeParameters(Span<double> parameters)
    {
    }

    /// <summary>log π(a | f, φ) for one row.</summary>
    protected internal abstract double LogProbability(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action);

    /// <summary>Draws a ~ π(·| f, φ) into <paramref name="action"/> and returns log π(a | f, φ).</summary>
    protected internal abstract double Sample(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Random random, Span<double> action);

    /// <summary>
    /// Row by row over B rows, rows ascending: row r draws a_r ~ π(·| f_r, φ) with <paramref name="randoms"/>[r] into
    /// actions[r] and writes log π(a_r | f_r, φ), the bits of <see cref="Sample"/> on that row with that generator.
    /// f: [B, m]; actions: [B, Width]; logProbabilities: [B]; <paramref name="scratch"/>: [B, m] and
    /// <paramref name="rowScratch"/>: [B] are the head's to overwrite. A head may override this with a vectorised pass
    /// that gives the same bits.
    /// </summary>
    protected internal virtual void SampleRows(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<Random> randoms, Span<double> actions, Span<double> logProbabilities, Span<double> scratch, Span<double> rowScratch)
    {
        int m = InputSize, w = Actions.Width;
        for (int r = 0; r < randoms.Length; r++)
        {
            logProbabilities[r] = Sample(f.Slice(r * m, m), parameters, randoms[r], actions.Slice(r * w, w));
        }
    }

    /// <summary>Writes the most probable action (greedy, mean or mode, as the head documents).</summary>
    protected internal abstract void Mode(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> action);

    /// <summary>
    /// The mean and variance of each coordinate of the action row under π(·| f, φ) (for a discrete head, of the index:
    /// Σ_a a π(a) and Σ_a a² π(a) − mean²). The tests hold sample moments to these.
    /// </summary>
    protected internal abstract void Moments(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> mean, Span<double> variance);

    /// <summary>H(π(·| f, φ)) in nats.</summary>
    protected internal abstract double Entropy(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters);

    /// <summary>fGradient = w · ∂log π(a|f, φ)/∂f (overwritten); parameterGradient += w · ∂log π/∂φ.</summary>
    protected internal abstract void LogProbabilityGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action, double weight, Span<double> fGradient, Span<double> parameterGradient);

    /// <summary>fGradient = w · ∂H/∂f (overwritten); parameterGradient += w · ∂H/∂φ.</summary>
    protected internal abstract void EntropyGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, double weight, Span<double> fGradient, Span<double> parameterGradient);

    /// <summary>
    /// Row by row over B rows, rows ascending: fGradients[r] = w_r ∂log π(a_r|f_r)/∂f and parameterGradient +=
    /// w_r ∂log π/∂φ. f, fGradients: [B, m]; actions: [B, Width]; weights: [B]. A head may override this with a
    /// vectorised pass that gives the same bits.
    /// </summary>
    protected internal virtual void LogProbabilityGradients(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights, Span<double> fGradients, Span<double> parameterGradient)
    {
        int m = InputSize, w = Actions.Width;
        for (int r = 0; r < weights.Length; r++)
        {
            LogProbabilityGradient(f.Slice(r * m, m), parameters, actions.Slice(r * w, w), weights[r], fGradients.Slice(r * m, m), parameterGradient);
        }
    }
}

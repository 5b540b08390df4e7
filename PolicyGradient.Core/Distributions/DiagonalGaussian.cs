using System.Globalization;
using System.Runtime.CompilerServices;
using PolicyGradient.Numerics;

namespace PolicyGradient.Distributions;

/// <summary>
/// The Gaussian head: mean μ = f ∈ ℝᵈ and diagonal covariance diag(σ²), parameterised by a state-independent
/// log σ that is either learned (the head's d parameters φ) or fixed (a setting):
/// <list type="bullet">
/// <item>log π(a) = −½ Σ_j ((a_j − μ_j)/σ_j)² − Σ_j log σ_j − (d/2) log 2π</item>
/// <item>∂ log π/∂μ_j = (a_j − μ_j)/σ_j²</item>
/// <item>∂ log π/∂log σ_j = ((a_j − μ_j)/σ_j)² − 1</item>
/// <item>H = Σ_j log σ_j + (d/2)(1 + log 2π), so ∂H/∂μ = 0 and ∂H/∂log σ_j = 1</item>
/// </list>
/// The effective log σ_j is clamp(φ_j, <see cref="LogStdMin"/>, <see cref="LogStdMax"/>), so σ ∈ [2.1e−9, 7.39]
/// never underflows or overflows; outside that range its derivative is 0, exactly what finite differences of the
/// clamped density give. Actions are unbounded (the task clips).
/// </summary>
public sealed class DiagonalGaussian : DistributionHead
{
    /// <summary>Lower end of the log σ range: σ ≥ e^−20 ≈ 2.06e−9.</summary>
    public const double LogStdMin = -20.0;

    /// <summary>Upper end of the log σ range: σ ≤ e² ≈ 7.39.</summary>
    public const double LogStdMax = 2.0;

    /// <summary>log 2π.</summary>
    public const double LogTwoPi = 1.8378770664093454835606594728112;

    private readonly double[] _fixedLogStd;

    /// <summary>Creates the head over d = <paramref name="actionSize"/> dimensions.</summary>
    /// <param name="actionSize">d.</param>
    /// <param name="initialLogStd">The initial (learned) or constant (fixed) log σ of every dimension.</param>
    /// <param name="learnLogStd">Whether log σ is part of θ and receives a score.</param>
    /// <exception cref="ArgumentOutOfRangeException">d ≤ 0, or <paramref name="initialLogStd"/> is not finite or outside [LogStdMin, LogStdMax].</exception>
    public DiagonalGaussian(int actionSize, double initialLogStd = 0, bool learnLogStd = true)
        : base(actionSize, ActionSpace.Unbounded(actionSize))
    {
        if (!double.IsFinite(initialLogStd) || initialLogStd < LogStdMin || initialLogStd > LogStdMax)
        {
            throw new ArgumentOutOfRangeException(nameof(initialLogStd), initialLogStd, $"Expected a finite log σ in [{LogStdMin}, {LogStdMax}].");
        }

        InitialLogStd = initialLogStd;
        LearnsLogStd = learnLogStd;
        _fixedLogStd = learnLogStd ? [] : Enumerable.Repeat(initialLogStd, actionSize).ToArray();
        Settings = new Dictionary<string, string>
        {
            ["learnLogStd"] = learnLogStd ? "true" : "false",
            ["initialLogStd"] = initialLogStd.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <inheritdoc/>
    public override string Name => "gaussian";

    /// <summary>d.</summary>
    public int ActionSize => InputSize;

    /// <summary>Whether log σ is learned (φ = log σ, d parameters).</summary>
    public bool LearnsLogStd { get; }

    /// <summary>The initial (learned) or constant (fixed) log σ.</summary>
    public double InitialLogStd { get; }

    /// <inheritdoc/>
    public override int ParameterCount => LearnsLogStd ? ActionSize : 0;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>
    /// ε ~ N(0, 1) by Marsaglia's polar method: draw (u, v) uniform on the square [−1, 1]² until 0 &lt; r = u² + v² &lt; 1,
    /// then ε = u √(−2 log r / r). Built from the deterministic log and IEEE square root, so the same draws give the same
    /// bits on every CPU and operating system (the second normal of each pair is not kept, so a draw is a function of
    /// the generator's state alone).
    /// </summary>
    public static double StandardNormal(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double r = PolarRadius(random, out double u);
        return u * PolarScale.Invoke<SimdScalar, double>(r);
    }

    // The polar method's accepted point: u, and r = u² + v² ∈ (0, 1).
    private static double PolarRadius(Random random, out double u)
    {
        while (true)
        {
            u = (2 * random.NextDouble()) - 1;
            double v = (2 * random.NextDouble()) - 1, r = (u * u) + (v * v);
            if (r > 0 && r < 1)
            {
                return r;
            }
        }
    }

    /// <summary>Clamps a log standard deviation into [<see cref="LogStdMin"/>, <see cref="LogStdMax"/>].</summary>
    public static double ClampLogStd(double logStd) => Math.Clamp(logStd, LogStdMin, LogStdMax);

    /// <summary>The effective log σ_j.</summary>
    internal double LogStd(ReadOnlySpan<double> parameters, int j) => ClampLogStd(LearnsLogStd ? parameters[j] : _fixedLogStd[j]);

    /// <inheritdoc/>
    protected internal override void InitializeParameters(Span<double> parameters) => parameters.Fill(InitialLogStd);

    /// <inheritdoc/>
    protected internal override double LogProbability(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action)
    {
        double quadratic = 0, logDet = 0;
        for (int j = 0; j < f.Length; j++)
        {
            double logStd = LogStd(parameters, j);
            double u = (action[j] - f[j]) * DeterministicMath.Exp(-logStd); // (a − μ)/σ
            quadratic += u * u;
            logDet += logStd;
        }

        return (-0.5 * quadratic) - logDet - (0.5 * f.Length * LogTwoPi);
    }

    /// <summary>a = μ + σ ⊙ ε with ε ~ N(0, I) by Marsaglia's polar method over <paramref name="random"/> (<see cref="StandardNormal"/>).</summary>
    protected internal override double Sample(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Random random, Span<double> action)
    {
        for (int j = 0; j < f.Length; j++)
        {
            action[j] = f[j] + (DeterministicMath.Exp(LogStd(parameters, j)) * StandardNormal(random));
        }

        return LogProbability(f, parameters, action);
    }

    /// <summary>
    /// Row by row as <see cref="Sample"/> on each row with its generator (the same bits): every row's draws first,
    /// then the polar method's scales √(−2 ln r / r) of the whole block in one vectorised pass, then σ_j and 1/σ_j once
    /// per coordinate for every row instead of once per row.
    /// </summary>
    protected internal override void SampleRows(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<Random> randoms, Span<double> actions, Span<double> logProbabilities, Span<double> scratch, Span<double> rowScratch)
    {
        int d = ActionSize, batch = randoms.Length;
        Span<double> scales = scratch[..(batch * d)], quadratic = rowScratch[..batch]; // scales: [B, d]
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < d; j++)
            {
                scales[(r * d) + j] = PolarRadius(randoms[r], out actions[(r * d) + j]); // u parked in the action
            }
        }

        Kernels.Map(PolarScale, scales, scales);
        quadratic.Clear();
        double logDet = 0;
        for (int j = 0; j < d; j++)
        {
            double logStd = LogStd(parameters, j), std = DeterministicMath.Exp(logStd), inverseStd = DeterministicMath.Exp(-logStd);
            logDet += logStd;
            for (int r = 0; r < batch; r++)
            {
                int i = (r * d) + j;
                actions[i] = f[i] + (std * (actions[i] * scales[i])); // μ + σ ε, ε = u √(−2 ln r / r)
                double u = (actions[i] - f[i]) * inverseStd;
                quadratic[r] += u * u;
            }
        }

        for (int r = 0; r < batch; r++)
        {
            logProbabilities[r] = (-0.5 * quadratic[r]) - logDet - (0.5 * d * LogTwoPi);
        }
    }

    /// <summary>The mean μ (also the mode).</summary>
    protected internal override void Mode(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> action) => f.CopyTo(action);

    /// <summary>mean_j = μ_j, variance_j = σ_j².</summary>
    protected internal override void Moments(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> mean, Span<double> variance)
    {
        for (int j = 0; j < ActionSize; j++)
        {
            mean[j] = f[j];
            variance[j] = DeterministicMath.Exp(2 * LogStd(parameters, j));
        }
    }

    /// <inheritdoc/>
    protected internal override double Entropy(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters)
    {
        double sum = 0;
        for (int j = 0; j < ActionSize; j++)
        {
            sum += LogStd(parameters, j);
        }

        return sum + (0.5 * ActionSize * (1.0 + LogTwoPi));
    }

    /// <summary>fGradient_j = w (a_j − μ_j)/σ_j²; φ̄_j += w (((a_j − μ_j)/σ_j)² − 1) where the clamp is inactive.</summary>
    protected internal override void LogProbabilityGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action, double weight, Span<double> fGradient, Span<double> parameterGradient)
    {
        for (int j = 0; j < f.Length; j++)
        {
            double inverseStd = DeterministicMath.Exp(-LogStd(parameters, j));
            double u = (action[j] - f[j]) * inverseStd; // (a − μ)/σ
            fGradient[j] = weight * u * inverseStd;
            if (LearnsClamped(parameters, j))
            {
                parameterGradient[j] += weight * ((u * u) - 1.0);
            }
        }
    }

    /// <summary>fGradient = 0; φ̄_j += w where the clamp is inactive.</summary>
    protected internal override void EntropyGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, double weight, Span<double> fGradient, Span<double> parameterGradient)
    {
        fGradient.Clear();
        for (int j = 0; j < ActionSize; j++)
        {
            if (LearnsClamped(parameters, j))
            {
                parameterGradient[j] += weight;
            }
        }
    }

    /// <summary>The polar method's scale √(−2 ln r / r) of an accepted radius r.</summary>
    private static PolarScaleOperator PolarScale => default;

    // Whether log σ_j is learned and inside the clamp range, where its derivative is 1.
    private bool LearnsClamped(ReadOnlySpan<double> parameters, int j) =>
        LearnsLogStd && parameters[j] >= LogStdMin && parameters[j] <= LogStdMax;
}

/// <summary>√(−2 ln r / r), the polar method's scale, from the deterministic log and the IEEE square root in every lane.</summary>
internal readonly struct PolarScaleOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV r)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Sqrt(TS.Divide(TS.Multiply(TS.Broadcast(-2.0), DeterministicMath.Log<TS, TV>(r)), r));
}

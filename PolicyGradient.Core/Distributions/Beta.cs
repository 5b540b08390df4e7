using System.Globalization;
using MathNet.Numerics;
using PolicyGradient.Numerics;

namespace PolicyGradient.Distributions;

/// <summary>
/// The Beta head for bounded continuous actions (Chou, Maturana &amp; Scherer, ICML 2017). Per action dimension j
/// the approximator gives two outputs, f = [f^α_1 … f^α_d, f^β_1 … f^β_d], and
/// <list type="bullet">
/// <item>α_j = 1 + softplus(f^α_j), β_j = 1 + softplus(f^β_j), so α, β &gt; 1 and the density is unimodal;</item>
/// <item>x_j ~ Beta(α_j, β_j) on (0, 1), mapped affinely onto the box: a_j = low_j + (high_j − low_j) x_j;</item>
/// <item>log π(a) = Σ_j [(α_j − 1) log x_j + (β_j − 1) log(1 − x_j) − log B(α_j, β_j) − log(high_j − low_j)]
/// (the last term is the map's Jacobian);</item>
/// <item>∂log π/∂f^α_j = (log x_j − ψ(α_j) + ψ(α_j + β_j)) · σ(f^α_j), with ψ the digamma function and σ the
/// logistic function (the derivative of softplus); likewise for β with log(1 − x_j) − ψ(β_j) + ψ(α_j + β_j);</item>
/// <item>H = Σ_j [log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β) + log(high − low)];</item>
/// <item>∂H/∂α = −(α − 1)ψ′(α) + (α + β − 2)ψ′(α + β), ∂H/∂β = −(β − 1)ψ′(β) + (α + β − 2)ψ′(α + β), with ψ′ the
/// trigamma function; ∂H/∂f = that · σ(f).</item>
/// </list>
/// The mode is (α − 1)/(α + β − 2) mapped onto the box. To keep log x finite, x is clamped into
/// [<see cref="Epsilon"/>, 1 − <see cref="Epsilon"/>] (samples that round to the ends of the box, and actions on
/// the box's faces, are read as that clamped point). No head parameters.
/// </summary>
public sealed class Beta : DistributionHead
{
    /// <summary>How close to the faces of the box x is allowed: 1e−12.</summary>
    public const double Epsilon = 1e-12;

    private readonly double[] _low, _high, _logWidth;

    /// <summary>Creates the head over the finite box [low, high] ⊂ ℝᵈ.</summary>
    /// <exception cref="ArgumentException">The box is empty, unbounded, or the lengths differ.</exception>
    public Beta(ReadOnlySpan<double> low, ReadOnlySpan<double> high)
        : base(2 * CheckBounded(low, high), ActionSpace.Box(low, high))
    {
        _low = low.ToArray();
        _high = high.ToArray();
        _logWidth = _low.Zip(_high, (l, h) => DeterministicMath.Log(h - l)).ToArray();
        Settings = new Dictionary<string, string>
        {
            ["low"] = string.Join(" ", _low.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            ["high"] = string.Join(" ", _high.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
        };
    }

    /// <inheritdoc/>
    public override string Name => "beta";

    /// <summary>d, the action dimension (the head reads 2d outputs).</summary>
    public int ActionSize => _low.Length;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>softplus(f) = log(1 + eᶠ), computed without overflow.</summary>
    public static double Softplus(double f) => DeterministicMath.Softplus(f);

    /// <summary>σ(f) = 1/(1 + e⁻ᶠ) = d softplus/df, computed without overflow.</summary>
    public static double Logistic(double f)
    {
        double e = DeterministicMath.Exp(-Math.Abs(f));
        return f >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    /// <summary>The trigamma function ψ′(x) = d²/dx² log Γ(x) for x &gt; 0 (recurrence to x ≥ 6, then the asymptotic series).</summary>
    public static double Trigamma(double x)
    {
        double sum = 0;
        while (x < 6)
        {
            sum += 1 / (x * x);
            x += 1;
        }

        double r = 1 / x, r2 = r * r;

        // ψ′(x) ~ 1/x + 1/(2x²) + Σ_k B_2k / x^(2k+1): B = 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730
        double series = r2 * ((1.0 / 6) + (r2 * ((-1.0 / 30) + (r2 * ((1.0 / 42) + (r2 * ((-1.0 / 30) + (r2 * ((5.0 / 66) + (r2 * (-691.0 / 2730)))))))))));
        return sum + r + (0.5 * r2) + (r * series);
    }

    /// <summary>mean_j = low + (high − low) α/(α + β), variance_j = (high − low)² αβ/((α + β)²(α + β + 1)).</summary>
    protected internal override void Moments(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> mean, Span<double> variance)
    {
        for (int j = 0; j < ActionSize; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double s = alpha + beta, w = _high[j] - _low[j];
            mean[j] = _low[j] + (w * alpha / s);
            variance[j] = w * w * alpha * beta / (s * s * (s + 1));
        }
    }

    /// <inheritdoc/>
    protected internal override double LogProbability(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action)
    {
        double sum = 0;
        for (int j = 0; j < ActionSize; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double x = Unit(action[j], j);
            sum += ((alpha - 1) * DeterministicMath.Log(x)) + ((beta - 1) * DeterministicMath.Log1P(-x)) - LogBeta(alpha, beta) - _logWidth[j];
        }

        return sum;
    }

    /// <summary>x_j ~ Beta(α_j, β_j) by MathNet's sampler over <paramref name="random"/>, a_j = low_j + (high_j − low_j) x_j.</summary>
    protected internal override double Sample(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Random random, Span<double> action)
    {
        for (int j = 0; j < ActionSize; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double x = Math.Clamp(MathNet.Numerics.Distributions.Beta.Sample(random, alpha, beta), Epsilon, 1 - Epsilon);
            action[j] = _low[j] + ((_high[j] - _low[j]) * x);
        }

        return LogProbability(f, parameters, action);
    }

    /// <summary>The mode (α − 1)/(α + β − 2) of each dimension, mapped onto the box (the centre where α = β = 1 numerically).</summary>
    protected internal override void Mode(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, Span<double> action)
    {
        for (int j = 0; j < ActionSize; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double denominator = alpha + beta - 2;
            double x = denominator > 0 ? (alpha - 1) / denominator : 0.5;
            action[j] = _low[j] + ((_high[j] - _low[j]) * x);
        }
    }

    /// <inheritdoc/>
    protected internal override double Entropy(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters)
    {
        double sum = 0;
        for (int j = 0; j < ActionSize; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double psiSum = SpecialFunctions.DiGamma(alpha + beta);
            sum += LogBeta(alpha, beta) - ((alpha - 1) * SpecialFunctions.DiGamma(alpha)) - ((beta - 1) * SpecialFunctions.DiGamma(beta)) + ((alpha + beta - 2) * psiSum) + _logWidth[j];
        }

        return sum;
    }

    /// <inheritdoc/>
    protected internal override void LogProbabilityGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> action, double weight, Span<double> fGradient, Span<double> parameterGradient)
    {
        int d = ActionSize;
        for (int j = 0; j < d; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double x = Unit(action[j], j), psiSum = SpecialFunctions.DiGamma(alpha + beta);
            fGradient[j] = weight * (DeterministicMath.Log(x) - SpecialFunctions.DiGamma(alpha) + psiSum) * Logistic(f[j]);
            fGradient[d + j] = weight * (DeterministicMath.Log1P(-x) - SpecialFunctions.DiGamma(beta) + psiSum) * Logistic(f[d + j]);
        }
    }

    /// <inheritdoc/>
    protected internal override void EntropyGradient(ReadOnlySpan<double> f, ReadOnlySpan<double> parameters, double weight, Span<double> fGradient, Span<double> parameterGradient)
    {
        int d = ActionSize;
        for (int j = 0; j < d; j++)
        {
            (double alpha, double beta) = Shape(f, j);
            double shared = (alpha + beta - 2) * Trigamma(alpha + beta);
            fGradient[j] = weight * (shared - ((alpha - 1) * Trigamma(alpha))) * Logistic(f[j]);
            fGradient[d + j] = weight * (shared - ((beta - 1) * Trigamma(beta))) * Logistic(f[d + j]);
        }
    }

    private static int CheckBounded(ReadOnlySpan<double> low, ReadOnlySpan<double> high)
    {
        ThrowHelper.CheckLength(high.Length, low.Length, nameof(high), "[d] = low.Length");
        ThrowHelper.CheckPositive(low.Length, nameof(low));
        ThrowHelper.CheckFinite(low, nameof(low));
        ThrowHelper.CheckFinite(high, nameof(high));
        return low.Length;
    }

    // log B(α, β) = log Γ(α) + log Γ(β) − log Γ(α + β)
    private static double LogBeta(double alpha, double beta) =>
        SpecialFunctions.GammaLn(alpha) + SpecialFunctions.GammaLn(beta) - SpecialFunctions.GammaLn(alpha + beta);

    private (double Alpha, double Beta) Shape(ReadOnlySpan<double> f, int j) => (1 + Softplus(f[j]), 1 + Softplus(f[ActionSize + j]));

    // x = (a − low)/(high − low), clamped into [ε, 1 − ε]
    private double Unit(double a, int j) => Math.Clamp((a - _low[j]) / (_high[j] - _low[j]), Epsilon, 1 - Epsilon);
}

using PolicyGradient.Approximators;
using PolicyGradient.Distributions;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// A diagonal Gaussian policy over d-dimensional continuous actions: the <see cref="DiagonalGaussian"/> head with
/// mean μ = f(s; θ) and a state-independent log σ, either fixed or learned as the last d entries of θ. Its score is
/// ∇_θ log π(a|s) = ((a − μ)/σ²)ᵀ ∂μ/∂θ for the approximator's parameters and ((a_j − μ_j)/σ_j)² − 1 for log σ_j.
/// </summary>
/// <remarks>
/// The lecture's slide writes ∇_θ log π = −½ Σ⁻¹(f(s) − a) df/dθ; the ½ is a slip, since ∇_μ ½‖a − μ‖²_Σ⁻¹ =
/// −Σ⁻¹(a − μ). The finite-difference tests settle it.
/// </remarks>
public sealed class GaussianPolicy : Policy
{
    /// <summary>Creates a Gaussian head over <paramref name="approximator"/> (whose output size is d).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialLogStd"/> is not finite or outside the log σ range.</exception>
    public GaussianPolicy(IApproximator approximator, int seed, double initialLogStd = 0, bool learnLogStd = true)
        : base(approximator, new DiagonalGaussian(CheckApproximator(approximator).OutputSize, initialLogStd, learnLogStd), seed)
    {
    }

    /// <summary>Action dimension d.</summary>
    public int ActionSize => Approximator.OutputSize;

    /// <summary>Whether log σ is part of θ (the last d entries) and receives a score.</summary>
    public bool LearnsLogStd => GaussianHead.LearnsLogStd;

    private DiagonalGaussian GaussianHead => (DiagonalGaussian)Head;

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
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] = GaussianHead.LogStd(HeadParameters, j);
        }
    }

    /// <summary>Entropy of π(·|s) in nats (independent of s here).</summary>
    public double Entropy() => Head.Entropy([], HeadParameters);

    /// <summary>Draws a ~ N(μ(s), diag σ²) into <paramref name="action"/> and returns log π(a|s) from the same forward pass.</summary>
    /// <exception cref="ArgumentException">Bad observation, or action not of length d.</exception>
    public double SampleWithLogProbability(ReadOnlySpan<double> observation, Random random, Span<double> action) =>
        Sample(observation, random, action);

    /// <summary>Writes the mean action μ(s) into <paramref name="action"/>: [d].</summary>
    /// <exception cref="ArgumentException">Bad observation, or action not of length d.</exception>
    public void MeanAction(ReadOnlySpan<double> observation, Span<double> action) => Mode(observation, action);

    private static IApproximator CheckApproximator(IApproximator approximator)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        return approximator;
    }
}

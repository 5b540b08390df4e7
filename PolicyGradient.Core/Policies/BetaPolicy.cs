using PolicyGradient.Approximators;
using PolicyGradient.Distributions;

namespace PolicyGradient.Policies;

/// <summary>
/// A Beta policy over a bounded box of d continuous actions (Chou, Maturana &amp; Scherer, ICML 2017): the
/// <see cref="Beta"/> head on 2d approximator outputs, α = 1 + softplus(f^α), β = 1 + softplus(f^β), each action
/// dimension an affinely mapped Beta(α, β). Unlike a Gaussian it puts no mass outside the box, so a task's clipping
/// never biases the score.
/// </summary>
public sealed class BetaPolicy : Policy
{
    /// <summary>Creates a Beta head over <paramref name="approximator"/> (output size 2d) on the box [low, high].</summary>
    /// <exception cref="ArgumentException">The box is not finite and non-empty, or the approximator's output size is not 2d.</exception>
    public BetaPolicy(IApproximator approximator, double[] low, double[] high, int seed)
        : base(approximator, new Beta(low, high), seed)
    {
    }

    /// <summary>Action dimension d.</summary>
    public int ActionSize => ActionWidth;

    /// <summary>Linear-Beta on [−1, 1]ᵈ: f = W s + b with 2d outputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0.</exception>
    public static BetaPolicy Linear(int observationSize, int actionSize, int seed) =>
        Linear(observationSize, UnitBox(actionSize, -1), UnitBox(actionSize, 1), seed);

    /// <summary>Linear-Beta on the box [low, high].</summary>
    /// <exception cref="ArgumentException">A size is ≤ 0 or the box is not finite and non-empty.</exception>
    public static BetaPolicy Linear(int observationSize, double[] low, double[] high, int seed)
    {
        ArgumentNullException.ThrowIfNull(low);
        return new(new LinearMap(observationSize, 2 * low.Length), low, high, seed);
    }

    /// <summary>MLP-Beta on [−1, 1]ᵈ: f = MLP(s) with tanh hidden layers and 2d outputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is ≤ 0.</exception>
    public static BetaPolicy Mlp(int observationSize, int[] hiddenSizes, int actionSize, int seed) =>
        Mlp(observationSize, hiddenSizes, UnitBox(actionSize, -1), UnitBox(actionSize, 1), seed);

    /// <summary>MLP-Beta on the box [low, high].</summary>
    /// <exception cref="ArgumentException">A size is ≤ 0 or the box is not finite and non-empty.</exception>
    public static BetaPolicy Mlp(int observationSize, int[] hiddenSizes, double[] low, double[] high, int seed)
    {
        ArgumentNullException.ThrowIfNull(low);
        return new(new Approximators.Mlp(observationSize, hiddenSizes, 2 * low.Length), low, high, seed);
    }

    private static double[] UnitBox(int actionSize, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(actionSize);
        return Enumerable.Repeat(value, actionSize).ToArray();
    }
}

using System.Globalization;
using PolicyGradient.Numerics;

namespace PolicyGradient.Optimization;

/// <summary>What one optimiser step did.</summary>
/// <param name="Applied">Whether θ changed. False when θ, the gradient, or the step it produced, was not finite.</param>
/// <param name="GradientNorm">‖∇J‖₂ before clipping (NaN or ∞ for a refused gradient; NaN when θ was already non-finite).</param>
/// <param name="Clipped">Whether the gradient was scaled down to the maximum norm.</param>
/// <param name="Refusal">Why the step was refused; null when applied.</param>
public readonly record struct OptimizerStep(bool Applied, double GradientNorm, bool Clipped, string? Refusal);

/// <summary>
/// Gradient <em>ascent</em> on J(θ): each step moves θ along an estimate of ∇J. A gradient with a NaN or infinite
/// entry is refused, and so is a step from a θ that is already non-finite or one that would make θ non-finite: θ and
/// the optimiser's state are then left bit-identical and the refusal is reported in the returned
/// <see cref="OptimizerStep"/>, never silently applied. Optional clipping rescales g to norm
/// <see cref="MaxGradientNorm"/> when ‖g‖₂ exceeds it.
/// </summary>
/// <remarks>
/// Ranges, checked in the constructors and setters before anything changes (a refused value leaves the optimiser as
/// it was): the learning rate α is finite and &gt; 0, since α ≤ 0 would stand still or turn ascent into descent
/// (the smallest accepted α is <see cref="double.Epsilon"/>, the largest <see cref="double.MaxValue"/>); the clipping
/// norm, when given, is finite and &gt; 0. An optimiser serves one parameter vector: the first call to
/// <see cref="Step"/> fixes the length of θ, and a θ of another length is refused with an exception, because state
/// such as Adam's moment estimates belongs to that θ.
/// </remarks>
public abstract class Optimizer
{
    private double[]? _step;

    /// <summary>Sets the learning rate α and the optional clipping norm.</summary>
    /// <exception cref="ArgumentOutOfRangeException">α or the clipping norm is not finite and &gt; 0.</exception>
    protected Optimizer(double learningRate, double? maxGradientNorm)
    {
        CheckLearningRate(learningRate, nameof(learningRate));
        if (maxGradientNorm is { } m)
        {
            CheckPositiveFinite(m, nameof(maxGradientNorm), "Expected a finite maximum gradient norm > 0.");
        }

        LearningRate = learningRate;
        MaxGradientNorm = maxGradientNorm;
    }

    /// <summary>α, finite and &gt; 0 (see the class remarks). Takes effect from the next step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, ±∞, 0 or negative; α is then unchanged.</exception>
    public double LearningRate
    {
        get;
        set
        {
            CheckLearningRate(value, nameof(value));
            field = value;
        }
    }

    /// <summary>The clipping norm, finite and &gt; 0; null for no clipping.</summary>
    public double? MaxGradientNorm { get; }

    /// <summary>Steps refused so far.</summary>
    public int RefusedSteps { get; private set; }

    /// <summary>Moves θ uphill along <paramref name="gradient"/>, or refuses (see the class remarks).</summary>
    /// <exception cref="ArgumentException">
    /// The lengths differ, or θ's length differs from the one the first step fixed; θ and the state are unchanged.
    /// </exception>
    public OptimizerStep Step(Span<double> parameters, ReadOnlySpan<double> gradient)
    {
        ThrowHelper.CheckLength(gradient.Length, parameters.Length, nameof(gradient), "[parameters.Length]");
        _step ??= new double[parameters.Length];
        ThrowHelper.CheckLength(parameters.Length, _step.Length, nameof(parameters), "[the length of θ at the first step: one optimiser per parameter vector]");

        for (int k = 0; k < parameters.Length; k++)
        {
            if (!double.IsFinite(parameters[k]))
            {
                RefusedSteps++;
                return new OptimizerStep(false, double.NaN, false, string.Create(CultureInfo.InvariantCulture, $"θ[{k}] is already {parameters[k]}; θ was left unchanged."));
            }
        }

        double norm = Math.Sqrt(Kernels.Dot(gradient, gradient));
        if (!double.IsFinite(norm))
        {
            RefusedSteps++;
            return new OptimizerStep(false, norm, false, "The gradient has a NaN or infinite entry (or its norm overflows); θ was left unchanged.");
        }

        double scale = MaxGradientNorm is { } max && norm > max ? max / norm : 1.0;
        Span<double> step = _step;
        ComputeStep(gradient, scale, step);
        for (int k = 0; k < step.Length; k++)
        {
            if (!double.IsFinite(parameters[k] + step[k]))
            {
                RefusedSteps++;
                return new OptimizerStep(false, norm, scale < 1, "The step would make θ non-finite; θ was left unchanged.");
            }
        }

        Commit();
        Kernels.Axpy(1.0, step, parameters);
        return new OptimizerStep(true, norm, scale < 1, null);
    }

    /// <summary>Writes Δθ for the gradient times <paramref name="scale"/> into <paramref name="delta"/> without committing state.</summary>
    protected abstract void ComputeStep(ReadOnlySpan<double> gradient, double scale, Span<double> delta);

    /// <summary>Makes the state prepared by the last <see cref="ComputeStep"/> current (the step was accepted).</summary>
    protected abstract void Commit();

    /// <summary>Throws unless <paramref name="value"/> is finite and &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not.</exception>
    private protected static void CheckPositiveFinite(double value, string paramName, string message)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, message);
        }
    }

    private static void CheckLearningRate(double value, string paramName) =>
        CheckPositiveFinite(value, paramName, "Expected a finite learning rate α > 0 (α = 0 never moves, a negative α turns ascent into descent).");
}

/// <summary>Plain gradient ascent, θ ← θ + α ∇J (the lecture's update).</summary>
public sealed class GradientAscent(double learningRate, double? maxGradientNorm = null) : Optimizer(learningRate, maxGradientNorm)
{
    /// <inheritdoc/>
    protected override void ComputeStep(ReadOnlySpan<double> gradient, double scale, Span<double> delta) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, LearningRate * scale, delta);

    /// <inheritdoc/>
    protected override void Commit()
    {
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba 2015) for ascent: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ + α m̂/(√v̂ + ε) with the
/// bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). A refused step leaves m, v and t unchanged too.
/// </summary>
/// <remarks>
/// Ranges, checked before anything is stored: β₁, β₂ ∈ [0, 1) (β = 1 would never forget the first gradient and
/// make the bias correction 1 − βᵗ zero), ε finite and &gt; 0 (ε = ∞ would freeze θ, ε ≤ 0 can divide by zero),
/// besides the learning rate and clipping norm of <see cref="Optimizer"/>.
/// </remarks>
public sealed class Adam : Optimizer
{
    private double[] _m = [], _v = [], _mNext = [], _vNext = [];
    private int _t;

    /// <summary>Creates Adam with the usual defaults β₁ = 0.9, β₂ = 0.999, ε = 1e−8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range (see the class remarks).</exception>
    public Adam(double learningRate, double? maxGradientNorm = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : base(learningRate, maxGradientNorm)
    {
        CheckDecay(beta1, nameof(beta1), "β₁");
        CheckDecay(beta2, nameof(beta2), "β₂");
        CheckPositiveFinite(epsilon, nameof(epsilon), "Expected a finite ε > 0.");
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
    }

    /// <summary>β₁ ∈ [0, 1), the decay of the first-moment estimate m.</summary>
    public double Beta1 { get; }

    /// <summary>β₂ ∈ [0, 1), the decay of the second-moment estimate v.</summary>
    public double Beta2 { get; }

    /// <summary>ε, finite and &gt; 0, added to √v̂.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override void ComputeStep(ReadOnlySpan<double> gradient, double scale, Span<double> delta)
    {
        if (_m.Length != gradient.Length)
        {
            (_m, _v, _mNext, _vNext) = (new double[gradient.Length], new double[gradient.Length], new double[gradient.Length], new double[gradient.Length]);
        }

        int t = _t + 1;
        double correction1 = 1 - Power(Beta1, t), correction2 = 1 - Power(Beta2, t);
        for (int k = 0; k < gradient.Length; k++)
        {
            double g = gradient[k] * scale;
            _mNext[k] = (Beta1 * _m[k]) + ((1 - Beta1) * g);
            _vNext[k] = (Beta2 * _v[k]) + ((1 - Beta2) * g * g);
            delta[k] = LearningRate * (_mNext[k] / correction1) / (Math.Sqrt(_vNext[k] / correction2) + Epsilon);
        }
    }

    // βᵗ by repeated squaring: IEEE multiplications only, so the same bits on every CPU and operating system
    // (Math.Pow is the C runtime's, whose last bits differ between systems).
    private static double Power(double beta, int t)
    {
        double result = 1, square = beta;
        for (; t > 0; t >>= 1)
        {
            if ((t & 1) != 0)
            {
                result *= square;
            }

            square *= square;
        }

        return result;
    }

    /// <inheritdoc/>
    protected override void Commit()
    {
        (_m, _mNext) = (_mNext, _m);
        (_v, _vNext) = (_vNext, _v);
        _t++;
    }

    private static void CheckDecay(double beta, string paramName, string name)
    {
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(paramName, beta, $"Expected {name} in [0, 1).");
        }
    }
}

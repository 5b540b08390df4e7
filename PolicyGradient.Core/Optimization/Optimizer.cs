using PolicyGradient.Numerics;

namespace PolicyGradient.Optimization;

/// <summary>What one optimiser step did.</summary>
/// <param name="Applied">Whether θ changed. False when the gradient, or the step it produced, was not finite.</param>
/// <param name="GradientNorm">‖∇J‖₂ before clipping (NaN or ∞ for a refused gradient).</param>
/// <param name="Clipped">Whether the gradient was scaled down to the maximum norm.</param>
/// <param name="Refusal">Why the step was refused; null when applied.</param>
public readonly record struct OptimizerStep(bool Applied, double GradientNorm, bool Clipped, string? Refusal);

/// <summary>
/// Gradient <em>ascent</em> on J(θ): each step moves θ along an estimate of ∇J. A gradient with a NaN or infinite
/// entry is refused, and so is a step that would make θ non-finite: θ is then left bit-identical and the refusal is
/// reported in the returned <see cref="OptimizerStep"/>, never silently applied. Optional clipping rescales g to
/// norm <see cref="MaxGradientNorm"/> when ‖g‖₂ exceeds it.
/// </summary>
public abstract class Optimizer
{
    private double[] _step = [];

    /// <summary>Sets the learning rate α and the optional clipping norm.</summary>
    /// <exception cref="ArgumentOutOfRangeException">α or the clipping norm is not positive and finite.</exception>
    protected Optimizer(double learningRate, double? maxGradientNorm)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Expected a positive, finite learning rate.");
        }

        if (maxGradientNorm is { } m && (!(m > 0) || !double.IsFinite(m)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxGradientNorm), m, "Expected a positive, finite maximum gradient norm.");
        }

        LearningRate = learningRate;
        MaxGradientNorm = maxGradientNorm;
    }

    /// <summary>α.</summary>
    public double LearningRate { get; set; }

    /// <summary>The clipping norm; null for no clipping.</summary>
    public double? MaxGradientNorm { get; }

    /// <summary>Steps refused so far.</summary>
    public int RefusedSteps { get; private set; }

    /// <summary>Moves θ uphill along <paramref name="gradient"/>, or refuses (see the class remarks).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public OptimizerStep Step(Span<double> parameters, ReadOnlySpan<double> gradient)
    {
        ThrowHelper.CheckLength(gradient.Length, parameters.Length, nameof(gradient), "[parameters.Length]");
        double norm = Math.Sqrt(Kernels.Dot(gradient, gradient));
        if (!double.IsFinite(norm))
        {
            RefusedSteps++;
            return new OptimizerStep(false, norm, false, "The gradient has a NaN or infinite entry (or its norm overflows); θ was left unchanged.");
        }

        double scale = MaxGradientNorm is { } max && norm > max ? max / norm : 1.0;
        if (_step.Length != parameters.Length)
        {
            _step = new double[parameters.Length];
        }

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
public sealed class Adam : Optimizer
{
    private double[] _m = [], _v = [], _mNext = [], _vNext = [];
    private int _t;

    /// <summary>Creates Adam with the usual defaults β₁ = 0.9, β₂ = 0.999, ε = 1e−8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public Adam(double learningRate, double? maxGradientNorm = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : base(learningRate, maxGradientNorm)
    {
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Expected β₁ in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Expected β₂ in [0, 1).");
        }

        if (!(epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Expected ε > 0.");
        }

        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override void ComputeStep(ReadOnlySpan<double> gradient, double scale, Span<double> delta)
    {
        if (_m.Length != gradient.Length)
        {
            (_m, _v, _mNext, _vNext, _t) = (new double[gradient.Length], new double[gradient.Length], new double[gradient.Length], new double[gradient.Length], 0);
        }

        int t = _t + 1;
        double correction1 = 1 - Math.Pow(Beta1, t), correction2 = 1 - Math.Pow(Beta2, t);
        for (int k = 0; k < gradient.Length; k++)
        {
            double g = gradient[k] * scale;
            _mNext[k] = (Beta1 * _m[k]) + ((1 - Beta1) * g);
            _vNext[k] = (Beta2 * _v[k]) + ((1 - Beta2) * g * g);
            delta[k] = LearningRate * (_mNext[k] / correction1) / (Math.Sqrt(_vNext[k] / correction2) + Epsilon);
        }
    }

    /// <inheritdoc/>
    protected override void Commit()
    {
        (_m, _mNext) = (_mNext, _m);
        (_v, _vNext) = (_vNext, _v);
        _t++;
    }
}

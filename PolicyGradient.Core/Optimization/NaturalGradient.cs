using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Optimization;

/// <summary>How <see cref="NaturalGradient"/> solves (F̂ + λI) x = g.</summary>
public enum FisherSolver
{
    /// <summary>Cholesky when P ≤ <see cref="NaturalGradient.CholeskyLimit"/>, conjugate gradient beyond.</summary>
    Automatic,

    /// <summary>Forms F̂ + λI (P × P) and factors it with MathNet's Cholesky decomposition: O(T P² + P³).</summary>
    Cholesky,

    /// <summary>Conjugate gradient on Fisher–vector products F̂v = (1/N) Sᵀ(S v), never forming F̂: O(T P) per iteration.</summary>
    ConjugateGradient,
}

/// <summary>destination = F v for a symmetric positive semi-definite F that is never formed.</summary>
public delegate void FisherVectorProduct(ReadOnlySpan<double> vector, Span<double> destination);

/// <summary>
/// The natural policy gradient (Kakade 2001): θ ← θ + η x with x = (F̂ + λI)⁻¹ ĝ, F̂ the batch's
/// <see cref="FisherEstimate"/> and λ ≥ 0 the damping. η is the learning rate α, or with a KL radius δ the trust-region
/// length η = min(α, √(2δ / ĝᵀx)), for which the quadratic model of the KL divergence, ½ ΔθᵀF̂Δθ ≈ KL(π_θ ‖ π_θ+Δθ),
/// is (at most) δ. Call <see cref="Observe"/> (the trainer does, as an <see cref="IBatchOptimizer"/>) with the batch
/// the gradient was estimated from before each <see cref="Optimizer.Step"/>.
/// </summary>
/// <remarks>
/// Ranges, checked before anything is stored: α as in <see cref="Optimizer"/>; λ finite and ≥ 0 (λ = 0 needs a
/// positive-definite F̂, which needs T ≥ P linearly independent scores); δ, when given, finite and &gt; 0; the
/// Cholesky limit ≥ 1; the conjugate-gradient iterations ≥ 1 and its tolerance finite and &gt; 0. A system whose
/// Cholesky factorisation fails (F̂ + λI not positive definite) gives a NaN step, which the optimiser refuses.
/// </remarks>
public sealed class NaturalGradient : Optimizer, IBatchOptimizer
{
    private double[] _x = [], _g = [], _matrix = [];

    /// <summary>Creates the optimiser.</summary>
    /// <param name="learningRate">α, the step length without a KL radius, its upper bound with one.</param>
    /// <param name="damping">λ ≥ 0, added to the diagonal of F̂.</param>
    /// <param name="klRadius">δ &gt; 0 for the trust-region step length; null for η = α.</param>
    /// <param name="solver">How the system is solved.</param>
    /// <param name="choleskyLimit">The largest P that <see cref="FisherSolver.Automatic"/> solves by Cholesky.</param>
    /// <param name="maxIterations">Conjugate-gradient iterations at most.</param>
    /// <param name="tolerance">Conjugate gradient stops once ‖r‖ ≤ tolerance · ‖g‖.</param>
    /// <param name="maxGradientNorm">The clipping norm of ĝ, as in <see cref="Optimizer"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (see the remarks).</exception>
    public NaturalGradient(double learningRate, double damping = 1e-3, double? klRadius = null, FisherSolver solver = FisherSolver.Automatic, int choleskyLimit = 256, int maxIterations = 100, double tolerance = 1e-10, double? maxGradientNorm = null)
        : base(learningRate, maxGradientNorm)
    {
        if (!(damping >= 0) || !double.IsFinite(damping))
        {
            throw new ArgumentOutOfRangeException(nameof(damping), damping, "Expected a finite damping λ ≥ 0.");
        }

        if (klRadius is { } radius)
        {
            CheckPositiveFinite(radius, nameof(klRadius), "Expected a finite KL radius δ > 0, or null.");
        }

        if (!Enum.IsDefined(solver))
        {
            throw new ArgumentOutOfRangeException(nameof(solver), solver, "Expected Automatic, Cholesky or ConjugateGradient.");
        }

        ThrowHelper.CheckPositive(choleskyLimit, nameof(choleskyLimit));
        ThrowHelper.CheckPositive(maxIterations, nameof(maxIterations));
        CheckPositiveFinite(tolerance, nameof(tolerance), "Expected a finite tolerance > 0.");
        (Damping, KlRadius, Solver, CholeskyLimit, MaxIterations, Tolerance) = (damping, klRadius, solver, choleskyLimit, maxIterations, tolerance);
    }

    /// <summary>λ.</summary>
    public double Damping { get; }

    /// <summary>δ; null when the step length is α.</summary>
    public double? KlRadius { get; }

    /// <summary>How the system is solved.</summary>
    public FisherSolver Solver { get; }

    /// <summary>The largest P solved by Cholesky under <see cref="FisherSolver.Automatic"/>.</summary>
    public int CholeskyLimit { get; }

    /// <summary>Conjugate-gradient iterations at most.</summary>
    public int MaxIterations { get; }

    /// <summary>The conjugate-gradient relative residual tolerance.</summary>
    public double Tolerance { get; }

    /// <summary>The estimate of the last <see cref="Observe"/>.</summary>
    public FisherEstimate Fisher { get; } = new();

    /// <summary>Conjugate-gradient iterations of the last step (0 when it was solved by Cholesky).</summary>
    public int LastIterations { get; private set; }

    /// <summary>η of the last step.</summary>
    public double LastStepLength { get; private set; }

    /// <inheritdoc/>
    public void Observe(Policy policy, TrajectoryBatch batch) => Fisher.Compute(policy, batch);

    /// <summary>Solves (F + λI) x = g for a symmetric positive semi-definite F: [P, P] row-major by MathNet's Cholesky.</summary>
    /// <exception cref="ArgumentException">A shape is wrong, λ &lt; 0, or F + λI is not positive definite.</exception>
    public static void SolveCholesky(ReadOnlySpan<double> fisher, double damping, ReadOnlySpan<double> gradient, Span<double> solution)
    {
        int p = gradient.Length;
        ThrowHelper.CheckSquare(fisher.Length, p, nameof(fisher), "[P, P] with P = gradient.Length, row-major");
        ThrowHelper.CheckLength(solution.Length, p, nameof(solution), "[P]");
        if (!(damping >= 0) || !double.IsFinite(damping))
        {
            throw new ArgumentOutOfRangeException(nameof(damping), damping, "Expected a finite damping λ ≥ 0.");
        }

        Matrix<double> system = Matrix<double>.Build.Dense(p, p, fisher.ToArray()) + Matrix<double>.Build.DenseIdentity(p) * damping;
        Vector<double> x;
        try
        {
            x = system.Cholesky().Solve(Vector<double>.Build.DenseOfArray(gradient.ToArray()));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException("F + λI is not positive definite: increase the damping λ.", nameof(fisher), ex);
        }

        x.AsArray().CopyTo(solution);
    }

    /// <summary>
    /// Solves (F + λI) x = g by conjugate gradient from x = 0, with F applied by <paramref name="multiply"/> only;
    /// stops once ‖g − (F + λI)x‖ ≤ tolerance · ‖g‖ or after <paramref name="maxIterations"/>. Returns the iterations.
    /// In exact arithmetic it terminates in at most P iterations; its error is at most κ · tolerance · ‖x‖ relative,
    /// κ the condition number of F + λI.
    /// </summary>
    /// <exception cref="ArgumentException">A length differs, λ &lt; 0, iterations ≤ 0 or tolerance not finite and &gt; 0.</exception>
    public static int SolveConjugateGradient(FisherVectorProduct multiply, double damping, ReadOnlySpan<double> gradient, Span<double> solution, int maxIterations, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(multiply);
        int p = gradient.Length;
        ThrowHelper.CheckLength(solution.Length, p, nameof(solution), "[P]");
        if (!(damping >= 0) || !double.IsFinite(damping))
        {
            throw new ArgumentOutOfRangeException(nameof(damping), damping, "Expected a finite damping λ ≥ 0.");
        }

        ThrowHelper.CheckPositive(maxIterations, nameof(maxIterations));
        CheckPositiveFinite(tolerance, nameof(tolerance), "Expected a finite tolerance > 0.");
        var residual = gradient.ToArray();
        var direction = gradient.ToArray();
        var product = new double[p];
        solution.Clear();
        double rr = Kernels.Dot(residual, residual), stop = tolerance * tolerance * rr;
        int iteration = 0;
        while (iteration < maxIterations && rr > stop)
        {
            multiply(direction, product);
            Kernels.Axpy(damping, direction, product);                // (F + λI) d
            double alpha = rr / Kernels.Dot(direction, product);
            Kernels.Axpy(alpha, direction, solution);                 // x += α d
            Kernels.Axpy(-alpha, product, residual);                  // r −= α (F + λI) d
            double next = Kernels.Dot(residual, residual);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(direction, next / rr, residual, direction); // d = r + β d
            rr = next;
            iteration++;
        }

        return iteration;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No batch was observed, or it was for a θ of another length, or Cholesky was asked for a P whose P² entries do not fit in an array.</exception>
    protected override void ComputeStep(ReadOnlySpan<double> gradient, double scale, Span<double> delta)
    {
        if (!Fisher.IsComputed || Fisher.ParameterCount != gradient.Length)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Call Observe with the batch of this θ (P = {gradient.Length}) before each step; the Fisher estimate held is for P = {Fisher.ParameterCount}."));
        }

        if (_x.Length != gradient.Length)
        {
            (_x, _g) = (new double[gradient.Length], new double[gradient.Length]);
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, scale, _g);
        LastIterations = 0;
        if (Solver == FisherSolver.Cholesky || (Solver == FisherSolver.Automatic && gradient.Length <= CholeskyLimit))
        {
            long size = (long)gradient.Length * gradient.Length;
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"F̂ with P = {gradient.Length} has more entries than an array can hold; use FisherSolver.ConjugateGradient."));
            }

            if (_matrix.Length != size)
            {
                _matrix = new double[size];
            }

            Fisher.CopyTo(_matrix);
            try
            {
                SolveCholesky(_matrix, Damping, _g, _x);
            }
            catch (ArgumentException)
            {
                Array.Fill(_x, double.NaN); // refused by the optimiser's finiteness check
            }
        }
        else
        {
            LastIterations = SolveConjugateGradient(Fisher.Multiply, Damping, _g, _x, MaxIterations, Tolerance);
        }

        double curvature = Kernels.Dot(_g, _x); // ĝᵀx = xᵀ(F̂ + λI)x ≥ 0
        LastStepLength = KlRadius is { } radius && curvature > 0 ? Math.Min(LearningRate, Math.Sqrt(2 * radius / curvature)) : LearningRate;
        System.Numerics.Tensors.TensorPrimitives.Multiply(_x, LastStepLength, delta);
    }

    /// <inheritdoc/>
    protected override void Commit()
    {
    }
}

using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Numerics;

namespace PolicyGradient.Environments;

/// <summary>
/// The linear-quadratic regulator with Gaussian noise: x_{t+1} = A x_t + B a_t + w_t, w_t ~ N(0, Σ_w), x₀ ~ N(m₀, S₀),
/// reward r_t = −(x_tᵀ Q x_t + a_tᵀ R a_t) on the state before the step, never terminating, truncated after H steps.
/// The observation is x; the internal state is (x, g_hi, g_lo), x and the two 32-bit halves of the noise generator
/// (SplitMix64, seeded from the reset's random source), so that a restored state replays the same noise. The one continuous task where J(θ), ∇J(θ) and the Fisher matrix of a
/// linear-Gaussian policy are known in closed form (Analysis.ExactLqr, docs/derivations.md §20).
/// </summary>
/// <remarks>
/// Actions are applied as they are, never clipped, so the closed forms hold for the unbounded Gaussian. The action box
/// [−<see cref="ActionBound"/>, <see cref="ActionBound"/>]ᵐ is what the task advertises (the environment checker and
/// uniform exploration draw from it); actions outside it are still applied unclipped. <see cref="Default"/> is
/// "Lqr-v0" in the task registry.
/// </remarks>
public sealed class Lqr : ContinuousEnvironment, ILinearQuadraticModel
{
    private readonly Matrix<double> _a, _b, _q, _r, _noise, _s0;
    private readonly Vector<double> _m0;
    private readonly double[] _aRows, _bRows, _qRows, _rRows, _noiseFactor, _startFactor, _mean, _low, _high;
    private readonly double[] _x, _next, _z;
    private SplitMix64 _noiseSource;

    /// <summary>Creates the task from its matrices (copied).</summary>
    /// <param name="dynamics">A: [n, n].</param>
    /// <param name="control">B: [n, m].</param>
    /// <param name="stateCost">Q: [n, n], symmetric positive semi-definite.</param>
    /// <param name="actionCost">R: [m, m], symmetric positive semi-definite.</param>
    /// <param name="noiseCovariance">Σ_w: [n, n], symmetric positive semi-definite.</param>
    /// <param name="initialMean">m₀: [n].</param>
    /// <param name="initialCovariance">S₀: [n, n], symmetric positive semi-definite.</param>
    /// <param name="maxEpisodeSteps">H ≥ 1.</param>
    /// <param name="actionBound">The advertised box half-width, finite and &gt; 0 (see the remarks).</param>
    /// <param name="id">The task's id ("Lqr" for your own matrices; <see cref="Default"/> is "Lqr-v0").</param>
    /// <exception cref="ArgumentException">A shape is wrong, a value is not finite, or a covariance or cost is not symmetric positive semi-definite.</exception>
    public Lqr(Matrix<double> dynamics, Matrix<double> control, Matrix<double> stateCost, Matrix<double> actionCost, Matrix<double> noiseCovariance, Vector<double> initialMean, Matrix<double> initialCovariance, int maxEpisodeSteps, double actionBound = 10, string id = "Lqr")
        : base(maxEpisodeSteps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(initialMean);
        int n = dynamics.RowCount, m = control.ColumnCount;
        CheckShape(dynamics, n, n, nameof(dynamics), "[n, n]");
        if (n < 1 || m < 1)
        {
            throw new ArgumentException($"Expected n ≥ 1 states and m ≥ 1 actions, got A: [{n}, {dynamics.ColumnCount}] and B: [{control.RowCount}, {m}].", nameof(control));
        }

        CheckShape(control, n, m, nameof(control), "[n, m]");
        CheckCovariance(stateCost, n, nameof(stateCost));
        CheckCovariance(actionCost, m, nameof(actionCost));
        CheckCovariance(noiseCovariance, n, nameof(noiseCovariance));
        CheckCovariance(initialCovariance, n, nameof(initialCovariance));
        if (initialMean.Count != n || !initialMean.ForAll(double.IsFinite))
        {
            throw new ArgumentException($"Expected m₀: [{n}] with finite values, got length {initialMean.Count}.", nameof(initialMean));
        }

        if (!(actionBound > 0) || !double.IsFinite(actionBound))
        {
            throw new ArgumentOutOfRangeException(nameof(actionBound), actionBound, "Expected a finite action bound > 0.");
        }

        (_a, _b, _q, _r, _noise, _m0, _s0) = (dynamics.Clone(), control.Clone(), stateCost.Clone(), actionCost.Clone(), noiseCovariance.Clone(), initialMean.Clone(), initialCovariance.Clone());
        (StateDimension, ActionSize, ActionBound, Id) = (n, m, actionBound, id);
        (_aRows, _bRows, _qRows, _rRows) = (_a.ToRowMajorArray(), _b.ToRowMajorArray(), _q.ToRowMajorArray(), _r.ToRowMajorArray());
        (_noiseFactor, _startFactor, _mean) = (SquareRoot(_noise), SquareRoot(_s0), _m0.ToArray());
        _low = Enumerable.Repeat(-actionBound, m).ToArray();
        _high = Enumerable.Repeat(actionBound, m).ToArray();
        (_x, _next, _z) = (new double[n], new double[n], new double[n]);
    }

    /// <summary>
    /// "Lqr-v0": a damped point mass, position and velocity with step 0.1, pushed by a force:
    /// A = [[1, 0.1], [0, 0.9]], B = [[0], [0.1]], Q = I, R = 0.1, Σ_w = 0.05² I, x₀ ~ N((1, 0), 0.2² I),
    /// H = 50 steps by default, action box ±10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> ≤ 0.</exception>
    public static Lqr Default(int maxEpisodeSteps = 50)
    {
        var build = Matrix<double>.Build;
        return new Lqr(
            build.DenseOfArray(new[,] { { 1.0, 0.1 }, { 0.0, 0.9 } }),
            build.DenseOfArray(new[,] { { 0.0 }, { 0.1 } }),
            build.DenseIdentity(2),
            build.DenseOfArray(new[,] { { 0.1 } }),
            build.DenseIdentity(2) * (0.05 * 0.05),
            Vector<double>.Build.DenseOfArray([1.0, 0.0]),
            build.DenseIdentity(2) * (0.2 * 0.2),
            maxEpisodeSteps,
            id: "Lqr-v0");
    }

    /// <inheritdoc/>
    public override string Id { get; }

    /// <inheritdoc/>
    public override int ObservationSize => StateDimension;

    /// <summary>n + 2: x and the noise generator's two 32-bit halves.</summary>
    public override int StateSize => StateDimension + 2;

    /// <inheritdoc/>
    public int StateDimension { get; }

    /// <inheritdoc cref="ILinearQuadraticModel.ActionSize"/>
    public override int ActionSize { get; }

    /// <summary>The advertised box half-width (actions are never clipped).</summary>
    public double ActionBound { get; }

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionLow => _low;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionHigh => _high;

    /// <inheritdoc/>
    public Matrix<double> Dynamics => _a.Clone();

    /// <inheritdoc/>
    public Matrix<double> Control => _b.Clone();

    /// <inheritdoc/>
    public Matrix<double> StateCost => _q.Clone();

    /// <inheritdoc/>
    public Matrix<double> ActionCost => _r.Clone();

    /// <inheritdoc/>
    public Matrix<double> NoiseCovariance => _noise.Clone();

    /// <inheritdoc/>
    public Vector<double> InitialMean => _m0.Clone();

    /// <inheritdoc/>
    public Matrix<double> InitialCovariance => _s0.Clone();

    /// <summary>Seeds the noise generator from <paramref name="random"/>, then x₀ = m₀ + L₀ z with L₀L₀ᵀ = S₀ and z ~ N(0, I).</summary>
    protected override void ResetState(Random random)
    {
        _noiseSource = new SplitMix64((ulong)random.NextInt64());
        DrawStandardNormals();
        for (int i = 0; i < StateDimension; i++)
        {
            _x[i] = _mean[i] + Row(_startFactor, i, StateDimension, _z);
        }
    }

    /// <summary>r = −(xᵀQx + aᵀRa); x ← A x + B a + L_w z with L_wL_wᵀ = Σ_w and z ~ N(0, I). Never terminates.</summary>
    protected override (double Reward, bool Terminated) Transition(ReadOnlySpan<double> action)
    {
        int n = StateDimension, m = ActionSize;
        double cost = Quadratic(_qRows, _x, n) + Quadratic(_rRows, action, m);
        DrawStandardNormals();
        for (int i = 0; i < n; i++)
        {
            _next[i] = Row(_aRows, i, n, _x) + Row(_bRows, i, m, action) + Row(_noiseFactor, i, n, _z);
        }

        _next.CopyTo(_x, 0);
        return (-cost, false);
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation) => _x.CopyTo(observation);

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        _x.CopyTo(destination);
        destination[StateDimension] = _noiseSource.State >> 32;
        destination[StateDimension + 1] = (uint)_noiseSource.State;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">g_hi or g_lo is not an integer in [0, 2³²).</exception>
    protected override void WriteState(ReadOnlySpan<double> state)
    {
        double high = state[StateDimension], low = state[StateDimension + 1];
        if (!IsUInt32(high) || !IsUInt32(low))
        {
            throw new ArgumentOutOfRangeException(nameof(state), "Expected (x, g_hi, g_lo) with integers g_hi, g_lo in [0, 2³²).");
        }

        state[..StateDimension].CopyTo(_x);
        _noiseSource = new SplitMix64(((ulong)high << 32) | (ulong)low);

        static bool IsUInt32(double x) => x >= 0 && x <= uint.MaxValue && x == Math.Floor(x);
    }

    // z ~ N(0, I) by Box–Muller, one cosine per pair of uniforms (1 − u ∈ (0, 1] keeps the logarithm finite).
    private void DrawStandardNormals()
    {
        for (int i = 0; i < _z.Length; i++)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - _noiseSource.NextDouble()));
            _z[i] = radius * Math.Cos(2.0 * Math.PI * _noiseSource.NextDouble());
        }
    }

    // Σ_j M[i, j] v_j for a row-major M with `columns` columns.
    private static double Row(double[] matrix, int i, int columns, ReadOnlySpan<double> v)
    {
        double sum = 0;
        for (int j = 0; j < columns; j++)
        {
            sum += matrix[(i * columns) + j] * v[j];
        }

        return sum;
    }

    // vᵀ M v for a row-major [size, size] M.
    private static double Quadratic(double[] matrix, ReadOnlySpan<double> v, int size)
    {
        double sum = 0;
        for (int i = 0; i < size; i++)
        {
            sum += v[i] * Row(matrix, i, size, v);
        }

        return sum;
    }

    // L = V diag(√λ) from the symmetric eigendecomposition, so L Lᵀ = M for a positive semi-definite M (row-major).
    private static double[] SquareRoot(Matrix<double> covariance)
    {
        var evd = covariance.Evd(Symmetricity.Symmetric);
        Vector<double> roots = evd.EigenValues.Real().Map(l => Math.Sqrt(Math.Max(l, 0)));
        return (evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(roots)).ToRowMajorArray();
    }

    private static void CheckShape(Matrix<double> matrix, int rows, int columns, string paramName, string shape)
    {
        ArgumentNullException.ThrowIfNull(matrix, paramName);
        if (matrix.RowCount != rows || matrix.ColumnCount != columns)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {shape} = [{rows}, {columns}], got [{matrix.RowCount}, {matrix.ColumnCount}]."), paramName);
        }

        if (!matrix.ForAll(double.IsFinite))
        {
            throw new ArgumentException("Expected finite values.", paramName);
        }
    }

    // Symmetric to 1e-12 relative and no eigenvalue below −1e-12 ‖M‖.
    private static void CheckCovariance(Matrix<double> matrix, int size, string paramName)
    {
        CheckShape(matrix, size, size, paramName, "a square matrix");
        double scale = Math.Max(1.0, matrix.InfinityNorm());
        if ((matrix - matrix.Transpose()).InfinityNorm() > 1e-12 * scale)
        {
            throw new ArgumentException("Expected a symmetric matrix.", paramName);
        }

        double smallest = matrix.Evd(Symmetricity.Symmetric).EigenValues.Real().Minimum();
        if (smallest < -1e-12 * scale)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a positive semi-definite matrix; its smallest eigenvalue is {smallest}."), paramName);
        }
    }
}

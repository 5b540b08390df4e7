using System.Globalization;
using PolicyGradient.Approximators;
using PolicyGradient.Numerics;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Estimators;

/// <summary>
/// A learned state value V_φ(s) = f(s; φ) over any <see cref="IApproximator"/> with one output (a
/// <see cref="LinearMap"/> or an <see cref="Mlp"/>), with its own parameters φ and its own <see cref="Adam"/> state.
/// <see cref="Fit(ReadOnlySpan{double}, ReadOnlySpan{double})"/> takes <see cref="Iterations"/> full-batch Adam steps
/// on the regression loss
/// <code>
/// L(φ) = (1/T) Σ_t ½ (V_φ(s_t) − y_t)²,    ∇_φ L = (1/T) Σ_t (V_φ(s_t) − y_t) ∂V_φ(s_t)/∂φ
/// </code>
/// whose gradient is the approximator's batched backward pass with output gradient (V − y)/T per row (written by hand,
/// checked against finite differences by the tests). Not thread-safe.
/// </summary>
public sealed class Critic : StateValueFunction
{
    private const int Chunk = 256;
    private readonly AlignedBuffer _phi; // on a 64-byte boundary, as a policy's θ
    private readonly ApproximatorWorkspace _workspace;
    private readonly Adam _adam;
    private double[] _outputs = [];
    private AlignedBuffer? _gradient; // made by the first Fit

    /// <summary>Creates a critic over <paramref name="approximator"/>, φ initialised from <paramref name="seed"/>.</summary>
    /// <param name="approximator">f(s; φ): ℝⁿ → ℝ¹.</param>
    /// <param name="learningRate">Adam's α for the regression, finite and &gt; 0.</param>
    /// <param name="iterations">K ≥ 1, Adam steps per <see cref="Fit(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</param>
    /// <param name="seed">Seeds φ's initialisation.</param>
    /// <exception cref="ArgumentException">The approximator has more than one output, or a setting is out of range.</exception>
    public Critic(IApproximator approximator, double learningRate = 1e-3, int iterations = 10, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(approximator);
        if (approximator.OutputSize != 1)
        {
            throw new ArgumentException($"A critic's approximator has one output V(s); this one has {approximator.OutputSize}.", nameof(approximator));
        }

        ThrowHelper.CheckPositive(iterations, nameof(iterations));
        _adam = new Adam(learningRate); // validates α
        (Approximator, Iterations) = (approximator, iterations);
        _phi = new AlignedBuffer(approximator.ParameterCount);
        approximator.Initialize(_phi.Span, new Random(seed));
        _workspace = approximator.CreateWorkspace(Chunk);
    }

    /// <summary>A critic of the shape a task needs: a tanh MLP n → hidden → 1, or a linear map when <paramref name="hiddenSizes"/> is empty.</summary>
    /// <exception cref="ArgumentException">A size or setting is out of range.</exception>
    public static Critic Create(int observationSize, IReadOnlyList<int> hiddenSizes, double learningRate, int iterations, int seed)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        IApproximator approximator = hiddenSizes.Count == 0 ? new LinearMap(observationSize, 1) : new Mlp(observationSize, hiddenSizes, 1);
        return new Critic(approximator, learningRate, iterations, seed);
    }

    /// <summary>Rebuilds a critic saved by a checkpoint: its approximator spec, φ and <see cref="Settings"/>.</summary>
    /// <exception cref="ArgumentException">Unknown parts, malformed settings, or φ of the wrong length or not finite.</exception>
    public static Critic Restore(PartSpec approximator, IReadOnlyDictionary<string, string> settings, ReadOnlySpan<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var spec = new PartSpec("critic", settings);
        double learningRate = spec.GetDoubles("learningRate").Single();
        var critic = new Critic(PolicyRegistry.CreateApproximator(approximator), learningRate, spec.GetInt("iterations"));
        ThrowHelper.CheckLength(parameters.Length, critic._phi.Length, nameof(parameters), "[the critic's ParameterCount]");
        ThrowHelper.CheckFinite(parameters, nameof(parameters));
        parameters.CopyTo(critic._phi.Span);
        return critic;
    }

    /// <summary>f(s; φ).</summary>
    public IApproximator Approximator { get; }

    /// <summary>φ, writable in place.</summary>
    public Span<double> Parameters => _phi.Span;

    /// <summary>Length of φ.</summary>
    public int ParameterCount => _phi.Length;

    /// <summary>n, the length of an observation.</summary>
    public int ObservationSize => Approximator.InputSize;

    /// <summary>Adam's α for the regression.</summary>
    public double LearningRate => _adam.LearningRate;

    /// <summary>K, Adam steps per fit.</summary>
    public int Iterations { get; }

    /// <summary>What rebuilds the critic besides its approximator and φ: learningRate and iterations, as invariant strings.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["learningRate"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["iterations"] = Iterations.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc/>
    public override string Name => "critic " + PolicyRegistry.DescribeApproximator(Approximator).Name + string.Create(CultureInfo.InvariantCulture, $" {ObservationSize}→") +
        (Approximator is Mlp mlp ? "[" + string.Join(", ", mlp.HiddenSizes) + "]→" : string.Empty) + "1";

    /// <summary>V(s) for one observation.</summary>
    /// <exception cref="ArgumentException">Not n finite values.</exception>
    public double Value(ReadOnlySpan<double> observation)
    {
        double v = 0;
        Values(observation, new Span<double>(ref v));
        return v;
    }

    /// <summary>destination[r] = V(s_r) for observations: [rows, n] row-major, destination: [rows].</summary>
    /// <exception cref="ArgumentException">A shape is wrong or an observation is not finite.</exception>
    public void Values(ReadOnlySpan<double> observations, Span<double> destination)
    {
        CheckRows(observations, destination.Length, nameof(destination));
        int n = ObservationSize;
        for (int start = 0; start < destination.Length; start += Chunk)
        {
            int batch = Math.Min(Chunk, destination.Length - start);
            Approximator.ForwardBatched(batch, _phi.Span, observations.Slice(start * n, batch * n), destination.Slice(start, batch), _workspace);
        }
    }

    /// <inheritdoc/>
    public override void Evaluate(TrajectoryBatch batch, Span<double> values, Span<double> finalValues)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowHelper.CheckLength(values.Length, batch.StepCount, nameof(values), "[StepCount]");
        ThrowHelper.CheckLength(finalValues.Length, batch.EpisodeCount, nameof(finalValues), "[EpisodeCount]");
        Values(batch.Observations, values);
        Values(batch.FinalObservations, finalValues);
    }

    /// <summary>
    /// L(φ) = (1/T) Σ_t ½ (V_φ(s_t) − y_t)² over observations: [T, n] and targets: [T]; writes ∇_φ L into
    /// <paramref name="gradient"/>: [ParameterCount] (overwritten) and returns L.
    /// </summary>
    /// <exception cref="ArgumentException">A shape is wrong, or a value is not finite.</exception>
    public double LossGradient(ReadOnlySpan<double> observations, ReadOnlySpan<double> targets, Span<double> gradient)
    {
        CheckRows(observations, targets.Length, nameof(targets));
        ThrowHelper.CheckFinite(targets, nameof(targets));
        ThrowHelper.CheckLength(gradient.Length, ParameterCount, nameof(gradient), "[ParameterCount]");
        if (targets.IsEmpty)
        {
            throw new ArgumentException("Expected at least one target.", nameof(targets));
        }

        gradient.Clear();
        int n = ObservationSize, rows = targets.Length;
        if (_outputs.Length < Chunk)
        {
            _outputs = new double[Chunk];
        }

        double loss = 0, scale = 1.0 / rows;
        for (int start = 0; start < rows; start += Chunk)
        {
            int batch = Math.Min(Chunk, rows - start);
            ReadOnlySpan<double> s = observations.Slice(start * n, batch * n); // [B, n]
            Span<double> residual = _outputs.AsSpan(0, batch);                // [B]: V(s) then (V(s) − y)/T
            Approximator.ForwardBatched(batch, _phi.Span, s, residual, _workspace);
            for (int r = 0; r < batch; r++)
            {
                double e = residual[r] - targets[start + r];
                loss += 0.5 * e * e;
                residual[r] = e * scale;
            }

            Approximator.BackwardBatchedAccumulate(batch, _phi.Span, s, residual, gradient, _workspace);
        }

        return loss * scale;
    }

    /// <summary>
    /// K = <see cref="Iterations"/> Adam steps down L(φ) on observations: [T, n] and targets: [T]; returns L before
    /// the last step. A step Adam refuses (an overflow) leaves φ as it was and ends the fit.
    /// </summary>
    /// <exception cref="ArgumentException">A shape is wrong, or a value is not finite.</exception>
    public double Fit(ReadOnlySpan<double> observations, ReadOnlySpan<double> targets)
    {
        _gradient ??= new AlignedBuffer(ParameterCount);
        Span<double> gradient = _gradient.Span;

        double loss = double.NaN;
        for (int k = 0; k < Iterations; k++)
        {
            loss = LossGradient(observations, targets, gradient);
            Kernels.Scale(-1.0, gradient); // Adam ascends; descend L
            if (!_adam.Step(_phi.Span, gradient).Applied)
            {
                break;
            }
        }

        return loss;
    }

    /// <inheritdoc/>
    public override void Fit(TrajectoryBatch batch, ReadOnlySpan<double> targets)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _ = Fit(batch.Observations, targets);
    }

    private void CheckRows(ReadOnlySpan<double> observations, int rows, string rowsName)
    {
        if (observations.Length != (long)rows * ObservationSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected observations of length {(long)rows * ObservationSize} ([rows, {ObservationSize}] with rows = {rows}, the length of {rowsName}), got {observations.Length}."), nameof(observations));
        }

        ThrowHelper.CheckFinite(observations, nameof(observations));
    }
}

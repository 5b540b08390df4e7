namespace PolicyGradient.Environments;

/// <summary>
/// MountainCarContinuous-v0, bit for bit as Gymnasium computes it. State [p, v], stored as float32 after every
/// step; the observation is that state. Action: a force in [−1, 1] (clipped silently); reward
/// 100·1[terminated] − 0.1·a² with the <em>unclipped</em> a; termination when p ≥ 0.45 and v ≥ 0, decided on the
/// double values before the float32 store; time limit 999.
/// </summary>
/// <remarks>
/// v ← clip(v + (force·0.0015 − 0.0025·cos(3p)), ±0.07); p ← clip(p + v, −1.2, 0.6); v ← 0 at the left wall when
/// v &lt; 0. All arithmetic in double from the stored float32 values (NumPy 1.x promotion); a² is pow(a, 2).
/// </remarks>
public sealed class MountainCarContinuous : ContinuousEnvironment
{
    private const double MinAction = -1.0, MaxAction = 1.0, MinPosition = -1.2, MaxPosition = 0.6, MaxSpeed = 0.07;
    private const double GoalPosition = 0.45, GoalVelocity = 0, Power = 0.0015;
    private static readonly double[] Low = [MinAction], High = [MaxAction];

    private double _position, _velocity;

    /// <summary>Creates the task with Gymnasium's registered time limit (999).</summary>
    public MountainCarContinuous(int maxEpisodeSteps = 999)
        : base(maxEpisodeSteps)
    {
    }

    /// <inheritdoc/>
    public override string Id => "MountainCarContinuous-v0";

    /// <inheritdoc/>
    public override int ObservationSize => 2;

    /// <inheritdoc/>
    public override int StateSize => 2;

    /// <inheritdoc/>
    public override int ActionSize => 1;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionLow => Low;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionHigh => High;

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        _position = -0.6 + (0.2 * random.NextDouble()); // float64 until the first step
        _velocity = 0;
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(ReadOnlySpan<double> action)
    {
        double a = action[0];
        double force = Math.Min(Math.Max(a, MinAction), MaxAction);
        _velocity += (force * Power) - (0.0025 * Math.Cos(3 * _position));
        if (_velocity > MaxSpeed)
        {
            _velocity = MaxSpeed;
        }

        if (_velocity < -MaxSpeed)
        {
            _velocity = -MaxSpeed;
        }

        _position += _velocity;
        if (_position > MaxPosition)
        {
            _position = MaxPosition;
        }

        if (_position < MinPosition)
        {
            _position = MinPosition;
        }

        if (_position == MinPosition && _velocity < 0)
        {
            _velocity = 0;
        }

        bool terminated = _position >= GoalPosition && _velocity >= GoalVelocity;
        double reward = terminated ? 100.0 : 0.0;
        reward -= Math.Pow(a, 2) * 0.1;
        _position = (float)_position; // Gymnasium stores the state as float32
        _velocity = (float)_velocity;
        return (reward, terminated);
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation)
    {
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
    }

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _position;
        destination[1] = _velocity;
    }

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state) => (_position, _velocity) = (state[0], state[1]);
}

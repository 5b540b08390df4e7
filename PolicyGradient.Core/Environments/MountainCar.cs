namespace PolicyGradient.Environments;

/// <summary>
/// MountainCar-v0, bit for bit as Gymnasium computes it. State [p, v] (float64); observation f32(state); actions
/// 0 (push left), 1 (none), 2 (push right); reward −1 per step; termination when p ≥ 0.5 and v ≥ 0; time limit 200.
/// </summary>
/// <remarks>
/// v ← clip(v + ((a − 1)·0.001 + cos(3p)·(−0.0025)), −0.07, 0.07); p ← clip(p + v, −1.2, 0.6); v ← 0 at the
/// left wall when v &lt; 0.
/// </remarks>
public sealed class MountainCar : DiscreteEnvironment
{
    private const double MinPosition = -1.2, MaxPosition = 0.6, MaxSpeed = 0.07, GoalPosition = 0.5, GoalVelocity = 0;
    private const double Force = 0.001, Gravity = 0.0025;

    private double _position, _velocity;

    /// <summary>Creates the task with Gymnasium's registered time limit (200).</summary>
    public MountainCar(int maxEpisodeSteps = 200)
        : base(maxEpisodeSteps)
    {
    }

    /// <inheritdoc/>
    public override string Id => "MountainCar-v0";

    /// <inheritdoc/>
    public override int ObservationSize => 2;

    /// <inheritdoc/>
    public override int StateSize => 2;

    /// <inheritdoc/>
    public override int ActionCount => 3;

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        _position = -0.6 + (0.2 * random.NextDouble());
        _velocity = 0;
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(int action)
    {
        _velocity += ((action - 1) * Force) + (Math.Cos(3 * _position) * -Gravity);
        _velocity = Math.Clamp(_velocity, -MaxSpeed, MaxSpeed);
        _position += _velocity;
        _position = Math.Clamp(_position, MinPosition, MaxPosition);
        if (_position == MinPosition && _velocity < 0)
        {
            _velocity = 0;
        }

        return (-1.0, _position >= GoalPosition && _velocity >= GoalVelocity);
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

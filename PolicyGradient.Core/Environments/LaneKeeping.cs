namespace PolicyGradient.Environments;

/// <summary>
/// The lecture's "learning to steer" case study as a task: keep a car (kinematic bicycle at 15 m/s) in its lane on
/// a winding road. Observation (8): lateral offset d / 2 m, heading error ψ (rad), speed / 15 m/s, and the road's
/// curvature κ / κ_max at 0, 10, …, 40 m ahead. Action: the steering angle δ ∈ [−0.3, 0.3] rad (clipped).
/// Reward: the distance travelled along the road in the step (m). Terminated when |d| &gt; 2 m (the car left its
/// lane: the "collision"); truncated after 600 steps (60 s, about 900 m). Equations: <see cref="LaneKeepingRoad"/>
/// and docs/environments.md.
/// </summary>
public sealed class LaneKeeping : ContinuousEnvironment
{
    /// <summary>The steering limit, rad.</summary>
    public const double MaxSteering = 0.3;

    private static readonly double[] Low = [-MaxSteering], High = [MaxSteering];
    private readonly LaneKeepingCar _car;

    /// <summary>
    /// Creates the task. With a <paramref name="roadSeed"/> every episode drives the same road (evaluation);
    /// without one each reset draws a new road from its Random (training).
    /// </summary>
    public LaneKeeping(int? roadSeed = null, int maxEpisodeSteps = 600)
        : base(maxEpisodeSteps)
    {
        _car = new LaneKeepingCar(roadSeed);
    }

    /// <inheritdoc/>
    public override string Id => "LaneKeeping-v0";

    /// <summary>The road of the current episode.</summary>
    public LaneKeepingRoad Road => _car.Road;

    /// <inheritdoc/>
    public override int ObservationSize => LaneKeepingCar.ObservationSize;

    /// <summary>
    /// State (s, d, ψ, v, road): arc length, lateral offset, heading error, speed, then the road's 9 parameters
    /// (<see cref="LaneKeepingRoad.ParameterCount"/>), so that a restored state drives the same road.
    /// </summary>
    public override int StateSize => LaneKeepingCar.StateSize;

    /// <inheritdoc/>
    public override int ActionSize => 1;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionLow => Low;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionHigh => High;

    /// <inheritdoc/>
    protected override void ResetState(Random random) => _car.Reset(random);

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(ReadOnlySpan<double> action) =>
        _car.Advance(Math.Clamp(action[0], -MaxSteering, MaxSteering));

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation) => _car.Observe(observation);

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination) => _car.Read(destination);

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state) => _car.Write(state);
}

/// <summary>
/// <see cref="LaneKeeping"/> with a fixed set of seven steering angles, for softmax policies:
/// δ ∈ {−0.3, −0.1, −0.03, 0, 0.03, 0.1, 0.3} rad (action 3 is straight ahead).
/// </summary>
public sealed class DiscreteLaneKeeping : DiscreteEnvironment
{
    private static readonly double[] Angles = [-0.3, -0.1, -0.03, 0, 0.03, 0.1, 0.3];
    private readonly LaneKeepingCar _car;

    /// <summary>Creates the task; <paramref name="roadSeed"/> as for <see cref="LaneKeeping"/>.</summary>
    public DiscreteLaneKeeping(int? roadSeed = null, int maxEpisodeSteps = 600)
        : base(maxEpisodeSteps)
    {
        _car = new LaneKeepingCar(roadSeed);
    }

    /// <inheritdoc/>
    public override string Id => "LaneKeepingDiscrete-v0";

    /// <summary>The steering angle of each action, rad.</summary>
    public static ReadOnlySpan<double> SteeringAngles => Angles;

    /// <summary>The road of the current episode.</summary>
    public LaneKeepingRoad Road => _car.Road;

    /// <inheritdoc/>
    public override int ObservationSize => LaneKeepingCar.ObservationSize;

    /// <summary>
    /// State (s, d, ψ, v, road): arc length, lateral offset, heading error, speed, then the road's 9 parameters
    /// (<see cref="LaneKeepingRoad.ParameterCount"/>), so that a restored state drives the same road.
    /// </summary>
    public override int StateSize => LaneKeepingCar.StateSize;

    /// <inheritdoc/>
    public override int ActionCount => Angles.Length;

    /// <inheritdoc/>
    protected override void ResetState(Random random) => _car.Reset(random);

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(int action) => _car.Advance(Angles[action]);

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation) => _car.Observe(observation);

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination) => _car.Read(destination);

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state) => _car.Write(state);
}

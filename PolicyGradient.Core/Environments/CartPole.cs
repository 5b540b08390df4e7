namespace PolicyGradient.Environments;

/// <summary>
/// CartPole-v1, bit for bit as Gymnasium computes it. State [x, ẋ, θ, θ̇] (float64, θ = 0 upright); observation
/// f32(state); actions 0 (push −10 N) and 1 (+10 N); reward +1 per step including the terminating one;
/// termination when |x| &gt; 2.4 or |θ| &gt; 12°; time limit 500.
/// </summary>
/// <remarks>
/// temp = (F + m_p l θ̇² sin θ)/M, θ̈ = (g sin θ − cos θ·temp) / (l (4/3 − m_p cos²θ / M)),
/// ẍ = temp − m_p l θ̈ cos θ / M, then explicit Euler with the old velocities (τ = 0.02). Stepping on after
/// termination returns reward 0 while the state stays outside the limits (Gymnasium warns); if it comes back
/// inside, terminated is false and the reward 1 again. Operation order follows Gymnasium's source exactly.
/// </remarks>
public sealed class CartPole : DiscreteEnvironment
{
    private const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, TotalMass = MassPole + MassCart;
    private const double Length = 0.5, PoleMassLength = MassPole * Length, ForceMagnitude = 10.0, Tau = 0.02;
    private const double XThreshold = 2.4;
    private static readonly double ThetaThreshold = 12 * 2 * Math.PI / 360;

    private double _x, _xDot, _theta, _thetaDot;
    private int _stepsBeyondTerminated = -1; // Gymnasium's steps_beyond_terminated; −1 stands for None

    /// <summary>Creates the task with Gymnasium's registered time limit (500).</summary>
    public CartPole(int maxEpisodeSteps = 500)
        : base(maxEpisodeSteps)
    {
    }

    /// <inheritdoc/>
    public override string Id => "CartPole-v1";

    /// <inheritdoc/>
    public override int ObservationSize => 4;

    /// <inheritdoc/>
    public override int StateSize => 4;

    /// <inheritdoc/>
    public override int ActionCount => 2;

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        _x = Uniform(random);
        _xDot = Uniform(random);
        _theta = Uniform(random);
        _thetaDot = Uniform(random);
        _stepsBeyondTerminated = -1;

        static double Uniform(Random r) => -0.05 + (0.1 * r.NextDouble());
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(int action)
    {
        double force = action == 1 ? ForceMagnitude : -ForceMagnitude;
        double cosTheta = Math.Cos(_theta), sinTheta = Math.Sin(_theta);
        double temp = (force + (PoleMassLength * (_thetaDot * _thetaDot) * sinTheta)) / TotalMass;
        double thetaAcc = ((Gravity * sinTheta) - (cosTheta * temp)) / (Length * ((4.0 / 3.0) - (MassPole * (cosTheta * cosTheta) / TotalMass)));
        double xAcc = temp - (PoleMassLength * thetaAcc * cosTheta / TotalMass);
        _x += Tau * _xDot;          // positions use the old velocities (explicit Euler)
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;
        bool terminated = OutsideLimits();
        if (!terminated)
        {
            return (1.0, false);
        }

        if (_stepsBeyondTerminated < 0)
        {
            _stepsBeyondTerminated = 0;
            return (1.0, true);
        }

        _stepsBeyondTerminated++;
        return (0.0, true);
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation)
    {
        observation[0] = (float)_x;
        observation[1] = (float)_xDot;
        observation[2] = (float)_theta;
        observation[3] = (float)_thetaDot;
    }

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _x;
        destination[1] = _xDot;
        destination[2] = _theta;
        destination[3] = _thetaDot;
    }

    /// <summary>
    /// Sets [x, ẋ, θ, θ̇]. Gymnasium's steps_beyond_terminated is not in the state vector, so it follows from the
    /// state: a state outside the limits has already reported its termination (the next step returns reward 0),
    /// one inside has not. That is exact for every state of an episode up to its termination.
    /// </summary>
    protected override void WriteState(ReadOnlySpan<double> state)
    {
        (_x, _xDot, _theta, _thetaDot) = (state[0], state[1], state[2], state[3]);
        _stepsBeyondTerminated = OutsideLimits() ? 0 : -1;
    }

    private bool OutsideLimits() => _x < -XThreshold || _x > XThreshold || _theta < -ThetaThreshold || _theta > ThetaThreshold;
}

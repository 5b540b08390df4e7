namespace PolicyGradient.Environments;

/// <summary>
/// Acrobot-v1, bit for bit as Gymnasium computes it (the default "book" dynamics). State [θ₁, θ₂, θ̇₁, θ̇₂]
/// (θ₁ = 0 hanging down, θ₂ relative to link 1); observation f32([cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂]);
/// actions 0, 1, 2 apply torque −1, 0, +1 to the joint; reward −1 per step and 0 on the terminating one;
/// termination when −cos θ₁ − cos(θ₂ + θ₁) &gt; 1; time limit 500.
/// </summary>
/// <remarks>
/// One classical RK4 step of 0.2 s on [state, torque], then θ₁, θ₂ wrapped into [−π, π] by repeated ±2π and the
/// velocities clamped to ±4π and ±9π. The equations are kept in Gymnasium's unsimplified form (cos(θ − π/2), not
/// sin θ; d₁ not folded to a constant) and squares as pow(x, 2), because that is what makes the bits agree.
/// Gymnasium indexes its torque list with the action, so a negative action silently wraps there; here actions
/// outside [0, 3) are rejected. Reset draws a float32 state, and, as in Gymnasium, the observation of that state
/// takes NumPy's float32 sine and cosine; <see cref="TaskEnvironment.SetState"/> keeps the precision the state has.
/// </remarks>
public sealed class Acrobot : DiscreteEnvironment
{
    private const double Dt = 0.2, LinkLength1 = 1.0, LinkMass1 = 1.0, LinkMass2 = 1.0;
    private const double LinkComPosition1 = 0.5, LinkComPosition2 = 0.5, LinkMoment = 1.0, G = 9.8;
    private const double MaxVelocity1 = 4 * Math.PI, MaxVelocity2 = 9 * Math.PI;
    private static readonly double[] Torques = [-1.0, 0.0, 1.0];

    private double _theta1, _theta2, _thetaDot1, _thetaDot2;
    private bool _singlePrecisionState; // Gymnasium's state array is float32 from reset until the first step

    /// <summary>Creates the task with Gymnasium's registered time limit (500).</summary>
    public Acrobot(int maxEpisodeSteps = 500)
        : base(maxEpisodeSteps)
    {
    }

    /// <inheritdoc/>
    public override string Id => "Acrobot-v1";

    /// <inheritdoc/>
    public override int ObservationSize => 6;

    /// <inheritdoc/>
    public override int StateSize => 4;

    /// <inheritdoc/>
    public override int ActionCount => 3;

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        _theta1 = Uniform(random); // Gymnasium's reset state is float32
        _theta2 = Uniform(random);
        _thetaDot1 = Uniform(random);
        _thetaDot2 = Uniform(random);
        _singlePrecisionState = true;

        static double Uniform(Random r) => (float)(-0.1 + (0.2 * r.NextDouble()));
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(int action)
    {
        Span<double> y = [_theta1, _theta2, _thetaDot1, _thetaDot2, Torques[action]];
        Span<double> k1 = stackalloc double[5], k2 = stackalloc double[5], k3 = stackalloc double[5], k4 = stackalloc double[5];
        Span<double> stage = stackalloc double[5];
        const double h = Dt - 0, h2 = h / 2.0;
        Derivatives(y, k1);
        Stage(y, h2, k1, stage);
        Derivatives(stage, k2);
        Stage(y, h2, k2, stage);
        Derivatives(stage, k3);
        Stage(y, h, k3, stage);
        Derivatives(stage, k4);
        for (int i = 0; i < 4; i++)
        {
            y[i] += h / 6.0 * (k1[i] + (2 * k2[i]) + (2 * k3[i]) + k4[i]);
        }

        _singlePrecisionState = false;
        _theta1 = Wrap(y[0]);
        _theta2 = Wrap(y[1]);
        _thetaDot1 = Math.Min(Math.Max(y[2], -MaxVelocity1), MaxVelocity1);
        _thetaDot2 = Math.Min(Math.Max(y[3], -MaxVelocity2), MaxVelocity2);
        bool terminated = -Math.Cos(_theta1) - Math.Cos(_theta2 + _theta1) > 1.0;
        return (terminated ? 0.0 : -1.0, terminated);
    }

    // stage = y + step·k
    private static void Stage(ReadOnlySpan<double> y, double step, ReadOnlySpan<double> k, Span<double> stage)
    {
        for (int i = 0; i < y.Length; i++)
        {
            stage[i] = y[i] + (step * k[i]);
        }
    }

    // d/dt [θ₁, θ₂, θ̇₁, θ̇₂, a] for the "book" equations, in Gymnasium's operation order.
    private static void Derivatives(ReadOnlySpan<double> s, Span<double> ds)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPosition1, lc2 = LinkComPosition2;
        const double i1 = LinkMoment, i2 = LinkMoment;
        double a = s[4], theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
        double d1 = (m1 * Math.Pow(lc1, 2)) + (m2 * (Math.Pow(l1, 2) + Math.Pow(lc2, 2) + (2 * l1 * lc2 * Math.Cos(theta2)))) + i1 + i2;
        double d2 = (m2 * (Math.Pow(lc2, 2) + (l1 * lc2 * Math.Cos(theta2)))) + i2;
        double phi2 = m2 * lc2 * G * Math.Cos(theta1 + theta2 - (Math.PI / 2.0));
        double phi1 = (-m2 * l1 * lc2 * Math.Pow(dtheta2, 2) * Math.Sin(theta2))
            - (2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.Sin(theta2))
            + ((m1 * lc1) + (m2 * l1)) * G * Math.Cos(theta1 - (Math.PI / 2))
            + phi2;
        double ddtheta2 = (a + (d2 / d1 * phi1) - (m2 * l1 * lc2 * Math.Pow(dtheta1, 2) * Math.Sin(theta2)) - phi2)
            / ((m2 * Math.Pow(lc2, 2)) + i2 - (Math.Pow(d2, 2) / d1));
        double ddtheta1 = -((d2 * ddtheta2) + phi1) / d1;
        ds[0] = dtheta1;
        ds[1] = dtheta2;
        ds[2] = ddtheta1;
        ds[3] = ddtheta2;
        ds[4] = 0.0;
    }

    // Gymnasium's wrap(x, −π, π): repeated ±2π, leaving exactly ±π unchanged.
    private static double Wrap(double x)
    {
        const double diff = Math.PI - -Math.PI;
        while (x > Math.PI)
        {
            x -= diff;
        }

        while (x < -Math.PI)
        {
            x += diff;
        }

        return x;
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation)
    {
        if (_singlePrecisionState)
        {
            // NumPy evaluates cos/sin of a float32 array in float32, with its own polynomial kernels.
            observation[0] = NumPyFloat32Trig.Cos((float)_theta1);
            observation[1] = NumPyFloat32Trig.Sin((float)_theta1);
            observation[2] = NumPyFloat32Trig.Cos((float)_theta2);
            observation[3] = NumPyFloat32Trig.Sin((float)_theta2);
            observation[4] = (float)_thetaDot1;
            observation[5] = (float)_thetaDot2;
            return;
        }

        observation[0] = (float)Math.Cos(_theta1);
        observation[1] = (float)Math.Sin(_theta1);
        observation[2] = (float)Math.Cos(_theta2);
        observation[3] = (float)Math.Sin(_theta2);
        observation[4] = (float)_thetaDot1;
        observation[5] = (float)_thetaDot2;
    }

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _theta1;
        destination[1] = _theta2;
        destination[2] = _thetaDot1;
        destination[3] = _thetaDot2;
    }

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state) =>
        (_theta1, _theta2, _thetaDot1, _thetaDot2) = (state[0], state[1], state[2], state[3]);
}

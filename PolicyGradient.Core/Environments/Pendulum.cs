namespace PolicyGradient.Environments;

/// <summary>
/// Pendulum-v1, bit for bit as Gymnasium computes it. State [θ, θ̇] (θ = 0 upright, never wrapped); observation
/// f32([cos θ, sin θ, θ̇]); action: a torque clipped silently to [−2, 2]; reward
/// −(norm(θ)² + 0.1 θ̇² + 0.001 u²) on the state before the step, with norm(θ) = ((θ + π) mod 2π) − π (floor-mod);
/// never terminates; time limit 200.
/// </summary>
/// <remarks>θ̇ ← clip(θ̇ + (15 sin θ + 3u)·0.05, ±8); θ ← θ + θ̇·0.05 (the new velocity). Squares are pow(x, 2).</remarks>
public sealed class Pendulum : ContinuousEnvironment
{
    private const double MaxSpeed = 8, MaxTorque = 2.0, Dt = 0.05, G = 10.0, M = 1.0, L = 1.0;
    private static readonly double[] Low = [-MaxTorque], High = [MaxTorque];

    private double _theta, _thetaDot;

    /// <summary>Creates the task with Gymnasium's registered time limit (200).</summary>
    public Pendulum(int maxEpisodeSteps = 200)
        : base(maxEpisodeSteps)
    {
    }

    /// <inheritdoc/>
    public override string Id => "Pendulum-v1";

    /// <inheritdoc/>
    public override int ObservationSize => 3;

    /// <inheritdoc/>
    public override int StateSize => 2;

    /// <inheritdoc/>
    public override int ActionSize => 1;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionLow => Low;

    /// <inheritdoc/>
    public override ReadOnlySpan<double> ActionHigh => High;

    /// <summary>((x + π) mod 2π) − π with Python's floor-mod (the remainder takes the sign of 2π).</summary>
    public static double NormalizeAngle(double x)
    {
        double twoPi = 2 * Math.PI;
        double mod = (x + Math.PI) % twoPi; // C#'s % is fmod: the sign of the dividend
        if (mod != 0)
        {
            if (mod < 0)
            {
                mod += twoPi;
            }
        }
        else
        {
            mod = 0.0; // +0, as Python's copysign(0, 2π)
        }

        return mod - Math.PI;
    }

    /// <inheritdoc/>
    protected override void ResetState(Random random)
    {
        _theta = -Math.PI + (2 * Math.PI * random.NextDouble());
        _thetaDot = -1 + (2 * random.NextDouble());
    }

    /// <inheritdoc/>
    protected override (double Reward, bool Terminated) Transition(ReadOnlySpan<double> action)
    {
        double u = Math.Clamp(action[0], -MaxTorque, MaxTorque);
        double costs = Math.Pow(NormalizeAngle(_theta), 2) + (0.1 * Math.Pow(_thetaDot, 2)) + (0.001 * Math.Pow(u, 2));
        double newThetaDot = _thetaDot + ((((3 * G) / (2 * L) * Math.Sin(_theta)) + (3.0 / (M * Math.Pow(L, 2)) * u)) * Dt);
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        _theta += newThetaDot * Dt;
        _thetaDot = newThetaDot;
        return (-costs, false);
    }

    /// <inheritdoc/>
    protected override void WriteObservation(Span<double> observation)
    {
        observation[0] = (float)Math.Cos(_theta);
        observation[1] = (float)Math.Sin(_theta);
        observation[2] = (float)_thetaDot;
    }

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _theta;
        destination[1] = _thetaDot;
    }

    /// <inheritdoc/>
    protected override void WriteState(ReadOnlySpan<double> state) => (_theta, _thetaDot) = (state[0], state[1]);
}

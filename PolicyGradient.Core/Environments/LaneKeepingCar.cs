namespace PolicyGradient.Environments;

/// <summary>
/// The car of the lane-keeping task: a kinematic bicycle (wheelbase l_f + l_r = 3 m, constant speed v) in the
/// road's Frenet frame, with state (s, d, ψ, v): arc length along the centreline, lateral offset (left positive),
/// heading error relative to the road tangent, and speed. With steering angle δ and slip angle
/// β = atan(l_r/(l_f + l_r) · tan δ):
/// <code>
/// ṡ = v cos(ψ + β) / (1 − d κ(s))
/// ḋ = v sin(ψ + β)
/// ψ̇ = (v / l_r) sin β − κ(s) ṡ
/// </code>
/// integrated with four explicit Euler sub-steps per 0.1 s control step.
/// Shared by <see cref="LaneKeeping"/> and <see cref="DiscreteLaneKeeping"/>.
/// </summary>
internal sealed class LaneKeepingCar
{
    public const double FrontAxle = 1.5, RearAxle = 1.5, Speed = 15.0, Dt = 0.1, HalfWidth = 2.0;
    public const int SubSteps = 4, PreviewPoints = 5;
    public const double PreviewSpacing = 10.0;

    /// <summary>Observation: d/half-width, ψ, v/15, and κ/κ_max at s, s + 10, …, s + 40 m.</summary>
    public const int ObservationSize = 3 + PreviewPoints;

    /// <summary>State: (s, d, ψ, v), then the road's parameters.</summary>
    public const int StateSize = 4 + LaneKeepingRoad.ParameterCount;

    private readonly int? _roadSeed;

    public LaneKeepingCar(int? roadSeed)
    {
        _roadSeed = roadSeed;
        Road = new LaneKeepingRoad(new Random(roadSeed ?? 0));
    }

    public LaneKeepingRoad Road { get; }

    public double S { get; private set; }

    public double D { get; private set; }

    public double Psi { get; private set; }

    public double V { get; private set; } = Speed;

    public void Reset(Random random)
    {
        if (_roadSeed is null)
        {
            Road.Redraw(random);
        }

        S = 0;
        D = -0.2 + (0.4 * random.NextDouble());
        Psi = -0.05 + (0.1 * random.NextDouble());
        V = Speed;
    }

    /// <summary>Advances 0.1 s with steering δ; returns the distance travelled along the road and whether the car left it.</summary>
    public (double Progress, bool LeftRoad) Advance(double steering)
    {
        double beta = Math.Atan(RearAxle / (FrontAxle + RearAxle) * Math.Tan(steering));
        double h = Dt / SubSteps, start = S;
        for (int i = 0; i < SubSteps; i++)
        {
            double kappa = Road.Curvature(S);
            double sDot = V * Math.Cos(Psi + beta) / (1 - (D * kappa));
            double dDot = V * Math.Sin(Psi + beta);
            double psiDot = (V / RearAxle * Math.Sin(beta)) - (kappa * sDot);
            S += h * sDot;
            D += h * dDot;
            Psi += h * psiDot;
        }

        return (S - start, Math.Abs(D) > HalfWidth);
    }

    public void Observe(Span<double> observation)
    {
        observation[0] = D / HalfWidth;
        observation[1] = Psi;
        observation[2] = V / Speed;
        for (int k = 0; k < PreviewPoints; k++)
        {
            observation[3 + k] = Road.Curvature(S + (k * PreviewSpacing)) / LaneKeepingRoad.MaxCurvature;
        }
    }

    public void Read(Span<double> state)
    {
        state[0] = S;
        state[1] = D;
        state[2] = Psi;
        state[3] = V;
        Road.Read(state[4..]);
    }

    public void Write(ReadOnlySpan<double> state)
    {
        (S, D, Psi, V) = (state[0], state[1], state[2], state[3]);
        Road.Write(state[4..]);
    }
}

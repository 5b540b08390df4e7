namespace PolicyGradient.Environments;

/// <summary>
/// The winding road of the lane-keeping task, described by its curvature along the centreline:
/// κ(s) = Σ_{i=1}^{3} a_i sin(2π s/λ_i + φ_i), with wavelengths λ_i ~ U(150, 400) m, phases φ_i ~ U(0, 2π) and
/// amplitudes |a_i| ~ (κ_max/3)·U(0.5, 1) with random signs, so |κ| ≤ κ_max = 0.02 m⁻¹ (radius ≥ 50 m).
/// Working in the road's own (Frenet) frame means the global shape never has to be integrated.
/// </summary>
public sealed class LaneKeepingRoad
{
    /// <summary>The largest curvature any road has, in m⁻¹.</summary>
    public const double MaxCurvature = 0.02;

    /// <summary>The number of parameters that define a road: a_i, 2π/λ_i and φ_i for i = 1, 2, 3.</summary>
    public const int ParameterCount = 9;

    private readonly double[] _amplitude = new double[3], _waveNumber = new double[3], _phase = new double[3];

    /// <summary>Draws a road from <paramref name="random"/>.</summary>
    public LaneKeepingRoad(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Redraw(random);
    }

    /// <summary>κ(s), the curvature (m⁻¹, positive to the left) at arc length s.</summary>
    public double Curvature(double s)
    {
        double k = 0;
        for (int i = 0; i < 3; i++)
        {
            k += _amplitude[i] * Math.Sin((_waveNumber[i] * s) + _phase[i]);
        }

        return k;
    }

    /// <summary>Copies (a₁, a₂, a₃, 2π/λ₁, 2π/λ₂, 2π/λ₃, φ₁, φ₂, φ₃) into the first <see cref="ParameterCount"/> elements.</summary>
    internal void Read(Span<double> destination)
    {
        _amplitude.CopyTo(destination);
        _waveNumber.CopyTo(destination[3..]);
        _phase.CopyTo(destination[6..]);
    }

    /// <summary>Replaces the road with the parameters <see cref="Read"/> wrote.</summary>
    internal void Write(ReadOnlySpan<double> parameters)
    {
        parameters[..3].CopyTo(_amplitude);
        parameters[3..6].CopyTo(_waveNumber);
        parameters[6..9].CopyTo(_phase);
    }

    /// <summary>Replaces the road with a new one drawn from <paramref name="random"/> (allocates nothing).</summary>
    public void Redraw(Random random)
    {
        for (int i = 0; i < 3; i++)
        {
            double wavelength = 150 + (250 * random.NextDouble());
            _waveNumber[i] = 2 * Math.PI / wavelength;
            _phase[i] = 2 * Math.PI * random.NextDouble();
            _amplitude[i] = (random.NextDouble() < 0.5 ? -1 : 1) * (MaxCurvature / 3) * (0.5 + (0.5 * random.NextDouble()));
        }
    }
}

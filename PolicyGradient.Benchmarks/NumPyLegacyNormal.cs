namespace PolicyGradient.Benchmarks;

/// <summary>
/// The standard normals of NumPy's legacy generator, <c>np.random.seed(s); np.random.randn(…)</c>: MT19937 seeded by
/// init_genrand(s), doubles (a ≫ 5, b ≫ 6) → (a·2²⁶ + b)/2⁵³, and the Marsaglia polar method returning f·x₂ and
/// keeping f·x₁ for the next call. Only so that <see cref="LqgVarianceExperiment"/> starts from the very policy that
/// Tucker et al.'s lqg/lqr.py draws with <c>np.random.seed(3)</c>; not a generator for this library's own use.
/// </summary>
public sealed class NumPyLegacyNormal
{
    private const int StateLength = 624;
    private readonly uint[] _state = new uint[StateLength];
    private int _position;
    private double? _kept;

    /// <summary>Seeds as <c>np.random.seed(seed)</c> does for an integer seed.</summary>
    public NumPyLegacyNormal(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < StateLength; i++)
        {
            _state[i] = unchecked((1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30))) + (uint)i);
        }

        _position = StateLength;
    }

    /// <summary>The next value of <c>np.random.randn()</c>.</summary>
    public double Next()
    {
        if (_kept is double kept)
        {
            _kept = null;
            return kept;
        }

        double x1, x2, r2;
        do
        {
            x1 = (2.0 * NextDouble()) - 1.0;
            x2 = (2.0 * NextDouble()) - 1.0;
            r2 = (x1 * x1) + (x2 * x2);
        }
        while (r2 >= 1.0 || r2 == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _kept = f * x1;
        return f * x2;
    }

    private double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    private uint NextUInt32()
    {
        if (_position >= StateLength)
        {
            for (int k = 0; k < StateLength; k++)
            {
                uint y = (_state[k] & 0x80000000u) | (_state[(k + 1) % StateLength] & 0x7fffffffu);
                _state[k] = _state[(k + 397) % StateLength] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
            }

            _position = 0;
        }

        uint z = _state[_position++];
        z ^= z >> 11;
        z ^= (z << 7) & 0x9d2c5680u;
        z ^= (z << 15) & 0xefc60000u;
        return z ^ (z >> 18);
    }
}

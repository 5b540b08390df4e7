namespace PolicyGradient.Numerics;

/// <summary>
/// A tiny allocation-free random source kept inside a task's state (SplitMix64, Steele, Lea &amp; Flood 2014), so
/// that stochastic transitions are a deterministic function of what the seeded reset drew.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    /// <summary>The generator's whole state: <c>new SplitMix64(State)</c> continues the same sequence.</summary>
    public readonly ulong State => _state;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

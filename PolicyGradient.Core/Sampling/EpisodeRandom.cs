using PolicyGradient.Numerics;
using PolicyGradient.Environments;

namespace PolicyGradient.Sampling;

/// <summary>
/// A <see cref="Random"/> whose whole stream is fixed by (batch seed, episode index) and that can be re-seeded in
/// place, so that each episode's randomness (reset and every action) is independent of which thread samples it
/// and of how many threads there are, and re-seeding allocates nothing. The generator is xoshiro256**
/// (Blackman &amp; Vigna), its 256-bit state filled by SplitMix64 from the two numbers.
/// </summary>
public sealed class EpisodeRandom : Random
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator positioned at (seed, episode).</summary>
    public EpisodeRandom(long seed, long episode) => Reseed(seed, episode);

    /// <summary>Restarts the stream at (seed, episode).</summary>
    public void Reseed(long seed, long episode)
    {
        ulong mix = ((ulong)seed * 0xD1B54A32D192ED03UL) ^ ((ulong)episode * 0x9E3779B97F4A7C15UL);
        var splitMix = new SplitMix64(mix);
        _s0 = splitMix.NextUInt64();
        _s1 = splitMix.NextUInt64();
        _s2 = splitMix.NextUInt64();
        _s3 = splitMix.NextUInt64();
    }

    /// <inheritdoc/>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public override int Next()
    {
        int value = (int)(NextUInt64() >> 33); // 31 bits; Next() must stay below int.MaxValue
        return value == int.MaxValue ? int.MaxValue - 1 : value;
    }

    /// <inheritdoc/>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)(NextDouble() * maxValue);
    }

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)(NextDouble() * ((long)maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override long NextInt64() => (long)(NextUInt64() >> 1);

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(NextUInt64() >> 56);
        }
    }

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();

    private ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }
}

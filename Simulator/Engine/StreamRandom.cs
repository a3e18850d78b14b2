namespace Svcsim.Engine;

/// <summary>
/// xoshiro256** (Blackman and Vigna), seeded by SplitMix64 from a 32-bit seed, drawing exactly the numbers
/// MathNet.Numerics' <c>Xoshiro256StarStar(seed, threadSafe: false)</c> draws through every
/// <see cref="Random"/> member. Ours because MathNet's constructor also seeds a throw-away base generator
/// from its crypto-backed <c>RandomSeed.Robust()</c> under a global lock: 13 % of building a large world,
/// which asks for thousands of streams. A test compares the two value for value.
/// </summary>
public sealed class StreamRandom : Random
{
    private const double UnitOf53Bits = 1.0 / (1UL << 53);
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose state derives from <paramref name="seed"/> alone.</summary>
    public StreamRandom(int seed)
    {
        // Sign-extended, as MathNet does.
        ulong x = (ulong)seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <inheritdoc />
    public override int Next()
    {
        ulong v;
        do
        {
            v = NextULong() & 0x7FFFFFFF;
        }
        while (v == int.MaxValue);
        return (int)v;
    }

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxValue);
        return maxValue switch
        {
            1 => 0,
            int.MaxValue => Next(),
            _ => Below(maxValue),
        };
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        if (minValue >= maxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), "the exclusive maximum must be greater than the inclusive minimum");
        }
        if (maxValue == minValue + 1)
        {
            return minValue;
        }
        if (minValue == 0)
        {
            return Next(maxValue);
        }
        return Below(maxValue - minValue) + minValue;
    }

    /// <inheritdoc />
    public override double NextDouble() => Sample();

    /// <inheritdoc />
    public override long NextInt64()
    {
        // What System.Random does for a derived generator: 64 bits from three scaled doubles, top 63 kept.
        while (true)
        {
            ulong bits = (uint)(int)(Sample() * (1 << 22))
                | ((ulong)(uint)(int)(Sample() * (1 << 22)) << 22)
                | ((ulong)(uint)(int)(Sample() * (1 << 20)) << 44);
            ulong result = bits >> 1;
            if (result != long.MaxValue)
            {
                return (long)result;
            }
        }
    }

    /// <inheritdoc />
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        int i = 0;
        int whole = buffer.Length - buffer.Length % 8;
        while (i < whole)
        {
            ulong v = NextULong();
            for (int b = 0; b < 8; b++)
            {
                buffer[i++] = (byte)(v >> (8 * b));
            }
        }
        if (i < buffer.Length)
        {
            ulong v = NextULong();
            while (i < buffer.Length)
            {
                buffer[i++] = (byte)v;
                v >>= 8;
            }
        }
    }

    /// <inheritdoc />
    protected override double Sample() => (NextULong() >> 11) * UnitOf53Bits;

    private int Below(int maxExclusive)
    {
        // MathNet: the fewest top bits that cover the range, rejecting values beyond it.
        int bits = 31 - int.LeadingZeroCount(maxExclusive);
        if (1 << bits == maxExclusive)
        {
            return bits == 0 ? 0 : (int)(NextULong() >> (64 - bits));
        }
        bits++;
        int v;
        do
        {
            v = (int)(NextULong() >> (64 - bits));
        }
        while (v >= maxExclusive);
        return v;
    }

    private ulong NextULong()
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        return result;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

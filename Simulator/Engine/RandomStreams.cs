using System.Text;

namespace Svcsim.Engine;

/// <summary>
/// Independent random streams of one run, one per purpose. A stream's seed derives from
/// (master seed, replication, stream name) alone, so adding a component with a new stream does not shift
/// the numbers any other component draws, and two runs that use the same name get the same numbers
/// (common random numbers across the ways of access).
/// </summary>
public sealed class RandomStreams
{
    /// <summary>Creates the streams of replication <paramref name="replication"/> under <paramref name="masterSeed"/>.</summary>
    public RandomStreams(long masterSeed, int replication)
    {
        MasterSeed = masterSeed;
        Replication = replication;
    }

    /// <summary>The scenario's seed.</summary>
    public long MasterSeed { get; }

    /// <summary>The replication number, from 0.</summary>
    public int Replication { get; }

    /// <summary>
    /// A new generator for the stream <paramref name="name"/> (xoshiro256**, the numbers of MathNet.Numerics'
    /// generator at the same seed; not thread-safe: a stream belongs to one run on one thread). Asking twice
    /// gives two generators that produce the same sequence.
    /// </summary>
    public Random Get(string name) => new StreamRandom(DeriveSeed(MasterSeed, Replication, name));

    /// <summary>
    /// The start phase of the periodic timer <paramref name="timer"/>, uniform in [0, <paramref name="period"/>),
    /// from a stream of its own (<c>phase:</c> and the timer's name). Real timers start wherever the process
    /// happened to start, so every replication draws them afresh; components of different ways of access
    /// that name the same timer get the same phase (common random numbers).
    /// </summary>
    public long Phase(string timer, long period) =>
        period <= 1 ? 0 : Math.Min(period - 1, (long)(Get("phase:" + timer).NextDouble() * period));

    /// <summary>The 32-bit seed of a stream; stable across platforms and .NET versions.</summary>
    public static int DeriveSeed(long masterSeed, int replication, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // FNV-1a over the UTF-8 name, then SplitMix64 finalisation mixed with seed and replication.
        // string.GetHashCode is randomised per process, so it cannot be used here.
        ulong h = 14695981039346656037UL;
        // Stack buffer for the usual short names: a large world asks for thousands of streams.
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        int count = Encoding.UTF8.GetBytes(name, bytes);
        foreach (byte b in bytes[..count])
        {
            h = (h ^ b) * 1099511628211UL;
        }
        ulong x = Mix(h ^ (ulong)ReplicationSeed(masterSeed, replication));
        return (int)(x ^ (x >> 32));
    }

    /// <summary>
    /// The seed of replication <paramref name="replication"/> under <paramref name="masterSeed"/>: what every one of
    /// its streams' seeds derives from, with the stream's name (<see cref="DeriveSeed"/>). It differs from replication
    /// to replication and is the same for every way of access in one replication (common random numbers).
    /// </summary>
    public static long ReplicationSeed(long masterSeed, int replication) =>
        (long)(Mix((ulong)masterSeed) ^ Mix(0x9E3779B97F4A7C15UL * (ulong)(replication + 1)));

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

using System.Numerics;

namespace Svcsim.Measurement;

/// <summary>
/// A set of non-negative integers (pod or node indices) as bits. Adding is one OR; reading the set in
/// ascending order and emptying it costs one word per 64 indices plus one step per member, so a window lists
/// what changed in index order without sorting (150,000 pods: 2,344 words).
/// </summary>
internal sealed class IndexSet
{
    private ulong[] _words;

    /// <summary>An empty set for indices below <paramref name="capacity"/>.</summary>
    public IndexSet(int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _words = new ulong[Math.Max(1, (capacity + 63) >> 6)];
    }

    /// <summary>Makes room for indices below <paramref name="capacity"/>; members stay.</summary>
    public void EnsureCapacity(int capacity)
    {
        int words = (capacity + 63) >> 6;
        if (words > _words.Length)
        {
            Array.Resize(ref _words, Math.Max(words, _words.Length * 2));
        }
    }

    /// <summary>Adds <paramref name="index"/>, which must be below the capacity; adding a member again changes nothing.</summary>
    /// <remarks>No capacity check beyond the array's own: this runs several times per request.</remarks>
    public void Add(int index) => _words[index >> 6] |= 1UL << index;

    /// <summary>Whether <paramref name="index"/> is a member.</summary>
    public bool Contains(int index)
    {
        int w = index >> 6;
        return w < _words.Length && (_words[w] & (1UL << index)) != 0;
    }

    /// <summary>Empties the set.</summary>
    public void Clear() => Array.Clear(_words);

    /// <summary>Words of 64 indices held (the members are below 64 times this).</summary>
    public int Words => _words.Length;

    /// <summary>
    /// The members from 64 x <paramref name="word"/> to 64 x <paramref name="word"/> + 63 as bits, removed from
    /// the set: members added afterwards (even in this word) stay for the next reading. Read every word in
    /// order, with <see cref="BitOperations.TrailingZeroCount(ulong)"/>, to visit the members in ascending order.
    /// </summary>
    public ulong TakeWord(int word)
    {
        ulong bits = _words[word];
        _words[word] = 0;
        return bits;
    }
}

using System.Text;
using Svcsim.Kubernetes;

namespace Svcsim.Dataplane;

/// <summary>
/// A Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
/// NSDI 2016, section 3.4): M entries, M prime, filled from each backend's own permutation of the entries
/// (offset and skip from two hashes of the backend's name) in turns, one entry per backend per turn, until
/// the table is full. Every backend gets ⌊M/N⌋ or ⌈M/N⌉ entries; a change of the backend set moves about
/// the changed backends' share. The table depends on the set of backend names only, so every node builds the
/// same one, and a flow's 5-tuple hash picks the same backend whichever node it enters.
/// </summary>
public sealed class MaglevTable
{
    private readonly Pod[] _entries;

    private MaglevTable(Pod[] entries)
    {
        _entries = entries;
    }

    /// <summary>Number of entries, M.</summary>
    public int Size => _entries.Length;

    /// <summary>The backend of entry <paramref name="i"/>.</summary>
    public Pod this[int i] => _entries[i];

    /// <summary>The backend of a flow whose 5-tuple hashes to <paramref name="flowHash"/>: O(1).</summary>
    public Pod Lookup(ulong flowHash) => _entries[(int)(flowHash % (ulong)_entries.Length)];

    /// <summary>Whether <paramref name="m"/> is a prime (the table needs one: every skip then visits every entry).</summary>
    public static bool IsPrime(int m)
    {
        if (m < 2)
        {
            return false;
        }
        for (int d = 2; (long)d * d <= m; d++)
        {
            if (m % d == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Builds the table of size <paramref name="m"/> (a prime) for <paramref name="backends"/> (at least one): O(M log M) at worst.</summary>
    public static MaglevTable Build(IReadOnlyList<Pod> backends, int m)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentOutOfRangeException.ThrowIfZero(backends.Count);
        if (!IsPrime(m))
        {
            throw new ArgumentException($"the Maglev table size {m} is not a prime", nameof(m));
        }
        // The order of the turns decides contested entries: sort by name so that every node, whatever
        // order its view lists the backends in, fills the same table.
        var sorted = backends.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        int n = sorted.Length;
        var offset = new long[n];
        var skip = new long[n];
        var next = new long[n];
        for (int i = 0; i < n; i++)
        {
            ulong h = Fnv1a(sorted[i].Name);
            offset[i] = (long)(Mix(h ^ 0x6D61676C65766F66UL) % (ulong)m);
            skip[i] = (long)(Mix(h ^ 0x6D61676C6576736BUL) % (ulong)(m - 1)) + 1;
        }
        var entries = new Pod[m];
        int filled = 0;
        while (true)
        {
            for (int i = 0; i < n; i++)
            {
                // The backend's next preferred entry that is still free: permutation[i][j] = (offset + j * skip) mod M.
                long c = (offset[i] + next[i] * skip[i]) % m;
                while (entries[c] is not null)
                {
                    next[i]++;
                    c = (offset[i] + next[i] * skip[i]) % m;
                }
                entries[c] = sorted[i];
                next[i]++;
                if (++filled == m)
                {
                    return new MaglevTable(entries);
                }
            }
        }
    }

    /// <summary>Entries each backend owns, for tests and diagnostics.</summary>
    public Dictionary<Pod, int> Shares()
    {
        var shares = new Dictionary<Pod, int>();
        foreach (var p in _entries)
        {
            shares[p] = shares.GetValueOrDefault(p) + 1;
        }
        return shares;
    }

    private static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            h = (h ^ b) * 1099511628211UL;
        }
        return h;
    }

    /// <summary>SplitMix64's finaliser: spreads a hash's bits over the whole word.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

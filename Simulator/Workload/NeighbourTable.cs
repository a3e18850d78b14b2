using Svcsim.Engine;

namespace Svcsim.Workload;

/// <summary>
/// The Linux neighbour (ARP) entries of one client machine on the nodes' segment, one per address it talks to
/// (ip-sysctl docs, neigh parameters; kubernetes-behaviour.md, "memberlist and the neighbour table"). An entry
/// an answer confirmed stays REACHABLE for the machine's reachable time (a random 0.5 to 1.5 x
/// base_reachable_time, 30 s); then it is STALE, and the next packet sent moves it to DELAY for
/// delay_first_probe_time (5 s) and then to PROBE: ucast_solicit (3) unicast probes retrans_time (1 s) apart. With
/// no answer it is FAILED, and the sockets waiting on it get EHOSTUNREACH. A FAILED or unknown address is
/// resolved afresh (INCOMPLETE: mcast_solicit broadcast probes 1 s apart, `unreachableAfter`, 3 s) by the next
/// packet. While an entry is REACHABLE packets leave for the cached address and nothing is reported: TCP resends.
/// </summary>
internal sealed class NeighbourTable(long reachableFor, long resolveFails)
{
    /// <summary>base_reachable_time, seconds.</summary>
    public const double BaseReachableTimeS = 30;

    /// <summary>delay_first_probe_time, seconds.</summary>
    public const double DelayFirstProbeS = 5;

    /// <summary>ucast_solicit x retrans_time: the unicast probes of PROBE, seconds.</summary>
    public const double UnicastProbesS = 3 * 1.0;

    private static readonly long StaleToFailed = Time.FromSeconds(DelayFirstProbeS + UnicastProbesS);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private string? _lastAddress;
    private Entry? _lastEntry;

    /// <summary>This machine's reachable time (reachable_time of its interface).</summary>
    public long ReachableFor => reachableFor;

    /// <summary>An answer from <paramref name="address"/> arrived at <paramref name="at"/>: the entry is REACHABLE from then.</summary>
    public void Confirm(string address, long at)
    {
        var e = EntryOf(address);
        e.ConfirmedAt = Math.Max(e.ConfirmedAt, at);
        e.ProbeEndsAt = long.MinValue;
    }

    /// <summary>
    /// A packet to <paramref name="address"/>, sent at <paramref name="now"/>, gets no answer: when the kernel
    /// reports EHOSTUNREACH for it, or -1 if the entry is REACHABLE (the packet leaves and is simply lost).
    /// </summary>
    public long Unanswered(string address, long now)
    {
        var e = EntryOf(address);
        if (e.ProbeEndsAt > now)
        {
            return e.ProbeEndsAt; // a resolution or the probes are running: the packet waits for their end
        }
        if (e.ProbeEndsAt != long.MinValue || e.ConfirmedAt == long.MinValue)
        {
            // FAILED (probes ended with no answer since the last confirmation) or never resolved: INCOMPLETE.
            e.ProbeEndsAt = now + resolveFails;
            return e.ProbeEndsAt;
        }
        if (now < e.ConfirmedAt + reachableFor)
        {
            return -1; // REACHABLE
        }
        e.ProbeEndsAt = now + StaleToFailed; // STALE: DELAY, then PROBE
        return e.ProbeEndsAt;
    }

    // A machine talks to one address almost always (its node port's node, the L2 address): the entry last
    // used is kept, so that an answer costs a reference comparison, not hashing the address.
    private Entry EntryOf(string address)
    {
        if (ReferenceEquals(address, _lastAddress))
        {
            return _lastEntry!;
        }
        if (!_entries.TryGetValue(address, out var e))
        {
            e = new Entry();
            _entries[address] = e;
        }
        _lastAddress = address;
        _lastEntry = e;
        return e;
    }

    private sealed class Entry
    {
        public long ConfirmedAt = long.MinValue;
        public long ProbeEndsAt = long.MinValue;
    }
}

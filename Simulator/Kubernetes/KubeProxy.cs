using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>What kube-proxy did with a new connection.</summary>
public enum ProxyVerdict
{
    /// <summary>Forwarded to <see cref="KubeProxy.Chosen"/>.</summary>
    Forward,
    /// <summary>No endpoint at all: REJECT, the client sees connection refused at once.</summary>
    Reject,
    /// <summary>Local policy and no local endpoint: DROP, the client sees a timeout.</summary>
    Drop,
}

/// <summary>
/// kube-proxy on one node: its own copy of each Service's usable endpoints (ready ones, else serving
/// terminating ones), refreshed by syncs that lag the EndpointSlice, and the endpoint choice of its mode
/// (kubernetes-behaviour.md, "Load distribution").
/// </summary>
public sealed class KubeProxy : IEventTarget
{
    private readonly Simulation _sim;
    private readonly KubeProxySpec _spec;
    private readonly IReadOnlyList<ServiceState> _services;
    private readonly Random _random;
    private readonly Sampler _syncDelay;
    private readonly Trace _trace;
    private readonly Pod[][] _all;
    private readonly Pod[][] _local;
    private readonly int[] _roundRobin;
    private readonly Dictionary<long, (Pod Pod, long Expires)>[] _affinity;
    private long _lastSync = long.MinValue / 2;
    private bool _syncPending;
    private int _incarnation;

    internal KubeProxy(Simulation sim, Node node, KubeProxySpec spec, IReadOnlyList<ServiceState> services, Trace trace)
    {
        _sim = sim;
        Node = node;
        _spec = spec;
        _services = services;
        _trace = trace;
        _random = sim.Streams.Get($"kube-proxy:{node.Name}");
        _syncDelay = spec.SyncDelay.CreateSampler(sim.Streams.Get($"kube-proxy-sync:{node.Name}"));
        _all = new Pod[services.Count][];
        _local = new Pod[services.Count][];
        _roundRobin = new int[services.Count];
        _affinity = new Dictionary<long, (Pod, long)>[services.Count];
        for (int i = 0; i < services.Count; i++)
        {
            _all[i] = [];
            _local[i] = [];
            _affinity[i] = [];
        }
    }

    /// <summary>The node it runs on.</summary>
    public Node Node { get; }

    /// <summary>The endpoint chosen by the last <see cref="Choose"/> that returned <see cref="ProxyVerdict.Forward"/>.</summary>
    public Pod? Chosen { get; private set; }

    /// <summary>Endpoints this kube-proxy currently forwards service <paramref name="service"/> to.</summary>
    public IReadOnlyList<Pod> View(int service) => _all[service];

    /// <summary>
    /// Chooses an endpoint for a new connection of <paramref name="client"/> to <paramref name="service"/>
    /// entering at this node, from this kube-proxy's own (possibly stale) view.
    /// </summary>
    public ProxyVerdict Choose(ServiceState service, long client)
    {
        int s = service.Index;
        var spec = service.Spec;
        var candidates = spec.ExternalTrafficPolicy == TrafficPolicy.Local ? _local[s] : _all[s];
        if (candidates.Length == 0)
        {
            Chosen = null;
            return _all[s].Length == 0 ? ProxyVerdict.Reject : ProxyVerdict.Drop;
        }
        if (spec.SessionAffinity == SessionAffinity.ClientIP)
        {
            long now = _sim.Now;
            var table = _affinity[s];
            if (table.TryGetValue(client, out var entry) && entry.Expires > now && Array.IndexOf(candidates, entry.Pod) >= 0)
            {
                Chosen = entry.Pod;
            }
            else
            {
                Chosen = Pick(candidates, s);
            }
            table[client] = (Chosen, now + Engine.Time.FromSeconds(spec.AffinityTimeoutS));
            return ProxyVerdict.Forward;
        }
        Chosen = Pick(candidates, s);
        return ProxyVerdict.Forward;
    }

    private Pod Pick(Pod[] candidates, int service)
    {
        int n = candidates.Length;
        if (_spec.Mode != ProxyMode.Ipvs)
        {
            // iptables: rule i matches with probability 1/(n-i), the last always: uniform overall, one
            // draw suffices. nftables: numgen random mod N, also uniform.
            return candidates[n == 1 ? 0 : _random.Next(n)];
        }
        if (_spec.Scheduler == IpvsScheduler.RoundRobin)
        {
            int i = _roundRobin[service] % n;
            _roundRobin[service] = i + 1;
            return candidates[i];
        }
        // Least connection: fewest open connections from this node's IPVS table; ties to the first.
        int node = Node.Index;
        var best = candidates[0];
        for (int i = 1; i < n; i++)
        {
            if (candidates[i].ConnectionsFrom.Of(node) < best.ConnectionsFrom.Of(node))
            {
                best = candidates[i];
            }
        }
        return best;
    }

    /// <summary>An EndpointSlice changed: schedule a sync, no sooner than minSyncPeriod after the last.</summary>
    internal void OnSliceChanged()
    {
        if (!Node.Up || _syncPending)
        {
            return;
        }
        _syncPending = true;
        long earliest = _lastSync + Engine.Time.FromSeconds(_spec.MinSyncPeriodS);
        long at = Math.Max(_sim.Now + _syncDelay.NextNanoseconds(), earliest);
        _sim.ScheduleAt(at, this, 0, null, _incarnation);
    }

    /// <summary>Immediate full sync (kube-proxy starting on a node that boots).</summary>
    internal void SyncNow()
    {
        _incarnation++;
        _syncPending = false;
        Sync();
    }

    /// <summary>
    /// The node went down: pending syncs are void, and its rules are gone (iptables rules do not survive
    /// a reboot): until kube-proxy runs again, connections to the node port are refused.
    /// </summary>
    internal void Halt()
    {
        _incarnation++;
        _syncPending = false;
        for (int s = 0; s < _all.Length; s++)
        {
            _all[s] = [];
            _local[s] = [];
            _affinity[s].Clear();
        }
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        if (data != _incarnation || !Node.Up)
        {
            return;
        }
        _syncPending = false;
        Sync();
        _trace.Add(_sim.Now, Node.Name, "kube-proxy-sync", $"kube-proxy on {Node.Name} applied the EndpointSlice changes");
    }

    private void Sync()
    {
        // The view is a reference to the published version, not a copy: O(services) per sync.
        _lastSync = _sim.Now;
        for (int s = 0; s < _services.Count; s++)
        {
            // The ready endpoints, or the serving terminating ones when none is ready (ProxyTerminatingEndpoints, KEP-1669, GA 1.28).
            var snapshot = _services[s].Endpoints;
            _all[s] = snapshot.Usable;
            _local[s] = snapshot.UsableOn(Node);
        }
    }
}

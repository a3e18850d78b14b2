namespace Svcsim.Network;

/// <summary>Which port of the destination a connection is opened to.</summary>
public enum Port : byte
{
    /// <summary>The Service's traffic port (its node port, load-balancer port or ClusterIP port).</summary>
    Service,
    /// <summary>The Service's healthCheckNodePort (externalTrafficPolicy: Local): 200 only with a local ready endpoint.</summary>
    HealthCheckNodePort,
    /// <summary>kube-proxy's own health server (10256, /healthz): 200 while kube-proxy runs.</summary>
    ProxyHealthz,
}

/// <summary>
/// A TCP connection as the network sees it: who opened it (the 5-tuple's client side, hashed into
/// <see cref="FlowHash"/>), where it goes, and the hops its packets passed, recorded so that answers can
/// come back the same way. The owner (a client, a health checker) opens it by sending a SYN to its first
/// hop and sends requests on it; every hop keeps its own state for it under <see cref="Id"/>.
/// Objects are pooled by their owner: <see cref="Generation"/> changes at every close.
/// </summary>
public sealed class Connection
{
    /// <summary>The most hops a path may have (client side to pod, proxies and front doors included).</summary>
    public const int MaxHops = 8;

    // Hops in a struct array: storing into a Hop[] would cost an array covariance check per store.
    private readonly HopSlot[] _path = new HopSlot[MaxHops];
    private int _recorded; // hops recorded at any depth since the last close

    /// <summary>A connection object with a world-wide unique, dense id (see <see cref="Cluster.NewConnectionId"/>).</summary>
    public Connection(int id)
    {
        Id = id;
    }

    /// <summary>Dense id under which hops keep their state for this connection.</summary>
    public int Id { get; }

    /// <summary>Bumped at every close, so that events for an earlier use of the object are recognised.</summary>
    public int Generation { get; private set; }

    /// <summary>The client group of the sender (the sender's address, with <see cref="Client"/>); -1 for a health checker.</summary>
    public int Group { get; set; }

    /// <summary>The client machine within its group (its address: what session affinity and NodePort addresses see).</summary>
    public int Client { get; set; }

    /// <summary>The sender's address as one number: what ClientIP affinity keys on.</summary>
    public long SourceKey => ((long)Group << 32) | (uint)Client;

    /// <summary>Hash of the 5-tuple (the client's address and ephemeral port): what ECMP and Maglev hash on.</summary>
    public ulong FlowHash { get; set; }

    /// <summary>Index of the Service the connection goes to (the Service whose address or port it was opened to).</summary>
    public int Service { get; set; }

    /// <summary>Which port of it.</summary>
    public Port Port { get; set; }

    /// <summary>
    /// The source address of the segment being forwarded, as the next hop sees it: -1 for the sender's own
    /// address, else the index of the node that rewrote it (SNAT). Set to -1 when a segment enters its first
    /// hop; a hop that translates the source sets it before forwarding.
    /// </summary>
    public int Source { get; set; } = -1;

    /// <summary>
    /// The node the answer to the segment being forwarded leaves the cluster from, when a hop below sends it
    /// there rather than back the way the segment came (direct server return); null: back along the path. Set to
    /// null when a segment enters its first hop; the hop that decides sets it before forwarding.
    /// </summary>
    public Node? ReturnNode { get; set; }

    /// <summary>Opened by a pod of the cluster to a Service's ClusterIP (set by its first hop): internalTrafficPolicy applies, no SNAT.</summary>
    public bool Internal { get; set; }

    /// <summary>Hops on the path, from the sender: the last hop reached by the latest segment is at <see cref="Depth"/> - 1.</summary>
    public int Depth { get; private set; }

    /// <summary>The hop at <paramref name="depth"/> on the recorded path, or null.</summary>
    public Hop? HopAt(int depth) => depth < Depth ? _path[depth].Hop : null;

    /// <summary>
    /// <paramref name="hop"/> handled the connection's latest segment at <paramref name="depth"/>. When another hop
    /// held that place (the path moved: a rehash, a new leader), the old hop is told the connection left it. The
    /// hops below keep their state until a segment reaches their place and finds another hop there: a flow that
    /// moves to another entry node but reaches the same pod (Maglev) is still that pod's connection.
    /// </summary>
    public void Record(int depth, Hop hop)
    {
        ArgumentNullException.ThrowIfNull(hop);
        if (depth == 0)
        {
            Source = -1;
            ReturnNode = null;
        }
        ref var slot = ref _path[depth];
        if (depth >= _recorded)
        {
            // A place not reached since the last close: what it holds is from an earlier use of this object, which
            // told its hops then. Kept if it is the same hop (a pooled connection usually takes the same path), so
            // that a new connection costs no reference store there.
            if (slot.Hop != hop)
            {
                slot.Hop = hop;
            }
            _recorded = depth + 1;
        }
        else if (slot.Hop != hop)
        {
            var old = slot.Hop;
            slot.Hop = hop;
            old?.Closed(this);
        }
        Depth = depth + 1;
    }

    /// <summary>
    /// Sends an answer of <paramref name="bytes"/> bytes from the last hop at <paramref name="at"/> back along the
    /// recorded path: when it reaches the sender, or -1 when a hop on the way has lost it.
    /// </summary>
    public long Return(long at, long bytes)
    {
        for (int i = Depth - 1; i >= 0 && at >= 0; i--)
        {
            at = _path[i].Hop!.Back(this, at, bytes);
        }
        return at;
    }

    /// <summary>The sender closed the connection: every hop that holds state for it releases it.</summary>
    public void Close()
    {
        // The hops stay in their places (see Record): only the count of places in use is reset.
        for (int i = 0; i < _recorded; i++)
        {
            _path[i].Hop!.Closed(this);
        }
        _recorded = 0;
        Depth = 0;
        Internal = false;
        Generation++;
    }

    private struct HopSlot
    {
        public Hop? Hop;
    }
}

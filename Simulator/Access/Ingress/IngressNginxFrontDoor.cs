using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access.Ingress;

/// <summary>
/// ingress-nginx as the client's first hop. The client's connection goes through the way of access that
/// exposes the controller (a node port, a MetalLB address, a cloud LB) and the entry node's kube-proxy to a
/// controller pod, which ends it: the pod's workers spend the request's CPU (and a new connection's TLS
/// handshake), then the controller sends the request on a connection of its own, straight to a pod of the
/// group's Service chosen per request from its own lagging copy of the EndpointSlice (round robin or
/// EWMA), kube-proxy bypassed; the Service is the one the manifests' Ingress rules give the group's host
/// and path (none: 404, <c>no_route</c>), or the group's own without Ingress rules. Upstream connections are kept alive per controller pod. A refused or reset
/// upstream (<c>error</c>), or one that does not answer the SYN within proxy_connect_timeout or the request
/// within proxy_read_timeout (<c>timeout</c>), moves the request to the next pod until
/// proxy_next_upstream_tries are spent (then 502/504, recorded as <c>dead_endpoint</c>); no endpoint at
/// all is 503 (<c>refused</c>); an upstream 503 is passed on. A controller pod that dies takes the
/// requests it holds with it.
/// </summary>
public sealed class IngressNginxFrontDoor : FrontDoor, IRequestOwner, IEventTarget
{
    private const int NextTryEvent = 0;
    private const int AnsweredEvent = 1;
    private const int ReadTimeoutEvent = 2;

    private readonly IngressNginxAccess _spec;
    private readonly FrontDoor _exposure;
    private readonly ServiceState _controllerService;
    private readonly Dictionary<Pod, ControllerPod> _controllers = [];
    private readonly List<ControllerPod> _controllerList = [];
    private readonly FlowTable<ClientFlow> _clients = new();
    private readonly FlowTable<UpstreamFlow> _upstreams = new();
    private readonly Stack<Relay> _freeRelays = new();
    private readonly Stack<Attempt> _freeAttempts = new();
    private readonly Stack<UpstreamConnection> _freeConnections = new();
    private readonly long _connectTimeout;
    private readonly long _readTimeout;
    private readonly long _keepaliveTimeout;
    private readonly long _tls;
    private readonly long _syncGap;
    private readonly Sampler _pickup;
    private readonly Random _random;
    private readonly int[] _backends;
    private readonly bool[] _tlsGroups;

    /// <summary>Builds the controller's exposure and the proxy for the client groups of <paramref name="context"/>.</summary>
    public IngressNginxFrontDoor(IngressNginxAccess spec, FrontDoorContext context)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _controllerService = Model.Service(spec.Controller.ServiceKey);
        var exposureContext = context with { GroupServices = context.GroupServices.Select(_ => _controllerService).ToList() };
        _exposure = spec.Controller.Exposure.Kind.Create(spec.Controller.Exposure, exposureContext);
        _connectTimeout = Time.FromSeconds(spec.ConnectTimeoutS);
        _readTimeout = Time.FromSeconds(spec.ReadTimeoutS);
        _keepaliveTimeout = Time.FromSeconds(spec.KeepaliveTimeoutS);
        _tls = Time.FromSeconds(spec.TlsHandshakeCpuS * spec.Controller.CpuScale);
        _syncGap = Time.FromSeconds(1 / spec.SyncRateLimit);
        _pickup = Distribution.Uniform(0, 1).CreateSampler(Sim.Streams.Get("ingress-nginx-pickup"));
        _random = Sim.Streams.Get("ingress-nginx-balance");
        Model.EndpointsPublished += OnEndpointsPublished;
        // Each group's backend: where the Ingress rules send its host and path (-1: no rule, 404), or its Service.
        _tlsGroups = context.GroupServices.Select((_, g) => context.TlsGroups?[g] ?? false).ToArray();
        _backends = context.GroupServices.Select((svc, g) => context.IngressBackends?[g] switch
        {
            null => svc.Index,
            "" => -1,
            var key => Model.Service(key).Index,
        }).ToArray();
    }

    /// <summary>The way of access in front of the controller's Service.</summary>
    public FrontDoor Exposure => _exposure;

    /// <summary>The controller's Service.</summary>
    public ServiceState ControllerService => _controllerService;

    /// <summary>Upstream connections a controller pod holds idle now (for tests).</summary>
    public int IdleUpstreams(Pod controller) => _controllers.TryGetValue(controller, out var c) && c.Incarnation == controller.Incarnation ? c.IdleCount : 0;

    /// <summary>Upstream connections opened since the start, over every controller pod (for tests).</summary>
    public long UpstreamConnectionsOpened { get; private set; }

    /// <summary>Upstream tries after the first, over every request (for tests).</summary>
    public long Retries { get; private set; }

    /// <summary>Called with the controller pod and the upstream pod of every try, when it is chosen (for tests).</summary>
    public Action<Pod, Pod>? Chosen { get; set; }

    /// <inheritdoc />
    public override bool ClientsResolveNodes => _exposure.ClientsResolveNodes;

    /// <inheritdoc />
    public override void OnConnectFailed(Connection connection, FailureCause cause) => _exposure.OnConnectFailed(connection, cause);

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node) => _exposure.IsAnnouncedEntry(node);

    // ---- the client's connection: exposure, kube-proxy, controller pod ----

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        connection.Service = _controllerService.Index; // the client connects to the controller's address
        if (request is null)
        {
            return _exposure.Receive(connection, null, depth + 1, at);
        }
        var relay = _freeRelays.Count > 0 ? _freeRelays.Pop() : new Relay { Owner = this };
        relay.Client = request;
        relay.ClientConnection = connection;
        relay.Connection = connection;
        relay.RequestBytes = request.RequestBytes;
        relay.ResponseBytes = request.ResponseBytes;
        relay.SentAt = request.SentAt;
        relay.Tries = 0;
        relay.Tried.Clear();
        relay.ConnectTime = 0;
        relay.Backend = _backends[connection.Group];
        ref var flow = ref _clients[connection.Id];
        // An HTTPS connection's first request carries its TLS handshake (hosts of an Ingress tls section only).
        relay.ExtraService = flow.Handshaken || !_tlsGroups[connection.Group] ? 0 : _tls;
        var d = _exposure.Receive(connection, relay, depth + 1, at);
        if (d.Fate != Fate.Accepted)
        {
            relay.Client = null;
            _freeRelays.Push(relay);
            return d;
        }
        flow.Handshaken = true;
        var pod = (Pod)connection.HopAt(connection.Depth - 1)!;
        relay.Controller = pod;
        relay.ControllerIncarnation = pod.Incarnation;
        request.InPod = true; // held by the proxy until it answers
        request.Owner.OnQueued(request); // the client's own timeout runs from now
        return d;
    }

    /// <inheritdoc />
    public override long Back(Connection connection, long at, long bytes) => at;

    /// <inheritdoc />
    protected override long ToClient(Node entry, long at, long bytes) => at;

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        base.Closed(connection);
        _clients[connection.Id] = default;
    }

    // ---- what pods report: the controller pod's CPU, then the upstream pod ----

    void IRequestOwner.OnServiceStarted(Request request, long end)
    {
        if (request is Attempt a && end - a.SentAt > _readTimeout)
        {
            Sim.ScheduleAt(a.SentAt + _readTimeout, this, ReadTimeoutEvent, a.Relay, a.RelayGeneration);
        }
    }

    void IRequestOwner.OnQueued(Request request)
    {
        if (request is Attempt a)
        {
            Sim.ScheduleAt(a.SentAt + _readTimeout, this, ReadTimeoutEvent, a.Relay, a.RelayGeneration);
        }
    }

    void IRequestOwner.OnServed(Request request, bool rejected)
    {
        if (request is Relay relay)
        {
            // The controller pod's workers are done with it (or it had no room: 503).
            relay.Connection = relay.ClientConnection;
            if (rejected)
            {
                Finish(relay, rejected: true, FailureCause.Overloaded);
            }
            else
            {
                Forward(relay);
            }
            return;
        }
        var a = (Attempt)request;
        var r = a.Relay;
        if (a.RelayGeneration != r.Generation)
        {
            _freeAttempts.Push(a); // the proxy gave up on this try already
            return;
        }
        long back = a.Connection.Return(Sim.Now, rejected ? 200 : a.ResponseBytes);
        if (back < 0)
        {
            Close(a.Up!);
            NextTry(r, a.SentAt + _readTimeout, timeout: true); // the answer never comes back
            _freeAttempts.Push(a);
            return;
        }
        Sim.ScheduleAt(back, this, AnsweredEvent, a, (r.Generation << 1) | (rejected ? 1L : 0L));
    }

    void IRequestOwner.OnLost(Request request, bool reset)
    {
        if (request is Relay relay)
        {
            relay.Connection = relay.ClientConnection;
            LoseClient(relay); // the controller pod stopped with it
            return;
        }
        var a = (Attempt)request;
        var r = a.Relay;
        if (a.RelayGeneration == r.Generation)
        {
            long rst = reset ? a.Connection.Return(Sim.Now, Segments.Control) : -1;
            Close(a.Up!);
            if (rst >= 0)
            {
                NextTry(r, rst, timeout: false);
            }
            else
            {
                NextTry(r, a.SentAt + _readTimeout, timeout: true);
            }
        }
        _freeAttempts.Push(a);
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        switch (kind)
        {
            case NextTryEvent:
            {
                var r = (Relay)payload!;
                if ((data >> 1) != r.Generation)
                {
                    return;
                }
                bool timeout = (data & 1) == 1;
                bool allowed = timeout ? _spec.NextUpstreamOnTimeout : _spec.NextUpstreamOnError;
                if (allowed && r.Tries < _spec.Tries)
                {
                    Retries++;
                    Forward(r);
                }
                else
                {
                    if (_spec.Balance == IngressBalance.Ewma && r.LastPeer is { } last && Alive(r))
                    {
                        // after_balance reads the last upstream's times of a failed request too
                        ControllerOf(r.Controller!).Ewma.Observe(last, Sim.Now - r.TryStart + r.ConnectTime, Sim.Now);
                    }
                    Finish(r, rejected: true, FailureCause.DeadEndpoint); // 502 (error) or 504 (timeout)
                }
                return;
            }
            case AnsweredEvent:
            {
                var a = (Attempt)payload!;
                var r = a.Relay;
                if ((data >> 1) == r.Generation)
                {
                    var up = a.Up!;
                    var ctl = up.Controller;
                    if (_spec.Balance == IngressBalance.Ewma)
                    {
                        // $upstream_connect_time + $upstream_response_time: nginx's response time runs from the
                        // connect too, so a new connection's handshake counts twice, as in ewma.lua
                        ctl.Ewma.Observe(up.Peer, Sim.Now - r.TryStart + r.ConnectTime, Sim.Now);
                    }
                    Release(up);
                    Finish(r, rejected: (data & 1) == 1, FailureCause.Overloaded);
                }
                _freeAttempts.Push(a);
                return;
            }
            case ReadTimeoutEvent:
            {
                var r = (Relay)payload!;
                if (data == r.Generation && r.Current is { } up)
                {
                    Close(up); // nginx closes the upstream connection on a timeout
                    NextTry(r, Sim.Now, timeout: true);
                }
                return;
            }
        }
    }

    // ---- one request through the proxy ----

    private bool Alive(Relay r) => r.Controller!.Running && r.Controller.Incarnation == r.ControllerIncarnation;

    /// <summary>Sends the request to its next upstream pod, from the controller pod's own view.</summary>
    private void Forward(Relay r)
    {
        if (!Alive(r))
        {
            LoseClient(r);
            return;
        }
        if (r.Backend < 0)
        {
            Finish(r, rejected: true, FailureCause.NoRoute); // 404: no Ingress rule matches the request
            return;
        }
        var ctl = ControllerOf(r.Controller!);
        var view = ctl.Views[r.Backend];
        if (view.Length == 0)
        {
            Finish(r, rejected: true, FailureCause.Refused); // 503: the backend has no endpoint
            return;
        }
        long now = Sim.Now;
        var peer = ctl.Pick(r.Backend, _spec.Balance, r.Tried, _random, now);
        Chosen?.Invoke(r.Controller!, peer);
        r.Generation++;
        r.Tries++;
        r.TryStart = now;
        r.ConnectTime = 0;
        r.LastPeer = peer;
        var up = ctl.TakeIdle(peer, now, _keepaliveTimeout, this);
        if (up is not null)
        {
            Send(r, up, now);
        }
        else
        {
            Connect(r, ctl, peer, now);
        }
    }

    private void Connect(Relay r, ControllerPod ctl, Pod peer, long now)
    {
        var up = Open(ctl, peer, r.Backend);
        r.Current = up;
        var d = ctl.Link.Receive(up.Net, null, 0, now);
        switch (d.Fate)
        {
            case Fate.Answered:
                r.ConnectTime += d.At - now;
                Send(r, up, d.At);
                return;
            case Fate.Refused:
                Close(up);
                NextTry(r, d.At, timeout: false);
                return;
            default:
                // No SYN-ACK: the pod or its node is gone but still in the view. The kernel resends the SYN
                // at 1 s and 3 s, to no avail, and proxy_connect_timeout ends it.
                Close(up);
                NextTry(r, now + _connectTimeout, timeout: true);
                return;
        }
    }

    private void Send(Relay r, UpstreamConnection up, long at)
    {
        r.Current = up;
        var a = _freeAttempts.Count > 0 ? _freeAttempts.Pop() : new Attempt { Owner = this };
        a.Relay = r;
        a.RelayGeneration = r.Generation;
        a.Up = up;
        a.Connection = up.Net;
        a.SentAt = at;
        a.RequestBytes = r.RequestBytes;
        a.ResponseBytes = r.ResponseBytes;
        up.Requests++;
        var d = up.Controller.Link.Receive(up.Net, a, 0, at);
        switch (d.Fate)
        {
            case Fate.Accepted:
                return;
            case Fate.Closed:
                // The pod had closed the idle connection and its FIN had arrived: nginx drops it from the
                // cache and connects anew to the same pod; that is not a try.
                Close(up);
                _freeAttempts.Push(a);
                Connect(r, up.Controller, up.Peer, Sim.Now);
                return;
            case Fate.Refused:
                Close(up);
                _freeAttempts.Push(a);
                NextTry(r, d.At, timeout: false);
                return;
            default:
                Close(up);
                _freeAttempts.Push(a);
                NextTry(r, at + _readTimeout, timeout: true);
                return;
        }
    }

    private void NextTry(Relay r, long at, bool timeout)
    {
        r.Current = null;
        r.Generation++; // whatever the abandoned try still reports is stale
        Sim.ScheduleAt(Math.Max(at, Sim.Now), this, NextTryEvent, r, (r.Generation << 1) | (timeout ? 1L : 0L));
    }

    /// <summary>The controller answers the client: the upstream's answer, or its own error.</summary>
    private void Finish(Relay r, bool rejected, FailureCause cause)
    {
        var client = r.Client!;
        if (!Alive(r))
        {
            LoseClient(r);
            return;
        }
        r.Generation++;
        r.Current = null;
        client.InPod = false;
        if (rejected)
        {
            client.RejectCause = cause;
        }
        r.Client = null;
        _freeRelays.Push(r);
        client.Owner.OnServed(client, rejected);
    }

    /// <summary>The controller pod that held the request is gone: the client hears nothing, or an RST when its node is up.</summary>
    private void LoseClient(Relay r)
    {
        var client = r.Client!;
        var pod = r.Controller!;
        r.Generation++;
        r.Current = null;
        client.InPod = false;
        r.Client = null;
        _freeRelays.Push(r);
        client.Owner.OnLost(client, reset: pod.Node.Up && !pod.Deleted);
    }

    // ---- upstream connections ----

    private UpstreamConnection Open(ControllerPod ctl, Pod peer, int service)
    {
        var up = _freeConnections.Count > 0 ? _freeConnections.Pop() : new UpstreamConnection(new Connection(Cluster.NewConnectionId()) { Group = -1 });
        up.Controller = ctl;
        up.Peer = peer;
        up.Requests = 0;
        up.Open = true;
        up.Net.Service = service;
        up.Net.Client = ctl.Pod.Id;
        _upstreams[up.Net.Id] = new UpstreamFlow(peer);
        UpstreamConnectionsOpened++;
        return up;
    }

    private void Release(UpstreamConnection up)
    {
        var ctl = up.Controller;
        if (!up.Open)
        {
            return;
        }
        if (_spec.Keepalive == 0 || up.Requests >= _spec.KeepaliveRequests || ctl.Incarnation != ctl.Pod.Incarnation || !ctl.Pod.Running)
        {
            Close(up);
            return;
        }
        ctl.PutIdle(up, Sim.Now, _spec.Keepalive, this);
    }

    private void Close(UpstreamConnection up)
    {
        if (!up.Open)
        {
            return;
        }
        up.Open = false;
        up.Controller.RemoveIdle(up);
        up.Net.Close();
        _upstreams[up.Net.Id] = default;
        _freeConnections.Push(up);
    }

    // ---- the controller pods' views of the EndpointSlices ----

    private ControllerPod ControllerOf(Pod pod)
    {
        if (!_controllers.TryGetValue(pod, out var ctl) || ctl.Incarnation != pod.Incarnation)
        {
            // A controller process that (re)started: it loads the endpoints before it serves.
            ctl?.Drop(this);
            ctl = new ControllerPod(pod, new UpstreamLink(this, pod.Node), Model.Services.Count, _random);
            ctl.Sync(Model.Services, Sim.Now);
            _controllers[pod] = ctl;
            _controllerList.Add(ctl);
        }
        return ctl;
    }

    private void OnEndpointsPublished()
    {
        long now = Sim.Now;
        for (int i = _controllerList.Count - 1; i >= 0; i--)
        {
            var ctl = _controllerList[i];
            if (ctl.Incarnation != ctl.Pod.Incarnation || !ctl.Pod.Running)
            {
                ctl.Drop(this);
                _controllerList.RemoveAt(i);
                continue;
            }
            if (ctl.SyncPending)
            {
                continue;
            }
            ctl.SyncPending = true;
            // The controller posts the new backends no sooner than 1/--sync-rate-limit after its last post;
            // each worker picks them up within BACKENDS_SYNC_INTERVAL (1 s).
            long at = Math.Max(now, ctl.LastSync + _syncGap) + _pickup.NextNanoseconds();
            Sim.ScheduleAt(at, () =>
            {
                ctl.SyncPending = false;
                if (ctl.Incarnation == ctl.Pod.Incarnation && ctl.Pod.Running)
                {
                    ctl.LastSync = Sim.Now;
                    ctl.Sync(Model.Services, Sim.Now);
                    Trace.Add(Sim.Now, ctl.Pod.Name, EventKinds.IngressNginxSync, $"ingress-nginx controller {ctl.Pod.Name} applied the endpoint changes");
                }
            });
        }
    }

    private Pod PeerOf(Connection connection) => _upstreams[connection.Id].Peer!;

    /// <summary>A client connection as the proxy keeps it: whether its TLS handshake is done.</summary>
    private record struct ClientFlow(bool Handshaken);

    /// <summary>An upstream connection's pod.</summary>
    private record struct UpstreamFlow(Pod? Peer);

    /// <summary>A client's request while the proxy holds it (first in the controller pod's workers).</summary>
    private sealed class Relay : Request
    {
        public Request? Client;
        public Connection ClientConnection = null!;
        public Pod? Controller;
        public int ControllerIncarnation;
        public int Backend;
        public int Tries;
        public long TryStart;
        public long ConnectTime;
        public Pod? LastPeer;
        public readonly List<Pod> Tried = [];
        public UpstreamConnection? Current;
    }

    /// <summary>One try of a request on an upstream connection.</summary>
    private sealed class Attempt : Request
    {
        public Relay Relay = null!;
        public long RelayGeneration;
        public UpstreamConnection? Up;
    }

    /// <summary>A connection from a controller pod to an upstream pod.</summary>
    private sealed class UpstreamConnection(Connection net)
    {
        public readonly Connection Net = net;
        public ControllerPod Controller = null!;
        public Pod Peer = null!;
        public int Requests;
        public bool Open;
        public long IdleSince;
        public LinkedListNode<UpstreamConnection>? Lru;
    }

    /// <summary>One controller process: its copy of the endpoints, its balancer state and its idle upstream connections.</summary>
    private sealed class ControllerPod
    {
        private readonly int[] _next;
        private readonly Random _random;
        private readonly Dictionary<Pod, List<UpstreamConnection>> _idle = [];
        private readonly LinkedList<UpstreamConnection> _lru = new(); // most recently used first

        public ControllerPod(Pod pod, UpstreamLink link, int services, Random random)
        {
            Pod = pod;
            Incarnation = pod.Incarnation;
            Link = link;
            Views = new Pod[services][];
            _next = new int[services];
            _random = random;
        }

        public Pod Pod { get; }

        public int Incarnation { get; }

        public UpstreamLink Link { get; }

        public Pod[][] Views { get; }

        public bool SyncPending { get; set; }

        public long LastSync { get; set; } = long.MinValue / 2;

        public int IdleCount => _lru.Count;

        /// <summary>The EWMA scores of this controller process's endpoints.</summary>
        public EwmaBalancer<Pod> Ewma { get; } = new();

        public void Sync(IReadOnlyList<ServiceState> services, long now)
        {
            for (int s = 0; s < services.Count; s++)
            {
                var usable = services[s].Endpoints.Usable;
                if (!ReferenceEquals(usable, Views[s]))
                {
                    // A new list of peers: resty.roundrobin is built anew from it; ewma keeps the scores of the
                    // peers that stay and starts new ones at the mean.
                    Ewma.Sync(Views[s], usable, now);
                    Views[s] = usable;
                    _next[s] = usable.Length > 0 ? _random.Next(usable.Length) : 0;
                }
            }
        }

        public Pod Pick(int service, IngressBalance balance, List<Pod> tried, Random random, long now)
        {
            var view = Views[service];
            int n = view.Length;
            if (balance == IngressBalance.RoundRobin)
            {
                int i = _next[service] % n;
                _next[service] = i + 1;
                return view[i];
            }
            return Ewma.Pick(view, tried, random, now);
        }

        public UpstreamConnection? TakeIdle(Pod peer, long now, long timeout, IngressNginxFrontDoor door)
        {
            if (!_idle.TryGetValue(peer, out var list))
            {
                return null;
            }
            while (list.Count > 0)
            {
                var up = list[^1];
                list.RemoveAt(list.Count - 1);
                _lru.Remove(up.Lru!);
                up.Lru = null;
                if (now - up.IdleSince < timeout)
                {
                    return up;
                }
                door.Close(up); // closed by upstream-keepalive-timeout while it was idle
            }
            return null;
        }

        public void PutIdle(UpstreamConnection up, long now, int max, IngressNginxFrontDoor door)
        {
            up.IdleSince = now;
            if (!_idle.TryGetValue(up.Peer, out var list))
            {
                _idle[up.Peer] = list = [];
            }
            list.Add(up);
            up.Lru = _lru.AddFirst(up);
            if (_lru.Count > max)
            {
                door.Close(_lru.Last!.Value); // the cache is full: the least recently used goes
            }
        }

        public void RemoveIdle(UpstreamConnection up)
        {
            if (up.Lru is null)
            {
                return;
            }
            _lru.Remove(up.Lru);
            up.Lru = null;
            _idle[up.Peer].Remove(up);
        }

        /// <summary>The process is gone: its connections with it.</summary>
        public void Drop(IngressNginxFrontDoor door)
        {
            while (_lru.First is { } first)
            {
                door.Close(first.Value);
            }
        }
    }

    /// <summary>
    /// The controller pod's side of its upstream connections, as the first hop: across the node-to-node link
    /// to the upstream pod (or within the node) and back.
    /// </summary>
    private sealed class UpstreamLink(IngressNginxFrontDoor door, Node node) : Hop
    {
        public override Delivery Receive(Connection connection, Request? request, int depth, long at)
        {
            connection.Record(depth, this);
            var pod = door.PeerOf(connection);
            long bytes = request?.RequestBytes ?? Segments.Control;
            long arrive = door.Cluster.Carry(node, pod.Node, at, bytes);
            if (arrive < 0)
            {
                return Delivery.Lose(FailureCause.DeadEndpoint);
            }
            var d = pod.Receive(connection, request, depth + 1, arrive);
            return d.Travels ? d.Back(FromPod(pod, d.At, Segments.Control)) : d;
        }

        public override long Back(Connection connection, long at, long bytes) => FromPod(door.PeerOf(connection), at, bytes);

        public override void Closed(Connection connection)
        {
        }

        private long FromPod(Pod pod, long at, long bytes)
        {
            if (pod.Node == node)
            {
                return node.Up ? at : -1;
            }
            return door.Cluster.Carry(pod.Node, node, at, bytes);
        }
    }
}

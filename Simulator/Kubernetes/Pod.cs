using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>Observes pods' traffic; the measurement layer attaches one, the model never reads it.</summary>
public interface IPodProbe
{
    /// <summary>A request reached <paramref name="pod"/>.</summary>
    void Arrived(Pod pod);

    /// <summary><paramref name="pod"/> turned a request away with 503.</summary>
    void Rejected(Pod pod);

    /// <summary><paramref name="pod"/> accepted <paramref name="connection"/> (answered its SYN).</summary>
    void Accepted(Pod pod, Connection connection);
}

/// <summary>What a world's pods share: where they report their traffic (the probe the measurement layer sets) and their sockets' table. One holder per world.</summary>
public sealed class PodProbeSlot
{
    /// <summary>The probe pods report to; by default one that observes nothing.</summary>
    public IPodProbe Probe { get; set; } = NoPodProbe.Instance;

    /// <summary>The server sockets of the world's pods, by connection id (see <see cref="Pod"/>).</summary>
    internal FlowTable<Pod.Socket> Sockets { get; } = new();

    private sealed class NoPodProbe : IPodProbe
    {
        public static readonly NoPodProbe Instance = new();

        public void Arrived(Pod pod)
        {
        }

        public void Rejected(Pod pod)
        {
        }

        public void Accepted(Pod pod, Connection connection)
        {
        }
    }
}

/// <summary>
/// A pod: the last hop of a connection. A server with a number of workers and a bounded backlog (HTTP 503
/// when full), placed on a node. It answers SYNs while its containers run; a closed port on a live node
/// answers with an RST. Requests arrive through <see cref="Receive"/> (or, from the pod's own node, the
/// kubelet's probes, <see cref="Deliver"/>) and leave through their owner's <see cref="IRequestOwner.OnServed"/>.
/// </summary>
public sealed class Pod : Hop, IEventTarget
{
    private const int ArriveEvent = 0;
    private const int DoneEvent = 1;

    private readonly Simulation _sim;
    private readonly Sampler _serviceTime;
    private readonly Request?[] _inService;
    // Free slots of _inService: a service start takes one in O(1) instead of scanning for a null.
    private readonly Stack<int> _freeSlots;
    private readonly PodProbeSlot _probes;
    private readonly long _keepaliveTimeout;
    // The sockets of this pod's server: which connections it accepted, in which incarnation, from which
    // source address, and when each last carried data (the server closes idle ones). One table for the
    // world's pods, indexed by connection id (a connection is accepted by one pod at a time: a path that
    // moves to another pod closes it on the pod it left), each entry naming the pod that holds it: an
    // array access per segment, not a dictionary's hashing, and no slot per pod and connection.
    private readonly FlowTable<Socket> _sockets;

    internal Pod(Simulation sim, PodProbeSlot probes, int id, PodSource source, string name, int ordinal, Node node, Sampler serviceTime)
    {
        _sim = sim;
        _probes = probes;
        _sockets = probes.Sockets;
        Id = id;
        Source = source;
        Name = name;
        Ordinal = ordinal;
        Node = node;
        _serviceTime = serviceTime;
        var cap = source.Spec.Capacity;
        Pool = new ServerPool<Request>(cap.Workers, cap.Backlog);
        _inService = new Request?[cap.Workers];
        _freeSlots = new Stack<int>(cap.Workers);
        for (int slot = cap.Workers - 1; slot >= 0; slot--)
        {
            _freeSlots.Push(slot); // slot 0 on top
        }
        _keepaliveTimeout = double.IsPositiveInfinity(cap.KeepaliveTimeoutS) ? long.MaxValue : Time.FromSeconds(cap.KeepaliveTimeoutS);
    }

    /// <summary>Position in <see cref="KubernetesModel.AllPods"/>.</summary>
    public int Id { get; }

    /// <summary>The workload (or EndpointSlice) it belongs to.</summary>
    public PodSource Source { get; }

    /// <summary>Pod name: the source's name and an ordinal (a node's name for a DaemonSet).</summary>
    public string Name { get; }

    /// <summary>Its ordinal within the source (a StatefulSet's identity).</summary>
    public int Ordinal { get; }

    /// <summary>The node it runs on.</summary>
    public Node Node { get; }

    /// <summary>Its containers are running (the node is up and the pod has not crashed or been deleted).</summary>
    public bool Running { get; private set; }

    /// <summary>Running and past start-up: it would pass its readiness probe.</summary>
    public bool Started { get; private set; }

    private int _backoffRestarts;

    /// <summary>
    /// The kubelet's CrashLoopBackOff delay before restarting a container it killed: none the first time, then
    /// 10 s doubling up to 300 s, reset once a container ran 10 minutes (pod-lifecycle page, "Container restarts").
    /// </summary>
    internal long NextRestartBackoff(long now)
    {
        if (StartedAt + 600 * Time.Second <= now)
        {
            _backoffRestarts = 0;
        }
        int k = _backoffRestarts++;
        return k == 0 ? 0 : Time.FromSeconds(Math.Min(300, 10 * Math.Pow(2, k - 1)));
    }

    /// <summary>The pod template revision it was made from.</summary>
    public int Revision { get; internal set; }

    /// <summary>When its Ready condition last became true (what minReadySeconds counts from).</summary>
    internal long ReadySince { get; set; }

    /// <summary>When the running container last started (what initialDelaySeconds counts from).</summary>
    internal long StartedAt { get; private set; }

    /// <summary>The kubelet's probe workers for this pod; null when its containers have no probes.</summary>
    internal PodProbes? Probes { get; set; }

    /// <summary>The pod's Ready condition as the API server has it (what EndpointSlices publish).</summary>
    public bool EndpointReady { get; internal set; }

    /// <summary>Marked for deletion (eviction, drain, rollout): its endpoint is terminating.</summary>
    public bool Terminating { get; internal set; }

    /// <summary>Gone: the pod object is removed and never comes back.</summary>
    public bool Deleted { get; internal set; }

    /// <summary>
    /// Shutting down after SIGTERM: new requests are refused, the ones it holds are finished
    /// (until the grace period ends).
    /// </summary>
    internal bool Draining { get; private set; }

    /// <summary>Called when a draining pod holds no request any more: its containers exit.</summary>
    internal Action<Pod>? Drained { get; set; }

    /// <summary>Bumped at every stop so that requests in transit to a dead incarnation are recognised.</summary>
    public int Incarnation { get; private set; }

    // The node incarnation the pod's sandbox (its network namespace) was made in: a reboot takes it away.
    private int _sandboxOf = -1;

    /// <summary>Whether the pod's network namespace exists: its node is up, has not rebooted since the pod ran, and the pod is not deleted.</summary>
    private bool SandboxAlive => Node.Up && !Deleted && Node.Incarnation == _sandboxOf;

    /// <summary>Workers and backlog, with their statistics.</summary>
    public ServerPool<Request> Pool { get; }

    // ---- the pod as the last hop ----

    /// <inheritdoc />
    public override Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        if (!Running || Draining)
        {
            // A crashed container in a live pod, or a server that closed its listener on SIGTERM: the pod's
            // network namespace still exists and answers with an RST. A pod that is gone (deleted, its node
            // down, or its node rebooted and the kubelet not yet back to recreate the sandbox) answers nothing.
            return SandboxAlive
                ? Delivery.Refuse(at, request is null ? FailureCause.Refused : FailureCause.Reset)
                : Delivery.Lose(FailureCause.DeadEndpoint);
        }
        if (request is null)
        {
            _sockets[connection.Id] = new Socket(Id + 1, Incarnation + 1, connection.Source, at, 0);
            _probes.Probe.Accepted(this, connection);
            return Delivery.Answer(at);
        }
        ref var socket = ref _sockets[connection.Id];
        if (socket.Owner != Id + 1 || socket.Incarnation != Incarnation + 1 || socket.Source != connection.Source)
        {
            // Data for a connection this server never accepted (it moved here from another node or another
            // source address after a rehash, or the container restarted since): the kernel answers with an RST.
            return Delivery.Refuse(at, FailureCause.Reset);
        }
        if (socket.InService == 0 && at - socket.LastActive > _keepaliveTimeout)
        {
            // The server closed the idle connection (keepalive_timeout) before this request arrived. If its
            // FIN reached the sender before the sender sent, the sender knew: it opens a new connection. If
            // not (the keep-alive race), the request meets a closed socket: RST.
            long closedAt = socket.LastActive + _keepaliveTimeout;
            long oneWay = at - request.SentAt;
            return closedAt + oneWay <= request.SentAt ? new Delivery(Fate.Closed, at, FailureCause.Reset) : Delivery.Refuse(at, FailureCause.Reset);
        }
        socket.InService++; // busy: not idle until it has answered
        Deliver(at, request);
        return Delivery.Accept(at);
    }

    /// <inheritdoc />
    public override long Back(Connection connection, long at, long bytes) => at; // the answer starts here

    /// <inheritdoc />
    public override void Closed(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ref var socket = ref _sockets[connection.Id];
        if (socket.Owner == Id + 1)
        {
            socket = default;
        }
    }

    /// <summary>
    /// Schedules <paramref name="request"/> to reach the pod at <paramref name="at"/>: from a connection's hop
    /// (<see cref="Receive"/>), or straight from the pod's own node (the kubelet's probes). From now until the
    /// pod answers, rejects or loses it, the request is held (<see cref="Request.InPod"/>) and cannot be reused.
    /// </summary>
    public void Deliver(long at, Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.InPod = true;
        _sim.ScheduleAt(at, this, ArriveEvent, request, Incarnation);
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        var r = (Request)payload!;
        if (data != Incarnation || !Running)
        {
            // The pod stopped while the request was on its way, or while it was being served (then
            // Stop has already told the owner): nothing answers.
            if (kind == ArriveEvent)
            {
                r.InPod = false;
                r.Owner.OnLost(r, reset: SandboxAlive);
            }
            return;
        }
        long now = _sim.Now;
        if (kind == ArriveEvent)
        {
            _probes.Probe.Arrived(this);
            if (Draining)
            {
                // The application closed its listener on SIGTERM while the request was on its way: refused.
                _probes.Probe.Rejected(this);
                Answered(r, now);
                r.Owner.OnServed(r, rejected: true);
                return;
            }
            switch (Pool.Offer(now, r))
            {
                case Admission.Started:
                    StartService(r);
                    break;
                case Admission.Queued:
                    r.Owner.OnQueued(r);
                    break;
                default:
                    _probes.Probe.Rejected(this);
                    Answered(r, now);
                    r.Owner.OnServed(r, rejected: true);
                    break;
            }
            return;
        }
        _inService[r.ServiceSlot] = null;
        _freeSlots.Push(r.ServiceSlot);
        r.ServiceSlot = -1;
        var next = Pool.Complete(now);
        if (next is not null)
        {
            StartService(next);
        }
        Answered(r, now);
        r.Owner.OnServed(r, rejected: false);
        if (Draining && Pool.Busy == 0 && Pool.Queued == 0)
        {
            Drained?.Invoke(this);
        }
    }

    private void Answered(Request r, long now)
    {
        r.InPod = false;
        if (r.Connection is null)
        {
            return; // from the pod's own node, not over a connection
        }
        ref var socket = ref _sockets[r.Connection.Id];
        if (socket.Owner == Id + 1 && socket.Incarnation == Incarnation + 1 && socket.InService > 0)
        {
            socket.LastActive = now;
            socket.InService--;
        }
    }

    /// <summary>SIGTERM: stop taking requests and finish the ones held; <see cref="Drained"/> runs once none is left.</summary>
    internal void Drain()
    {
        if (!Running || Draining)
        {
            return;
        }
        Draining = true;
        if (Pool.Busy == 0 && Pool.Queued == 0)
        {
            Drained?.Invoke(this);
        }
    }

    private void StartService(Request r)
    {
        int slot = _freeSlots.Pop();
        _inService[slot] = r;
        r.ServiceSlot = slot;
        long service = _serviceTime.NextNanoseconds() + r.ExtraService;
        r.Owner.OnServiceStarted(r, _sim.Now + service);
        _sim.Schedule(service, this, DoneEvent, r, Incarnation);
    }

    /// <summary>
    /// Its containers have been running since before time 0 (the run starts in steady state): started at
    /// once, without the start-up event <see cref="Run"/> schedules (a large cluster has 150,000 of them).
    /// </summary>
    internal void RunningSinceStart()
    {
        StartContainers();
        Started = true;
        StartedAt = 0;
    }

    /// <summary>Containers start: the pod runs; it is started (ready to serve) after <paramref name="startup"/>.</summary>
    internal void Run(long startup, Action<Pod> onStarted)
    {
        StartContainers();
        int incarnation = Incarnation;
        _sim.Schedule(startup, () =>
        {
            if (Running && Incarnation == incarnation)
            {
                Started = true;
                StartedAt = _sim.Now;
                onStarted(this);
            }
        });
    }

    private void StartContainers()
    {
        Running = true;
        _sandboxOf = Node.Incarnation;
        Started = false;
    }

    /// <summary>The containers stop (crash, node down, deletion): every request held is lost.</summary>
    internal void Stop()
    {
        if (!Running)
        {
            return;
        }
        Running = false;
        Started = false;
        Draining = false;
        Incarnation++;
        bool reset = SandboxAlive;
        for (int i = 0; i < _inService.Length; i++)
        {
            var r = _inService[i];
            if (r is not null)
            {
                _inService[i] = null;
                _freeSlots.Push(i);
                r.ServiceSlot = -1;
                r.InPod = false;
                r.Owner.OnLost(r, reset);
            }
        }
        Pool.Clear(_sim.Now, r =>
        {
            r.InPod = false;
            r.Owner.OnLost(r, reset);
        });
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>
    /// A server socket: accepted in incarnation <see cref="Incarnation"/> - 1 (0: none), from <see cref="Source"/>;
    /// idle since <see cref="LastActive"/> when no request of it is in the pod.
    /// </summary>
    /// <summary>A server socket: the pod that holds it (its id + 1; 0: none), in which incarnation, from which source, when last active, requests in service.</summary>
    internal record struct Socket(int Owner, int Incarnation, int Source, long LastActive, int InService);
}

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

/// <summary>Where a world's pods report their traffic: one holder per world, whose probe the measurement layer sets.</summary>
public sealed class PodProbes
{
    /// <summary>The probe pods report to; by default one that observes nothing.</summary>
    public IPodProbe Probe { get; set; } = NoPodProbe.Instance;

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
/// answers with an RST. Requests arrive through <see cref="Receive"/> and leave through their owner's
/// <see cref="IRequestOwner.OnServed"/>.
/// </summary>
public sealed class Pod : IEventTarget, IHop
{
    private const int ArriveEvent = 0;
    private const int DoneEvent = 1;

    private readonly Simulation _sim;
    private readonly PodProbes _probes;
    private readonly Sampler _serviceTime;
    private readonly Request?[] _inService;
    // Free slots of _inService: a service start takes one in O(1) instead of scanning for a null.
    private readonly Stack<int> _freeSlots;
    private readonly long _keepaliveTimeout;
    // The sockets of this pod's server: which connections it accepted, in which incarnation, from which
    // source address, and when each last carried data (the server closes idle ones).
    private readonly FlowTable<Socket> _sockets = new();

    internal Pod(Simulation sim, PodProbes probes, int id, DeploymentState deployment, string name, Node node, Sampler serviceTime)
    {
        _sim = sim;
        _probes = probes;
        Id = id;
        Deployment = deployment;
        Name = name;
        Node = node;
        _serviceTime = serviceTime;
        var cap = deployment.Spec.Capacity;
        Pool = new ServerPool<Request>(cap.Workers, cap.Backlog);
        _inService = new Request?[cap.Workers];
        _freeSlots = new Stack<int>(Enumerable.Range(0, cap.Workers).Reverse());
        _keepaliveTimeout = double.IsPositiveInfinity(cap.KeepaliveTimeoutS) ? long.MaxValue : Time.FromSeconds(cap.KeepaliveTimeoutS);
    }

    /// <summary>Position in <see cref="KubernetesModel.AllPods"/>.</summary>
    public int Id { get; }

    /// <summary>The Deployment it belongs to.</summary>
    public DeploymentState Deployment { get; }

    /// <summary>Pod name (deployment name and an ordinal).</summary>
    public string Name { get; }

    /// <summary>The node it runs on.</summary>
    public Node Node { get; }

    /// <summary>Its containers are running (the node is up and the pod has not crashed or been deleted).</summary>
    public bool Running { get; private set; }

    /// <summary>Running and past start-up: it would pass its readiness probe.</summary>
    public bool Started { get; private set; }

    /// <summary>Marked ready in EndpointSlices (what the control plane believes).</summary>
    public bool EndpointReady { get; internal set; }

    /// <summary>Deleted by eviction: never comes back.</summary>
    public bool Deleted { get; internal set; }

    /// <summary>Bumped at every stop so that requests in transit to a dead incarnation are recognised.</summary>
    public int Incarnation { get; private set; }

    /// <summary>Workers and backlog, with their statistics.</summary>
    public ServerPool<Request> Pool { get; }

    // ---- the pod as the last hop ----

    /// <inheritdoc />
    public Delivery Receive(Connection connection, Request? request, int depth, long at)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Record(depth, this);
        ref var socket = ref _sockets[connection.Id];
        if (!Running)
        {
            // A crashed container in a live pod: its network namespace still exists and answers with an RST.
            // A pod that is gone (deleted, or its node down) answers nothing.
            return Node.Up && !Deleted
                ? Delivery.Refuse(at, request is null ? FailureCause.Refused : FailureCause.Reset)
                : Delivery.Lose(FailureCause.DeadEndpoint);
        }
        if (request is null)
        {
            socket = new Socket(Incarnation + 1, connection.Source, at, 0);
            _probes.Probe.Accepted(this, connection);
            return Delivery.Answer(at);
        }
        if (socket.Incarnation != Incarnation + 1 || socket.Source != connection.Source)
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
    public long Back(Connection connection, long at, long bytes) => at; // the answer starts here

    /// <inheritdoc />
    public void Closed(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _sockets[connection.Id] = default;
    }

    private void Deliver(long at, Request request)
    {
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
                r.Owner.OnLost(r, reset: Node.Up && !Deleted);
            }
            return;
        }
        long now = _sim.Now;
        if (kind == ArriveEvent)
        {
            _probes.Probe.Arrived(this);
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
    }

    private void Answered(Request r, long now)
    {
        r.InPod = false;
        ref var socket = ref _sockets[r.Connection.Id];
        if (socket.Incarnation == Incarnation + 1 && socket.InService > 0)
        {
            socket.LastActive = now;
            socket.InService--;
        }
    }

    private void StartService(Request r)
    {
        int slot = _freeSlots.Pop();
        _inService[slot] = r;
        r.ServiceSlot = slot;
        long service = _serviceTime.NextNanoseconds();
        r.Owner.OnServiceStarted(r, _sim.Now + service);
        _sim.Schedule(service, this, DoneEvent, r, Incarnation);
    }

    /// <summary>Containers start: the pod runs; it is started (ready to serve) after <paramref name="startup"/>.</summary>
    internal void Run(long startup, Action<Pod> onStarted)
    {
        Running = true;
        Started = false;
        int incarnation = Incarnation;
        _sim.Schedule(startup, () =>
        {
            if (Running && Incarnation == incarnation)
            {
                Started = true;
                onStarted(this);
            }
        });
    }

    /// <summary>The containers stop (crash, node down, deletion): every request held is lost, and its sockets with it.</summary>
    internal void Stop()
    {
        if (!Running)
        {
            return;
        }
        Running = false;
        Started = false;
        Incarnation++;
        bool reset = Node.Up && !Deleted;
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
    private record struct Socket(int Incarnation, int Source, long LastActive, int InService);
}

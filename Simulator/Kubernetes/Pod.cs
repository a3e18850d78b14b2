using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>
/// A pod: a server with a number of workers and a bounded backlog (HTTP 503 when full), placed on a node.
/// Requests arrive through <see cref="Deliver"/> and leave through their owner's
/// <see cref="IRequestOwner.OnServed"/>.
/// </summary>
public sealed class Pod : IEventTarget
{
    private const int ArriveEvent = 0;
    private const int DoneEvent = 1;

    private readonly Simulation _sim;
    private readonly Sampler _serviceTime;
    private readonly Request?[] _inService;
    // Free slots of _inService: a service start takes one in O(1) instead of scanning for a null.
    private readonly Stack<int> _freeSlots;

    internal Pod(Simulation sim, PodSource source, string name, int ordinal, Node node, Sampler serviceTime, int nodeCount)
    {
        _sim = sim;
        Source = source;
        Name = name;
        Ordinal = ordinal;
        Node = node;
        _serviceTime = serviceTime;
        var cap = source.Spec.Capacity;
        Pool = new ServerPool<Request>(cap.Workers, cap.Backlog);
        _inService = new Request?[cap.Workers];
        _freeSlots = new Stack<int>(Enumerable.Range(0, cap.Workers).Reverse());
        ConnectionsFrom = new ConnectionCounts(nodeCount);
    }

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

    /// <summary>Workers and backlog, with their statistics.</summary>
    public ServerPool<Request> Pool { get; }

    /// <summary>Open connections per entry node (what IPVS least-connection counts).</summary>
    public ConnectionCounts ConnectionsFrom { get; }

    /// <summary>Requests that reached the pod since the last window.</summary>
    public long Requests { get; set; }

    /// <summary>Requests turned away with 503 since the last window.</summary>
    public long Rejected { get; set; }

    /// <summary>Requests served since statistics were last reset.</summary>
    public long Served { get; set; }

    /// <summary>
    /// Schedules <paramref name="request"/> to reach the pod at <paramref name="at"/>. From now until the pod
    /// answers, rejects or loses it, the request is held (<see cref="Request.InPod"/>) and cannot be reused.
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
                r.Owner.OnLost(r);
            }
            return;
        }
        long now = _sim.Now;
        if (kind == ArriveEvent)
        {
            Requests++;
            if (Draining)
            {
                // The application closed its listener on SIGTERM: the connection is refused.
                Rejected++;
                r.InPod = false;
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
                    Rejected++;
                    r.InPod = false;
                    r.Owner.OnServed(r, rejected: true);
                    break;
            }
            return;
        }
        _inService[r.ServiceSlot] = null;
        _freeSlots.Push(r.ServiceSlot);
        r.ServiceSlot = -1;
        r.InPod = false;
        Served++;
        var next = Pool.Complete(now);
        if (next is not null)
        {
            StartService(next);
        }
        r.Owner.OnServed(r, rejected: false);
        if (Draining && Pool.Busy == 0 && Pool.Queued == 0)
        {
            Drained?.Invoke(this);
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
                StartedAt = _sim.Now;
                onStarted(this);
            }
        });
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
        for (int i = 0; i < _inService.Length; i++)
        {
            var r = _inService[i];
            if (r is not null)
            {
                _inService[i] = null;
                _freeSlots.Push(i);
                r.ServiceSlot = -1;
                r.InPod = false;
                r.Owner.OnLost(r);
            }
        }
        Pool.Clear(_sim.Now, r =>
        {
            r.InPod = false;
            r.Owner.OnLost(r);
        });
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

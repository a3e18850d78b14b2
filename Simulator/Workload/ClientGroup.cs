using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Workload;

/// <summary>Where the outcome of every logical request goes, exactly once.</summary>
public interface IOutcomeSink
{
    /// <summary>
    /// A logical request of group <paramref name="group"/> that started at <paramref name="start"/> ended now
    /// (at <paramref name="end"/>): successfully, or failed with <paramref name="cause"/>.
    /// </summary>
    void Record(int group, long start, long end, bool success, FailureCause cause);
}

/// <summary>
/// A group of clients and the walk of each of their requests: the client sends, the way of access picks
/// the entry node, the request crosses the links, kube-proxy on the entry node picks an endpoint from
/// its own view (maybe on another node: one more hop), the pod serves or rejects it, and the answer comes
/// back the same way (SNAT: through the entry node). Every logical request ends in exactly one outcome.
/// </summary>
public sealed class ClientGroup : IEventTarget, IRequestOwner
{
    private const int ArrivalEvent = 0;
    private const int ResponseEvent = 1;
    private const int FailEvent = 2;
    private const int RetryEvent = 3;
    private const int ThinkEvent = 4;

    private readonly Simulation _sim;
    private readonly ClientGroupSpec _spec;
    private readonly int _group;
    private readonly ServiceState _service;
    private readonly FrontDoor _frontDoor;
    private readonly KubernetesModel _model;
    private readonly Cluster _cluster;
    private readonly IOutcomeSink _sink;
    private readonly Sampler _interArrival;
    private readonly Sampler _think;
    private readonly Sampler _requestBytes;
    private readonly Sampler _responseBytes;
    private readonly Sampler _backoff;
    private readonly Random _clientPick;
    private readonly long _timeout;
    private readonly long _connectTimeout;
    private readonly long _unreachable;
    private readonly long _stopAt;
    // Attempts are recycled: memory is bounded by requests in flight, not by requests simulated.
    private readonly Stack<Request> _free = new();

    /// <summary>Builds the group; <see cref="Start"/> begins its traffic.</summary>
    public ClientGroup(Simulation sim, ClientGroupSpec spec, int group, ServiceState service, FrontDoor frontDoor,
        KubernetesModel model, IOutcomeSink sink, long stopAt)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        _sim = sim;
        _spec = spec;
        _group = group;
        _service = service;
        _frontDoor = frontDoor;
        _model = model;
        _cluster = model.Cluster;
        _sink = sink;
        _stopAt = stopAt;
        // Stream names depend on the group only, so every way of access sees the same arrivals and the
        // same client for each request (common random numbers).
        var streams = sim.Streams;
        _interArrival = Distribution.Exponential(spec.Rate > 0 ? 1 / spec.Rate : 1).CreateSampler(streams.Get($"arrivals:{spec.Name}"));
        _think = spec.ThinkTime.CreateSampler(streams.Get($"think:{spec.Name}"));
        _requestBytes = spec.RequestBytes.CreateSampler(streams.Get($"request-bytes:{spec.Name}"));
        _responseBytes = spec.ResponseBytes.CreateSampler(streams.Get($"response-bytes:{spec.Name}"));
        _backoff = spec.RetryBackoff.CreateSampler(streams.Get($"backoff:{spec.Name}"));
        _clientPick = streams.Get($"clients:{spec.Name}");
        _timeout = Time.FromSeconds(spec.TimeoutS);
        _connectTimeout = Time.FromSeconds(Math.Min(spec.ConnectTimeoutS, spec.TimeoutS));
        _unreachable = Time.FromSeconds(Math.Min(spec.UnreachableAfterS, spec.ConnectTimeoutS));
    }

    /// <summary>Group index.</summary>
    public int Index => _group;

    /// <summary>Logical requests started whose outcome is not recorded yet.</summary>
    public long Outstanding { get; private set; }

    /// <summary>Schedules the first arrivals (open loop) or every user's first request (closed loop).</summary>
    public void Start()
    {
        if (_spec.Users > 0)
        {
            for (int u = 0; u < _spec.Users; u++)
            {
                _sim.Schedule(_think.NextNanoseconds(), this, ThinkEvent, null, u);
            }
        }
        else
        {
            _sim.Schedule(_interArrival.NextNanoseconds(), this, ArrivalEvent);
        }
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        switch (kind)
        {
            case ArrivalEvent:
                if (_sim.Now < _stopAt)
                {
                    _sim.Schedule(_interArrival.NextNanoseconds(), this, ArrivalEvent);
                    NewRequest(_clientPick.Next(_spec.Clients), user: -1);
                }
                break;
            case ThinkEvent:
                if (_sim.Now < _stopAt)
                {
                    // Users share the group's client machines in turn.
                    NewRequest((int)(data % _spec.Clients), (int)data);
                }
                break;
            case RetryEvent:
                Send((Request)payload!);
                break;
            case ResponseEvent:
                OnResponse((Request)payload!, data);
                break;
            case FailEvent:
                OnFail((Request)payload!, data);
                break;
        }
    }

    private void NewRequest(int client, int user)
    {
        Outstanding++;
        var r = Rent();
        r.Client = client;
        r.User = user;
        r.Attempt = 0;
        r.FirstStart = _sim.Now;
        Send(r);
    }

    private Request Rent()
    {
        var r = _free.Count > 0 ? _free.Pop() : new Request { Owner = this };
        r.ClientDone = false;
        r.PendingCause = -1;
        r.Pod = null;
        r.Entry = null;
        r.Target = null;
        r.CountedConnection = -1;
        return r;
    }

    // ---- one attempt's walk: client -> way of access -> entry node -> kube-proxy -> pod ----

    private void Send(Request r)
    {
        long now = _sim.Now;
        r.AttemptStart = now;
        r.Deadline = now + _timeout;
        r.RequestBytes = (long)_requestBytes.Next();
        r.ResponseBytes = (long)_responseBytes.Next();

        var verdict = _frontDoor.Enter(r, _group);
        if (verdict != EntryVerdict.Entered)
        {
            // Nobody answers the SYN: a timeout, or EHOSTUNREACH after ARP fails on the same segment.
            bool arpFails = _spec.SameSegment && !r.ViaFrontDoor && verdict != EntryVerdict.NoRoute;
            FailAt(r, now + (arpFails ? _unreachable : _connectTimeout), verdict switch
            {
                EntryVerdict.NodeDown => FailureCause.NodeDown,
                EntryVerdict.StaleIp => FailureCause.StaleIp,
                _ => FailureCause.NoRoute,
            });
            return;
        }
        var entry = r.Entry!;
        entry.EntryRequests++;
        long at = r.ViaFrontDoor
            ? entry.FromFrontDoor.Send(_cluster.ClientToFrontDoor.Send(now, r.RequestBytes), r.RequestBytes)
            : entry.FromClient.Send(now, r.RequestBytes);

        // kube-proxy on the entry node decides when the connection is made, from its own view.
        var proxy = _model.Proxies[entry.Index];
        switch (proxy.Choose(_service, ((long)_group << 32) | (uint)r.Client))
        {
            case ProxyVerdict.Reject:
                FailAt(r, ReturnPath(r, entry, at, 60), FailureCause.Refused);
                return;
            case ProxyVerdict.Drop:
                FailAt(r, now + _connectTimeout, FailureCause.DroppedLocal);
                return;
        }
        var pod = proxy.Chosen!;
        if (pod.Node != entry)
        {
            if (!_cluster.CanReach(entry, pod.Node))
            {
                FailAt(r, now + _connectTimeout, FailureCause.DeadEndpoint);
                return;
            }
            at = _cluster.Between(entry, pod.Node).Send(at, r.RequestBytes);
        }
        if (!pod.Running)
        {
            // The endpoint is still in this kube-proxy's rules but its pod is gone: the SYN goes nowhere.
            FailAt(r, now + _connectTimeout, FailureCause.DeadEndpoint);
            return;
        }
        r.Pod = pod;
        r.Target = pod.Node;
        pod.ConnectionsFrom[entry.Index]++;
        pod.Deliver(at, r);
        if (at >= r.Deadline)
        {
            // Retransmissions on a lossy path can hold the request on the wire past the client's timeout
            // (up to ~51 s after 8 losses); the pod reports only once it arrives, so the client's own timer
            // must end the attempt at its deadline.
            FailAt(r, r.Deadline, FailureCause.Timeout);
        }
    }

    /// <summary>When bytes leaving <paramref name="from"/> at <paramref name="at"/> reach the client: back through the entry node (SNAT) and the front door.</summary>
    private long ReturnPath(Request r, Node from, long at, long bytes)
    {
        var entry = r.Entry!;
        if (from != entry)
        {
            at = _cluster.Between(from, entry).Send(at, bytes);
        }
        return r.ViaFrontDoor
            ? _cluster.FrontDoorToClient.Send(entry.ToFrontDoor.Send(at, bytes), bytes)
            : entry.ToClient.Send(at, bytes);
    }

    // ---- what the pod side reports ----

    void IRequestOwner.OnServiceStarted(Request request, long end)
    {
        if (end >= request.Deadline && !request.ClientDone)
        {
            FailAt(request, request.Deadline, FailureCause.Timeout);
        }
    }

    void IRequestOwner.OnQueued(Request request)
    {
        if (!request.ClientDone)
        {
            FailAt(request, request.Deadline, FailureCause.Timeout);
        }
    }

    void IRequestOwner.OnServed(Request r, bool rejected)
    {
        if (r.ClientDone)
        {
            Recycle(r);
            return;
        }
        var from = r.Target!;
        if (!from.Up || (from != r.Entry && !_cluster.CanReach(from, r.Entry!)))
        {
            FailAt(r, r.Deadline, FailureCause.InFlightLost);
            return;
        }
        long arrive = ReturnPath(r, from, _sim.Now, rejected ? 200 : r.ResponseBytes);
        if (arrive > r.Deadline)
        {
            FailAt(r, r.Deadline, FailureCause.Timeout);
            return;
        }
        r.PendingCause = rejected ? (int)FailureCause.Overloaded : -1;
        _sim.ScheduleAt(arrive, this, ResponseEvent, r, r.Generation);
    }

    void IRequestOwner.OnLost(Request r)
    {
        if (r.ClientDone)
        {
            Recycle(r);
            return;
        }
        FailAt(r, r.Deadline, FailureCause.InFlightLost);
    }

    // ---- the client side: outcome, retries, recycling ----

    private void FailAt(Request r, long at, FailureCause cause)
    {
        r.PendingCause = (int)cause;
        _sim.ScheduleAt(Math.Max(_sim.Now, Math.Min(at, r.Deadline)), this, FailEvent, r, r.Generation);
    }

    private void OnResponse(Request r, long generation)
    {
        if (generation != r.Generation || r.ClientDone)
        {
            return;
        }
        if (!r.Entry!.Up || !_frontDoor.StillRouted(r))
        {
            EndAttempt(r, false, r.Entry.Up ? FailureCause.Reset : FailureCause.InFlightLost);
        }
        else if (r.PendingCause >= 0)
        {
            EndAttempt(r, false, (FailureCause)r.PendingCause);
        }
        else
        {
            EndAttempt(r, true, default);
        }
    }

    private void OnFail(Request r, long generation)
    {
        if (generation != r.Generation || r.ClientDone)
        {
            return;
        }
        var cause = (FailureCause)r.PendingCause;
        if (cause is FailureCause.NodeDown or FailureCause.StaleIp or FailureCause.NoRoute)
        {
            _frontDoor.OnEntryFailed(r, _group);
        }
        EndAttempt(r, false, cause);
    }

    private void EndAttempt(Request r, bool success, FailureCause cause)
    {
        long now = _sim.Now;
        r.Generation++;
        r.ClientDone = true;
        _frontDoor.OnClosed(r);
        if (r.Pod is Pod pod && r.Entry is not null)
        {
            pod.ConnectionsFrom[r.Entry.Index]--;
        }
        if (!success && r.Attempt < _spec.Retries)
        {
            var next = Rent();
            next.Client = r.Client;
            next.User = r.User;
            next.FirstStart = r.FirstStart;
            next.Attempt = r.Attempt + 1;
            _sim.Schedule(_backoff.NextNanoseconds(), this, RetryEvent, next);
        }
        else
        {
            Outstanding--;
            _sink.Record(_group, r.FirstStart, now, success, cause);
            if (r.User >= 0 && now < _stopAt)
            {
                _sim.Schedule(_think.NextNanoseconds(), this, ThinkEvent, null, r.User);
            }
        }
        Recycle(r);
    }

    private void Recycle(Request r)
    {
        if (r.ClientDone && !r.InPod)
        {
            r.Pod = null;
            _free.Push(r);
        }
    }
}

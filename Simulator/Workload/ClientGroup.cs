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
/// A group of clients: their arrivals (open loop) or users (closed loop), the connections each client
/// machine holds, timeouts, retries, and one outcome per logical request. A request goes out on a
/// connection (a new one, or one kept alive); a new connection starts with a SYN handed to the way of
/// access, the first hop, which passes it on hop by hop; the client only sees what comes back: a SYN-ACK, an
/// RST, an answer, or nothing (then TCP resends: SYNs after 1, 3, 7 ... s, data after the retransmission
/// timeout, doubling). The group knows nothing of the hops beyond the first.
/// </summary>
public sealed class ClientGroup : IEventTarget, IRequestOwner
{
    private const int ArrivalEvent = 0;
    private const int ThinkEvent = 1;
    private const int RetryEvent = 2;
    private const int ResponseEvent = 3;
    private const int FailEvent = 4;
    private const int SynEvent = 5;
    private const int DataEvent = 6;
    private const int IdleEvent = 7;
    private const int ConnectFailEvent = 8;

    private readonly Simulation _sim;
    private readonly ClientGroupSpec _spec;
    private readonly ConnectionSpec _reuse;
    private readonly int _group;
    private readonly int _service;
    private readonly FrontDoor _door;
    private readonly Cluster _cluster;
    private readonly IOutcomeSink _sink;
    private readonly IConnectionProbe _probe;
    private readonly Sampler _interArrival;
    private readonly Sampler _think;
    private readonly Sampler _requestBytes;
    private readonly Sampler _responseBytes;
    private readonly Sampler _backoff;
    private readonly Random _clientPick;
    private readonly ulong _portSeed; // ephemeral ports: the flow hash of each new connection derives from it
    private ulong _connectionsOpened;
    private readonly long _timeout;
    private readonly long _connectTimeout;
    private readonly long _connectLimit; // the connect timeout, or when the kernel gives up resending SYNs if sooner
    private readonly long _unreachable;
    private readonly long _dataRto;
    private readonly long _idleTimeout;
    private readonly long _maxAge;
    private readonly long _stopAt;
    private readonly Machine[] _machines;
    // Attempts and connections are recycled: memory is bounded by what is in flight, not by what was simulated.
    private readonly Stack<Attempt> _freeAttempts = new();
    private readonly Stack<ClientConnection> _freeConnections = new();
    private readonly List<ClientConnection> _live = []; // connections not closed, each knowing its place here

    /// <summary>Builds the group; <see cref="Start"/> begins its traffic.</summary>
    public ClientGroup(Simulation sim, ClientGroupSpec spec, int group, ServiceState service, FrontDoor frontDoor,
        Cluster cluster, IOutcomeSink sink, IConnectionProbe probe, long stopAt)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(frontDoor);
        ArgumentNullException.ThrowIfNull(cluster);
        _sim = sim;
        _spec = spec;
        _reuse = spec.Connection;
        _group = group;
        _service = service.Index;
        _door = frontDoor;
        _cluster = cluster;
        _sink = sink;
        _probe = probe;
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
        _portSeed = (ulong)streams.Get($"flows:{spec.Name}").NextInt64();
        _timeout = Time.FromSeconds(spec.TimeoutS);
        _connectTimeout = Time.FromSeconds(Math.Min(spec.ConnectTimeoutS, spec.TimeoutS));
        _connectLimit = Math.Min(_connectTimeout, Tcp.SynSentAt(Tcp.SynRetries + 1));
        _unreachable = Time.FromSeconds(Math.Min(spec.UnreachableAfterS, spec.ConnectTimeoutS));
        _dataRto = cluster.RetransmitTimeout;
        _idleTimeout = double.IsPositiveInfinity(_reuse.IdleTimeoutS) ? long.MaxValue : Time.FromSeconds(_reuse.IdleTimeoutS);
        _maxAge = double.IsPositiveInfinity(_reuse.MaxAgeS) ? long.MaxValue : Time.FromSeconds(_reuse.MaxAgeS);
        _machines = new Machine[spec.Clients];
        // On the nodes' segment each machine keeps neighbour entries; its interface's reachable time is a random
        // 0.5 to 1.5 x base_reachable_time (drawn per machine, common to every way of access).
        var reachable = spec.SameSegment ? Distribution.Uniform(0.5 * NeighbourTable.BaseReachableTimeS, 1.5 * NeighbourTable.BaseReachableTimeS)
            .CreateSampler(streams.Get($"neighbour:{spec.Name}")) : null;
        for (int i = 0; i < _machines.Length; i++)
        {
            _machines[i] = new Machine();
            if (reachable is not null)
            {
                _machines[i].Neighbours = new NeighbourTable(reachable.NextNanoseconds(), _unreachable);
            }
        }
    }

    /// <summary>Group index.</summary>
    public int Index => _group;

    /// <summary>Logical requests started whose outcome is not recorded yet.</summary>
    public long Outstanding { get; private set; }

    /// <summary>Connections open now (established or connecting), over every client machine.</summary>
    public int OpenConnections => _live.Count;

    /// <summary>The established connections of every client machine now (for diagnostics and tests; it allocates).</summary>
    public IReadOnlyList<Connection> Established()
    {
        var list = new List<Connection>();
        foreach (var c in _live)
        {
            if (c.State == ConnectionState.Open)
            {
                list.Add(c.Net);
            }
        }
        return list;
    }

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
                    int machine = _clientPick.Next(_spec.Clients);
                    if (_door.ClientRuns(_group, machine))
                    {
                        NewRequest(machine, user: -1); // a client pod on a dead node sends nothing
                    }
                }
                break;
            case ThinkEvent:
                if (_sim.Now < _stopAt)
                {
                    // Users share the group's client machines in turn; one on a dead node waits for it.
                    if (_door.ClientRuns(_group, (int)(data % _spec.Clients)))
                    {
                        NewRequest((int)(data % _spec.Clients), (int)data);
                    }
                    else
                    {
                        _sim.Schedule(_think.NextNanoseconds(), this, ThinkEvent, null, data);
                    }
                }
                break;
            case RetryEvent:
                Dispatch((Attempt)payload!);
                break;
            case ResponseEvent:
                OnResponse((Attempt)payload!, data);
                break;
            case FailEvent:
                OnFail((Attempt)payload!, data);
                break;
            case SynEvent:
                if (Current((ClientConnection)payload!, data) is { } syn)
                {
                    Syn(syn);
                }
                break;
            case DataEvent:
                var a = (Attempt)payload!;
                if (a.Generation == data && !a.Done && a.On is { } on && a.OnGeneration == on.Net.Generation)
                {
                    Transmit(a, _sim.Now);
                }
                break;
            case IdleEvent:
                if (Current((ClientConnection)payload!, data) is { } idle)
                {
                    IdleCheck(idle);
                }
                break;
            case ConnectFailEvent:
                if (Current((ClientConnection)payload!, data >> 8) is { } failed)
                {
                    ConnectFailed(failed, (FailureCause)(data & 0xff));
                }
                break;
        }
    }

    private static ulong SplitMix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ClientConnection? Current(ClientConnection c, long generation) =>
        c.Net.Generation == generation && c.State != ConnectionState.Closed ? c : null;

    private void NewRequest(int machine, int user)
    {
        Outstanding++;
        var a = RentAttempt();
        a.Machine = machine;
        a.User = user;
        a.Number = 0;
        a.FirstStart = _sim.Now;
        Dispatch(a);
    }

    private Attempt RentAttempt()
    {
        var a = _freeAttempts.Count > 0 ? _freeAttempts.Pop() : new Attempt { Owner = this };
        a.Done = false;
        a.On = null;
        return a;
    }

    // ---- choosing a connection ----

    private void Dispatch(Attempt a)
    {
        long now = _sim.Now;
        a.Start = now;
        a.Deadline = now + _timeout;
        a.RequestBytes = (long)_requestBytes.Next();
        a.ResponseBytes = (long)_responseBytes.Next();
        Route(a);
    }

    private void Route(Attempt a)
    {
        long now = _sim.Now;
        var m = _machines[a.Machine];
        switch (_reuse.Reuse)
        {
            case ConnectionReuse.KeepAlive:
                // Like most HTTP/1.1 clients, reuse the most recently used idle connection.
                while (m.Idle.Count > 0)
                {
                    var idle = m.Idle[^1];
                    m.Idle.RemoveAt(m.Idle.Count - 1);
                    if (now - idle.IdleSince >= _idleTimeout || now - idle.OpenedAt >= _maxAge)
                    {
                        Close(idle);
                        continue;
                    }
                    Send(idle, a, now);
                    return;
                }
                break;
            case ConnectionReuse.Multiplex:
                ClientConnection? best = null;
                foreach (var c in m.Open)
                {
                    int load = c.InFlight.Count + c.Pending.Count;
                    if (!c.Draining && load < _reuse.Streams && (best is null || load < best.InFlight.Count + best.Pending.Count))
                    {
                        best = c;
                    }
                }
                if (best is not null)
                {
                    if (best.State == ConnectionState.Open)
                    {
                        Send(best, a, Math.Max(now, best.EstablishedAt));
                    }
                    else
                    {
                        best.Pending.Add(a);
                    }
                    return;
                }
                if (m.Open.Count >= _reuse.Pool)
                {
                    // Every stream of every connection is busy: the request waits for one (its timeout runs).
                    m.Waiting.Enqueue((a, a.Generation));
                    FailAt(a, a.Deadline, FailureCause.Timeout);
                    return;
                }
                break;
        }
        var fresh = Open(a.Machine);
        fresh.Pending.Add(a);
        Syn(fresh);
    }

    // ---- a connection's life ----

    private ClientConnection Open(int machine)
    {
        var c = _freeConnections.Count > 0 ? _freeConnections.Pop() : new ClientConnection(new Connection(_cluster.NewConnectionId()));
        var net = c.Net;
        net.Group = _group;
        net.Client = machine;
        net.Service = _service;
        net.Port = Port.Service;
        // The 5-tuple's hash: the client's address and a fresh ephemeral port, as a well-mixed 64-bit number
        // (SplitMix64 of a per-group counter: uniform, repeatable, and no generator call per connection).
        net.FlowHash = SplitMix(_portSeed + (++_connectionsOpened * 0x9E3779B97F4A7C15UL));
        c.Machine = machine;
        c.State = ConnectionState.Connecting;
        c.OpenedAt = _sim.Now;
        c.Syns = 0;
        c.Sent = 0;
        c.Draining = false;
        c.IdleArmed = false;
        c.Given = false;
        c.LiveIndex = _live.Count;
        _live.Add(c);
        if (_reuse.Reuse == ConnectionReuse.Multiplex)
        {
            _machines[machine].Open.Add(c);
        }
        return c;
    }

    /// <summary>Sends the connection's next SYN now and acts on what comes back.</summary>
    private void Syn(ClientConnection c)
    {
        long now = _sim.Now;
        int sent = c.Syns++;
        if (sent == 0)
        {
            c.ConnectStart = now;
        }
        long limit = c.ConnectStart + _connectLimit;
        var d = _door.Receive(c.Net, null, 0, now);
        switch (d.Fate)
        {
            case Fate.Answered:
                c.State = ConnectionState.Open;
                c.EstablishedAt = d.At;
                Confirm(c, d.At);
                _probe.Opened(c.Net);
                // Requests waiting for the handshake go out when the SYN-ACK arrives.
                for (int i = 0; i < c.Pending.Count; i++)
                {
                    Send(c, c.Pending[i], d.At);
                }
                c.Pending.Clear();
                return;
            case Fate.Refused:
                // An RST that would arrive after the connect timeout (a very lossy path) comes too late.
                ScheduleConnectFail(c, Math.Min(d.At, limit), d.Cause);
                return;
        }
        // No answer. A client on the nodes' segment gets EHOSTUNREACH once its neighbour entry for a dead
        // address has FAILED (not while it is REACHABLE); otherwise TCP resends the SYN until the connect timeout.
        var cause = d.Cause;
        if (_machines[c.Machine].Neighbours is { } neighbours && _door.ClientsResolveNodes && cause is FailureCause.NodeDown or FailureCause.StaleIp
            && _door.NeighbourAddress(c.Net) is { } address)
        {
            long unreachable = neighbours.Unanswered(address, now);
            if (unreachable >= 0)
            {
                ScheduleConnectFail(c, Math.Min(unreachable, limit), cause);
                return;
            }
        }
        long next = c.ConnectStart + Tcp.SynSentAt(sent + 1);
        if (sent < Tcp.SynRetries && next < limit)
        {
            _sim.ScheduleAt(next, this, SynEvent, c, c.Net.Generation);
        }
        else
        {
            ScheduleConnectFail(c, limit, cause);
        }
    }

    private void ScheduleConnectFail(ClientConnection c, long at, FailureCause cause) =>
        _sim.ScheduleAt(Math.Max(at, _sim.Now), this, ConnectFailEvent, c, ((long)c.Net.Generation << 8) | (byte)cause);

    private void ConnectFailed(ClientConnection c, FailureCause cause)
    {
        _probe.ConnectFailed(c.Net);
        if (cause is FailureCause.NodeDown or FailureCause.StaleIp or FailureCause.NoRoute)
        {
            _door.OnConnectFailed(c.Net, cause);
        }
        var pending = c.Pending;
        for (int i = 0; i < pending.Count; i++)
        {
            EndAttempt(pending[i], false, cause);
        }
        pending.Clear();
        Close(c);
    }

    private void Close(ClientConnection c)
    {
        if (c.State == ConnectionState.Closed)
        {
            return;
        }
        c.State = ConnectionState.Closed;
        var lastLive = _live[^1];
        _live[c.LiveIndex] = lastLive;
        lastLive.LiveIndex = c.LiveIndex;
        _live.RemoveAt(_live.Count - 1);
        var m = _machines[c.Machine];
        if (_reuse.Reuse == ConnectionReuse.Multiplex)
        {
            m.Open.Remove(c);
        }
        else if (_reuse.Reuse == ConnectionReuse.KeepAlive)
        {
            m.Idle.Remove(c);
        }
        c.Net.Close(); // FIN: every hop releases its state; stale events for this use of the object are ignored
        if (c.InFlight.Count == 0 && c.Pending.Count == 0)
        {
            _freeConnections.Push(c);
        }
    }

    private void IdleCheck(ClientConnection c)
    {
        c.IdleArmed = false;
        if (c.InFlight.Count > 0 || c.Pending.Count > 0)
        {
            return; // in use again: armed anew when it next goes idle
        }
        if (_sim.Now - c.IdleSince >= _idleTimeout)
        {
            Close(c);
        }
        else
        {
            ArmIdle(c);
        }
    }

    private void ArmIdle(ClientConnection c)
    {
        if (!c.IdleArmed && _idleTimeout != long.MaxValue)
        {
            c.IdleArmed = true;
            _sim.ScheduleAt(c.IdleSince + _idleTimeout, this, IdleEvent, c, c.Net.Generation);
        }
    }

    // ---- one request on a connection ----

    private void Send(ClientConnection c, Attempt a, long at)
    {
        a.On = c;
        a.OnGeneration = c.Net.Generation;
        a.Connection = c.Net;
        a.Slot = c.InFlight.Count;
        c.InFlight.Add(a);
        c.Sent++;
        a.Rto = _dataRto;
        a.Resends = 0;
        Transmit(a, at);
    }

    /// <summary>Sends (or resends) the request's data at <paramref name="at"/> and acts on what comes back.</summary>
    private void Transmit(Attempt a, long at)
    {
        var c = a.On!;
        a.SentAt = at;
        var d = _door.Receive(c.Net, a, 0, at);
        switch (d.Fate)
        {
            case Fate.Accepted:
                if (d.At >= a.Deadline)
                {
                    // Retransmissions on a lossy link can hold the request on the wire past the client's
                    // timeout; the pod reports only once it arrives, so the client's own timer ends it.
                    FailAt(a, a.Deadline, FailureCause.Timeout);
                }
                return;
            case Fate.Refused:
                FailAt(a, d.At, FailureCause.Reset);
                return;
            case Fate.Closed:
                // The server had closed the idle connection and the client knew: the request goes on another
                // (anything else already sent on it meets the closed socket).
                Leave(c, a);
                a.On = null;
                for (int i = c.InFlight.Count - 1; i >= 0; i--)
                {
                    FailAt(c.InFlight[i], _sim.Now, FailureCause.Reset);
                }
                if (c.InFlight.Count == 0)
                {
                    Close(c);
                }
                else
                {
                    c.Draining = true;
                }
                Route(a);
                return;
        }
        // Lost: TCP resends after the retransmission timeout, doubling, until the client's timeout or
        // tcp_retries2; a resend that finds the path back (or a new path) gets through or is reset.
        long next = at + a.Rto;
        if (a.Resends < Tcp.DataRetries && next < a.Deadline)
        {
            a.Resends++;
            a.Rto = Math.Min(a.Rto * 2, Tcp.MaxRto);
            _sim.ScheduleAt(Math.Max(next, _sim.Now), this, DataEvent, a, a.Generation);
        }
        else
        {
            FailAt(a, a.Resends < Tcp.DataRetries ? a.Deadline : next, d.Cause);
        }
    }

    // ---- what the pod side reports ----

    void IRequestOwner.OnServiceStarted(Request request, long end)
    {
        var a = (Attempt)request;
        if (end >= a.Deadline && !a.Done)
        {
            FailAt(a, a.Deadline, FailureCause.Timeout);
        }
    }

    void IRequestOwner.OnQueued(Request request)
    {
        var a = (Attempt)request;
        if (!a.Done)
        {
            FailAt(a, a.Deadline, FailureCause.Timeout);
        }
    }

    void IRequestOwner.OnServed(Request request, bool rejected)
    {
        var a = (Attempt)request;
        var cause = a.RejectCause;
        a.RejectCause = FailureCause.Overloaded; // a proxy sets it for each answer it fails
        if (a.Done)
        {
            Recycle(a);
            return;
        }
        long arrive = a.Connection.Return(_sim.Now, rejected ? 200 : a.ResponseBytes);
        if (arrive < 0)
        {
            FailAt(a, a.Deadline, FailureCause.InFlightLost);
        }
        else if (arrive > a.Deadline)
        {
            FailAt(a, a.Deadline, FailureCause.Timeout);
        }
        else
        {
            _sim.ScheduleAt(arrive, this, ResponseEvent, a, (a.Generation << 8) | (rejected ? 1L + (byte)cause : 0L));
        }
    }

    void IRequestOwner.OnLost(Request request, bool reset)
    {
        var a = (Attempt)request;
        if (a.Done)
        {
            Recycle(a);
            return;
        }
        long rst = reset ? a.Connection.Return(_sim.Now, Segments.Control) : -1;
        if (rst >= 0)
        {
            FailAt(a, rst, FailureCause.Reset);
        }
        else
        {
            FailAt(a, a.Deadline, FailureCause.InFlightLost);
        }
    }

    // ---- the client side: outcome, retries, recycling ----

    private void FailAt(Attempt a, long at, FailureCause cause) =>
        _sim.ScheduleAt(Math.Max(_sim.Now, Math.Min(at, a.Deadline)), this, FailEvent, a, (a.Generation << 8) | (byte)cause);

    private void OnResponse(Attempt a, long data)
    {
        if ((data >> 8) != a.Generation || a.Done)
        {
            return;
        }
        long code = data & 0xff; // 0: answered; else 1 + why the answer was a failure (a 503, or a proxy's 502)
        if (a.On is { } on)
        {
            Confirm(on, _sim.Now);
        }
        EndAttempt(a, code == 0, code == 0 ? default : (FailureCause)(code - 1));
    }

    /// <summary>An answer from the connection's address arrived: its neighbour entry is confirmed (segment clients only).</summary>
    private void Confirm(ClientConnection c, long at)
    {
        if (_machines[c.Machine].Neighbours is { } neighbours && _door.NeighbourAddress(c.Net) is { } address)
        {
            neighbours.Confirm(address, at);
        }
    }

    private void OnFail(Attempt a, long data)
    {
        if ((data >> 8) != a.Generation || a.Done)
        {
            return;
        }
        EndAttempt(a, false, (FailureCause)(data & 0xff));
    }

    private void EndAttempt(Attempt a, bool success, FailureCause cause)
    {
        long now = _sim.Now;
        a.Generation++;
        a.Done = true;
        if (a.On is { } c && a.OnGeneration == c.Net.Generation)
        {
            Release(c, a, success, cause);
        }
        a.On = null;
        if (!success && a.Number < _spec.Retries)
        {
            var next = RentAttempt();
            next.Machine = a.Machine;
            next.User = a.User;
            next.FirstStart = a.FirstStart;
            next.Number = a.Number + 1;
            _sim.Schedule(_backoff.NextNanoseconds(), this, RetryEvent, next);
        }
        else
        {
            Outstanding--;
            _sink.Record(_group, a.FirstStart, now, success, cause);
            if (a.User >= 0 && now < _stopAt)
            {
                _sim.Schedule(_think.NextNanoseconds(), this, ThinkEvent, null, a.User);
            }
        }
        Recycle(a);
    }

    /// <summary>The request <paramref name="a"/> on <paramref name="c"/> ended: keep the connection, or give it up.</summary>
    private void Release(ClientConnection c, Attempt a, bool success, FailureCause cause)
    {
        Leave(c, a);
        long now = _sim.Now;
        if (!success && cause != FailureCause.Overloaded)
        {
            // An RST closed it; or the client gives up a connection on which a request got no answer (an
            // HTTP/1.1 connection cannot be reused then; HTTP/2 clients treat it as dead). Requests still on
            // it fail with it.
            if (!c.Given)
            {
                c.Given = true;
                if (cause == FailureCause.Reset)
                {
                    _probe.Reset(c.Net);
                }
                else
                {
                    _probe.Hung(c.Net);
                }
            }
            for (int i = c.InFlight.Count - 1; i >= 0; i--)
            {
                FailAt(c.InFlight[i], now, cause);
            }
            if (c.InFlight.Count == 0)
            {
                Close(c);
            }
            return;
        }
        if (_reuse.Reuse == ConnectionReuse.PerRequest)
        {
            Close(c);
            return;
        }
        if (c.Sent >= _reuse.MaxRequests || now - c.OpenedAt >= _maxAge)
        {
            c.Draining = true; // no new requests; closed once its requests are answered
        }
        var m = _machines[c.Machine];
        if (_reuse.Reuse == ConnectionReuse.Multiplex && !c.Draining)
        {
            while (m.Waiting.Count > 0 && c.InFlight.Count + c.Pending.Count < _reuse.Streams)
            {
                var (waiting, generation) = m.Waiting.Dequeue();
                if (waiting.Generation == generation && !waiting.Done)
                {
                    Send(c, waiting, now); // not timed out (and so not recycled) while it waited
                }
            }
        }
        if (c.InFlight.Count > 0)
        {
            return;
        }
        if (c.Draining || (_reuse.Reuse == ConnectionReuse.KeepAlive && m.Idle.Count >= _reuse.Pool))
        {
            Close(c);
            return;
        }
        c.IdleSince = now;
        if (_reuse.Reuse == ConnectionReuse.KeepAlive)
        {
            m.Idle.Add(c);
        }
        ArmIdle(c);
    }

    private static void Leave(ClientConnection c, Attempt a)
    {
        // Swap-remove from the connection's requests in flight.
        var list = c.InFlight;
        int last = list.Count - 1;
        if (a.Slot <= last && list[a.Slot] == a)
        {
            var moved = list[last];
            list[a.Slot] = moved;
            moved.Slot = a.Slot;
            list.RemoveAt(last);
        }
    }

    private void Recycle(Attempt a)
    {
        if (a.Done && !a.InPod)
        {
            _freeAttempts.Push(a);
        }
    }

    /// <summary>One attempt of a logical request, with the client's own bookkeeping.</summary>
    private sealed class Attempt : Request
    {
        public int Machine;
        public int User = -1;
        public int Number;
        public long FirstStart;
        public long Start;
        public long Deadline;
        public bool Done;
        public ClientConnection? On;
        public int OnGeneration;
        public int Slot;
        public long Rto;
        public int Resends;
    }

    private enum ConnectionState : byte
    {
        Connecting,
        Open,
        Closed,
    }

    /// <summary>A client machine's connection: the network's <see cref="Connection"/> plus what the client keeps of it.</summary>
    private sealed class ClientConnection(Connection net)
    {
        public readonly Connection Net = net;
        public readonly List<Attempt> Pending = [];
        public readonly List<Attempt> InFlight = [];
        public int Machine;
        public ConnectionState State;
        public long OpenedAt;
        public long ConnectStart;
        public long EstablishedAt;
        public long IdleSince;
        public int Syns;
        public int Sent;
        public int LiveIndex;
        public bool Draining;
        public bool IdleArmed;
        public bool Given;
    }

    /// <summary>One client machine's connections to the Service.</summary>
    private sealed class Machine
    {
        public readonly List<ClientConnection> Idle = [];
        public readonly List<ClientConnection> Open = [];
        public readonly Queue<(Attempt Attempt, long Generation)> Waiting = new();
        public NeighbourTable? Neighbours;
    }
}

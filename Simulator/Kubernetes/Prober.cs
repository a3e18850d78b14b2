using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Kubernetes;

/// <summary>Which of a container's probes.</summary>
internal enum ProbeKind
{
    Readiness,
    Liveness,
    Startup,
}

/// <summary>Receives what the kubelet's probe workers conclude.</summary>
internal interface IProbeListener
{
    /// <summary>The readiness or startup result of <paramref name="pod"/> changed (its Ready condition may follow).</summary>
    void ReadinessChanged(Pod pod);

    /// <summary>A liveness or startup probe failed its threshold: the kubelet kills the container.</summary>
    void ProbeKill(Pod pod, ProbeKind kind);
}

/// <summary>The probe workers of one pod and what they concluded.</summary>
internal sealed class PodProbes
{
    public PodProbes(ProbeWorker? readiness, ProbeWorker? liveness, ProbeWorker? startup)
    {
        Readiness = readiness;
        Liveness = liveness;
        Startup = startup;
    }

    public ProbeWorker? Readiness { get; }
    public ProbeWorker? Liveness { get; }
    public ProbeWorker? Startup { get; }

    /// <summary>The startup probe passed (or there is none): the other probes run, the container counts as started.</summary>
    public bool StartupDone => Startup is null || Startup.Success;

    /// <summary>The readiness probe passes (or there is none).</summary>
    public bool ReadinessPasses => Readiness is null || Readiness.Success;

    /// <summary>The kubelet (re)starts: every worker runs again, each from a phase of its own.</summary>
    public void Start(double phaseFraction)
    {
        Readiness?.Start(phaseFraction);
        Liveness?.Start(phaseFraction);
        Startup?.Start(phaseFraction);
    }

    /// <summary>The kubelet stops (its node is down) or the pod is gone: the workers stop.</summary>
    public void Stop()
    {
        Readiness?.Stop();
        Liveness?.Stop();
        Startup?.Stop();
    }

    /// <summary>A new container started: results go back to their initial values, probing resumes.</summary>
    public void NewContainer()
    {
        Readiness?.NewContainer();
        Liveness?.NewContainer();
        Startup?.NewContainer();
    }

    /// <summary>The container's application answers now: the kubelet's status update triggers a readiness probe at once.</summary>
    public void ContainerStarted()
    {
        if (StartupDone)
        {
            Readiness?.Trigger();
        }
    }
}

/// <summary>
/// One probe of one container, as the kubelet's prober worker runs it (pkg/kubelet/prober/worker.go): a
/// ticker every periodSeconds from the worker's start (when the pod reached the kubelet; the phase is drawn
/// per pod, as real pods start at unrelated times), plus an immediate run when the container has started.
/// A probe before the container has run initialDelaySeconds is skipped; liveness and readiness wait for the
/// startup probe. Results change only after failureThreshold consecutive failures or successThreshold
/// consecutive successes. Readiness starts failed, liveness passed. An HTTP or gRPC probe is a request the
/// application must answer within timeoutSeconds: it waits behind queued work, so an overloaded pod fails it;
/// a TCP or exec probe passes while the application is up.
/// </summary>
internal sealed class ProbeWorker : IEventTarget, IRequestOwner
{
    private const int TickEvent = 0;
    private const int TimeoutEvent = 1;

    private readonly Simulation _sim;
    private readonly Pod _pod;
    private readonly ProbeSpec _spec;
    private readonly IProbeListener _listener;
    private readonly long _period;
    private readonly long _timeout;
    private readonly long _initialDelay;
    private long _loop;           // bumped when the worker stops, so stale ticks are dropped
    private long _probeGeneration; // bumped at every probe sent and every result, so late answers are dropped
    private bool _onHold;
    private bool _inFlight;       // an HTTP/gRPC probe awaits its answer: the kubelet probes one at a time
    private bool? _lastResult;
    private int _run;

    public ProbeWorker(Simulation sim, Pod pod, ProbeKind kind, ProbeSpec spec, IProbeListener listener)
    {
        _sim = sim;
        _pod = pod;
        Kind = kind;
        _spec = spec;
        _listener = listener;
        _period = Time.FromSeconds(spec.PeriodS);
        _timeout = Time.FromSeconds(spec.TimeoutS);
        _initialDelay = Time.FromSeconds(spec.InitialDelayS);
        Success = InitialValue;
    }

    public ProbeKind Kind { get; }

    /// <summary>The current result.</summary>
    public bool Success { get; private set; }

    /// <summary>Readiness starts failed, liveness passed; startup is unknown, which counts as not passed.</summary>
    private bool InitialValue => Kind == ProbeKind.Liveness;

    public void Start(double phaseFraction)
    {
        _loop++;
        long phase = (long)(phaseFraction * _period);
        _sim.Schedule(phase, this, TickEvent, null, _loop);
    }

    public void Stop()
    {
        _loop++;
        _probeGeneration++;
        _inFlight = false;
    }

    public void NewContainer()
    {
        _probeGeneration++;
        _inFlight = false;
        _onHold = false;
        if (Success != InitialValue)
        {
            Success = InitialValue;
            if (Kind != ProbeKind.Liveness)
            {
                _listener.ReadinessChanged(_pod);
            }
        }
    }

    /// <summary>The pod has been running and passing this probe since long before the run started.</summary>
    public void AssumePassed()
    {
        Success = true;
        _lastResult = true;
        _run = _spec.SuccessThreshold;
    }

    /// <summary>Runs a probe now, outside the ticker (the kubelet's manual trigger).</summary>
    public void Trigger() => Probe();

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        if (kind == TickEvent)
        {
            if (data != _loop)
            {
                return;
            }
            _sim.Schedule(_period, this, TickEvent, null, _loop);
            Probe();
            return;
        }
        if (data == _probeGeneration)
        {
            Record(false); // no answer within timeoutSeconds
        }
    }

    private void Probe()
    {
        if (_pod.Deleted || _onHold || _inFlight)
        {
            return; // a tick during a probe is dropped, as Go's ticker drops ticks a slow receiver misses
        }
        if (!_pod.Running || !_pod.Started)
        {
            // The container is not running (or not yet started): readiness is failed, nothing else is probed.
            if (Kind == ProbeKind.Readiness && Success)
            {
                Success = false;
                _listener.ReadinessChanged(_pod);
            }
            return;
        }
        if (_pod.Terminating && Kind != ProbeKind.Readiness)
        {
            return; // liveness and startup stop once the pod is being deleted; readiness goes on (serving)
        }
        if (_sim.Now - _pod.StartedAt < _initialDelay)
        {
            return;
        }
        var probes = _pod.Probes!;
        if (Kind == ProbeKind.Startup ? probes.StartupDone : !probes.StartupDone)
        {
            return;
        }
        if (!_spec.ThroughApplication)
        {
            Record(true); // the port listens / the command runs while the application is up
            return;
        }
        long generation = ++_probeGeneration;
        _inFlight = true;
        // The kubelet probes the pod on its own node: no network hop. The request queues like any other.
        var request = new Request { Owner = this, Generation = generation, SentAt = _sim.Now };
        _sim.Schedule(_timeout, this, TimeoutEvent, null, generation);
        _pod.Deliver(_sim.Now, request);
    }

    private void Record(bool success)
    {
        _probeGeneration++;
        _inFlight = false;
        if (_lastResult == success)
        {
            _run++;
        }
        else
        {
            _lastResult = success;
            _run = 1;
        }
        if (success ? _run < _spec.SuccessThreshold : _run < _spec.FailureThreshold)
        {
            return;
        }
        bool changed = Success != success;
        Success = success;
        if (Kind != ProbeKind.Readiness && !success)
        {
            // Liveness or startup failed: the container is killed; no probing until a new container runs.
            _onHold = true;
            _run = 0;
            _listener.ProbeKill(_pod, Kind);
            return;
        }
        if (changed && Kind != ProbeKind.Liveness)
        {
            _listener.ReadinessChanged(_pod);
        }
    }

    // ---- an HTTP/gRPC probe as a request the pod answers ----

    void IRequestOwner.OnServiceStarted(Request request, long end)
    {
    }

    void IRequestOwner.OnQueued(Request request)
    {
    }

    void IRequestOwner.OnServed(Request request, bool rejected)
    {
        if (request.Generation == _probeGeneration)
        {
            Record(!rejected); // a 503 (backlog full, or shutting down) is a failure
        }
    }

    void IRequestOwner.OnLost(Request request, bool reset)
    {
        if (request.Generation == _probeGeneration)
        {
            Record(false); // the container died under the probe: connection reset
        }
    }
}

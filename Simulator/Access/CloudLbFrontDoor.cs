using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// An external load balancer in front of the nodes' node ports: it sends each new connection to a node it
/// believes healthy, and believes what its periodic health checks told it. A check goes to kube-proxy's
/// health port (Cluster policy: 200 while kube-proxy runs) or the healthCheckNodePort (Local policy: 200
/// only with a local ready endpoint); with <see cref="CloudLbAccess.ProbeThroughPods"/> it is an HTTP
/// request on the traffic port that waits in the pods' queues like any request, so an overloaded node
/// fails its checks and is ejected.
/// </summary>
public sealed class CloudLbFrontDoor : LoadBalancerFrontDoor, IRequestOwner, IEventTarget
{
    private const int ProbeEvent = 0;
    private const int ProbeTimeoutEvent = 1;

    private readonly CloudLbAccess _spec;
    private readonly Node[] _eligible;
    private readonly bool[] _healthy;
    private readonly int[] _failures;
    private readonly int[] _successes;
    private readonly int[] _connections;
    private readonly Request[] _probe;
    private readonly Random _random;
    private readonly long _interval;
    private readonly long _timeout;
    private int _roundRobin;

    /// <summary>Builds the load balancer and starts its health checks.</summary>
    public CloudLbFrontDoor(Simulation sim, CloudLbAccess spec, KubernetesModel model, IReadOnlyList<ServiceState> groupServices, Trace trace)
        : base(sim, model, groupServices, trace)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        // Cloud controllers register every node not labelled exclude-from-external-load-balancers.
        _eligible = model.Cluster.Nodes.Where(n => !n.Spec.ExcludeFromExternalLoadBalancers).ToArray();
        int count = model.Cluster.Nodes.Count;
        _healthy = new bool[count];
        _failures = new int[count];
        _successes = new int[count];
        _connections = new int[count];
        _probe = new Request[count];
        _random = sim.Streams.Get("cloud-lb");
        _interval = Time.FromSeconds(spec.HealthCheck.IntervalS);
        _timeout = Time.FromSeconds(spec.HealthCheck.TimeoutS);
        for (int k = 0; k < _eligible.Length; k++)
        {
            var n = _eligible[k];
            _healthy[n.Index] = true;
            _probe[n.Index] = new Request { Owner = this, Generation = 1, ClientDone = true };
            // Checks of different nodes run at spread phases.
            Sim.Schedule(_interval * (k + 1) / (_eligible.Length + 1), this, ProbeEvent, n);
        }
    }

    /// <summary>Whether the LB currently believes <paramref name="node"/> healthy.</summary>
    public bool IsHealthy(Node node) => _healthy[node.Index];

    /// <inheritdoc />
    public override EntryVerdict Enter(Request request, int group)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ViaFrontDoor = true;
        Node? chosen = Choose(healthyOnly: true);
        if (chosen is null && _spec.FailOpen)
        {
            chosen = Choose(healthyOnly: false); // every target unhealthy: send to all of them
        }
        request.Entry = chosen;
        if (chosen is null)
        {
            return EntryVerdict.NoRoute;
        }
        _connections[chosen.Index]++;
        request.CountedConnection = chosen.Index;
        return chosen.Up ? EntryVerdict.Entered : EntryVerdict.NodeDown;
    }

    /// <inheritdoc />
    public override void OnClosed(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CountedConnection >= 0)
        {
            _connections[request.CountedConnection]--;
            request.CountedConnection = -1;
        }
    }

    /// <inheritdoc />
    public override bool IsAnnouncedEntry(Node node) => _healthy[node.Index];

    private Node? Choose(bool healthyOnly)
    {
        int n = _eligible.Length;
        switch (_spec.Algorithm)
        {
            case LbAlgorithm.RoundRobin:
                for (int k = 0; k < n; k++)
                {
                    var node = _eligible[(_roundRobin + k) % n];
                    if (!healthyOnly || _healthy[node.Index])
                    {
                        _roundRobin = (_roundRobin + k + 1) % n;
                        return node;
                    }
                }
                return null;
            case LbAlgorithm.LeastConnections:
                Node? best = null;
                foreach (var node in _eligible)
                {
                    if ((!healthyOnly || _healthy[node.Index]) && (best is null || _connections[node.Index] < _connections[best.Index]))
                    {
                        best = node;
                    }
                }
                return best;
            default:
                int healthy = 0;
                foreach (var node in _eligible)
                {
                    if (!healthyOnly || _healthy[node.Index])
                    {
                        healthy++;
                    }
                }
                if (healthy == 0)
                {
                    return null;
                }
                int pick = _random.Next(healthy);
                foreach (var node in _eligible)
                {
                    if ((!healthyOnly || _healthy[node.Index]) && pick-- == 0)
                    {
                        return node;
                    }
                }
                return null;
        }
    }

    /// <inheritdoc />
    public void OnEvent(int kind, object? payload, long data)
    {
        var node = (Node)payload!;
        var probe = _probe[node.Index];
        if (kind == ProbeTimeoutEvent)
        {
            if (data == probe.Generation)
            {
                Finish(node, ok: false);
            }
            return;
        }
        Sim.Schedule(_interval, this, ProbeEvent, node);
        if (!probe.ClientDone)
        {
            return; // the previous check is still running: its timeout decides it
        }
        StartProbe(node, probe);
    }

    private void StartProbe(Node node, Request previous)
    {
        // A fresh request per check (rare, so the allocation does not matter): an abandoned check may
        // still sit in a pod's backlog and must not be confused with this one.
        var probe = new Request { Owner = this, Generation = previous.Generation + 1 };
        _probe[node.Index] = probe;
        probe.AttemptStart = Sim.Now;
        probe.Entry = node;
        Sim.Schedule(_timeout, this, ProbeTimeoutEvent, node, probe.Generation);
        var link = Model.Cluster.Nodes[node.Index].FromFrontDoor;
        if (!node.Up)
        {
            return; // no answer: the timeout decides
        }
        if (!_spec.ProbeThroughPods)
        {
            bool ok = GroupServices.All(s => !Eligibility.LocalPolicy(s) || Model.Proxies[node.Index].View(s.Index).Any(p => p.Node == node));
            if (ok)
            {
                long rtt = link.Send(Sim.Now, 100) - Sim.Now + node.ToFrontDoor.Send(Sim.Now, 100) - Sim.Now;
                long gen = probe.Generation;
                Sim.Schedule(rtt, () =>
                {
                    if (probe.Generation == gen && !probe.ClientDone)
                    {
                        Finish(node, ok: true);
                    }
                });
            }
            return; // a 503 from healthz counts as a failure when the timeout expires
        }
        // An HTTP check on the traffic port: through kube-proxy on that node to a pod, queued like any request.
        var svc = GroupServices[0];
        var proxy = Model.Proxies[node.Index];
        if (proxy.Choose(svc, -1 - node.Index) != ProxyVerdict.Forward)
        {
            return;
        }
        var pod = proxy.Chosen!;
        if (pod.Node != node && !Model.Cluster.CanReach(node, pod.Node))
        {
            return;
        }
        long at = link.Send(Sim.Now, 100);
        if (pod.Node != node)
        {
            at = Model.Cluster.Between(node, pod.Node).Send(at, 100);
        }
        probe.Target = pod.Node;
        pod.Deliver(at, probe);
    }

    private void Finish(Node node, bool ok)
    {
        var probe = _probe[node.Index];
        probe.ClientDone = true;
        probe.Generation++;
        int i = node.Index;
        if (ok)
        {
            _failures[i] = 0;
            if (!_healthy[i] && ++_successes[i] >= _spec.HealthCheck.HealthyThreshold)
            {
                _healthy[i] = true;
                Trace.Add(Sim.Now, node.Name, "lb-healthy", $"cloud LB marked {node.Name} healthy");
            }
        }
        else
        {
            _successes[i] = 0;
            if (_healthy[i] && ++_failures[i] >= _spec.HealthCheck.UnhealthyThreshold)
            {
                _healthy[i] = false;
                Trace.Add(Sim.Now, node.Name, "lb-unhealthy", $"cloud LB marked {node.Name} unhealthy after {_failures[i]} failed checks");
            }
        }
    }

    // ---- the check as a request's owner (ProbeThroughPods) ----

    void IRequestOwner.OnServiceStarted(Request request, long end)
    {
    }

    void IRequestOwner.OnQueued(Request request)
    {
    }

    void IRequestOwner.OnServed(Request request, bool rejected)
    {
        var node = request.Entry!;
        if (request.ClientDone || _probe[node.Index] != request)
        {
            return;
        }
        long back = node.ToFrontDoor.Send(Sim.Now, 200) - Sim.Now;
        long gen = request.Generation;
        Sim.Schedule(back, () =>
        {
            if (request.Generation == gen && !request.ClientDone)
            {
                Finish(node, ok: !rejected);
            }
        });
    }

    void IRequestOwner.OnLost(Request request)
    {
    }
}

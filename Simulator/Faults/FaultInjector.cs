using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Faults;

/// <summary>
/// Puts the faults of a scenario on the timeline. It acts only through the model's public operations,
/// and its random faults draw from streams named after the nodes, so every way of access in a run sees
/// the same fault timeline (common random numbers).
/// </summary>
public sealed class FaultInjector
{
    private readonly Simulation _sim;
    private readonly KubernetesModel _model;
    private readonly Trace _trace;

    /// <summary>Schedules every fault of <paramref name="faults"/>.</summary>
    public FaultInjector(Simulation sim, KubernetesModel model, IReadOnlyList<FaultSpec> faults, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(faults);
        _sim = sim;
        _model = model;
        _trace = trace;
        foreach (var f in faults)
        {
            Schedule(f);
        }
    }

    private Cluster Cluster => _model.Cluster;

    private void Schedule(FaultSpec fault)
    {
        switch (fault)
        {
            case NodeCrash c:
                At(c.AtS, () => _model.CrashNode(Cluster.ByName(c.Node)));
                if (!double.IsInfinity(c.DurationS))
                {
                    At(c.AtS + c.DurationS, () => _model.StartNode(Cluster.ByName(c.Node)));
                }
                break;
            case NodeReboot r:
                At(r.AtS, () =>
                {
                    _trace.Add(_sim.Now, r.Node, "reboot", $"{r.Node} rebooting");
                    _model.CrashNode(Cluster.ByName(r.Node));
                });
                At(r.AtS + r.DowntimeS, () =>
                {
                    var node = Cluster.ByName(r.Node);
                    if (r.NewIp.Length > 0)
                    {
                        _model.ChangeNodeIp(node, r.NewIp);
                    }
                    _model.StartNode(node);
                });
                break;
            case NodeIpChange ip:
                At(ip.AtS, () => _model.ChangeNodeIp(Cluster.ByName(ip.Node), ip.NewIp));
                break;
            case LinkDegradation d:
                At(d.AtS, () => Degrade(d, +1));
                At(d.AtS + d.DurationS, () => Degrade(d, -1));
                break;
            case NetworkPartition p:
                At(p.AtS, () => Partition(p, cut: true));
                At(p.AtS + p.DurationS, () => Partition(p, cut: false));
                break;
            case PodCrash pc:
                At(pc.AtS, () =>
                {
                    var d = _model.Deployments.First(x => x.Name == pc.Deployment);
                    if (pc.Replica < d.Pods.Count)
                    {
                        _model.CrashPod(d.Pods[pc.Replica], Time.FromSeconds(pc.RestartS));
                    }
                });
                break;
            case RandomNodeFailures rf:
                StartRandomFailures(rf);
                break;
            default:
                throw new ArgumentException($"unknown fault {fault.GetType().Name}", nameof(fault));
        }
    }

    private void At(double atS, Action action) => _sim.ScheduleAt(Time.FromSeconds(atS), action);

    private void Degrade(LinkDegradation d, int sign)
    {
        var node = Cluster.ByName(d.Node);
        Cluster.Degrade(node, sign * Time.FromSeconds(d.ExtraLatencyS), sign * d.Loss);
        _trace.Add(_sim.Now, d.Node, sign > 0 ? "link-degraded" : "link-restored",
            sign > 0 ? $"links of {d.Node}: +{d.ExtraLatencyS * 1000:F1} ms, {d.Loss:P1} loss" : $"links of {d.Node} back to normal");
    }

    private void Partition(NetworkPartition p, bool cut)
    {
        Cluster.SetPartition(p.GroupA.Select(Cluster.ByName), p.GroupB.Select(Cluster.ByName), cut);
        _trace.Add(_sim.Now, string.Join("+", p.GroupA), cut ? "partition" : "partition-healed",
            $"{string.Join(", ", p.GroupA)} {(cut ? "cut off from" : "reconnected to")} {string.Join(", ", p.GroupB)}");
    }

    private void StartRandomFailures(RandomNodeFailures rf)
    {
        var names = rf.Nodes.Count > 0 ? rf.Nodes : Cluster.Nodes.Select(n => n.Name).ToList();
        if (rf.ByZone)
        {
            // One failure process per zone: the whole zone fails and is repaired together.
            foreach (var zone in names.Select(n => Cluster.ByName(n)).GroupBy(n => n.Spec.Zone).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Alternate($"zone:{zone.Key}", zone.ToList(), rf);
            }
        }
        else
        {
            foreach (var name in names)
            {
                Alternate(name, [Cluster.ByName(name)], rf);
            }
        }
    }

    private void Alternate(string unit, IReadOnlyList<Node> nodes, RandomNodeFailures rf)
    {
        var up = rf.TimeToFailure.CreateSampler(_sim.Streams.Get($"failures:up:{unit}"));
        var down = rf.TimeToRepair.CreateSampler(_sim.Streams.Get($"failures:down:{unit}"));
        void Fail()
        {
            foreach (var n in nodes)
            {
                _model.CrashNode(n);
            }
            _sim.Schedule(down.NextNanoseconds(), Repair);
        }
        void Repair()
        {
            foreach (var n in nodes)
            {
                _model.StartNode(n);
            }
            _sim.Schedule(up.NextNanoseconds(), Fail);
        }
        _sim.Schedule(up.NextNanoseconds(), Fail);
    }
}

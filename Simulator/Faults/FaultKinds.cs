using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Faults;

/// <summary>A fault: something that happens to the cluster at a given time or at random.</summary>
public abstract record FaultSpec
{
    /// <summary>Its kind: how it is read and documented.</summary>
    public abstract FaultKind Kind { get; }

    /// <summary>Puts the fault on the timeline of a world; it acts through the model's public operations only.</summary>
    public abstract void Schedule(FaultContext context);
}

/// <summary>A kind of fault (<c>faults[].kind</c>): its name, keys and reader; each lives in the file of its fault.</summary>
public abstract class FaultKind : KindDescriptor
{
    /// <summary>Reads one fault of this kind; null when its settings are invalid (reported).</summary>
    public abstract FaultSpec? Read(IKindSettings settings);
}

/// <summary>A fault kind that acts on one node from <c>at</c> for <c>duration</c> (forever by default).</summary>
public abstract class NodeForDurationKind : FaultKind
{
    /// <inheritdoc />
    public sealed override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("node", "node name", "required", ""),
        new("at", "duration", "required", ""),
        new("duration", "duration or `never`", "`never`", ""),
    ];

    /// <inheritdoc />
    public sealed override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? node = settings.Node("node");
        double at = settings.TimeInRun("at");
        double duration = settings.Duration("duration", double.PositiveInfinity, positive: true, allowNever: true);
        return node is null ? null : Create(node, at, duration);
    }

    /// <summary>The fault on <paramref name="node"/> from <paramref name="atS"/> for <paramref name="durationS"/> seconds.</summary>
    protected abstract FaultSpec Create(string node, double atS, double durationS);
}

/// <summary>The registered fault kinds: one line each.</summary>
public static class FaultKinds
{
    /// <summary>Every kind, in the order the reference lists them.</summary>
    public static IReadOnlyList<FaultKind> All { get; } =
    [
        NodeCrashKind.Instance,
        NodeRebootKind.Instance,
        NodeIpChangeKind.Instance,
        LinkDegradationKind.Instance,
        NetworkPartitionKind.Instance,
        PodCrashKind.Instance,
        NodeDrainKind.Instance,
        WorkloadRolloutKind.Instance,
        RandomNodeFailuresKind.Instance,
    ];

    /// <summary>The kind called <paramref name="name"/>, or null.</summary>
    public static FaultKind? Named(string name) => All.FirstOrDefault(k => k.Name == name);
}

/// <summary>What a fault acts on: the world's simulation, model and timeline.</summary>
public sealed class FaultContext
{
    /// <summary>The world's.</summary>
    public FaultContext(Simulation sim, KubernetesModel model, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trace);
        Sim = sim;
        Model = model;
        Trace = trace;
    }

    /// <summary>The simulation.</summary>
    public Simulation Sim { get; }

    /// <summary>The model, whose public operations faults use.</summary>
    public KubernetesModel Model { get; }

    /// <summary>Nodes and links.</summary>
    public Cluster Cluster => Model.Cluster;

    /// <summary>The timeline.</summary>
    public Trace Trace { get; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="atS"/> seconds from the start; never when infinite.</summary>
    public void At(double atS, Action action)
    {
        if (!double.IsInfinity(atS))
        {
            Sim.ScheduleAt(Time.FromSeconds(atS), action);
        }
    }
}

/// <summary>
/// Puts the faults of a scenario on the timeline. They act only through the model's public operations,
/// and random faults draw from streams named after the nodes, so every way of access in a run sees the
/// same fault timeline (common random numbers).
/// </summary>
public sealed class FaultInjector
{
    /// <summary>Schedules every fault of <paramref name="faults"/>.</summary>
    public FaultInjector(Simulation sim, KubernetesModel model, IReadOnlyList<FaultSpec> faults, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var context = new FaultContext(sim, model, trace);
        foreach (var f in faults)
        {
            f.Schedule(context);
        }
    }
}

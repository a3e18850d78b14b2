using Svcsim.Engine;
using Svcsim.Kinds;
using Svcsim.Network;

namespace Svcsim.Faults;

/// <summary>
/// Random failures of each of the named nodes (empty: every node): alternating up times drawn from
/// <paramref name="TimeToFailure"/> and repairs from <paramref name="TimeToRepair"/>. With
/// <paramref name="ByZone"/> the whole zone of a failing node fails together.
/// </summary>
public sealed record RandomNodeFailures(
    IReadOnlyList<string> Nodes,
    Distribution TimeToFailure,
    Distribution TimeToRepair,
    bool ByZone = false) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => RandomNodeFailuresKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cluster = context.Cluster;
        var names = Nodes.Count > 0 ? Nodes : cluster.Nodes.Select(n => n.Name).ToList();
        if (ByZone)
        {
            // One failure process per zone: the whole zone fails and is repaired together.
            foreach (var zone in names.Select(n => cluster.ByName(n)).GroupBy(n => n.Spec.Zone).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Alternate(context, $"zone:{zone.Key}", zone.ToList());
            }
        }
        else
        {
            foreach (var name in names)
            {
                Alternate(context, name, [cluster.ByName(name)]);
            }
        }
    }

    private void Alternate(FaultContext context, string unit, IReadOnlyList<Node> nodes)
    {
        var sim = context.Sim;
        var up = TimeToFailure.CreateSampler(sim.Streams.Get($"failures:up:{unit}"));
        var down = TimeToRepair.CreateSampler(sim.Streams.Get($"failures:down:{unit}"));
        void Fail()
        {
            foreach (var n in nodes)
            {
                context.Model.CrashNode(n);
            }
            sim.Schedule(down.NextNanoseconds(), Repair);
        }
        void Repair()
        {
            foreach (var n in nodes)
            {
                context.Model.StartNode(n);
            }
            sim.Schedule(up.NextNanoseconds(), Fail);
        }
        sim.Schedule(up.NextNanoseconds(), Fail);
    }
}

/// <summary><c>kind: randomNodeFailures</c>.</summary>
public sealed class RandomNodeFailuresKind : FaultKind
{
    private RandomNodeFailuresKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static RandomNodeFailuresKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "randomNodeFailures";

    /// <inheritdoc />
    public override string Summary => "Each node alternates up times and repairs drawn from the distributions; with `byZone` a failure takes the node's whole zone.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("nodes", "node names", "every node", ""),
        new("timeToFailure", "distribution of durations", "required", ""),
        new("timeToRepair", "distribution of durations", "required", ""),
        new("byZone", "true/false", "`false`", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var nodes = settings.Nodes("nodes", required: false) ?? [];
        var ttf = settings.RequiredDurations("timeToFailure", "a distribution of up times, like exp(mean=30m)");
        var ttr = settings.RequiredDurations("timeToRepair", "a distribution of repair times, like exp(mean=5m)");
        bool byZone = settings.Bool("byZone", false);
        if (byZone)
        {
            var scope = nodes.Count == 0 ? settings.ClusterNodes : settings.ClusterNodes.Where(n => nodes.Contains(n.Name));
            if (scope.Any(n => n.Zone.Length == 0))
            {
                settings.Warn("byZone", "some of these nodes have no zone: each of them fails on its own");
            }
        }
        return ttf is null || ttr is null ? null : new RandomNodeFailures(nodes, ttf, ttr, byZone);
    }
}

using Svcsim.Kinds;
using Svcsim.Network;

namespace Svcsim.Faults;

/// <summary>Two groups of nodes cannot reach each other for a while (clients still reach both).</summary>
public sealed record NetworkPartition(IReadOnlyList<string> GroupA, IReadOnlyList<string> GroupB, double AtS, double DurationS) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => NetworkPartitionKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () => Partition(context, cut: true));
        context.At(AtS + DurationS, () => Partition(context, cut: false));
    }

    private void Partition(FaultContext context, bool cut)
    {
        var cluster = context.Cluster;
        cluster.SetPartition(GroupA.Select(cluster.ByName), GroupB.Select(cluster.ByName), cut);
        context.Trace.Add(context.Sim.Now, string.Join("+", GroupA), cut ? EventKinds.Partition : EventKinds.PartitionHealed,
            $"{string.Join(", ", GroupA)} {(cut ? "cut off from" : "reconnected to")} {string.Join(", ", GroupB)}");
    }
}

/// <summary><c>kind: partition</c>.</summary>
public sealed class NetworkPartitionKind : FaultKind
{
    private NetworkPartitionKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static NetworkPartitionKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "partition";

    /// <inheritdoc />
    public override string Summary => "The two groups cannot reach each other; clients still reach both.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("groupA", "node names", "required", ""),
        new("groupB", "node names, disjoint from groupA", "required", ""),
        new("at", "duration", "required", ""),
        new("duration", "duration or `never`", "required", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var a = settings.Nodes("groupA", required: true);
        var b = settings.Nodes("groupB", required: true);
        double at = settings.TimeInRun("at");
        double duration = settings.RequiredDuration("duration", "how long the partition lasts, like 30s, or never", allowNever: true);
        if (a is null || b is null)
        {
            return null;
        }
        if (a.Intersect(b).FirstOrDefault() is { } both)
        {
            settings.Error("groupB", $"node {both} is in both groups");
            return null;
        }
        return new NetworkPartition(a, b, at, duration);
    }
}

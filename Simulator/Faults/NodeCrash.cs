using Svcsim.Kinds;

namespace Svcsim.Faults;

/// <summary>A node stops (power off, kernel panic): no answer, its pods gone. Up again after the duration unless it is infinite.</summary>
public sealed record NodeCrash(string Node, double AtS, double DurationS = double.PositiveInfinity) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => NodeCrashKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () => context.Model.CrashNode(context.Cluster.ByName(Node)));
        context.At(AtS + DurationS, () => context.Model.StartNode(context.Cluster.ByName(Node)));
    }
}

/// <summary><c>kind: nodeCrash</c>.</summary>
public sealed class NodeCrashKind : FaultKind
{
    private NodeCrashKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static NodeCrashKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "nodeCrash";

    /// <inheritdoc />
    public override string Summary => "The node stops answering and its pods are gone; back after `duration`.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("node", "node name", "required", ""),
        new("at", "duration", "required", ""),
        new("duration", "duration or `never`", "`never`", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? node = settings.Node("node");
        double at = settings.TimeInRun("at");
        double duration = settings.Duration("duration", double.PositiveInfinity, positive: true, allowNever: true);
        return node is null ? null : new NodeCrash(node, at, duration);
    }
}

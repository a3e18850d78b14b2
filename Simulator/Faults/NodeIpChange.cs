using Svcsim.Kinds;

namespace Svcsim.Faults;

/// <summary>A node stays up but its InternalIP changes.</summary>
public sealed record NodeIpChange(string Node, double AtS, string NewIp) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => NodeIpChangeKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () => context.Model.ChangeNodeIp(context.Cluster.ByName(Node), NewIp));
    }
}

/// <summary><c>kind: ipChange</c>.</summary>
public sealed class NodeIpChangeKind : FaultKind
{
    private NodeIpChangeKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static NodeIpChangeKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "ipChange";

    /// <inheritdoc />
    public override string Summary => "The node stays up; its InternalIP changes. `newIp` must not be another node's or a Service's.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("node", "node name", "required", ""),
        new("at", "duration", "required", ""),
        new("newIp", "IP", "required", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? node = settings.Node("node");
        double at = settings.TimeInRun("at");
        string newIp = settings.NewIp("newIp", node, required: true);
        return node is null ? null : new NodeIpChange(node, at, newIp);
    }
}

using Svcsim.Kinds;
using Svcsim.Network;

namespace Svcsim.Faults;

/// <summary>A node reboots: down for the downtime, then back, possibly with a new address (DHCP).</summary>
public sealed record NodeReboot(string Node, double AtS, double DowntimeS, string NewIp = "") : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => NodeRebootKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () =>
        {
            context.Trace.Add(context.Sim.Now, Node, EventKinds.Reboot, $"{Node} rebooting");
            context.Model.CrashNode(context.Cluster.ByName(Node));
        });
        context.At(AtS + DowntimeS, () =>
        {
            var node = context.Cluster.ByName(Node);
            if (NewIp.Length > 0)
            {
                context.Model.ChangeNodeIp(node, NewIp);
            }
            context.Model.StartNode(node);
        });
    }
}

/// <summary><c>kind: nodeReboot</c>.</summary>
public sealed class NodeRebootKind : FaultKind
{
    private NodeRebootKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static NodeRebootKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "nodeReboot";

    /// <inheritdoc />
    public override string Summary => "Down for `downtime`, then back, with `newIp` when DHCP gave another address.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("node", "node name", "required", ""),
        new("at", "duration", "required", ""),
        new("downtime", "duration > 0", "required", ""),
        new("newIp", "IP", "none", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? node = settings.Node("node");
        double at = settings.TimeInRun("at");
        double downtime = settings.RequiredDuration("downtime", "how long the node is down, like 90s");
        string newIp = settings.NewIp("newIp", node, required: false);
        return node is null ? null : new NodeReboot(node, at, downtime, newIp);
    }
}

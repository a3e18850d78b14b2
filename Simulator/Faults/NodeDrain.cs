using Svcsim.Kinds;

namespace Svcsim.Faults;

/// <summary>
/// kubectl drain: the node is cordoned and its pods (DaemonSet pods excepted) are evicted gracefully; it is
/// uncordoned after the duration unless that is infinite.
/// </summary>
public sealed record NodeDrain(string Node, double AtS, double DurationS = double.PositiveInfinity) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => NodeDrainKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () => context.Model.DrainNode(context.Cluster.ByName(Node), DurationS));
    }
}

/// <summary><c>kind: nodeDrain</c>.</summary>
public sealed class NodeDrainKind : NodeForDurationKind
{
    private NodeDrainKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static NodeDrainKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "nodeDrain";

    /// <inheritdoc />
    public override string Summary => "`kubectl drain`: the node is cordoned and its pods (DaemonSet pods excepted) are evicted gracefully (see *Termination*) as their PodDisruptionBudgets allow (see *Disruption budgets*) and replaced elsewhere; uncordoned after `duration`.";


    /// <inheritdoc />
    protected override FaultSpec Create(string node, double atS, double durationS) => new NodeDrain(node, atS, durationS);
}

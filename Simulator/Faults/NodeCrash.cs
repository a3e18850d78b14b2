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
public sealed class NodeCrashKind : NodeForDurationKind
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
    protected override FaultSpec Create(string node, double atS, double durationS) => new NodeCrash(node, atS, durationS);
}

using Svcsim.Engine;
using Svcsim.Network;
using Svcsim.Kinds;

namespace Svcsim.Faults;

/// <summary>The links of a node (every direction) get extra latency and loss for a while.</summary>
public sealed record LinkDegradation(string Node, double AtS, double DurationS, double ExtraLatencyS, double Loss) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => LinkDegradationKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () => Degrade(context, +1));
        context.At(AtS + DurationS, () => Degrade(context, -1));
    }

    private void Degrade(FaultContext context, int sign)
    {
        var node = context.Cluster.ByName(Node);
        context.Cluster.Degrade(node, sign * Time.FromSeconds(ExtraLatencyS), sign * Loss);
        context.Trace.Add(context.Sim.Now, Node, sign > 0 ? EventKinds.LinkDegraded : EventKinds.LinkRestored,
            sign > 0 ? (FormattableString)$"links of {Node}: +{ExtraLatencyS * 1000:F1} ms, {Loss:P1} loss" : $"links of {Node} back to normal");
    }
}

/// <summary><c>kind: linkDegradation</c>.</summary>
public sealed class LinkDegradationKind : FaultKind
{
    private LinkDegradationKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static LinkDegradationKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "linkDegradation";

    /// <inheritdoc />
    public override string Summary => "Every link of the node gets slower or lossy; give at least one of the two.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("node", "node name", "required", ""),
        new("at", "duration", "required", ""),
        new("duration", "duration or `never`", "required", ""),
        new("extraLatency", "duration", "`0s`", ""),
        new("loss", "fraction", "`0`", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? node = settings.Node("node");
        double at = settings.TimeInRun("at");
        double duration = settings.RequiredDuration("duration", "how long the link is degraded, like 30s, or never", allowNever: true);
        double latency = settings.Duration("extraLatency", 0);
        double loss = settings.Fraction("loss", 0, oneAllowed: true);
        if (latency == 0 && loss == 0 && !settings.Has("extraLatency") && !settings.Has("loss"))
        {
            settings.Error(null, "needs extraLatency or loss (or both): otherwise nothing changes");
        }
        return node is null ? null : new LinkDegradation(node, at, duration, latency, loss);
    }
}

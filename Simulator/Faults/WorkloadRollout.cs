using Svcsim.Kinds;

namespace Svcsim.Faults;

/// <summary>
/// The workload's pod template changes (a new image): its controller replaces the pods by its update strategy.
/// <paramref name="Deployment"/> is the key of a Deployment, StatefulSet or DaemonSet.
/// </summary>
public sealed record WorkloadRollout(string Deployment, double AtS) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => WorkloadRolloutKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () => context.Model.Rollout(context.Model.Source(Deployment)));
    }
}

/// <summary><c>kind: rollout</c>.</summary>
public sealed class WorkloadRolloutKind : FaultKind
{
    private WorkloadRolloutKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static WorkloadRolloutKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "rollout";

    /// <inheritdoc />
    public override string Summary => "Its pod template changes (a new image): the controller replaces the pods by the workload's update strategy (see *Rollouts*), each terminating gracefully.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("deployment", "a Deployment, StatefulSet or DaemonSet (`name` or `namespace/name`)", "required", ""),
        new("at", "duration", "required", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var d = settings.WorkloadKind("deployment");
        if (d is { Kind: not ("Deployment" or "StatefulSet" or "DaemonSet") })
        {
            settings.Error("deployment", $"{d.Value.Kind} {d.Value.Key} has no rollout: " + (d.Value.Kind == "ReplicaSet"
                ? "a ReplicaSet keeps its pods when its template changes; roll out the Deployment that owns it"
                : "only a Deployment, StatefulSet or DaemonSet replaces its pods when its template changes"));
        }
        double at = settings.TimeInRun("at");
        return d is { Kind: "Deployment" or "StatefulSet" or "DaemonSet" } ? new WorkloadRollout(d.Value.Key, at) : null;
    }
}

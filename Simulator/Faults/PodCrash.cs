using Svcsim.Engine;
using Svcsim.Kinds;

namespace Svcsim.Faults;

/// <summary>
/// A pod's container crashes; the kubelet restarts it after the restart delay. <paramref name="Deployment"/> is
/// the key of any pod source (<c>name</c> or <c>namespace/name</c>); <paramref name="Replica"/> indexes its pods in creation order.
/// </summary>
public sealed record PodCrash(string Deployment, int Replica, double AtS, double RestartS = 10) : FaultSpec
{
    /// <inheritdoc />
    public override FaultKind Kind => PodCrashKind.Instance;

    /// <inheritdoc />
    public override void Schedule(FaultContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.At(AtS, () =>
        {
            var d = context.Model.Source(Deployment);
            if (Replica < d.Pods.Count)
            {
                context.Model.CrashPod(d.Pods[Replica], Time.FromSeconds(RestartS));
            }
        });
    }
}

/// <summary><c>kind: podCrash</c>.</summary>
public sealed class PodCrashKind : FaultKind
{
    private PodCrashKind()
    {
    }

    /// <summary>The one instance.</summary>
    public static PodCrashKind Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "podCrash";

    /// <inheritdoc />
    public override string Summary => "One pod's container crashes; the kubelet restarts it.";

    /// <inheritdoc />
    public override IReadOnlyList<KindKey> Keys { get; } =
    [
        new("deployment", "workload name (Deployment, StatefulSet, DaemonSet, Pod...)", "required", ""),
        new("replica", "index", "`0`", ""),
        new("at", "duration", "required", ""),
        new("restart", "duration", "`10s`", ""),
    ];

    /// <inheritdoc />
    public override FaultSpec? Read(IKindSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var d = settings.Workload("deployment");
        int replica = settings.Int("replica", 0, min: 0, max: d is null ? int.MaxValue : Math.Max(0, d.Value.Pods - 1));
        double at = settings.TimeInRun("at");
        double restart = settings.Duration("restart", 10);
        return d is null ? null : new PodCrash(d.Value.Key, replica, at, restart);
    }
}

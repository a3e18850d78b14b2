namespace Svcsim.Kubernetes;

/// <summary>
/// A PodDisruptionBudget (policy/v1): how many of the pods its selector matches in its namespace must stay
/// healthy (Ready and not being deleted) while pods are evicted. Only the Eviction API honours it (a drain);
/// a rollout, a crash or the taint manager's eviction of an unreachable node's pods do not.
/// </summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Namespace">metadata.namespace.</param>
/// <param name="Selector">spec.selector; null matches no pod, an empty one every pod of the namespace.</param>
/// <param name="MinAvailable">spec.minAvailable, or null.</param>
/// <param name="MaxUnavailable">spec.maxUnavailable, or null (at most one of the two is set).</param>
/// <param name="AlwaysAllowUnhealthy">spec.unhealthyPodEvictionPolicy AlwaysAllow (default IfHealthyBudget).</param>
public sealed record DisruptionBudgetSpec(string Name, string Namespace, LabelSelector? Selector,
    IntOrPercent? MinAvailable, IntOrPercent? MaxUnavailable, bool AlwaysAllowUnhealthy = false)
{
    /// <summary><c>name</c> in the default namespace, <c>namespace/name</c> elsewhere.</summary>
    public string Key => Namespace == "default" ? Name : $"{Namespace}/{Name}";

    /// <summary>Whether the budget covers the pods of <paramref name="source"/> (same namespace, labels matched).</summary>
    public bool Covers(PodSourceSpec source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Selector is not null && source.Namespace == Namespace && source.Kind != PodSourceKind.EndpointSlice && Selector.Matches(source.PodLabels);
    }

    /// <summary>
    /// desiredHealthy as the disruption controller computes it from <paramref name="expected"/> (the scale of
    /// the pods' controllers): an integer minAvailable as is, a
    /// percentage of the expected pods rounded up; with maxUnavailable, the expected pods less maxUnavailable
    /// (a percentage rounded up); 0 when neither is set.
    /// </summary>
    public int DesiredHealthy(int expected)
    {
        if (MaxUnavailable is { } mu)
        {
            return Math.Max(0, expected - mu.Of(expected, roundUp: true));
        }
        if (MinAvailable is { } ma)
        {
            return ma.Percent ? ma.Of(expected, roundUp: true) : ma.Value;
        }
        return 0;
    }
}

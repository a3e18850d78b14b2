using Svcsim.Kubernetes;

namespace Svcsim.Scenarios;

/// <summary>A PodDisruptionBudget of the manifests, with where it is written.</summary>
internal sealed record BudgetManifest(Node At, DisruptionBudgetSpec Spec);

internal static partial class ManifestReader
{
    private static readonly Dictionary<string, bool> UnhealthyPolicies = new(StringComparer.Ordinal)
    {
        ["IfHealthyBudget"] = false,
        ["AlwaysAllow"] = true,
    };

    /// <summary>
    /// A policy/v1 PodDisruptionBudget, validated as the API server does: a label selector (absent matches no
    /// pod, <c>{}</c> every pod of the namespace), at most one of minAvailable and maxUnavailable (a count or a
    /// percentage), unhealthyPodEvictionPolicy IfHealthyBudget (default) or AlwaysAllow.
    /// </summary>
    private static BudgetManifest? ReadDisruptionBudget(Map doc, string name, string ns)
    {
        var spec = doc.Get("spec")?.AsMap("a PodDisruptionBudget spec (selector, minAvailable or maxUnavailable)")
            ?.Check(["selector", "minAvailable", "maxUnavailable", "unhealthyPodEvictionPolicy"], UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return new BudgetManifest(doc.Self, new DisruptionBudgetSpec(name, ns, null, null, null));
        }
        var selector = spec.Get("selector") is { } sel ? ReadLabelSelector(sel) : null;
        var min = spec.Get("minAvailable") is { } mn ? IntOrPercentAt(mn) : null;
        var max = spec.Get("maxUnavailable") is { } mx ? IntOrPercentAt(mx) : null;
        if (spec.Has("minAvailable") && spec.Has("maxUnavailable"))
        {
            spec.Get("maxUnavailable")!.Value.Error("minAvailable and maxUnavailable cannot both be set; give one of them");
        }
        bool alwaysAllow = spec.Enum("unhealthyPodEvictionPolicy", false, UnhealthyPolicies, exactCase: true);
        return new BudgetManifest(doc.Self, new DisruptionBudgetSpec(name, ns, selector, min, max, alwaysAllow));
    }
}

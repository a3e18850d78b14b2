using Svcsim.Access;
using Svcsim.Dataplane;

namespace Svcsim.Scenarios;

/// <summary>Reads <c>variants</c>: the ways of access to compare, and checks each fits the client groups' Services.</summary>
internal static class VariantsSection
{
    private static string KindNames => string.Join(", ", FrontDoorKinds.All.Select(k => k.Name));

    public static List<AccessSpec> Read(Node? section, Map root, ScenarioContext ctx, IReadOnlyList<ClientGroupRef> groups, KubeProxySpec kubeProxy)
    {
        var variants = new List<AccessSpec>();
        if (section is null)
        {
            root.Required("variants", $"a list of ways of access to compare (kind: {KindNames})");
            return variants;
        }
        var items = section.Value.AsList("a list of variants");
        if (items.Count == 0)
        {
            section.Value.Error("must list at least one variant");
        }
        var names = new Dictionary<string, Node>(StringComparer.Ordinal);
        var facts = groups.Select(g => new GroupFacts(g.Spec.Name, Facts(g.Service), Facts(g.NodePortService), g.Spec.Nodes.Count > 0)).ToList();
        foreach (var item in items)
        {
            var m = item.AsMap("a variant (kind, name, and the kind's settings)");
            string? name = m?.Required("kind", KindNames)?.Text("a variant kind")?.Trim();
            if (m is null || name is null)
            {
                continue;
            }
            if (FrontDoorKinds.Named(name) is not { } kind)
            {
                m.Get("kind")!.Value.Error($"unknown variant kind '{name}'{Suggest.Hint(name, FrontDoorKinds.All.Select(k => k.Name))}; expected one of: {KindNames}");
                continue;
            }
            m.Check(ScenarioKeys.Of(ScenarioKeys.VariantCommon, ScenarioKeys.VariantKinds, name), elsewhere: ScenarioKeys.BelongsElsewhere(ScenarioKeys.VariantKinds, name));
            if (kind.Read(new KindSettings(m, ctx)) is not { } v)
            {
                continue;
            }
            if (m.Get("kubeProxy") is { } own)
            {
                // The variant's own service proxy: the scenario's, with the keys it gives changed.
                v = v with { KubeProxy = ClusterSection.ReadKubeProxy(own, kubeProxy) };
            }
            if (!names.TryAdd(v.Name, item))
            {
                (m.Get("name") ?? m.Get("kind")!.Value).Error($"variant name '{v.Name}' is used twice (a variant is named after its kind unless it has a name)");
            }
            var at = m.Get("kind")!.Value;
            for (int i = 0; i < facts.Count; i++)
            {
                if (facts[i].InCluster != kind.InClusterClients)
                {
                    at.Error(kind.InClusterClients
                        ? $"{name} sends clients[{i}] ({facts[i].Name}) to a ClusterIP, which only pods of the cluster reach; give the group nodes (clients[].nodes: the nodes its client pods run on)"
                        : $"clients[{i}] ({facts[i].Name}) runs in pods of the cluster (nodes), which reach the Service through kind clusterip; {name} is for clients outside the cluster");
                }
            }
            kind.Check(v, new VariantCheck(name, facts, ctx.BgpPeers, at.Error));
            variants.Add(v);
        }
        return variants;
    }

    private static ServiceFacts? Facts(ResolvedService? s) => s is null
        ? null
        : new ServiceFacts(s.Spec.Name, s.Spec.Type, s.Spec.Ports.Count > 0, s.Spec.Ports.Count > 0 ? s.Spec.Ports[0].NodePort : 0, s.Pool?.Name,
            s.Spec.LoadBalancerIp, s.L2Announced, s.BgpAnnounced);
}

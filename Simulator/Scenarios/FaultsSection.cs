using Svcsim.Engine;
using Svcsim.Faults;

namespace Svcsim.Scenarios;

/// <summary>Reads <c>faults</c>: what happens to the cluster, and when (durations from the start of the run).</summary>
internal static class FaultsSection
{
    public static List<FaultSpec> Read(Node? section, ScenarioContext ctx)
    {
        var faults = new List<FaultSpec>();
        foreach (var item in section?.AsList("a list of faults") ?? [])
        {
            var m = item.AsMap("a fault (kind, and the kind's settings)");
            string? kind = m?.Required("kind", string.Join(", ", ScenarioKeys.FaultKinds.Keys))?.Text("a fault kind")?.Trim();
            if (m is null || kind is null)
            {
                continue;
            }
            if (!ScenarioKeys.FaultKinds.ContainsKey(kind))
            {
                m.Get("kind")!.Value.Error($"unknown fault kind '{kind}'{Suggest.Hint(kind, ScenarioKeys.FaultKinds.Keys)}; expected one of: {string.Join(", ", ScenarioKeys.FaultKinds.Keys)}");
                continue;
            }
            m.Check(ScenarioKeys.Of(ScenarioKeys.FaultCommon, ScenarioKeys.FaultKinds, kind), elsewhere: ScenarioKeys.BelongsElsewhere(ScenarioKeys.FaultKinds, kind));
            FaultSpec? fault = kind switch
            {
                "nodeCrash" => Crash(m, ctx),
                "nodeReboot" => Reboot(m, ctx),
                "ipChange" => IpChange(m, ctx),
                "linkDegradation" => Degradation(m, ctx),
                "partition" => Partition(m, ctx),
                "podCrash" => ReadPodCrash(m, ctx),
                "nodeDrain" => Drain(m, ctx),
                _ => RandomFailures(m, ctx),
            };
            if (fault is not null)
            {
                faults.Add(fault);
            }
        }
        return faults;
    }

    private static string? NodeName(Map m, ScenarioContext ctx) =>
        m.RequiredString("node", "the name of a node") is { } name && ctx.RequireNode(m.Get("node")!.Value, name) is not null ? name : null;

    private static double At(Map m, ScenarioContext ctx) =>
        m.Required("at", "the time from the start of the run, like 60s") is { } at
        && at.TryParse(t => Units.Duration(t), "a duration like 60s", out double v, ctx.WithinRun) ? v : 0;

    private static NodeCrash? Crash(Map m, ScenarioContext ctx)
    {
        string? node = NodeName(m, ctx);
        double at = At(m, ctx);
        double duration = m.Duration("duration", double.PositiveInfinity, positive: true, allowNever: true);
        return node is null ? null : new NodeCrash(node, at, duration);
    }

    private static NodeDrain? Drain(Map m, ScenarioContext ctx)
    {
        string? node = NodeName(m, ctx);
        double at = At(m, ctx);
        double duration = m.Duration("duration", double.PositiveInfinity, positive: true, allowNever: true);
        return node is null ? null : new NodeDrain(node, at, duration);
    }

    private static NodeReboot? Reboot(Map m, ScenarioContext ctx)
    {
        string? node = NodeName(m, ctx);
        double at = At(m, ctx);
        double downtime = m.Required("downtime", "how long the node is down, like 90s") is not null ? m.Duration("downtime", 0, positive: true) : 0;
        string newIp = NewIp(m, ctx, node, required: false);
        return node is null ? null : new NodeReboot(node, at, downtime, newIp);
    }

    private static NodeIpChange? IpChange(Map m, ScenarioContext ctx)
    {
        string? node = NodeName(m, ctx);
        double at = At(m, ctx);
        string newIp = NewIp(m, ctx, node, required: true);
        return node is null ? null : new NodeIpChange(node, at, newIp);
    }

    /// <summary>A node's new address: a valid IPv4 address that no other node or Service already has.</summary>
    private static string NewIp(Map m, ScenarioContext ctx, string? node, bool required)
    {
        var at = required ? m.Required("newIp", "the node's new InternalIP, like 192.168.1.110") : m.Get("newIp");
        if (at is not { } n || !n.TryParse(Units.Ipv4, "an IPv4 address", out uint value))
        {
            return "";
        }
        string ip = Units.FormatIpv4(value);
        if (ctx.Nodes.FirstOrDefault(x => x.Ip == ip) is { } owner)
        {
            n.Error(owner.Name == node ? $"{ip} is already {node}'s IP; give a different one" : $"{ip} is already the IP of node {owner.Name}");
        }
        else if (ctx.Services.FirstOrDefault(s => s.Spec.LoadBalancerIp == ip) is { } svc)
        {
            n.Error($"{ip} is the load-balancer address of Service {svc.Spec.Name}");
        }
        return ip;
    }

    private static LinkDegradation? Degradation(Map m, ScenarioContext ctx)
    {
        string? node = NodeName(m, ctx);
        double at = At(m, ctx);
        double duration = m.Required("duration", "how long the link is degraded, like 30s, or never") is not null
            ? m.Duration("duration", 0, positive: true, allowNever: true) : 0;
        double latency = m.Duration("extraLatency", 0);
        double loss = m.Fraction("loss", 0, oneAllowed: true);
        if (latency == 0 && loss == 0 && !m.Has("extraLatency") && !m.Has("loss"))
        {
            m.Self.Error("needs extraLatency or loss (or both): otherwise nothing changes");
        }
        return node is null ? null : new LinkDegradation(node, at, duration, latency, loss);
    }

    private static NetworkPartition? Partition(Map m, ScenarioContext ctx)
    {
        var a = Group(m, "groupA", ctx);
        var b = Group(m, "groupB", ctx);
        double at = At(m, ctx);
        double duration = m.Required("duration", "how long the partition lasts, like 30s, or never") is not null
            ? m.Duration("duration", 0, positive: true, allowNever: true) : 0;
        if (a is null || b is null)
        {
            return null;
        }
        if (a.Intersect(b).FirstOrDefault() is { } both)
        {
            m.Get("groupB")!.Value.Error($"node {both} is in both groups");
            return null;
        }
        return new NetworkPartition(a, b, at, duration);
    }

    private static List<string>? Group(Map m, string key, ScenarioContext ctx)
    {
        if (m.Required(key, "a list of node names") is not { } n)
        {
            return null;
        }
        var names = new List<string>();
        foreach (var (name, at) in n.Strings("a list of node names"))
        {
            if (ctx.RequireNode(at, name) is not null)
            {
                names.Add(name);
            }
        }
        if (names.Count == 0)
        {
            n.Error("must name at least one node");
            return null;
        }
        return names;
    }

    private static PodCrash? ReadPodCrash(Map m, ScenarioContext ctx)
    {
        var d = m.RequiredString("deployment", "the name of a workload (Deployment, StatefulSet, DaemonSet, Pod...)") is { } name
            ? ctx.RequirePodSource(m.Get("deployment")!.Value, name) : null;
        int pods = d is null ? int.MaxValue : ctx.InitialPods(d);
        if (pods == 0 && m.Get("deployment") is { } dn)
        {
            dn.Error($"{d!.Kind} {d.Key} has no pod to crash (replicas: 0, or no node it fits)");
        }
        int replica = m.Int("replica", 0, min: 0, max: Math.Max(0, pods - 1));
        double at = At(m, ctx);
        double restart = m.Duration("restart", 10);
        return d is null ? null : new PodCrash(d.Key, replica, at, restart);
    }

    private static RandomNodeFailures? RandomFailures(Map m, ScenarioContext ctx)
    {
        var nodes = new List<string>();
        foreach (var (name, at) in m.Get("nodes")?.Strings("a list of node names") ?? [])
        {
            if (ctx.RequireNode(at, name) is not null)
            {
                nodes.Add(name);
            }
        }
        var ttf = m.Required("timeToFailure", "a distribution of up times, like exp(mean=30m)") is not null
            ? m.Distribution("timeToFailure", Distribution.Constant(0), Quantity.Duration, positiveMean: true) : null;
        var ttr = m.Required("timeToRepair", "a distribution of repair times, like exp(mean=5m)") is not null
            ? m.Distribution("timeToRepair", Distribution.Constant(0), Quantity.Duration, positiveMean: true) : null;
        bool byZone = m.Bool("byZone", false);
        if (byZone)
        {
            var scope = nodes.Count == 0 ? ctx.Nodes : ctx.Nodes.Where(n => nodes.Contains(n.Name));
            if (scope.Any(n => n.Zone.Length == 0))
            {
                m.Get("byZone")!.Value.Warn("some of these nodes have no zone: each of them fails on its own");
            }
        }
        return ttf is null || ttr is null ? null : new RandomNodeFailures(nodes, ttf, ttr, byZone);
    }
}

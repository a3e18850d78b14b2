using Svcsim.Engine;
using Svcsim.Kinds;

namespace Svcsim.Scenarios;

/// <summary>
/// A kind's entry of a scenario (a variant, a fault) as the kind reads it: each reader delegates to the
/// YAML layer, so errors keep their file, line, column and field path.
/// </summary>
internal sealed class KindSettings(Map map, ScenarioContext ctx) : IKindSettings
{
    public IReadOnlyList<NodeFact> ClusterNodes => ctx.Nodes.Select(n => new NodeFact(n.Name, n.Ip, n.Zone)).ToList();

    public bool Has(string key) => map.Has(key);

    public string String(string key, string fallback) => map.String(key, fallback);

    public string? RequiredString(string key, string expected) => map.RequiredString(key, expected);

    public double Duration(string key, double fallback, bool positive = false, bool allowNever = false) =>
        map.Duration(key, fallback, positive, allowNever);

    public double RequiredDuration(string key, string expected, bool positive = true, bool allowNever = false) =>
        map.Required(key, expected) is not null ? map.Duration(key, 0, positive, allowNever) : 0;

    public double TimeInRun(string key) =>
        map.Required(key, "the time from the start of the run, like 60s") is { } at
        && at.TryParse(t => Units.Duration(t), "a duration like 60s", out double v, ctx.WithinRun) ? v : 0;

    public bool Bool(string key, bool fallback) => map.Bool(key, fallback);

    public int Int(string key, int fallback, int min, int max = int.MaxValue) => map.Int(key, fallback, min, max);

    public double Fraction(string key, double fallback, bool oneAllowed = false) => map.Fraction(key, fallback, oneAllowed: oneAllowed);

    public T Choice<T>(string key, T fallback, IReadOnlyDictionary<string, T> words) => map.Enum(key, fallback, words);

    public Distribution? RequiredDurations(string key, string expected) =>
        map.Required(key, expected) is not null ? map.Distribution(key, Distribution.Constant(0), Quantity.Duration, positiveMean: true) : null;

    public string? Node(string key) =>
        map.RequiredString(key, "the name of a node") is { } name && ctx.RequireNode(map.Get(key)!.Value, name) is not null ? name : null;

    public IReadOnlyList<string>? Nodes(string key, bool required)
    {
        var at = required ? map.Required(key, "a list of node names") : map.Get(key);
        if (at is not { } n)
        {
            return required ? null : [];
        }
        var names = new List<string>();
        foreach (var (name, place) in n.Strings("a list of node names"))
        {
            if (ctx.RequireNode(place, name) is not null)
            {
                names.Add(name);
            }
        }
        if (required && names.Count == 0)
        {
            n.Error("must name at least one node");
            return null;
        }
        return names;
    }

    public IReadOnlyList<string> NodeAddresses(string key)
    {
        var addresses = new List<string>();
        foreach (var (text, at) in map.Get(key)?.Strings("a list of node names or node IPs") ?? [])
        {
            if (ctx.FindNode(text) is { } byName)
            {
                addresses.Add(byName.Ip);
            }
            else if (Units.Ipv4(text) is { Ok: true } ip)
            {
                string canonical = Units.FormatIpv4(ip.Value);
                if (ctx.Nodes.Any(n => n.Ip == canonical))
                {
                    addresses.Add(canonical);
                }
                else if (ctx.Nodes.Count > 0)
                {
                    at.Error($"{canonical} is no node's IP (nodes: {string.Join(", ", ctx.Nodes.Select(n => $"{n.Name} {n.Ip}"))})");
                }
            }
            else if (ctx.Nodes.Count > 0)
            {
                at.Error($"'{text}' is neither a node name nor a node IP{Suggest.Hint(text, ctx.Nodes.Select(n => n.Name))} (nodes: {ctx.NodeNames})");
            }
        }
        return addresses;
    }

    public string NewIp(string key, string? node, bool required)
    {
        var at = required ? map.Required(key, "the node's new InternalIP, like 192.168.1.110") : map.Get(key);
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

    public (string Key, int Pods)? Workload(string key)
    {
        if (map.RequiredString(key, "the name of a workload (Deployment, StatefulSet, DaemonSet, Pod...)") is not { } name
            || ctx.RequirePodSource(map.Get(key)!.Value, name) is not { } d)
        {
            return null;
        }
        int pods = ctx.InitialPods(d);
        if (pods == 0)
        {
            map.Get(key)!.Value.Error($"{d.Kind} {d.Key} has no pod to crash (replicas: 0, or no node it fits)");
        }
        return (d.Key, pods);
    }

    public (string Key, string Kind)? WorkloadKind(string key) =>
        map.RequiredString(key, "the name of a workload (Deployment, StatefulSet, DaemonSet...)") is { } name
        && ctx.RequirePodSource(map.Get(key)!.Value, name) is { } d ? (d.Key, d.Kind.ToString()) : null;

    public (Kubernetes.PodSourceSpec Source, int Pods)? PodSource(string key) =>
        map.RequiredString(key, "the name of a workload (Deployment, DaemonSet...)") is { } name
        && ctx.RequirePodSource(map.Get(key)!.Value, name) is { } d ? (d, ctx.InitialPods(d)) : null;

    public IReadOnlyList<string> Words(string key, string expected) =>
        map.Get(key)?.Strings(expected).Select(w => w.Value.Trim()).ToList() ?? [];

    public IKindSettings? Section(string key, IReadOnlyList<string> keys, string expected) =>
        map.Get(key)?.AsMap(expected)?.Check(keys.ToArray()) is { } m ? new KindSettings(m, ctx) : null;

    public void Error(string? key, string message) => (key is not null && map.Get(key) is { } n ? n : map.Self).Error(message);

    public void Warn(string? key, string message) => (key is not null && map.Get(key) is { } n ? n : map.Self).Warn(message);

    public string Hint(string text, IEnumerable<string> candidates) => Suggest.Hint(text, candidates);
}

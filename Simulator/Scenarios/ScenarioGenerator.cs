using System.Globalization;
using System.Text;

namespace Svcsim.Scenarios;

/// <summary>What <see cref="ScenarioGenerator"/> builds.</summary>
/// <param name="Nodes">Nodes in all, control planes included.</param>
/// <param name="PodsPerNode">Pods per worker (kubelet's --max-pods is 110 by default).</param>
/// <param name="Services">Deployments, each behind its own LoadBalancer Service.</param>
/// <param name="Zones">Failure domains the workers are spread over (zone-a, zone-b...).</param>
/// <param name="ControlPlanes">Control-plane nodes (not schedulable, excluded from load balancers).</param>
/// <param name="Rate">Requests per second of the one client group, aimed at the first Service.</param>
/// <param name="DurationS">Simulated duration, seconds.</param>
/// <param name="CrashAtS">When worker w1 crashes for good, seconds; null for no fault.</param>
/// <param name="Variants">Ways of access: nodeport, cloud-lb, metallb-l2, metallb-bgp.</param>
/// <param name="ProxyMode">kube-proxy mode: iptables, nftables or ipvs.</param>
/// <param name="Name">Scenario name.</param>
public sealed record GeneratorOptions(
    int Nodes,
    int PodsPerNode = 3,
    int Services = 1,
    int Zones = 1,
    int ControlPlanes = 1,
    double Rate = 1000,
    double DurationS = 300,
    double? CrashAtS = 60,
    IReadOnlyList<string>? Variants = null,
    string ProxyMode = "iptables",
    string Name = "")
{
    /// <summary>The ways of access <c>svcsim generate</c> knows.</summary>
    public static IReadOnlyList<string> KnownVariants { get; } = ["nodeport", "cloud-lb", "metallb-l2", "metallb-bgp"];

    /// <summary>Pods per node above which the generator refuses (kubelet --max-pods can be raised up to about this).</summary>
    public const int MaxPodsPerNode = 250;
}

/// <summary>
/// Writes a scenario for a large cluster: control planes and workers spread over zones, Deployments
/// behind LoadBalancer Services written inline as Kubernetes objects, one client group, the chosen ways
/// of access and one worker crash. The output is a complete scenario file that <c>svcsim validate</c>
/// accepts; everything in it can be edited afterwards.
/// </summary>
public static partial class ScenarioGenerator
{
    /// <summary>Problems with <paramref name="o"/>, one sentence each; empty when it can be generated.</summary>
    public static IReadOnlyList<string> Check(GeneratorOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        if (o.ControlPlanes < 0)
        {
            errors.Add("--control-planes must be 0 or more");
        }
        if (o.Nodes <= o.ControlPlanes || o.Nodes > 65_000)
        {
            errors.Add($"--nodes must leave at least one worker beside {o.ControlPlanes} control planes, and be at most 65000");
        }
        if (o.PodsPerNode < 0 || o.PodsPerNode > GeneratorOptions.MaxPodsPerNode)
        {
            errors.Add($"--pods-per-node must be between 0 and {GeneratorOptions.MaxPodsPerNode} (kubelet's --max-pods is 110 by default)");
        }
        if (o.Services < 1 || o.Services > 2000)
        {
            errors.Add("--services must be between 1 and 2000 (each takes a node port from 30000-32767)");
        }
        if (o.Zones < 1 || o.Zones > 26)
        {
            errors.Add("--zones must be between 1 and 26");
        }
        if (!(o.Rate > 0) || double.IsInfinity(o.Rate))
        {
            errors.Add("--rate must be a positive number of requests per second");
        }
        if (!(o.DurationS > 0) || double.IsInfinity(o.DurationS))
        {
            errors.Add("--duration must be positive");
        }
        if (o.CrashAtS is { } c && (c < 0 || c >= o.DurationS))
        {
            errors.Add("--crash-at must fall within the duration");
        }
        if (o.ProxyMode is not ("iptables" or "nftables" or "ipvs"))
        {
            errors.Add($"--proxy-mode '{o.ProxyMode}': expected iptables, nftables or ipvs");
        }
        foreach (var v in o.Variants ?? [])
        {
            if (!GeneratorOptions.KnownVariants.Contains(v))
            {
                errors.Add($"--variants: unknown way of access '{v}'; expected {string.Join(", ", GeneratorOptions.KnownVariants)}");
            }
        }
        long pods = (long)(o.Nodes - o.ControlPlanes) * o.PodsPerNode;
        if (pods < o.Services)
        {
            errors.Add($"{pods} pods cannot back {o.Services} Services: every Deployment needs a pod (raise --pods-per-node or lower --services)");
        }
        return errors;
    }

    /// <summary>The scenario file's text. <see cref="Check"/> must have found nothing wrong.</summary>
    public static string Write(GeneratorOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (Check(o) is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(o));
        }
        var variants = o.Variants is { Count: > 0 } v ? v : DefaultVariants;
        bool metallb = variants.Any(x => x.StartsWith("metallb", StringComparison.Ordinal));
        int workers = o.Nodes - o.ControlPlanes;
        long pods = (long)workers * o.PodsPerNode;
        string name = o.Name.Length > 0 ? o.Name : $"generated-{o.Nodes}-nodes";
        var sb = new StringBuilder(64 * o.Nodes + 600 * o.Services + 2000);
        void L(FormattableString line) => sb.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

        L($"# yaml-language-server: $schema=./scenario.schema.json");
        L($"#");
        foreach (string line in WrittenBy(o, variants))
        {
            sb.Append(line).Append('\n');
        }
        L($"# {Count(o.ControlPlanes, "control plane")} and {Count(workers, "worker")} in {Count(o.Zones, "zone")}; {Count(pods, "pod")} in {Count(o.Services, "Deployment")},");
        L($"# each behind a LoadBalancer Service; clients call the first Service. Edit freely.");
        L($"name: {YamlString(name)}");
        L($"description: {o.Nodes} nodes, {Count(pods, "pod")}, {Count(o.Services, "Service")}{(o.CrashAtS is { } c0 ? $", worker w1 crashes at {Seconds(c0)}" : "")}");
        L($"duration: {Seconds(o.DurationS)}");
        L($"seed: 1");
        L($"");
        L($"cluster:");
        L($"  nodes:");
        int address = 0;
        for (int i = 1; i <= o.ControlPlanes; i++)
        {
            L($"    - {{ name: cp{i}, role: controlPlane, ip: {Ip(address++)}{Zone(o, i - 1)} }}");
        }
        for (int i = 1; i <= workers; i++)
        {
            L($"    - {{ name: w{i}, ip: {Ip(address++)}{Zone(o, i - 1)} }}");
        }
        L($"");
        L($"kubeProxy:");
        L($"  mode: {o.ProxyMode}");
        L($"");
        L($"workloads:");
        for (int s = 0; s < o.Services; s++)
        {
            long replicas = pods / o.Services + (s < pods % o.Services ? 1 : 0);
            string app = $"app-{s + 1}";
            L($"  - apiVersion: apps/v1");
            L($"    kind: Deployment");
            L($"    metadata: {{ name: {app} }}");
            L($"    spec:");
            L($"      replicas: {replicas}");
            L($"      selector: {{ matchLabels: {{ app: {app} }} }}");
            L($"      template:");
            L($"        metadata: {{ labels: {{ app: {app} }} }}");
            L($"        spec:");
            L($"          containers: [{{ name: web, image: nginx, ports: [{{ containerPort: 80 }}] }}]");
            L($"  - apiVersion: v1");
            L($"    kind: Service");
            L($"    metadata: {{ name: svc-{s + 1} }}");
            L($"    spec:");
            L($"      type: LoadBalancer");
            L($"      selector: {{ app: {app} }}");
            L($"      ports: [{{ port: 80, targetPort: 80, nodePort: {30000 + s} }}]");
            if (!metallb)
            {
                // A cloud load balancer brings its own address; without a MetalLB pool it is read from the status.
                L($"    status: {{ loadBalancer: {{ ingress: [{{ ip: {LbIp(s)} }}] }} }}");
            }
        }
        if (metallb)
        {
            L($"  - apiVersion: metallb.io/v1beta1");
            L($"    kind: IPAddressPool");
            L($"    metadata: {{ name: pool, namespace: metallb-system }}");
            L($"    spec: {{ addresses: [{LbIp(0)}-{LbIp(o.Services - 1)}] }}");
            L($"  - apiVersion: metallb.io/v1beta1");
            L($"    kind: L2Advertisement");
            L($"    metadata: {{ name: l2, namespace: metallb-system }}");
            L($"  - apiVersion: metallb.io/v1beta2");
            L($"    kind: BGPPeer");
            L($"    metadata: {{ name: router, namespace: metallb-system }}");
            L($"    spec: {{ myASN: 64500, peerASN: 64501, peerAddress: 172.31.255.254 }}");
            L($"  - apiVersion: metallb.io/v1beta1");
            L($"    kind: BGPAdvertisement");
            L($"    metadata: {{ name: bgp, namespace: metallb-system }}");
        }
        L($"");
        L($"clients:");
        L($"  - {{ name: web, service: svc-1, clients: 100, rate: {o.Rate.ToString("R", CultureInfo.InvariantCulture)}/s, timeout: 5s }}");
        L($"");
        L($"variants:");
        foreach (var variant in variants)
        {
            L($"  - {variant switch
            {
                "nodeport" => o.ControlPlanes > 0 ? "{ kind: nodeport, addresses: [cp1] }" : "{ kind: nodeport, addresses: [w1] }",
                "cloud-lb" => "{ kind: cloud-lb, preset: gce }",
                _ => $"{{ kind: {variant} }}",
            }}");
        }
        if (o.CrashAtS is { } crash)
        {
            L($"");
            L($"faults:");
            L($"  - {{ kind: nodeCrash, node: w1, at: {Seconds(crash)} }}");
        }
        return sb.ToString();
    }

    private static string Zone(GeneratorOptions o, int i) => o.Zones > 1 ? $", zone: zone-{(char)('a' + i % o.Zones)}" : "";

    private static string Seconds(double s) => s.ToString("R", CultureInfo.InvariantCulture) + "s";

    private static string Count(long n, string thing) => n.ToString(CultureInfo.InvariantCulture) + " " + thing + (n == 1 ? "" : "s");

    /// <summary>
    /// The command that writes this file again, every option that differs from its default included, as comment
    /// lines of at most about 110 characters (continued with a backslash, as a shell reads them).
    /// </summary>
    private static List<string> WrittenBy(GeneratorOptions o, IReadOnlyList<string> variants)
    {
        var d = new GeneratorOptions(o.Nodes);
        var words = new List<string>
        {
            "svcsim generate",
            FormattableString.Invariant($"--nodes {o.Nodes}"),
            FormattableString.Invariant($"--pods-per-node {o.PodsPerNode}"),
            FormattableString.Invariant($"--services {o.Services}"),
            FormattableString.Invariant($"--zones {o.Zones}"),
        };
        if (o.ControlPlanes != d.ControlPlanes)
        {
            words.Add(FormattableString.Invariant($"--control-planes {o.ControlPlanes}"));
        }
        if (o.Rate != d.Rate)
        {
            words.Add("--rate " + o.Rate.ToString("R", CultureInfo.InvariantCulture));
        }
        if (o.DurationS != d.DurationS)
        {
            words.Add("--duration " + Seconds(o.DurationS));
        }
        if (o.CrashAtS != d.CrashAtS)
        {
            words.Add("--crash-at " + (o.CrashAtS is { } c ? Seconds(c) : "none"));
        }
        if (!variants.SequenceEqual(DefaultVariants))
        {
            words.Add("--variants " + string.Join(',', variants));
        }
        if (o.ProxyMode != d.ProxyMode)
        {
            words.Add("--proxy-mode " + o.ProxyMode);
        }
        if (o.Name.Length > 0)
        {
            words.Add("--name " + ShellWord(o.Name));
        }
        var lines = new List<string>();
        string line = "# Written by:";
        foreach (string w in words)
        {
            if (line.Length + 1 + w.Length > 108 && line.Length > "#  ".Length + 2)
            {
                lines.Add(line + " \\");
                line = "#  ";
            }
            line += " " + w;
        }
        lines.Add(line);
        return lines;
    }

    private static readonly string[] DefaultVariants = ["nodeport", "cloud-lb"];

    /// <summary>A word a POSIX shell reads back as <paramref name="text"/>: as it is when safe, else in single quotes.</summary>
    private static string ShellWord(string text) =>
        PlainWord().IsMatch(text) ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A YAML scalar that reads back as the string <paramref name="text"/>: plain when that is safe, else quoted.</summary>
    private static string YamlString(string text) => YamlScalar.Serialize(text).TrimEnd('\n');

    // Quotes what would otherwise read as another type (true, 123, null, ~) or not at all (x: y).
    private static readonly YamlDotNet.Serialization.ISerializer YamlScalar =
        new YamlDotNet.Serialization.SerializerBuilder().WithQuotingNecessaryStrings().WithNewLine("\n").Build();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._/-]+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PlainWord();

    /// <summary>Node addresses from 10.0.0.10 up, skipping .0 and .255 in the last byte.</summary>
    private static string Ip(int k)
    {
        int host = 10 + k;
        int low = host % 254 + 1, rest = host / 254;
        return $"10.{rest / 256 % 256}.{rest % 256}.{low}";
    }

    /// <summary>Service addresses from 172.16.0.1 up, consecutive (outside every node address).</summary>
    private static string LbIp(int s)
    {
        uint a = (172u << 24 | 16u << 16 | 1u) + (uint)s;
        return $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
    }
}

using System.Globalization;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Scenarios;

/// <summary>
/// What the sections read so far know, for the sections after them: the run's duration, the nodes, the
/// pod sources and the Services. Sections are read in dependency order (duration, cluster, manifests,
/// pods, clients, variants, faults, measurement), so a reference is checked where it is written.
/// </summary>
internal sealed class ScenarioContext
{
    /// <summary>The run's duration in seconds; NaN while unknown (missing or invalid).</summary>
    public double DurationS { get; set; } = double.NaN;

    public List<NodeSpec> Nodes { get; } = [];

    /// <summary>Workloads as the manifests give them, in creation order.</summary>
    public List<PodSourceManifest> WorkloadManifests { get; } = [];

    /// <summary>Hand-written EndpointSlices that svcsim simulates.</summary>
    public List<SliceSource> SliceSources { get; } = [];

    /// <summary>Pod sources with their pod settings (after <c>pods</c>).</summary>
    public List<PodSourceSpec> PodSources { get; } = [];

    public List<ResolvedService> Services { get; } = [];

    /// <summary>PodDisruptionBudgets of the manifests, with where each is written.</summary>
    public List<BudgetManifest> DisruptionBudgets { get; } = [];
    /// <summary>The routes of the manifests' Ingresses; null when they have none.</summary>
    public List<Access.Ingress.IngressRoute>? IngressRoutes { get; set; }

    /// <summary>The hosts listed in the manifests' Ingress <c>tls</c> sections ("" for a section without hosts).</summary>
    public List<string> IngressTlsHosts { get; set; } = [];

    /// <summary>Services some client group uses (their problems are errors; the others' are warnings).</summary>
    public HashSet<ResolvedService> UsedServices { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>BGPPeer objects in the manifests.</summary>
    public int BgpPeers { get; set; }

    /// <summary>Manifest files outside the scenario's folder tree may be read (<c>--allow-external-manifests</c>).</summary>
    public bool AllowExternalManifests { get; init; }

    /// <summary>False when the manifests could not be read: reference checks against them are skipped.</summary>
    public bool ManifestsKnown { get; set; } = true;

    public string NodeNames => ManifestResolver.List(Nodes.Select(n => n.Name));

    public NodeSpec? FindNode(string name)
    {
        Index();
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>The first node declared with <paramref name="ip"/>, or null.</summary>
    public NodeSpec? FindNodeByIp(string ip)
    {
        Index();
        return _byIp.GetValueOrDefault(ip);
    }

    // Name and address lookups for thousands of nodes: indexes that follow the list as nodes are added
    // (a scan per lookup made reading 5,000 nodes quadratic).
    private readonly Dictionary<string, NodeSpec> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeSpec> _byIp = new(StringComparer.Ordinal);
    private int _indexed;

    private void Index()
    {
        if (_indexed > Nodes.Count)
        {
            _byName.Clear();
            _byIp.Clear();
            _indexed = 0;
        }
        for (; _indexed < Nodes.Count; _indexed++)
        {
            _byName.TryAdd(Nodes[_indexed].Name, Nodes[_indexed]);
            _byIp.TryAdd(Nodes[_indexed].Ip, Nodes[_indexed]);
        }
    }

    /// <summary>The node named <paramref name="name"/>, or an error at <paramref name="at"/> naming the nodes there are.</summary>
    public NodeSpec? RequireNode(Node at, string name)
    {
        if (FindNode(name) is { } node)
        {
            return node;
        }
        if (Nodes.Count > 0)
        {
            at.Error($"no node named '{name}'{Suggest.Hint(name, Nodes.Select(n => n.Name))} (nodes: {NodeNames})");
        }
        return null;
    }

    /// <summary>
    /// The Service <paramref name="name"/> names: <c>namespace/name</c>, or <c>name</c> in the default namespace,
    /// or <c>name</c> alone when exactly one namespace has a Service of that name.
    /// </summary>
    public ResolvedService? FindService(string name) => Find(Services, name, s => s.Spec.Namespace, s => s.Spec.Name, out _);

    /// <summary>The Service <paramref name="name"/> names, or an error naming the Services there are.</summary>
    public ResolvedService? RequireService(Node at, string name)
    {
        if (Find(Services, name, s => s.Spec.Namespace, s => s.Spec.Name, out var ambiguous) is { } svc)
        {
            return svc;
        }
        if (ambiguous.Count > 1)
        {
            at.Error($"'{name}' names Services in several namespaces: write one of {ManifestResolver.List(ambiguous.Select(s => s.Spec.Key))}");
        }
        else if (ManifestsKnown)
        {
            var names = Services.Select(s => s.Spec.Key).ToArray();
            at.Error($"no Service named '{name}'{Suggest.Hint(name, names)} in the manifests (Services: {ManifestResolver.List(names)})");
        }
        return null;
    }

    /// <summary>The pod source <paramref name="name"/> names (as for Services), or an error naming those there are.</summary>
    public PodSourceSpec? RequirePodSource(Node at, string name)
    {
        if (Find(PodSources, name, s => s.Namespace, s => s.Name, out var ambiguous) is { } d)
        {
            return d;
        }
        if (ambiguous.Count > 1)
        {
            at.Error($"'{name}' names workloads in several namespaces: write one of {ManifestResolver.List(ambiguous.Select(s => s.Key))}");
        }
        else if (ManifestsKnown)
        {
            var names = PodSources.Select(x => x.Key).ToArray();
            at.Error($"no workload named '{name}'{Suggest.Hint(name, names)} (workloads: {ManifestResolver.List(names)})");
        }
        return null;
    }

    /// <summary>How many pods <paramref name="source"/> starts with: its replicas, or for a DaemonSet the nodes it fits.</summary>
    public int InitialPods(PodSourceSpec source) =>
        source.Kind == PodSourceKind.DaemonSet
            ? Nodes.Count(n => NodeMetadata.WhyNot(source, n) is null)
            : source.Replicas;

    private static T? Find<T>(IEnumerable<T> items, string name, Func<T, string> ns, Func<T, string> shortName, out List<T> candidates)
        where T : class
    {
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            candidates = [];
            return items.FirstOrDefault(i => ns(i) == name[..slash] && shortName(i) == name[(slash + 1)..]);
        }
        candidates = items.Where(i => shortName(i) == name).ToList();
        return candidates.FirstOrDefault(i => ns(i) == "default") ?? (candidates.Count == 1 ? candidates[0] : null);
    }

    /// <summary>Checks that a fault time falls inside the run.</summary>
    public string? WithinRun(double atS) =>
        !double.IsNaN(DurationS) && atS >= DurationS
            ? $"{Seconds(atS)} is not before the end of the run (duration {Seconds(DurationS)})"
            : null;

    /// <summary>Seconds written back as a duration (<c>90s</c>, <c>0.25s</c>).</summary>
    public static string Seconds(double s) =>
        double.IsPositiveInfinity(s) ? "never" : s.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}

using System.Text.RegularExpressions;
using Svcsim.Kubernetes;

namespace Svcsim.Scenarios;

/// <summary>
/// What identifies an object to the API server, and so to <c>kubectl apply</c>: its API group, kind,
/// namespace and name. A later document with the same key updates the earlier one.
/// </summary>
internal readonly record struct ObjectKey(string Group, string Kind, string Namespace, string Name)
{
    /// <summary><c>Kind/name</c> in the default namespace, <c>Kind/namespace/name</c> elsewhere.</summary>
    public override string ToString() => Namespace == "default" ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>
/// Everything svcsim reads from the manifests, with <c>kubectl apply</c>'s semantics: objects keyed by
/// <see cref="ObjectKey"/>, each list in the order objects were first created, a later document replacing
/// the earlier one in place (with a warning that names both).
/// </summary>
internal sealed class ManifestSet
{
    private readonly Dictionary<ObjectKey, (int Index, Node At)> _seen = [];

    public List<PodSourceManifest> Workloads { get; } = [];
    public List<ServiceManifest> Services { get; } = [];
    public List<EndpointSliceManifest> EndpointSlices { get; } = [];
    public List<PoolManifest> Pools { get; } = [];
    public List<AdvertisementManifest> Advertisements { get; } = [];
    public List<PeerManifest> Peers { get; } = [];
    public List<BudgetManifest> DisruptionBudgets { get; } = [];
    public List<IngressManifest> Ingresses { get; } = [];

    /// <summary>Applies <paramref name="item"/>: appended when new, replacing the object with the same key otherwise.</summary>
    public void Apply<T>(List<T> list, ObjectKey key, Node at, T item)
    {
        if (_seen.TryGetValue(key, out var earlier))
        {
            at.Warn($"replaces {key} defined at {earlier.At.File.Path}:{earlier.At.Yaml.Start.Line} (kubectl apply updates the object with the same kind, namespace and name)");
            list[earlier.Index] = item;
            _seen[key] = (earlier.Index, at);
            return;
        }
        _seen[key] = (list.Count, at);
        list.Add(item);
    }
}

/// <summary>
/// Reads Kubernetes and MetalLB objects from manifest documents, as <c>kubectl apply</c> takes them: apps/v1
/// Deployment, ReplicaSet, StatefulSet, DaemonSet; v1 Pod, Service, Endpoints, List; discovery.k8s.io/v1
/// EndpointSlice; networking.k8s.io/v1 Ingress and IngressClass; policy/v1 PodDisruptionBudget; metallb.io IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer. Other kinds (Jobs,
/// ConfigMaps, RBAC...) and the same kind names from other API groups are applied without svcsim
/// needing them. Unknown fields where svcsim reads are warnings, as the API server warns.
/// </summary>
internal static partial class ManifestReader
{
    private static readonly Dictionary<string, (string Group, string Version)> Kinds = new(StringComparer.Ordinal)
    {
        ["Deployment"] = ("apps", "v1"),
        ["ReplicaSet"] = ("apps", "v1"),
        ["StatefulSet"] = ("apps", "v1"),
        ["DaemonSet"] = ("apps", "v1"),
        ["Pod"] = ("", "v1"),
        ["Service"] = ("", "v1"),
        ["Endpoints"] = ("", "v1"),
        ["EndpointSlice"] = ("discovery.k8s.io", "v1"),
        ["List"] = ("", "v1"),
        ["PodDisruptionBudget"] = ("policy", "v1"),
        ["IPAddressPool"] = ("metallb.io", "v1beta1"),
        ["L2Advertisement"] = ("metallb.io", "v1beta1"),
        ["BGPAdvertisement"] = ("metallb.io", "v1beta1"),
        ["BGPPeer"] = ("metallb.io", "v1beta2"),
        ["Ingress"] = ("networking.k8s.io", "v1"),
        ["IngressClass"] = ("networking.k8s.io", "v1"),
    };

    private static string[] TopLevelKeys(string kind) => kind switch
    {
        "List" => ["apiVersion", "kind", "metadata", "items"],
        "Endpoints" => ["apiVersion", "kind", "metadata", "subsets"],
        "EndpointSlice" => ["apiVersion", "kind", "metadata", "addressType", "endpoints", "ports"],
        _ => ["apiVersion", "kind", "metadata", "spec", "status"],
    };

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex Dns1123();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PortName();

    /// <summary>
    /// Reads one document. <paramref name="inlinePath"/> is the field path of an inline workload
    /// (<c>workloads[0]</c>); documents of a manifest file are named by kind, namespace and name
    /// (<c>Service/np-nginx</c>, <c>Service/shop/web</c>). <paramref name="defaultNamespace"/> is where objects
    /// without a namespace go (kubectl apply's <c>-n</c>, <c>default</c> unless the scenario says otherwise).
    /// </summary>
    public static void Read(Node document, int index, string? inlinePath, ManifestSet into, string defaultNamespace = "default")
    {
        var doc = document.AsMap("a Kubernetes object (apiVersion, kind, metadata, spec)");
        if (doc is null)
        {
            return;
        }
        string? kind = doc.RequiredString("kind", "the object's kind, for example Deployment or Service");
        string? apiVersion = doc.RequiredString("apiVersion", "for example apps/v1 or v1");
        if (kind is null || apiVersion is null || !Kinds.TryGetValue(kind, out var expected))
        {
            return; // other kinds (ConfigMap, Namespace, Job...) are not svcsim's concern
        }
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        (string group, string version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (group != expected.Group)
        {
            return; // the same kind name from another API group (a Knative Service...)
        }
        bool versionOk = version == expected.Version || (kind == "BGPPeer" && version == "v1beta1");
        if (!versionOk)
        {
            doc.Get("apiVersion")!.Value.Error(
                $"{kind} is read as {(group.Length == 0 ? "" : group + "/")}{expected.Version}, found {apiVersion}");
            return;
        }
        string? name = null;
        string ns = defaultNamespace;
        Map? metadata = null;
        if (kind != "List")
        {
            metadata = doc.Required("metadata", "metadata with a name")?.AsMap();
            name = metadata?.RequiredString("name", "the object's name");
            if (metadata?.Get("namespace") is { } nsNode && nsNode.Text("a namespace name") is { } nsText)
            {
                ns = nsText.Trim();
                if (!Dns1123Label().IsMatch(ns) || ns.Length > 63)
                {
                    nsNode.Error($"'{ns}' is not a valid namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
                }
            }
            int maxName = kind == "Service" ? InputLimits.MaxLabelChars : InputLimits.MaxNameChars;
            if (name is not null && name.Length > maxName)
            {
                metadata!.Get("name")!.Value.Error($"a {kind} name has at most {maxName} characters (Kubernetes' limit), found {name.Length}");
            }
            else if (name is not null && !Dns1123().IsMatch(name))
            {
                metadata!.Get("name")!.Value.Error($"'{name}' is not a valid Kubernetes name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
            }
        }
        var key = new ObjectKey(group, kind, ns, name ?? "");
        string path = inlinePath ?? (name is null ? $"{kind}(document {index + 1})" : key.ToString());
        doc = doc.Self.WithPath(path).AsMap()!;
        metadata = metadata is null ? null : doc.Get("metadata")?.AsMap();
        doc.Check(TopLevelKeys(kind), UnknownKeys.Warn, what: "field");
        name ??= "";
        var at = doc.Self;
        switch (kind)
        {
            case "List":
                var items = doc.Get("items")?.AsList() ?? [];
                for (int i = 0; i < items.Count; i++)
                {
                    Read(items[i], i, inlinePath is null ? null : $"{inlinePath}.items[{i}]", into, defaultNamespace);
                }
                break;
            case "Deployment":
            case "ReplicaSet":
            case "StatefulSet":
            case "DaemonSet":
            case "Pod":
                if (ReadWorkload(doc, kind, name, ns, metadata) is { } w)
                {
                    into.Apply(into.Workloads, key, at, w);
                }
                break;
            case "Service":
                if (ReadService(doc, name, ns, metadata) is { } s)
                {
                    into.Apply(into.Services, key, at, s);
                }
                break;
            case "EndpointSlice":
                if (ReadEndpointSlice(doc, name, ns, metadata) is { } es)
                {
                    into.Apply(into.EndpointSlices, key, at, es);
                }
                break;
            case "Endpoints":
                if (ReadEndpoints(doc, name, ns) is { } ep)
                {
                    into.Apply(into.EndpointSlices, key, at, ep);
                }
                break;
            case "IPAddressPool":
                if (ReadPool(doc, name, ns, metadata) is { } p)
                {
                    into.Apply(into.Pools, key, at, p);
                }
                break;
            case "L2Advertisement":
            case "BGPAdvertisement":
                into.Apply(into.Advertisements, key, at, ReadAdvertisement(doc, name, ns, kind == "BGPAdvertisement"));
                break;
            case "PodDisruptionBudget":
                if (ReadDisruptionBudget(doc, name, ns) is { } pdb)
                {
                    into.Apply(into.DisruptionBudgets, key, at, pdb);
                }
                break;
            case "BGPPeer":
                into.Apply(into.Peers, key, at, new PeerManifest(at, name, ns));
                break;
            case "Ingress":
                if (ReadIngress(doc, name, ns) is { } ing)
                {
                    into.Apply(into.Ingresses, key, at, ing);
                }
                break;
        }
    }

    private static Node WithPath(this Node node, string path) => node with { Path = path };

    /// <summary>A label map (<c>app: deploy-nginx</c>).</summary>
    public static Dictionary<string, string> Labels(Node node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.AsMap("labels (key: value)") is not { } m)
        {
            return labels;
        }
        foreach (var (key, keyNode, value) in m.Entries)
        {
            string text = value.Text("a label value") ?? "";
            int slash = key.LastIndexOf('/');
            if (key.Length - slash - 1 > InputLimits.MaxLabelChars || slash > InputLimits.MaxNameChars)
            {
                keyNode.Error($"a label key has at most {InputLimits.MaxLabelChars} characters after an optional prefix of at most {InputLimits.MaxNameChars} and '/' (Kubernetes' limit)");
            }
            else if (text.Length > InputLimits.MaxLabelChars)
            {
                value.Error($"a label value has at most {InputLimits.MaxLabelChars} characters (Kubernetes' limit), found {text.Length}");
            }
            labels[key] = text;
        }
        return labels;
    }

    /// <summary><c>{app: deploy-nginx}</c>.</summary>
    public static string Format(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}

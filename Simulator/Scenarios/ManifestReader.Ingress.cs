using Svcsim.Access.Ingress;

namespace Svcsim.Scenarios;

/// <summary>The backend of an Ingress path or defaultBackend: a Service and its port, by number or by name.</summary>
internal sealed record IngressBackendManifest(Node At, string Service, Node ServiceAt, int? PortNumber, string? PortName, Node? PortAt);

/// <summary>One path of an Ingress rule (an empty path for the defaultBackend).</summary>
internal sealed record IngressPathManifest(Node At, string Host, string Path, IngressPathType Type, IngressBackendManifest Backend);

/// <summary>A networking.k8s.io/v1 Ingress: its paths, its defaultBackend (a path with an empty path), its TLS hosts.</summary>
internal sealed record IngressManifest(Node At, string Name, string Namespace, string? ClassName, IReadOnlyList<IngressPathManifest> Paths,
    IReadOnlyList<string> TlsHosts);

/// <summary>Ingresses: rules by host and path, defaultBackend, backends by Service name and port, tls.</summary>
internal static partial class ManifestReader
{
    private static readonly string[] IngressSpecKeys = ["ingressClassName", "defaultBackend", "rules", "tls"];

    private static readonly Dictionary<string, IngressPathType> PathTypes = new(StringComparer.Ordinal)
    {
        ["Exact"] = IngressPathType.Exact, ["Prefix"] = IngressPathType.Prefix, ["ImplementationSpecific"] = IngressPathType.Prefix,
    };

    private static IngressManifest? ReadIngress(Map doc, string name, string ns)
    {
        var spec = doc.Required("spec", "the Ingress's spec (rules, defaultBackend)")?.AsMap()?.Check(IngressSpecKeys, UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        var paths = new List<IngressPathManifest>();
        if (spec.Get("defaultBackend") is { } db && IngressBackend(db) is { } defaultBackend)
        {
            paths.Add(new IngressPathManifest(db, "", "", IngressPathType.Prefix, defaultBackend));
        }
        foreach (var rule in spec.Get("rules")?.AsList("a list of rules (host, http.paths)") ?? [])
        {
            var r = rule.AsMap("a rule (host, http)")?.Check(["host", "http"], UnknownKeys.Warn, what: "field");
            if (r is null)
            {
                continue;
            }
            string host = r.String("host", "");
            if (host.Contains(':', StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal))
            {
                r.Get("host")!.Value.Error($"'{host}' is not a host name (no port, no path: spec.rules[].host is a DNS name)");
            }
            var http = r.Get("http")?.AsMap("http with paths")?.Check(["paths"], UnknownKeys.Warn, what: "field");
            foreach (var p in http?.Required("paths", "a list of paths (path, pathType, backend)")?.AsList("a list of paths") ?? [])
            {
                var pm = p.AsMap("a path (path, pathType, backend)")?.Check(["path", "pathType", "backend"], UnknownKeys.Warn, what: "field");
                if (pm is null)
                {
                    continue;
                }
                string path = pm.String("path", "/");
                if (!path.StartsWith('/'))
                {
                    pm.Get("path")!.Value.Error($"'{path}' must be an absolute path, starting with '/'");
                }
                var type = pm.Required("pathType", "Exact, Prefix or ImplementationSpecific") is null
                    ? IngressPathType.Prefix
                    : pm.Enum("pathType", IngressPathType.Prefix, PathTypes, exactCase: true);
                if (pm.Required("backend", "the backend (service: name, port)") is { } b && IngressBackend(b) is { } backend)
                {
                    paths.Add(new IngressPathManifest(p, host, path, type, backend));
                }
            }
        }
        var tlsHosts = new List<string>();
        foreach (var t in spec.Get("tls")?.AsList("a list of TLS sections (hosts, secretName)") ?? [])
        {
            var tm = t.AsMap("a TLS section (hosts, secretName)")?.Check(["hosts", "secretName"], UnknownKeys.Warn, what: "field");
            var hosts = tm?.Get("hosts")?.Strings("a list of host names").Select(h => h.Value.Trim()).ToList() ?? [];
            // A section without hosts is the default server's certificate: requests without a host.
            tlsHosts.AddRange(hosts.Count == 0 ? [""] : hosts);
        }
        if (paths.Count == 0)
        {
            spec.Self.Error("has neither rules with paths nor a defaultBackend: it routes nothing");
        }
        return new IngressManifest(doc.Self, name, ns, spec.Get("ingressClassName")?.Text("an IngressClass name")?.Trim(), paths, tlsHosts);
    }

    private static IngressBackendManifest? IngressBackend(Node at)
    {
        var b = at.AsMap("a backend (service: name, port)")?.Check(["service", "resource"], UnknownKeys.Warn, what: "field");
        if (b is null)
        {
            return null;
        }
        if (b.Has("resource"))
        {
            b.Get("resource")!.Value.Warn("a resource backend (not a Service) is not simulated: requests for it get 404");
            return null;
        }
        var s = b.Required("service", "the backend Service (name, port)")?.AsMap("a Service backend (name, port)")?.Check(["name", "port"], UnknownKeys.Warn, what: "field");
        string? name = s?.RequiredString("name", "the backend Service's name");
        var port = s?.Required("port", "the Service port: number or name")?.AsMap("a Service port (number or name)")?.Check(["number", "name"], UnknownKeys.Warn, what: "field");
        if (s is null || name is null || port is null)
        {
            return null;
        }
        int? number = port.Has("number") ? port.Int("number", 0, 1, 65535) : null;
        string? portName = port.Has("name") ? port.String("name", "") : null;
        if ((number is null) == (portName is null))
        {
            port.Self.Error("give the port's number or its name, exactly one of them");
        }
        return new IngressBackendManifest(at, name, s.Get("name")!.Value, number, portName, port.Self);
    }
}

/// <summary>Ingresses checked against the Services, as the routes the proxy follows.</summary>
internal static class IngressResolver
{
    /// <summary>The hosts the Ingresses' <c>tls</c> sections list ("" for a section without hosts).</summary>
    public static List<string> TlsHosts(IReadOnlyList<IngressManifest> ingresses) =>
        ingresses.SelectMany(i => i.TlsHosts).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The routes of <paramref name="ingresses"/>: each backend must name a Service of its namespace and one of
    /// its ports; two paths with the same host, path and type are an error (ingress-nginx's admission webhook
    /// refuses them), a second defaultBackend a warning (the first wins).
    /// </summary>
    public static List<IngressRoute> Resolve(IReadOnlyList<IngressManifest> ingresses, IReadOnlyList<ResolvedService> services)
    {
        var routes = new List<IngressRoute>();
        var seen = new Dictionary<(string, string, IngressPathType), string>();
        string? defaultFrom = null;
        foreach (var ing in ingresses)
        {
            string shown = ing.Namespace == "default" ? $"Ingress/{ing.Name}" : $"Ingress/{ing.Namespace}/{ing.Name}";
            foreach (var p in ing.Paths)
            {
                var b = p.Backend;
                var svc = services.FirstOrDefault(s => s.Spec.Name == b.Service && s.Spec.Namespace == ing.Namespace);
                if (svc is null)
                {
                    var names = services.Where(s => s.Spec.Namespace == ing.Namespace).Select(s => s.Spec.Name).ToList();
                    b.ServiceAt.Error($"no Service named '{b.Service}' in namespace {ing.Namespace}{Suggest.Hint(b.Service, names)} (Services: {(names.Count == 0 ? "none" : string.Join(", ", names))})");
                    continue;
                }
                if (svc.NotSimulated is { } why)
                {
                    b.ServiceAt.Error($"Service {svc.Spec.Name} is not simulated ({why}); an Ingress backend must be a Service with pods");
                    continue;
                }
                if (b.PortNumber is { } n && svc.Spec.Ports.All(x => x.Port != n))
                {
                    b.PortAt!.Value.Error($"Service {svc.Spec.Name} has no port {n} (ports: {string.Join(", ", svc.Spec.Ports.Select(x => x.Port))})");
                    continue;
                }
                if (b.PortName is { } pn && svc.Spec.Ports.All(x => x.Name != pn))
                {
                    var portNames = svc.Spec.Ports.Select(x => x.Name).Where(x => x.Length > 0).ToList();
                    b.PortAt!.Value.Error($"Service {svc.Spec.Name} has no port named '{pn}'{Suggest.Hint(pn, portNames)} (named ports: {(portNames.Count == 0 ? "none" : string.Join(", ", portNames))})");
                    continue;
                }
                if (p.Path.Length == 0)
                {
                    if (defaultFrom is not null)
                    {
                        p.At.Warn($"a second defaultBackend ({shown}); the one of {defaultFrom} is used");
                        continue;
                    }
                    defaultFrom = shown;
                }
                else if (seen.TryGetValue((p.Host, p.Path, p.Type), out var first))
                {
                    p.At.Error($"host '{p.Host}' and path {p.Path} ({p.Type}) are already routed by {first}");
                    continue;
                }
                else
                {
                    seen[(p.Host, p.Path, p.Type)] = shown;
                }
                routes.Add(new IngressRoute(p.Host, p.Path, p.Type, svc.Spec.Key));
            }
        }
        return routes;
    }
}

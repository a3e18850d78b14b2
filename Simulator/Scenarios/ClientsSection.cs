using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Workload;

namespace Svcsim.Scenarios;

/// <summary>A client group with the Services it names, for the variants' checks.</summary>
internal sealed record ClientGroupRef(ClientGroupSpec Spec, Node At, ResolvedService? Service, ResolvedService? NodePortService);

/// <summary>Reads <c>clients</c>: the groups of clients and their traffic.</summary>
internal static class ClientsSection
{
    /// <summary>A curl-like GET with its headers, about 100 bytes.</summary>
    public static readonly Distribution DefaultRequestSize = Distribution.Constant(100);

    /// <summary>nginx's default page: 615 bytes of body and about 240 bytes of headers.</summary>
    public static readonly Distribution DefaultResponseSize = Distribution.Constant(850);

    /// <summary>Linux gives up a connect after ~127 s with tcp_syn_retries=6 (kubernetes-behaviour.md, "NodePort").</summary>
    public const double DefaultConnectTimeoutS = 127;

    public static List<ClientGroupRef> Read(Node? section, Map root, ScenarioContext ctx)
    {
        var groups = new List<ClientGroupRef>();
        if (section is null)
        {
            root.Required("clients", "a list of client groups (service, rate or users)");
            return groups;
        }
        var items = section.Value.AsList("a list of client groups");
        if (items.Count == 0)
        {
            section.Value.Error("must list at least one client group");
        }
        foreach (var item in items)
        {
            if (ReadGroup(item, ctx) is not { } g)
            {
                continue;
            }
            if (groups.Any(o => o.Spec.Name == g.Spec.Name))
            {
                item.Error($"client group name '{g.Spec.Name}' is used twice (a group is named after its service unless it has a name)");
                continue;
            }
            groups.Add(g);
        }
        return groups;
    }

    private static readonly Dictionary<string, ConnectionReuse> Reuses = new(StringComparer.Ordinal)
    {
        ["perRequest"] = ConnectionReuse.PerRequest, ["keepAlive"] = ConnectionReuse.KeepAlive, ["multiplex"] = ConnectionReuse.Multiplex,
    };

    private static ConnectionSpec ReadConnection(Node? section)
    {
        var d = ConnectionSpec.PerRequest;
        if (section?.AsMap("connection settings (reuse, maxRequests, idleTimeout, maxAge, streams, pool)")?.Check(ScenarioKeys.Connection) is not { } m)
        {
            return d;
        }
        var reuse = m.Enum("reuse", d.Reuse, Reuses);
        if (m.Get("streams") is { } streams && reuse != ConnectionReuse.Multiplex)
        {
            streams.Error("streams is for reuse: multiplex (concurrent requests on one HTTP/2 connection)");
        }
        if (reuse == ConnectionReuse.PerRequest)
        {
            foreach (string key in new[] { "maxRequests", "idleTimeout", "maxAge", "pool" })
            {
                m.Get(key)?.Warn($"{key} has no effect with reuse: perRequest (every request has its own connection)");
            }
        }
        return new ConnectionSpec(
            reuse,
            m.Int("maxRequests", d.MaxRequests, min: 1),
            m.Duration("idleTimeout", d.IdleTimeoutS, positive: true, allowNever: true),
            m.Duration("maxAge", d.MaxAgeS, positive: true, allowNever: true),
            m.Int("streams", d.Streams, min: 1),
            m.Int("pool", d.Pool, min: 1));
    }

    private static ClientGroupRef? ReadGroup(Node item, ScenarioContext ctx)
    {
        var m = item.AsMap("a client group (service, rate or users, ...)")?.Check(ScenarioKeys.Clients);
        if (m is null)
        {
            return null;
        }
        string? serviceName = m.RequiredString("service", "the name of the Service the clients reach (name, or namespace/name)");
        var service = serviceName is null ? null : Use(ctx, m.Get("service")!.Value, serviceName);
        ResolvedService? nodePortService = null;
        string nodePortName = "";
        if (m.Get("nodePortService") is { } np && np.Text("a Service name") is { } npName)
        {
            nodePortName = npName.Trim();
            nodePortService = Use(ctx, np, nodePortName);
            nodePortName = nodePortService?.Spec.Key ?? nodePortName;
            if (nodePortService is { Spec.Type: ServiceType.ClusterIP })
            {
                np.Error($"Service {nodePortName} is type ClusterIP: it has no node port (expected a NodePort or LoadBalancer Service)");
            }
        }
        double rate = m.Rate("rate", 0);
        int users = m.Int("users", 0, min: 1);
        if (m.Has("rate") && m.Has("users"))
        {
            m.Get("users")!.Value.Error("give either rate (open loop) or users (closed loop), not both");
        }
        else if (!m.Has("rate") && !m.Has("users"))
        {
            m.Self.Error("needs rate (open loop, like 200/s) or users (closed loop, with thinkTime)");
        }
        if (m.Has("thinkTime") && m.Has("rate"))
        {
            m.Get("thinkTime")!.Value.Warn("thinkTime is for closed loop (users); with rate it is ignored");
        }
        double timeout = m.Duration("timeout", 10, positive: true);
        var spec = new ClientGroupSpec(
            m.String("name", serviceName ?? ""),
            service?.Spec.Key ?? serviceName ?? "",
            nodePortName,
            m.Int("clients", 1, min: 1),
            rate,
            users,
            m.Distribution("thinkTime", m.Has("users") ? Distribution.Exponential(1) : Distribution.Constant(0), Quantity.Duration),
            m.Distribution("requestSize", DefaultRequestSize, Quantity.Size),
            m.Distribution("responseSize", DefaultResponseSize, Quantity.Size),
            timeout,
            m.Duration("connectTimeout", DefaultConnectTimeoutS, positive: true),
            m.Int("retries", 0, min: 0),
            m.Distribution("retryBackoff", Distribution.Constant(0), Quantity.Duration),
            m.Bool("sameSegment", false),
            m.Duration("unreachableAfter", 3, positive: true),
            ReadConnection(m.Get("connection")));
        if (m.Get("nodes") is { } nodesAt)
        {
            // In-cluster clients: the group's client pods run on these nodes, in turn.
            var nodes = new List<string>();
            foreach (var (name, at) in nodesAt.Strings("a list of node names"))
            {
                if (ctx.RequireNode(at, name) is not null)
                {
                    nodes.Add(name);
                }
            }
            if (nodes.Count == 0)
            {
                nodesAt.Error("must name at least one node (leave nodes out for clients outside the cluster)");
            }
            spec = spec with { Nodes = nodes };
        }
        spec = WithIngressRoute(spec, m, ctx);
        return new ClientGroupRef(spec, item, service, nodePortService);
    }

    /// <summary>The group's host and path, and the Service the manifests' Ingress rules send them to.</summary>
    private static ClientGroupSpec WithIngressRoute(ClientGroupSpec spec, Map m, ScenarioContext ctx)
    {
        string host = m.String("host", "");
        string path = m.String("path", "/");
        if (!path.StartsWith('/'))
        {
            m.Get("path")!.Value.Error($"'{path}' is not a URL path: it starts with '/'");
        }
        spec = spec with { Tls = Access.Ingress.IngressRoute.TlsCovers(ctx.IngressTlsHosts, host) };
        if (!m.Has("host") && !m.Has("path"))
        {
            return spec; // a group that asks for no host or path is not routed by Ingress rules: it reaches its service
        }
        if (ctx.IngressRoutes is not { } routes)
        {
            foreach (string key in new[] { "host", "path" })
            {
                m.Get(key)?.Warn($"{key} is matched against Ingress rules, and the manifests have no Ingress: an ingress-nginx variant sends the group to its service");
            }
            return spec with { Host = host, Path = path };
        }
        string? routed = Access.Ingress.IngressRoute.Match(routes, host, path);
        if (routed is null)
        {
            (m.Get("path") ?? m.Get("host") ?? m.Self).Warn($"no Ingress rule matches host '{host}' and path {path}: through an ingress-nginx variant every request of this group gets 404 (no_route)");
        }
        return spec with { Host = host, Path = path, IngressService = routed ?? "" };
    }

    /// <summary>
    /// The Service a client group names; one that cannot be simulated (ExternalName, headless) or that has no
    /// endpoint (a selector matching no pod, a named targetPort no container has) is an error now, where it is said.
    /// </summary>
    private static ResolvedService? Use(ScenarioContext ctx, Node at, string name)
    {
        var svc = ctx.RequireService(at, name);
        if (svc is null)
        {
            return null;
        }
        if (svc.NotSimulated is { } why)
        {
            at.Error($"Service {svc.Spec.Key} {why}");
            return null;
        }
        if (ctx.UsedServices.Add(svc) && svc.Problem is { } p)
        {
            p.At.Error(p.Message);
        }
        return svc;
    }
}

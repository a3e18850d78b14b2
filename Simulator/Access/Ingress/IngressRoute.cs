namespace Svcsim.Access.Ingress;

/// <summary>spec.rules[].http.paths[].pathType of a networking.k8s.io/v1 Ingress.</summary>
public enum IngressPathType
{
    /// <summary>The URL path must equal the rule's path.</summary>
    Exact,
    /// <summary>The URL path starts with the rule's path, element by element (<c>/ip</c> matches <c>/ip/x</c>, not <c>/ipx</c>).</summary>
    Prefix,
}

/// <summary>One path of an Ingress rule, or (with an empty path) a <c>defaultBackend</c>: where it sends matching requests.</summary>
/// <param name="Host">spec.rules[].host; empty: every host.</param>
/// <param name="Path">The path; empty for a defaultBackend.</param>
/// <param name="Type">How the path matches (ImplementationSpecific is read as Prefix, as ingress-nginx does).</param>
/// <param name="Service">The backend Service's key (<c>name</c> or <c>namespace/name</c>).</param>
public sealed record IngressRoute(string Host, string Path, IngressPathType Type, string Service)
{
    /// <summary>Whether it is a defaultBackend rather than a rule's path.</summary>
    public bool IsDefault => Path.Length == 0;

    /// <summary>
    /// The Service a request for <paramref name="host"/> and <paramref name="path"/> goes to, by the Ingress
    /// API's precedence: rules of the request's host before host-less rules, an Exact path before a Prefix,
    /// the longest Prefix first; then a defaultBackend; null when nothing matches (404).
    /// </summary>
    public static string? Match(IReadOnlyList<IngressRoute> routes, string host, string path)
    {
        ArgumentNullException.ThrowIfNull(routes);
        foreach (string h in host.Length > 0 ? new[] { host, "" } : [""])
        {
            var best = routes.Where(r => !r.IsDefault && r.Host == h && Matches(r, path))
                .OrderBy(r => r.Type == IngressPathType.Exact ? 0 : 1)
                .ThenByDescending(r => r.Path.Length)
                .FirstOrDefault();
            if (best is not null)
            {
                return best.Service;
            }
        }
        return routes.FirstOrDefault(r => r.IsDefault)?.Service;
    }

    /// <summary>
    /// Whether <paramref name="host"/> is served over TLS: listed in a <c>tls</c> section (<paramref name="tlsHosts"/>),
    /// exactly or by a wildcard of one label (<c>*.example.com</c> covers <c>shop.example.com</c>, not
    /// <c>example.com</c> nor <c>a.b.example.com</c>); an empty entry (a section without hosts) covers requests without a host.
    /// </summary>
    public static bool TlsCovers(IEnumerable<string> tlsHosts, string host)
    {
        ArgumentNullException.ThrowIfNull(tlsHosts);
        foreach (string t in tlsHosts)
        {
            if (t == host)
            {
                return true;
            }
            if (host.Length > 0 && t.StartsWith("*.", StringComparison.Ordinal))
            {
                int dot = host.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && string.Equals(host[dot..], t[1..], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool Matches(IngressRoute r, string path)
    {
        if (r.Type == IngressPathType.Exact)
        {
            return path == r.Path;
        }
        string prefix = r.Path.TrimEnd('/');
        return prefix.Length == 0 || path == prefix || (path.StartsWith(prefix, StringComparison.Ordinal) && path[prefix.Length] == '/');
    }
}

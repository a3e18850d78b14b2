using Svcsim.Engine;

namespace Svcsim.Workload;

/// <summary>A group of clients sending to one Service.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Service">The Service the clients reach (through the variant's way of access).</param>
/// <param name="NodePortService">The Service whose node port NodePort variants use; empty: <paramref name="Service"/>.</param>
/// <param name="Clients">Distinct client machines (client IPs): what session affinity, ECMP hashing and NodePort address assignment see.</param>
/// <param name="Rate">Open loop: new requests per second over the whole group (Poisson); 0 when closed loop.</param>
/// <param name="Users">Closed loop: users that each wait for their answer, think, and send again; 0 when open loop.</param>
/// <param name="ThinkTime">Closed loop think time, seconds.</param>
/// <param name="RequestBytes">Request size in bytes.</param>
/// <param name="ResponseBytes">Response size in bytes.</param>
/// <param name="TimeoutS">The client gives up on a request after this long (connect included).</param>
/// <param name="ConnectTimeoutS">The client gives up connecting to an address that does not answer after this long (Linux: ~127 s with tcp_syn_retries=6; clients usually set less).</param>
/// <param name="Retries">Further attempts after a failed one.</param>
/// <param name="RetryBackoff">Wait before each retry, seconds.</param>
/// <param name="SameSegment">Clients on the nodes' L2 segment: a dead address gives EHOSTUNREACH after <paramref name="UnreachableAfterS"/> instead of a timeout.</param>
/// <param name="UnreachableAfterS">ARP resolution failure time, about 3 s.</param>
/// <param name="Connection">How the clients use TCP connections (one per request by default).</param>
public sealed record ClientGroupSpec(
    string Name,
    string Service,
    string NodePortService,
    int Clients,
    double Rate,
    int Users,
    Distribution ThinkTime,
    Distribution RequestBytes,
    Distribution ResponseBytes,
    double TimeoutS,
    double ConnectTimeoutS,
    int Retries,
    Distribution RetryBackoff,
    bool SameSegment = false,
    double UnreachableAfterS = 3,
    ConnectionSpec Connection = null!)
{
    /// <summary>How the clients use connections.</summary>
    public ConnectionSpec Connection { get; init; } = Connection ?? ConnectionSpec.PerRequest;

    /// <summary>Nodes of the cluster the group's client pods run on (machine c on <c>Nodes[c % count]</c>); empty: outside the cluster.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>The host the clients ask for (HTTP Host header, TLS SNI): what Ingress rules match; empty: none.</summary>
    public string Host { get; init; } = "";

    /// <summary>The URL path the clients ask for: what Ingress rules match.</summary>
    public string Path { get; init; } = "/";

    /// <summary>
    /// The Service the manifests' Ingress rules send this group's requests to: null when the manifests have no
    /// Ingress (an Ingress proxy sends them to <see cref="Service"/>), empty when no rule matches (404).
    /// </summary>
    public string? IngressService { get; init; }

    /// <summary>
    /// Whether the group's host is listed in a <c>tls</c> section of the manifests' Ingresses (a section without
    /// hosts covers requests without one): its connections to an Ingress proxy are HTTPS, and their handshakes cost
    /// the proxy <c>tlsHandshakeCpu</c>.
    /// </summary>
    public bool Tls { get; init; }
}

/// <summary>How a client uses TCP connections to the Service.</summary>
public enum ConnectionReuse
{
    /// <summary>A new connection for every request, closed after its answer (curl, a client without keep-alive).</summary>
    PerRequest,
    /// <summary>HTTP/1.1 keep-alive: one request at a time per connection; idle connections are kept and reused.</summary>
    KeepAlive,
    /// <summary>HTTP/2 or gRPC: many concurrent requests (streams) on few long-lived connections.</summary>
    Multiplex,
}

/// <summary>The connection behaviour of a client group (kubernetes-behaviour.md, "Connections").</summary>
/// <param name="Reuse">How connections are used.</param>
/// <param name="MaxRequests">Requests after which the client closes a connection and opens a new one (nginx keepalive_requests, 1000).</param>
/// <param name="IdleTimeoutS">A connection unused this long is closed (Go net/http's IdleConnTimeout, 90 s).</param>
/// <param name="MaxAgeS">A connection older than this is closed after its current requests (gRPC MAX_CONNECTION_AGE); infinity: never.</param>
/// <param name="Streams">Multiplex: concurrent requests on one connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS, 100).</param>
/// <param name="Pool">Connections each client machine keeps to the Service: idle ones kept (keepAlive), or connections used (multiplex).</param>
public sealed record ConnectionSpec(
    ConnectionReuse Reuse = ConnectionReuse.PerRequest,
    int MaxRequests = 1000,
    double IdleTimeoutS = 90,
    double MaxAgeS = double.PositiveInfinity,
    int Streams = 100,
    int Pool = 1)
{
    /// <summary>One connection per request.</summary>
    public static ConnectionSpec PerRequest { get; } = new();
}

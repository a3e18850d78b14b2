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
    double UnreachableAfterS = 3);

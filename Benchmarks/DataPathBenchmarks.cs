using BenchmarkDotNet.Attributes;
using Svcsim.Scenarios;
using Svcsim.Workload;

namespace Svcsim.Benchmarks;

/// <summary>
/// Simulated requests through the full data path of the seed scenario (client, way of access, links,
/// kube-proxy choice, pod, response, measurement), per request, beside the engine's bare cost per event
/// (the hold model at 1,000 pending events). A request costs about four events; with a connection per request
/// its SYN and its data each walk the hops (client, way of access, kube-proxy, pod), kept alive only its data.
/// </summary>
[MemoryDiagnoser]
public class DataPathBenchmarks : SeedRequestBenchmark
{
    /// <summary>Way of access, by its index in the seed scenario (0 nodeport, 1 metallb-l2, 2 metallb-bgp, 3 cloud-lb).</summary>
    [Params(0, 1, 2, 3)]
    public int Variant { get; set; }

    /// <summary>How clients use connections: a new one per request (the default), or kept alive (pool 1, 1,000 requests each).</summary>
    [Params(ConnectionReuse.PerRequest, ConnectionReuse.KeepAlive)]
    public ConnectionReuse Reuse { get; set; }

    /// <inheritdoc />
    protected override int VariantIndex => Variant;

    /// <inheritdoc />
    protected override ScenarioSpec Adjust(ScenarioSpec spec) => spec with
    {
        Clients = [.. spec.Clients.Select(c => c with { Connection = c.Connection with { Reuse = Reuse } })],
    };
}

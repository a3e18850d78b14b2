using BenchmarkDotNet.Attributes;
using Svcsim.Dataplane;
using Svcsim.Scenarios;

namespace Svcsim.Benchmarks;

/// <summary>
/// One request of the seed scenario through NodePort, a connection per request, with each service proxy on
/// the nodes: kube-proxy's iptables mode (the seed's), Cilium's eBPF data path with random backend choice, and
/// with Maglev (a table lookup per new connection); beside the bare engine event.
/// </summary>
[MemoryDiagnoser]
public class ServiceProxyBenchmarks : SeedRequestBenchmark
{
    /// <summary>The nodes' service proxy.</summary>
    [Params("iptables", "ebpf-random", "ebpf-maglev")]
    public string Proxy { get; set; } = "iptables";

    /// <inheritdoc />
    protected override int VariantIndex => 0;

    /// <inheritdoc />
    protected override ScenarioSpec Adjust(ScenarioSpec spec) => spec with
    {
        KubeProxy = Proxy switch
        {
            "iptables" => spec.KubeProxy with { Mode = ProxyMode.Iptables },
            "ebpf-random" => spec.KubeProxy with { Mode = ProxyMode.Ebpf, Ebpf = spec.KubeProxy.Ebpf with { Algorithm = EbpfAlgorithm.Random } },
            "ebpf-maglev" => spec.KubeProxy with { Mode = ProxyMode.Ebpf, Ebpf = spec.KubeProxy.Ebpf with { Algorithm = EbpfAlgorithm.Maglev } },
            _ => throw new InvalidOperationException($"unknown proxy {Proxy}"),
        },
    };
}

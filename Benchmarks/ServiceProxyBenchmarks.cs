using BenchmarkDotNet.Attributes;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Queueing;
using Svcsim.Scenarios;

namespace Svcsim.Benchmarks;

/// <summary>
/// One request of the seed scenario through NodePort, a connection per request, with each service proxy on
/// the nodes: kube-proxy's iptables mode (the seed's), Cilium's eBPF data path with random backend choice, and
/// with Maglev (a table lookup per new connection). Beside the engine's bare cost per event, as in
/// <see cref="DataPathBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class ServiceProxyBenchmarks
{
    private const int Requests = 1_000_000;

    private VariantRunner _runner = null!;
    private long _done;
    private Simulation _hold = null!;

    /// <summary>The nodes' service proxy.</summary>
    [Params("iptables", "ebpf-random", "ebpf-maglev")]
    public string Proxy { get; set; } = "iptables";

    /// <summary>Loads Scenarios/seed.yaml with the proxy and runs one invocation's worth of requests first.</summary>
    [GlobalSetup(Target = nameof(Seed_Scenario_Request))]
    public void SetUpDataPath()
    {
        var spec = ScenarioLoader.Load(DataPathBenchmarks.SeedPath()).Spec;
        double rate = spec.Clients.Sum(c => c.Rate);
        var kubeProxy = Proxy switch
        {
            "iptables" => spec.KubeProxy with { Mode = ProxyMode.Iptables },
            "ebpf-random" => spec.KubeProxy with { Mode = ProxyMode.Ebpf, Ebpf = spec.KubeProxy.Ebpf with { Algorithm = EbpfAlgorithm.Random } },
            "ebpf-maglev" => spec.KubeProxy with { Mode = ProxyMode.Ebpf, Ebpf = spec.KubeProxy.Ebpf with { Algorithm = EbpfAlgorithm.Maglev } },
            _ => throw new InvalidOperationException($"unknown proxy {Proxy}"),
        };
        spec = spec with
        {
            DurationS = 50.0 * Requests / rate,
            Measurement = spec.Measurement with { WarmupS = 0 },
            KubeProxy = kubeProxy,
        };
        _runner = new VariantRunner(spec, spec.Variants[0], 0);
        _done = _runner.RunUntilRequests(Requests);
    }

    /// <summary>Builds the hold model with 1,000 pending events.</summary>
    [GlobalSetup(Target = nameof(Engine_Event))]
    public void SetUpHold()
    {
        _hold = new Simulation(new RandomStreams(1, 0), 1_000);
        _ = new HoldModel(_hold, 1_000);
        _hold.Run(Time.Second * 1_000);
    }

    /// <summary>The engine alone: one hold-model event.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 4 * Requests)]
    public long Engine_Event()
    {
        long end = _hold.EventsProcessed + 4 * Requests;
        while (_hold.EventsProcessed < end)
        {
            _hold.Run(_hold.Now + Time.Second);
        }
        return _hold.Now;
    }

    /// <summary>One request through NodePort and the proxy.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public long Seed_Scenario_Request()
    {
        _done = _runner.RunUntilRequests(_done + Requests);
        return _done;
    }
}

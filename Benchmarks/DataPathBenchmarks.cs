using BenchmarkDotNet.Attributes;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Queueing;
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
public class DataPathBenchmarks
{
    private const int Requests = 1_000_000;

    private VariantRunner _runner = null!;
    private long _done;
    private Simulation _hold = null!;

    /// <summary>Way of access, by its index in the seed scenario (0 nodeport, 1 metallb-l2, 2 metallb-bgp, 3 cloud-lb).</summary>
    [Params(0, 1, 2, 3)]
    public int Variant { get; set; }

    /// <summary>How clients use connections: a new one per request (the default), or kept alive (pool 1, 1,000 requests each).</summary>
    [Params(ConnectionReuse.PerRequest, ConnectionReuse.KeepAlive)]
    public ConnectionReuse Reuse { get; set; }

    /// <summary>The service proxy: kube-proxy's iptables mode (the seed scenario's), or Cilium's eBPF data path (random, SNAT), or Maglev.</summary>
    [Params("iptables", "ebpf", "maglev")]
    public string Proxy { get; set; } = "iptables";

    /// <summary>Loads Scenarios/seed.yaml and runs one invocation's worth of requests first (steady state).</summary>
    [GlobalSetup(Target = nameof(Seed_Scenario_Request))]
    public void SetUpDataPath()
    {
        var spec = ScenarioLoader.Load(SeedPath()).Spec;
        double rate = spec.Clients.Sum(c => c.Rate);
        // Room for 50 invocations before arrivals stop (a short job runs far fewer); no warm-up deletion.
        spec = spec with
        {
            DurationS = 50.0 * Requests / rate,
            Measurement = spec.Measurement with { WarmupS = 0 },
            Clients = [.. spec.Clients.Select(c => c with { Connection = c.Connection with { Reuse = Reuse } })],
            KubeProxy = Proxy switch
            {
                "iptables" => spec.KubeProxy with { Mode = ProxyMode.Iptables },
                "ebpf" => spec.KubeProxy with { Mode = ProxyMode.Ebpf, Ebpf = spec.KubeProxy.Ebpf with { Algorithm = EbpfAlgorithm.Random } },
                _ => spec.KubeProxy with { Mode = ProxyMode.Ebpf, Ebpf = spec.KubeProxy.Ebpf with { Algorithm = EbpfAlgorithm.Maglev } },
            },
        };
        _runner = new VariantRunner(spec, spec.Variants[Variant], 0);
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

    /// <summary>One request of the seed scenario through the full data path.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public long Seed_Scenario_Request()
    {
        _done = _runner.RunUntilRequests(_done + Requests);
        return _done;
    }

    private static string SeedPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("run from inside the repository"), "Scenarios", "seed.yaml");
    }
}

using System.Globalization;
using Svcsim.Access;
using Svcsim.Dataplane;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Workload;
using Xunit.Abstractions;

namespace Svcsim.Tests.Model;

/// <summary>
/// Cilium's eBPF data path against the Maglev paper and against predictions worked out from the mechanism:
/// the lookup table's shares and disruption, the same backend from every node, which connections a node crash
/// behind BGP resets under each hashing and forwarding mode, and where DSR's answers travel
/// (kubernetes-behaviour.md, "Cilium eBPF and Maglev").
/// </summary>
public sealed class EbpfTests(ITestOutputHelper output)
{
    private const int M = 16381;
    private static readonly ConnectionSpec KeepForever = new(ConnectionReuse.KeepAlive, MaxRequests: int.MaxValue, IdleTimeoutS: double.PositiveInfinity);

    private static KubeProxySpec Ebpf(EbpfAlgorithm algorithm, EbpfForwarding forwarding) =>
        KubeProxySpec.Default with { Mode = ProxyMode.Ebpf, Ebpf = EbpfSpec.Default with { Algorithm = algorithm, Forwarding = forwarding } };

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(97)]
    public void Every_Backend_Owns_The_Floor_Or_The_Ceiling_Of_M_Over_N_Entries(int n)
    {
        // Given N backends and the default table size
        var pods = Backends(n);

        // When the table is filled (each backend takes its next preferred free entry in turn)
        var shares = MaglevTable.Build(pods, M).Shares();

        // Then every backend has an entry, and the turns give each ⌊M/N⌋ or ⌈M/N⌉ of them (paper, section 3.4)
        Assert.Equal(n, shares.Count);
        Assert.All(shares.Values, c => Assert.InRange(c, M / n, (M + n - 1) / n));
        Assert.Equal(M, shares.Values.Sum());
    }

    [Fact]
    public void Removing_One_Of_Ten_Backends_Moves_Its_Own_Entries_And_Under_Three_Percent_More()
    {
        // Given tables for ten backends and for the same backends less one
        var pods = Backends(10);
        var before = MaglevTable.Build(pods, M);
        var gone = pods[3];
        var after = MaglevTable.Build(pods.Where(p => p != gone).ToList(), M);

        // When the entries that changed backend are counted
        int own = 0, extra = 0;
        for (int i = 0; i < M; i++)
        {
            if (before[i] == gone)
            {
                own++;
                Assert.NotEqual(gone, after[i]);
            }
            else if (before[i] != after[i])
            {
                extra++;
            }
        }

        // Then the removed backend's M/N entries all move, and the other backends lose only a small extra share:
        // Maglev trades a little disruption for even shares (the paper's figure 11 shows a few per cent for
        // 1,000 backends at M = 65537). Measured here: 0.5 % of the table for N = 10 at M = 16381.
        double extraShare = (double)extra / M;
        output.WriteLine(Inv($"removed backend's entries {own} ({(double)own / M:P2}), other entries moved {extra} ({extraShare:P2})"));
        Assert.InRange(own, M / 10, M / 10 + 1);
        Assert.InRange(extraShare, 0, 0.03);
    }

    [Fact]
    public void A_Backend_Added_To_Nine_Takes_About_A_Tenth_Of_The_Table()
    {
        // Given tables for nine backends and for the same nine plus one
        var pods = Backends(10);
        var before = MaglevTable.Build(pods.Take(9).ToList(), M);
        var after = MaglevTable.Build(pods, M);

        // When the entries that changed are counted
        int changed = Enumerable.Range(0, M).Count(i => before[i] != after[i]);
        int taken = Enumerable.Range(0, M).Count(i => after[i] == pods[9]);

        // Then the newcomer's M/N entries moved, and few others (under 3 % of the table)
        output.WriteLine(Inv($"changed {changed} ({(double)changed / M:P2}), taken by the new backend {taken}"));
        Assert.InRange(taken, M / 10, M / 10 + 1);
        Assert.InRange(changed - taken, 0, (int)(0.03 * M));
    }

    [Fact]
    public void The_Table_Does_Not_Depend_On_The_Order_The_Backends_Are_Listed_In()
    {
        var pods = Backends(7);
        var a = MaglevTable.Build(pods, 251);
        var b = MaglevTable.Build(pods.AsEnumerable().Reverse().ToList(), 251);
        Assert.All(Enumerable.Range(0, 251), i => Assert.Same(a[i], b[i]));
    }

    [Fact]
    public void A_Flow_Entering_Any_Node_Reaches_The_Same_Backend_Under_Maglev()
    {
        // Given the eBPF data path with Maglev on every node of a cluster with three pods
        var spec = TestScenarios.Seed(durationS: 10, variants: [TestScenarios.NodePortTo()], proxy: Ebpf(EbpfAlgorithm.Maglev, EbpfForwarding.Snat));
        var runner = new VariantRunner(spec, spec.Variants[0], 0);
        runner.Simulation.Run(Time.FromSeconds(5));
        var service = runner.Model.Service("np-nginx");
        var proxies = runner.Proxies.All.Cast<EbpfProxy>().ToList();

        // When 1,000 flow hashes are looked up on each node
        var random = new Random(7);
        var counts = new Dictionary<Pod, int>();
        for (int f = 0; f < 1000; f++)
        {
            ulong h = (ulong)random.NextInt64();
            var backends = proxies.Select(p => p.MaglevBackend(service.Index, h)).ToList();

            // Then every node names the same backend
            Assert.All(backends, b => Assert.Same(backends[0], b));
            counts[backends[0]!] = counts.GetValueOrDefault(backends[0]!) + 1;
        }

        // And the flows spread evenly over the three pods (chi-square at 99.9 %)
        Assert.Equal(3, counts.Count);
        double chi = Tolerances.ChiSquareUniform(counts.Values.Select(c => (long)c).ToList());
        Assert.True(chi < Tolerances.ChiSquareQuantile(2), $"chi2 {chi}");
        // And the table was built once for the view all nodes share, not once per node or per flow
        Assert.Equal(1, runner.Proxies.All.Cast<EbpfProxy>().First().MaglevTablesBuilt);
    }

    /// <summary>What a node crash behind BGP did to the established flows of one variant.</summary>
    private sealed record CrashResult(List<ulong> Flows, HashSet<ulong> Moved, HashSet<ulong> Ended, HashSet<ulong> OnDeadNode, Svcsim.Measurement.VariantSummary Summary, Dictionary<ulong, string> Hops);

    private static CrashResult CrashBehindBgp(KubeProxySpec proxy, EcmpHashing hashing, string crashed)
    {
        // 300 client machines, one user each, keeping one connection open through MetalLB BGP with BFD over
        // three workers (pods on w2 and w3), a request every 5 s on average, and one worker crashing at C = 30 s
        const double C = 30;
        var bgp = new MetalLbBgpAccess("metallb-bgp", Bfd: true, Hashing: hashing);
        var clients = TestScenarios.Clients(0, clients: 300, timeoutS: 2) with { Users = 300, ThinkTime = Distribution.Exponential(5), Connection = KeepForever };
        var spec = TestScenarios.Seed(rate: 60, durationS: 100, variants: [bgp], pinned: ["w2", "w3"], proxy: proxy,
            faults: [new NodeCrash(crashed, C)]) with
        { Clients = [clients] };
        var runner = new VariantRunner(spec, bgp, 0);
        var door = (MetalLbBgpFrontDoor)runner.FrontDoor;
        var service = runner.Model.Service("lb-nginx");
        var flows = new List<ulong>();
        var nextHop = new Dictionary<ulong, Node?>();
        var onDead = new HashSet<ulong>();
        runner.Simulation.ScheduleAt(Time.FromSeconds(C) - 1, () =>
        {
            foreach (var c in runner.Groups[0].Established())
            {
                flows.Add(c.FlowHash);
                nextHop[c.FlowHash] = door.NextHop(service, c.FlowHash);
                if (proxy.Mode == ProxyMode.Ebpf && proxy.Ebpf.Algorithm == EbpfAlgorithm.Maglev
                    && ((EbpfProxy)runner.Proxies.All[0]).MaglevBackend(service.Index, c.FlowHash)!.Node.Name == crashed)
                {
                    onDead.Add(c.FlowHash);
                }
            }
        });
        var after = new Dictionary<ulong, Node?>();
        runner.Simulation.ScheduleAt(Time.FromSeconds(C + 5), () =>
        {
            foreach (ulong h in flows)
            {
                after[h] = door.NextHop(service, h);
            }
        });
        var run = runner.Run();
        var survivors = runner.Groups[0].Established().Select(c => c.FlowHash).ToHashSet();
        var moved = flows.Where(h => nextHop[h] != after[h]).ToHashSet();
        var ended = flows.Where(h => !survivors.Contains(h)).ToHashSet();
        return new CrashResult(flows, moved, ended, onDead, run.Summary, flows.ToDictionary(h => h, h => $"{nextHop[h]?.Name}->{after[h]?.Name}"));
    }

    private static string Diff(CrashResult r) => Inv($"moved but kept {string.Join(", ", r.Moved.Except(r.Ended).Select(h => r.Hops[h]))}; ended unmoved {string.Join(", ", r.Ended.Except(r.Moved).Select(h => r.Hops[h]))}");

    private void Report(string name, CrashResult r) =>
        output.WriteLine(Inv($"{name}: {r.Flows.Count} flows, moved {r.Moved.Count} ({(double)r.Moved.Count / r.Flows.Count:F3}), backend on the dead node {r.OnDeadNode.Count}, ended {r.Ended.Count}; reset {r.Summary.ConnectionsReset}, hung {r.Summary.ConnectionsHung}"));

    [Theory]
    [InlineData("iptables", EcmpHashing.Modulo)]
    [InlineData("random-snat", EcmpHashing.Modulo)]
    [InlineData("maglev-snat", EcmpHashing.Modulo)]
    [InlineData("iptables", EcmpHashing.Resilient)]
    [InlineData("maglev-snat", EcmpHashing.Resilient)]
    public void When_A_Node_Without_Pods_Crashes_Exactly_The_Moved_Flows_End_Unless_Maglev_Meets_Dsr(string path, EcmpHashing hashing)
    {
        // Given w1 (no pod) crashing behind BGP: the router drops its route 0.9 s later (BFD) and rehashes.
        // Under iptables and eBPF random a moved flow reaches a node with no entry for it, which picks a backend
        // afresh and translates the source to itself; under Maglev with SNAT the backend is the same but the source
        // address is the new entry node's. Every moved flow's next packet meets a pod socket that does not know
        // it: reset. Modulo hashing moves 1 - 1/3 of the flows (h mod 3 vs h mod 2), resilient hashing only w1's third.
        var proxy = path switch
        {
            "iptables" => KubeProxySpec.Default,
            "random-snat" => Ebpf(EbpfAlgorithm.Random, EbpfForwarding.Snat),
            _ => Ebpf(EbpfAlgorithm.Maglev, EbpfForwarding.Snat),
        };

        // When it runs for a minute after the rehash
        var r = CrashBehindBgp(proxy, hashing, "w1");
        Report($"{path} {hashing}", r);

        // Then exactly the moved flows ended, and their share is the hashing's
        Assert.InRange(r.Flows.Count, 280, 320);
        Assert.True(r.Moved.SetEquals(r.Ended), $"the connections that ended are not the moved ones: {Diff(r)}");
        var (lo, hi) = Tolerances.BinomialRegion(r.Flows.Count, hashing == EcmpHashing.Modulo ? 2.0 / 3 : 1.0 / 3);
        Assert.InRange(r.Moved.Count, lo, hi);
        Assert.Equal(r.Moved.Count, r.Summary.ConnectionsReset + r.Summary.ConnectionsHung);
    }

    [Theory]
    [InlineData(EcmpHashing.Modulo)]
    [InlineData(EcmpHashing.Resilient)]
    public void When_A_Node_Without_Pods_Crashes_Maglev_With_Dsr_Keeps_Every_Connection(EcmpHashing hashing)
    {
        // Given the same crash under Maglev with DSR: a moved flow reaches the same backend from its new entry
        // node, still carrying the client's own address, so the pod's socket accepts it; answers never passed w1.
        // A request sent into w1 before BFD noticed is resent after the retransmission timeout (0.2, 0.6, 1.4 s),
        // by then along the new route, within the 2 s timeout.
        var r = CrashBehindBgp(Ebpf(EbpfAlgorithm.Maglev, EbpfForwarding.Dsr), hashing, "w1");
        Report($"maglev-dsr {hashing}", r);

        // Then the flows moved as before, and none of them ended
        var (lo, hi) = Tolerances.BinomialRegion(r.Flows.Count, hashing == EcmpHashing.Modulo ? 2.0 / 3 : 1.0 / 3);
        Assert.InRange(r.Moved.Count, lo, hi);
        Assert.Empty(r.Ended);
        Assert.Equal(0, r.Summary.ConnectionsReset + r.Summary.ConnectionsHung);
    }

    [Fact]
    public void Under_Random_With_Dsr_A_Moved_Flow_Survives_Only_When_The_New_Node_Draws_Its_Old_Backend()
    {
        // Given the same crash under eBPF random with DSR: the new entry node draws one of the three pods
        // uniformly, and the flow survives when it is the one that holds its socket (probability 1/3)
        var r = CrashBehindBgp(Ebpf(EbpfAlgorithm.Random, EbpfForwarding.Dsr), EcmpHashing.Modulo, "w1");
        Report("random-dsr modulo", r);

        // Then only moved flows ended, about 2/3 of them (99 % binomial region)
        Assert.Subset(r.Moved, r.Ended);
        var (lo, hi) = Tolerances.BinomialRegion(r.Moved.Count, 2.0 / 3);
        Assert.InRange(r.Ended.Count, lo, hi);
    }

    [Theory]
    [InlineData(EbpfForwarding.Dsr)]
    [InlineData(EbpfForwarding.Snat)]
    public void When_A_Node_With_Pods_Crashes_Maglev_With_Dsr_Ends_Only_The_Flows_Of_Its_Pods(EbpfForwarding forwarding)
    {
        // Given w2 crashing, which holds two of the three pods, with resilient hashing: w2's flows move to w1 and
        // w3. Under Maglev with DSR the flows whose backend is on w2 die with it (their requests go unanswered,
        // the client gives up), and every other flow survives, moved or not. With SNAT the moved flows end too.
        var r = CrashBehindBgp(Ebpf(EbpfAlgorithm.Maglev, forwarding), EcmpHashing.Resilient, "w2");
        Report($"maglev-{forwarding} resilient, w2 crashes", r);

        // Then the flows that ended are those whose backend died, plus (SNAT) the moved ones
        var expected = forwarding == EbpfForwarding.Dsr ? r.OnDeadNode : r.OnDeadNode.Union(r.Moved).ToHashSet();
        Assert.InRange(r.OnDeadNode.Count, 150, 250); // two pods of three
        Assert.True(expected.SetEquals(r.Ended), $"expected {expected.Count} to end, {r.Ended.Count} did; {expected.Except(r.Ended).Count()} survived, {r.Ended.Except(expected).Count()} ended unexpectedly");
    }

    [Theory]
    [InlineData(EbpfForwarding.Snat)]
    [InlineData(EbpfForwarding.Dsr)]
    public void With_Dsr_The_Backend_Nodes_Send_The_Answers_And_The_Entry_Node_Sends_None(EbpfForwarding forwarding)
    {
        // Given NodePort clients all calling cp1 (no pods there), 200 requests/s of 500 bytes answered with
        // 2,000 bytes over new connections, pods on w1..w3
        const double Rate = 200, Request = 500, Response = 2000, DurationS = 30;
        var clients = TestScenarios.Clients(Rate) with { RequestBytes = Distribution.Constant(Request), ResponseBytes = Distribution.Constant(Response) };
        var spec = TestScenarios.Seed(rate: Rate, durationS: DurationS, variants: [TestScenarios.NodePortTo("192.168.1.10")], warmupS: 0,
            proxy: Ebpf(EbpfAlgorithm.Random, forwarding)) with
        { Clients = [clients] };

        // When it runs
        var runner = new VariantRunner(spec, spec.Variants[0], 0);
        var run = runner.Run();
        var cluster = runner.Model.Cluster;
        long entryOut = cluster.ByName("cp1").ToClient.BytesSent;
        long backendsOut = cluster.Nodes.Where(n => n.Name != "cp1").Sum(n => n.ToClient.BytesSent);
        long requests = run.Summary.Requests, succeeded = run.Summary.Succeeded;
        output.WriteLine(Inv($"{forwarding}: {requests} requests; entry node to clients {entryOut} bytes, backend nodes to clients {backendsOut} bytes"));

        // Then every answer (a SYN-ACK and the response, per connection) leaves once towards the clients: through
        // cp1 under SNAT, from the pods' nodes under DSR, which leaves cp1's client link silent
        Assert.Equal(requests, succeeded);
        long answers = succeeded * ((long)Response + Segments.Control);
        var (on, off) = forwarding == EbpfForwarding.Dsr ? (backendsOut, entryOut) : (entryOut, backendsOut);
        Assert.Equal(answers, on);
        Assert.Equal(0, off);
        // And the requests still enter through cp1 and cross to the pods' nodes
        Assert.True(cluster.ByName("cp1").FromClient.BytesSent >= requests * Request);
    }

    [Fact]
    public void Endpoint_Changes_Reach_The_Bpf_Maps_After_The_Agent_Delay_Without_A_Minimum_Period()
    {
        // Given the eBPF data path with a constant 200 ms agent delay, and w2 crashing at 20 s
        var proxy = KubeProxySpec.Default with { Mode = ProxyMode.Ebpf, Ebpf = EbpfSpec.Default with { AgentDelay = Distribution.Constant(0.2) } };
        var spec = TestScenarios.Seed(rate: 20, durationS: 90, variants: [TestScenarios.NodePortTo()], proxy: proxy, faults: [new NodeCrash("w2", 20)]);

        // When the control plane marks w2's pod not ready (grace period 50 s) and publishes the slice
        var runner = new VariantRunner(spec, spec.Variants[0], 0);
        var times = new List<double>();
        runner.Model.EndpointsPublished += () => times.Add(Time.ToSeconds(runner.Simulation.Now));
        var run = runner.Run();
        double published = times.Where(t => t > 20).Min();
        var syncs = run.Events.Where(e => e.Kind == "cilium-sync" && e.TimeS >= published).ToList();
        output.WriteLine(Inv($"slice published at {published:F3} s; first map updates at {string.Join(", ", syncs.Take(4).Select(e => e.TimeS.ToString("F3", CultureInfo.InvariantCulture)))}"));

        // Then every live node's agent updates its maps exactly 200 ms later
        Assert.Equal(["cp1", "w1", "w3"], syncs.Where(e => e.TimeS < published + 0.5).Select(e => e.Node).Order(StringComparer.Ordinal));
        Assert.All(syncs.Where(e => e.TimeS < published + 0.5), e => Assert.Equal(published + 0.2, e.TimeS, 6));
    }

    [Fact]
    public void The_Example_Compares_The_Data_Paths_And_Maglev_With_Dsr_Resets_No_Connection()
    {
        // Given Scenarios/ebpf-maglev.yaml, whose variants each name their own service proxy over the scenario's
        var spec = Svcsim.Scenarios.ScenarioLoader.Load(Path.Combine(Svcsim.Tests.Scenarios.ScenarioFiles.ScenariosDir, "ebpf-maglev.yaml")).Spec;
        var byName = spec.Variants.ToDictionary(v => v.Name);
        Assert.Null(byName["bgp-iptables"].KubeProxy);
        Assert.Equal(ProxyMode.Ebpf, byName["bgp-ebpf-random"].KubeProxy!.Mode);
        Assert.Equal(EbpfSpec.Default, byName["bgp-ebpf-random"].KubeProxy!.Ebpf);
        Assert.Equal(EbpfSpec.Default with { Algorithm = EbpfAlgorithm.Maglev, Forwarding = EbpfForwarding.Dsr }, byName["bgp-maglev-dsr"].KubeProxy!.Ebpf);
        Assert.Equal(EcmpHashing.Resilient, ((MetalLbBgpAccess)byName["bgp-resilient-iptables"]).Hashing);

        // When the crash runs for 100 s, once per variant
        var shorter = spec with { DurationS = 100 };
        var resets = spec.Variants.ToDictionary(v => v.Name, v => new VariantRunner(shorter, v, 0).Run().Summary.ConnectionsReset);
        output.WriteLine(string.Join(", ", resets.Select(r => $"{r.Key} {r.Value}")));

        // Then Maglev with DSR resets nothing, through BGP or L2, while iptables resets the moved flows, fewer
        // of them with resilient hashing (w2's quarter rather than three quarters)
        Assert.Equal(0, resets["bgp-maglev-dsr"]);
        Assert.Equal(0, resets["bgp-resilient-maglev-dsr"]);
        Assert.Equal(0, resets["l2-maglev-dsr"]);
        Assert.True(resets["bgp-iptables"] > 2 * resets["bgp-resilient-iptables"], "resilient hashing should reset far fewer");
        Assert.True(resets["bgp-resilient-iptables"] > 0);
        Assert.True(resets["l2-iptables"] > 0);
    }

    private static List<Pod> Backends(int n)
    {
        var world = new KubeWorld(KubeWorld.Nodes(3), [KubeWorld.Source("web", replicas: n)]);
        world.RunTo(10);
        return world.Model.Source("web").Pods.ToList();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

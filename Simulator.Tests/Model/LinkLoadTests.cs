using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public class LinkLoadTests
{
    [Fact]
    public void The_MetalLb_L2_Leaders_Client_Links_Carry_All_Ingress()
    {
        // Given 10 Mbit/s links between clients and nodes (1 Gbit/s between nodes), 1,000 requests/s of
        // 500 bytes answered with 500 bytes, through MetalLB L2
        const double Rate = 1000, Bytes = 500, Bandwidth = 10e6, WindowS = 5, DurationS = 65;
        var slow = new LinkSpec(Distribution.Constant(0.0002), Bandwidth);
        var network = NetworkSpec.Default with { ClientToNode = slow };
        var clients = TestScenarios.Clients(Rate) with { RequestBytes = Distribution.Constant(Bytes), ResponseBytes = Distribution.Constant(Bytes) };
        var spec = TestScenarios.Seed(rate: Rate, durationS: DurationS, network: network, variants: [new MetalLbL2Access("l2")]) with { Clients = [clients] };

        // When it runs
        var run = new VariantRunner(spec, spec.Variants[0], 0).Run();

        // Then the leader's busiest link is busy rate x 8 x (bytes + SYN) / bandwidth = 45 % of the time in
        // every window: each request has its own connection, whose SYN (and SYN-ACK) crosses the same links.
        // A 5 s window holds Poisson(5,000) requests, relative sd 1.4 %: 5 sd is 0.03.
        double expected = Rate * 8 * (Bytes + Segments.Control) / Bandwidth;
        string leader = MetalLbOrdering.Order(["w1", "w2", "w3"], "192.168.1.11")[0];
        var windows = run.Nodes.Where(n => n.StartS + WindowS <= DurationS).ToList();
        Assert.All(windows.Where(n => n.Node == leader), n => Assert.InRange(n.LinkUtilization, expected - 0.03, expected + 0.03));
        // And the other nodes see only what the leader forwards to their pods over the fast links
        Assert.All(windows.Where(n => n.Node != leader), n => Assert.True(n.LinkUtilization < 0.01, $"{n}"));
        // And bytes in at the leader are every request plus the answers of the pods it forwarded to
        var leaderRows = windows.Where(n => n.Node == leader).ToList();
        Assert.All(leaderRows, n => Assert.True(n.BytesIn >= n.Requests * Bytes, $"{n}"));
    }
}

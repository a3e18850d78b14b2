using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public sealed class ClusterTests
{
    private static Cluster Build(int nodes, long seed = 1) =>
        new(Enumerable.Range(0, nodes).Select(i => new NodeSpec($"n{i}", NodeRole.Worker, $"10.0.{i / 250}.{i % 250 + 1}")).ToList(),
            NetworkSpec.Default with { NodeToNode = new LinkSpec(Distribution.Exponential(0.001), 1e9) }, new RandomStreams(seed, 0));

    private static Cluster Constant(int nodes, double latencyS, double bitsPerSecond) =>
        new(Enumerable.Range(0, nodes).Select(i => new NodeSpec($"n{i}", NodeRole.Worker, $"10.0.{i / 250}.{i % 250 + 1}")).ToList(),
            NetworkSpec.Default with { NodeToNode = new LinkSpec(Distribution.Constant(latencyS), bitsPerSecond) }, new RandomStreams(1, 0));

    [Fact]
    public void Node_To_Node_Traffic_Queues_At_The_Senders_And_At_The_Receivers_Interface()
    {
        // Given 1 ms between nodes at 8 Mbit/s: 1,000 bytes take 1 ms to send
        long ms = Time.Millisecond;
        var c = Constant(4, 0.001, 8e6);
        var (a, b, d, e) = (c.Nodes[0], c.Nodes[1], c.Nodes[2], c.Nodes[3]);

        // When one message goes alone, then it arrives after its transmission and the latency, the receiving
        // interface adding nothing when idle
        Assert.Equal(2 * ms, c.Between(a, b).Send(0, 1_000));

        // When a node sends to two others at once, then the second waits for the first at the sender's interface
        Assert.Equal(12 * ms, c.Between(a, d).Send(10 * ms, 1_000));
        Assert.Equal(13 * ms, c.Between(a, e).Send(10 * ms, 1_000));

        // When two nodes send to one at once, then both leave at once and the second is received after the first
        Assert.Equal(22 * ms, c.Between(b, d).Send(20 * ms, 1_000));
        Assert.Equal(23 * ms, c.Between(e, d).Send(20 * ms, 1_000));

        // And each node has one interface each way towards the others, whichever pairs talk: 6 links per node in all
        Assert.Same(a.ToNodes, c.Between(a, e).Out);
        Assert.Same(e.FromNodes, c.Between(a, e).In);
        Assert.All(c.Nodes, n => Assert.Equal(6, c.LinksOf(n).Count));
        Assert.Equal(3_000, a.ToNodes.BytesSent); // to b, d and e
        Assert.Equal(3_000, d.FromNodes.BytesSent); // from a, b and e
        Assert.Throws<ArgumentException>(() => c.Between(a, a));
    }

    [Fact]
    public void A_Degradation_Of_Either_End_Applies_To_The_Path_And_Ends_On_All_Its_Links()
    {
        // Given a node degraded by 50 ms, on a network with 1 ms between nodes at 8 Mbit/s
        long ms = Time.Millisecond;
        var c = Constant(10, 0.001, 8e6);
        c.Degrade(c.Nodes[1], 50 * ms, 0);

        // Then a path from it and a path to it each carry the 50 ms once, as do its client links, and an
        // unrelated path does not
        Assert.Equal(52 * ms, c.Between(c.Nodes[1], c.Nodes[2]).Send(0, 1_000));
        Assert.Equal(52 * ms, c.Between(c.Nodes[3], c.Nodes[1]).Send(0, 1_000));
        Assert.Equal(2 * ms, c.Between(c.Nodes[4], c.Nodes[5]).Send(0, 1_000));
        Assert.Equal(50 * ms, c.Nodes[1].FromClient.ExtraLatency);

        // And a path between two degraded nodes carries both
        c.Degrade(c.Nodes[6], 10 * ms, 0.1);
        Assert.Equal(60 * ms, c.Between(c.Nodes[6], c.Nodes[1]).Out.ExtraLatency + c.Between(c.Nodes[6], c.Nodes[1]).In.ExtraLatency);
        Assert.Equal(0.1, c.Nodes[6].ToNodes.ExtraLoss);

        // And when it ends, every one of its links is back to normal
        c.Degrade(c.Nodes[1], -50 * ms, 0);
        c.Degrade(c.Nodes[6], -10 * ms, -0.1);
        Assert.All(c.LinksOf(c.Nodes[1]).Concat(c.LinksOf(c.Nodes[6])), l => Assert.Equal(0, l.ExtraLatency));
        Assert.All(c.LinksOf(c.Nodes[6]), l => Assert.Equal(0, l.ExtraLoss, 12));
    }

    [Fact]
    public void A_Partition_Cuts_Exactly_The_Pairs_Across_It_Until_Healed()
    {
        var c = Build(6);
        var a = new[] { c.Nodes[0], c.Nodes[1] };
        var b = new[] { c.Nodes[4] };
        c.SetPartition(a, b, cut: true);
        Assert.False(c.CanReach(c.Nodes[0], c.Nodes[4]));
        Assert.False(c.CanReach(c.Nodes[4], c.Nodes[1]));
        Assert.True(c.CanReach(c.Nodes[0], c.Nodes[1]));
        Assert.True(c.CanReach(c.Nodes[2], c.Nodes[4]));
        c.SetPartition(a, b, cut: false);
        Assert.True(c.CanReach(c.Nodes[0], c.Nodes[4]));
    }
}

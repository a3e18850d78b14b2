using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public sealed class ClusterTests
{
    private static Cluster Build(int nodes, long seed = 1) =>
        new(Enumerable.Range(0, nodes).Select(i => new NodeSpec($"n{i}", NodeRole.Worker, $"10.0.{i / 250}.{i % 250 + 1}")).ToList(),
            NetworkSpec.Default with { NodeToNode = new LinkSpec(Distribution.Exponential(0.001), 1e9) }, new RandomStreams(seed, 0));

    [Fact]
    public void Node_To_Node_Links_Are_Made_On_First_Use_And_Draw_The_Same_Numbers_Whenever_They_Are_Made()
    {
        // Given two clusters of 3,000 nodes from the same seed
        var early = Build(3000);
        var late = Build(3000);
        // Then no node-to-node link exists before traffic needs one
        Assert.Empty(early.NodeLinks);

        // When one link is used at once in the first and only after 50 other links in the second
        long a = early.Between(early.Nodes[7], early.Nodes[2999]).Send(0, 1500);
        for (int i = 0; i < 50; i++)
        {
            late.Between(late.Nodes[i], late.Nodes[i + 1]).Send(0, 100);
        }
        long b = late.Between(late.Nodes[7], late.Nodes[2999]).Send(0, 1500);

        // Then it delivers at the same time in both: its stream depends on its ends alone
        Assert.Equal(a, b);
        Assert.Single(early.NodeLinks);
        Assert.Equal(51, late.NodeLinks.Count);
        Assert.Same(early.Between(early.Nodes[7], early.Nodes[2999]), early.NodeLinks[0].Link);
    }

    [Fact]
    public void Links_Are_Found_The_Same_Whichever_Cache_Holds_Them()
    {
        // Given a cluster of 1,000 nodes, and every link from one entry node to the others and back looked up
        // in an order that makes the entry node's own caches miss and the far ends' caches hit
        var c = Build(1000);
        var entry = c.Nodes[0];
        var first = new Dictionary<(int, int), Link>();
        var random = new Random(7);
        for (int round = 0; round < 5; round++)
        {
            foreach (int i in Enumerable.Range(1, 999).OrderBy(_ => random.Next()))
            {
                var to = c.Between(entry, c.Nodes[i]);
                var back = c.Between(c.Nodes[i], entry);
                // Then each direction is one link, the same object at every lookup, and never the other direction's
                Assert.Same(first.TryAdd((0, i), to) ? to : first[(0, i)], to);
                Assert.Same(first.TryAdd((i, 0), back) ? back : first[(i, 0)], back);
                Assert.NotSame(to, back);
            }
        }
        // And nothing more than those links was made, in both directions, named after their ends
        Assert.Equal(2 * 999, c.NodeLinks.Count);
        Assert.All(c.NodeLinks, l => Assert.Equal($"{l.From.Name}>{l.To.Name}", l.Link.Name));
        // And links between other pairs, looked up between those, are their own
        var side = c.Between(c.Nodes[16], c.Nodes[32]);
        Assert.NotSame(side, c.Between(c.Nodes[0], c.Nodes[32]));
        Assert.Same(side, c.Between(c.Nodes[16], c.Nodes[32]));
        Assert.Equal("n16>n32", side.Name);
    }

    [Fact]
    public void A_Degradation_Applies_To_Links_Made_After_It_And_Ends_On_All_Of_Them()
    {
        // Given a degraded node, one of whose links exists already
        var c = Build(10);
        var existing = c.Between(c.Nodes[1], c.Nodes[2]);
        c.Degrade(c.Nodes[1], Time.FromSeconds(0.05), 0.1);

        // When a link touching it is made afterwards
        var later = c.Between(c.Nodes[3], c.Nodes[1]);

        // Then both carry the degradation, as do the node's own client links, and an unrelated link does not
        Assert.Equal(Time.FromSeconds(0.05), existing.ExtraLatency);
        Assert.Equal(Time.FromSeconds(0.05), later.ExtraLatency);
        Assert.Equal(0.1, later.ExtraLoss);
        Assert.Equal(Time.FromSeconds(0.05), c.Nodes[1].FromClient.ExtraLatency);
        Assert.Equal(0, c.Between(c.Nodes[3], c.Nodes[4]).ExtraLatency);

        // And when it ends, every one of them is back to normal
        c.Degrade(c.Nodes[1], -Time.FromSeconds(0.05), -0.1);
        Assert.All(c.LinksOf(c.Nodes[1]), l => Assert.Equal(0, l.ExtraLatency));
        Assert.All(c.LinksOf(c.Nodes[1]), l => Assert.Equal(0, l.ExtraLoss, 12));
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

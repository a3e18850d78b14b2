using Svcsim.Network;

namespace Svcsim.Tests.Model;

public sealed class PairKeyComparerTests
{
    private static long Pair(int a, int b) => ((long)a << 32) | (uint)b;

    [Fact]
    public void The_Pairs_Of_A_Thousand_Nodes_Get_Nearly_As_Many_Hashes_As_Pairs()
    {
        // Given every ordered pair of 1,000 nodes, packed as the cluster packs them
        var pairs = new List<long>();
        for (int a = 0; a < 1_000; a++)
        {
            for (int b = 0; b < 1_000; b++)
            {
                if (a != b)
                {
                    pairs.Add(Pair(a, b));
                }
            }
        }

        // When they are hashed by the comparer and by long's own hash (the halves XORed)
        int spread = pairs.Select(PairKeyComparer.Instance.GetHashCode).Distinct().Count();
        int folded = pairs.Select(p => p.GetHashCode()).Distinct().Count();

        // Then the comparer leaves almost no two pairs on one hash (a random 32-bit hash of 999,000 keys
        // collides about 116 times), where the fold left 1,024 hashes for all of them
        Assert.True(spread >= pairs.Count - 1_000, $"{spread} distinct hashes for {pairs.Count} pairs");
        Assert.True(folded <= 1_024, $"long's own hash gave {folded}: the case this comparer exists for no longer holds");
        Assert.True(PairKeyComparer.Instance.Equals(Pair(3, 4), Pair(3, 4)));
        Assert.False(PairKeyComparer.Instance.Equals(Pair(3, 4), Pair(4, 3)));
    }
}

using System.Numerics;
using Svcsim.Measurement;

namespace Svcsim.Tests.Measurement;

public sealed class IndexSetTests
{
    private static List<int> Read(IndexSet set, Action<int>? during = null)
    {
        var seen = new List<int>();
        for (int w = 0; w < set.Words; w++)
        {
            for (ulong bits = set.TakeWord(w); bits != 0; bits &= bits - 1)
            {
                int i = (w << 6) + BitOperations.TrailingZeroCount(bits);
                seen.Add(i);
                during?.Invoke(i);
            }
        }
        return seen;
    }

    [Fact]
    public void Reading_Gives_Each_Member_Once_In_Ascending_Order_And_Empties_The_Set()
    {
        // Given 2,000 random indices up to 150,000 (repeats included), added in random order
        var rng = new Random(7);
        var set = new IndexSet(100);
        set.EnsureCapacity(150_000);
        var added = new List<int>();
        for (int k = 0; k < 2_000; k++)
        {
            int i = rng.Next(150_000);
            set.Add(i);
            added.Add(i);
            added.Add(i);
            set.Add(i);
        }

        // When it is read, then the members come once each, sorted, and the set is empty afterwards
        Assert.Equal(added.Distinct().Order(), Read(set));
        Assert.Empty(Read(set));
        Assert.False(set.Contains(added[0]));
    }

    [Fact]
    public void A_Member_Added_Back_While_Reading_Stays_For_The_Next_Reading()
    {
        // Given members 3, 5, 64 and 130
        var set = new IndexSet(131);
        foreach (int i in new[] { 130, 5, 64, 3 })
        {
            set.Add(i);
        }

        // When 5 and 64 are added back as they are read (work going on into the next window)
        var first = Read(set, i =>
        {
            if (i is 5 or 64)
            {
                set.Add(i);
            }
        });

        // Then this reading saw all four once, and the next sees only the two added back
        Assert.Equal([3, 5, 64, 130], first);
        Assert.True(set.Contains(5));
        Assert.Equal([5, 64], Read(set));
    }
}

using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class FailureCountsTests
{
    [Fact]
    public void Counts_Add_Up_Cause_By_Cause_In_Column_Order()
    {
        var a = FailureCounts.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        var sum = FailureCounts.None.Plus(a).Plus(a);
        Assert.Equal([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22], sum.ToArray());
        Assert.Equal(132, sum.Total());
        Assert.Equal(2, sum.NodeDown);
        Assert.Equal(20, sum.Reset);
        Assert.Equal(22, sum.ConntrackFull);
        Assert.Equal(FailureCounts.Causes.Count, a.ToArray().Length);
    }
}

using Svcsim.Network;
using Svcsim.Reports;

namespace Svcsim.Tests.Codebase;

/// <summary>
/// The Reports library cannot see the simulator, so the few names it repeats (failure causes) are checked
/// here against the simulator's descriptors, the single place that names them.
/// </summary>
public sealed class DescriptorTests
{
    [Fact]
    public void The_Failure_Columns_Name_And_Explain_Every_Cause_In_The_Simulators_Order()
    {
        Assert.Equal(Enum.GetValues<FailureCause>(), FailureCauses.All.Select(c => c.Cause));
        Assert.Equal(FailureCauses.All.Select(c => c.Name), FailureCounts.Causes);
        Assert.Equal(FailureCauses.All.Select(c => c.Meaning), Columns.FailureCauseMeanings);
    }
}

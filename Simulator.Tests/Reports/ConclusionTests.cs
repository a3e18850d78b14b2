using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class ConclusionTests
{
    private static string Conclude(RunResults run) => RunConclusion.Write(new RunFigures(run, RunReportWriter.VariantsOf(run)));

    [Fact]
    public void Conclusion_Says_By_How_Much_And_Whether_It_Is_Noise()
    {
        string text = Conclude(new FakeResults().Build());
        Assert.StartsWith("Cloud-LB kept the most availability: 99.150", text, StringComparison.Ordinal);
        Assert.Contains("percentage points more than MetalLB-L2", text, StringComparison.Ordinal);
        Assert.Contains("includes zero, so more replications are needed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void One_Replication_Gives_No_Interval_But_Still_An_Answer()
    {
        string text = Conclude(new FakeResults().WithReplications(1).Build());
        Assert.StartsWith("Cloud-LB kept the most availability", text, StringComparison.Ordinal);
        Assert.Contains("with a single replication there is no confidence interval", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_Results_Say_So()
    {
        var run = new FakeResults().Build() with { Summary = [], SummaryCi = [], Timeseries = [], Nodes = [], Pods = [], Outages = [], Events = [] };
        Assert.Equal("No results were recorded, so there is nothing to compare.", Conclude(run));
    }
}

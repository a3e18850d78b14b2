using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Measurement;

namespace Svcsim.Tests.Model;

public sealed class EventSummaryTests
{
    private static Svcsim.Scenarios.ScenarioSpec Spec(int workers, bool? perNode) =>
        TestScenarios.Seed(rate: 50, durationS: 100, workers: workers, replicas: workers, faults: [new NodeCrash("w2", 20)],
            variants: [TestScenarios.NodePortTo("192.168.1.10")]) with
        {
            Measurement = new MeasurementSpec(WarmupS: 5, WindowS: 5, EventsPerNode: perNode),
        };

    [Fact]
    public void A_Large_Cluster_Writes_One_Row_Per_Sync_Burst_That_Counts_The_Nodes()
    {
        // Given 60 workers (more than 50 nodes: summaries by default) and the same run with per-node rows
        var summary = new VariantRunner(Spec(60, null), Spec(60, null).Variants[0], 0).Run();
        var perNode = new VariantRunner(Spec(60, true), Spec(60, true).Variants[0], 0).Run();

        // When w2's crash is noticed and every kube-proxy applies the change
        var rows = summary.Events.Where(e => e.Kind == "kube-proxy-sync").ToList();
        var each = perNode.Events.Where(e => e.Kind == "kube-proxy-sync").ToList();

        // Then the per-node run has a row per surviving node, and the summary run one row for them all,
        // at the first node's time, naming how many nodes and the span
        double notReady = perNode.Events.Single(e => e.Kind == "node-not-ready").TimeS;
        var after = each.Where(e => e.TimeS > notReady).ToList();
        Assert.Equal(60, after.Count); // cp1 and the 59 workers still up
        var row = Assert.Single(rows, e => e.TimeS > notReady);
        Assert.Equal("kube-proxy", row.Node);
        Assert.Equal(after.Min(e => e.TimeS), row.TimeS);
        string span = FormattableString.Invariant($"on 60 nodes between {after.Min(e => e.TimeS):F3} s and {after.Max(e => e.TimeS):F3} s");
        Assert.Contains(span, row.Detail, StringComparison.Ordinal);
        // And everything else, results included, is the same
        Assert.Equal(perNode.Summary.Requests, summary.Summary.Requests);
        Assert.Equal(perNode.Summary.Succeeded, summary.Summary.Succeeded);
        Assert.Equal(perNode.Events.Where(e => e.Kind != "kube-proxy-sync"), summary.Events.Where(e => e.Kind != "kube-proxy-sync"));
    }

    [Fact]
    public void A_Small_Cluster_Keeps_Per_Node_Rows_Unless_Told_Otherwise()
    {
        var auto = new VariantRunner(Spec(3, null), Spec(3, null).Variants[0], 0).Run();
        var summarised = new VariantRunner(Spec(3, false), Spec(3, false).Variants[0], 0).Run();

        Assert.Contains(auto.Events, e => e.Kind == "kube-proxy-sync" && e.Node == "w1");
        Assert.DoesNotContain(summarised.Events, e => e.Kind == "kube-proxy-sync" && e.Node != "kube-proxy");
        Assert.Contains(summarised.Events, e => e.Kind == "kube-proxy-sync" && e.Detail.Contains("on 3 nodes", StringComparison.Ordinal));
    }
}

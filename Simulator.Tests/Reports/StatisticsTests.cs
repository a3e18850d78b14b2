using MathTDistribution = MathNet.Numerics.Distributions.StudentT;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class StatisticsTests
{
    [Fact]
    public void Confidence_Interval_Matches_The_Textbook_Formula_On_Random_Samples()
    {
        var random = new Random(12345);
        for (int trial = 0; trial < 100; trial++)
        {
            int n = random.Next(2, 40);
            double[] sample = [.. Enumerable.Range(0, n).Select(_ => 0.99 + 0.01 * random.NextDouble())];
            double mean = MathNet.Numerics.Statistics.Statistics.Mean(sample);
            double half = MathTDistribution.InvCDF(0, 1, n - 1, 0.975) * MathNet.Numerics.Statistics.Statistics.StandardDeviation(sample) / Math.Sqrt(n);

            var e = ConfidenceIntervals.Of(sample);

            Assert.Equal(n, e.Count);
            Assert.Equal(mean, e.Mean, 12);
            Assert.Equal(mean - half, e.Low, 10);
            Assert.Equal(mean + half, e.High, 10);
        }
    }

    [Fact]
    public void One_Value_Has_A_Mean_But_No_Interval_And_NaN_Is_Left_Out()
    {
        var e = ConfidenceIntervals.Of([0.5, double.NaN]);
        Assert.Equal((1, 0.5), (e.Count, e.Mean));
        Assert.True(double.IsNaN(e.Low) && double.IsNaN(e.High));
        Assert.Equal(0, ConfidenceIntervals.Of([]).Count);
    }

    [Fact]
    public void Summary_Ci_Has_Every_Metric_Then_Every_Pair_In_Input_Order()
    {
        var run = new FakeResults().Build();
        var ci = ConfidenceIntervals.ForSummary(run.Summary);
        int metrics = SummaryRow.Metrics.Count;

        // 3 plain groups then 3 pairs, each with every metric
        Assert.Equal(6 * metrics, ci.Count);
        Assert.Equal(["NodePort", "MetalLB-L2", "Cloud-LB"], ci.Where(c => !c.IsDifference).Select(c => c.Variant).Distinct());
        Assert.Equal(
            [("MetalLB-L2", "NodePort"), ("Cloud-LB", "NodePort"), ("Cloud-LB", "MetalLB-L2")],
            ci.Where(c => c.IsDifference).Select(c => (c.Variant, c.ComparedTo)).Distinct());
        Assert.All(ci, c => Assert.Equal(2, c.Replications));
    }

    [Fact]
    public void Paired_Difference_Is_Of_A_Minus_B_Replication_By_Replication()
    {
        // Given B's availability beats A's by exactly 0.01 in each replication, while both vary a lot across replications
        SummaryRow Row(string variant, int rep, double availability) => new FakeResults().Build().Summary[0] with
        {
            Variant = variant, Replication = rep, Availability = availability,
        };
        SummaryRow[] rows = [Row("A", 1, 0.90), Row("A", 2, 0.50), Row("A", 3, 0.70), Row("B", 3, 0.71), Row("B", 1, 0.91), Row("B", 2, 0.51)];

        var diff = ConfidenceIntervals.ForSummary(rows).Single(c => c.Variant == "B" && c.ComparedTo == "A" && c.Metric == "availability");

        // Then the difference B - A is 0.01 with an interval of (almost) zero width, though the plain intervals are wide
        Assert.Equal(0.01, diff.Mean, 12);
        Assert.True(diff.CiHigh - diff.CiLow < 1e-9);
        Assert.Equal(3, diff.Replications);
    }
}

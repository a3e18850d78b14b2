using System.Text.RegularExpressions;
using MathNet.Numerics.Distributions;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

/// <summary>Holm's correction of the paired differences' significance marks, and the p-values it corrects.</summary>
public sealed class MultipleComparisonsTests
{
    [Fact]
    public void Holm_Adjusts_A_Constructed_Set_As_By_Hand()
    {
        // Given four p-values (m = 4), in no particular order
        double[] p = [0.01, 0.04, 0.03, 0.005];

        // By hand: sorted 0.005, 0.01, 0.03, 0.04; multiplied by 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04; each at least the
        // one before it: 0.02, 0.03, 0.06, 0.06; back in the input's order:
        double[] expected = [0.03, 0.06, 0.06, 0.02];
        var adjusted = MultipleComparisons.HolmAdjusted(p);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(expected[i], adjusted[i], 12);
        }

        // At 5 %: the step-down test rejects 0.005 (<= 0.05/4) and 0.01 (<= 0.05/3), then stops at 0.03 (> 0.05/2), so
        // 0.04 is kept too, although alone it would pass; unadjusted, all four were below 0.05
        Assert.Equal([true, false, false, true], adjusted.Select(a => a <= 0.05));
        Assert.Equal(4, p.Count(x => x < 0.05));

        // Undefined values stay undefined and do not count: with one NaN, m = 2
        var partial = MultipleComparisons.HolmAdjusted([0.02, double.NaN, 0.04]);
        Assert.Equal(0.04, partial[0], 12);
        Assert.True(double.IsNaN(partial[1]));
        Assert.Equal(0.04, partial[2], 12);
        Assert.Equal(1.0, MultipleComparisons.HolmAdjusted([0.6, 0.7])[0]);
    }

    [Fact]
    public void The_Paired_P_Value_Comes_From_The_Difference_And_Its_Interval()
    {
        // Given paired differences 1, 2, 3, 4, 5: mean 3, s = sqrt(2.5), t = 3 / (s / sqrt 5) = 3 / sqrt(0.5)
        double[] d = [1, 2, 3, 4, 5];
        double t = 3 / Math.Sqrt(0.5);
        double expected = 2 * (1 - StudentT.CDF(0, 1, 4, t));
        var estimate = ConfidenceIntervals.Of(d);
        Assert.Equal(expected, MultipleComparisons.PairedPValue(estimate), 10);
        Assert.Equal(expected, MultipleComparisons.PairedPValue(ConfidenceIntervals.Of(d.Select(x => -x))), 10);

        // An interval that just touches zero is p = 0.05; one pair has no test; equal pairs are certain either way
        var touching = new Estimate(10, 1, 0, 2);
        Assert.Equal(0.05, MultipleComparisons.PairedPValue(touching), 10);
        Assert.True(double.IsNaN(MultipleComparisons.PairedPValue(new Estimate(1, 3, double.NaN, double.NaN))));
        Assert.Equal(0.0, MultipleComparisons.PairedPValue(new Estimate(4, 0.5, 0.5, 0.5)));
        Assert.Equal(1.0, MultipleComparisons.PairedPValue(new Estimate(4, 0, 0, 0)));
    }

    [Fact]
    public void The_Report_Marks_Only_The_Differences_Holm_Keeps()
    {
        // Given three ways of access (three pairs) whose availability differences over 10 replications have t = 4.0,
        // 2.5 and 2.3: every 95 % interval excludes zero (t > t(0.975, 9) = 2.262)
        var fake = new FakeResults().Build();
        string[] variants = [.. fake.Summary.Select(s => s.Variant).Distinct()];
        (string A, string B, double T)[] pairs = [(variants[1], variants[0], 4.0), (variants[2], variants[0], 2.5), (variants[2], variants[1], 2.3)];
        double tCritical = StudentT.InvCDF(0, 1, 9, 0.975);
        const double se = 0.001;
        var rows = fake.SummaryCi.Where(c => !c.IsDifference).ToList();
        rows.AddRange(pairs.Select(p => new SummaryCiRow(fake.ScenarioName, p.A, p.B, "availability", 10, p.T * se, (p.T - tCritical) * se, (p.T + tCritical) * se, double.NaN)));
        var run = fake with { SummaryCi = rows };
        Assert.All(pairs, p => Assert.True(p.T > tCritical));

        // By hand: p = 2(1 - T9(t)); sorted, the smallest must pass 0.05/3, the next 0.05/2, the last 0.05/1, stopping at the first that fails
        double[] p = [.. pairs.Select(x => 2 * (1 - StudentT.CDF(0, 1, 9, x.T)))];
        Assert.True(p[0] <= 0.05 / 3 && p[1] > 0.05 / 2, $"the example is not the one intended: p = {string.Join(", ", p)}");
        bool[] expected = [true, false, false];

        // Then only the first difference keeps its mark, in the figures and on the page
        var figures = new RunFigures(run, RunReportWriter.VariantsOf(run));
        var differences = RunReportHtml.Differences(figures);
        for (int i = 0; i < pairs.Length; i++)
        {
            var (a, b, metrics) = differences.Single(d => d.A == pairs[i].A && d.B == pairs[i].B);
            Assert.True(metrics.Single(m => m.Metric == "availability").Difference.ExcludesZero);
            Assert.Equal(expected[i], metrics.Single(m => m.Metric == "availability").Significant);
        }

        string html = RunReportHtml.Render(figures, []);
        string table = Regex.Match(html, "<table id=\"differences-table\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(1, table.Split('\u2714').Length - 1);
        Assert.Matches(Regex.Escape($"{pairs[0].A} \u2212 {pairs[0].B}") + "</td><td[^>]*>[^\u2714<]*<span class=\"ci\">[^<]*</span> \u2714", table);
        Assert.Contains(Text.Html("after Holm's correction for the 3 comparisons of each metric"), html, StringComparison.Ordinal);
    }
}

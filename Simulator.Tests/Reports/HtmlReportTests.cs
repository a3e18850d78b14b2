using System.Text.RegularExpressions;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

[Collection(WrittenReportsCollection.Name)]
public sealed class HtmlReportTests(WrittenReports written)
{
    private string RunHtml => File.ReadAllText(Path.Combine(written.RunDirectory, OutputFiles.ReportHtml));

    private string SweepHtml => File.ReadAllText(Path.Combine(written.SweepDirectory, OutputFiles.ReportHtml));

    [Fact]
    public void Report_Opens_With_The_Comparison_Table_Then_The_Conclusion()
    {
        string html = RunHtml;
        int table = html.IndexOf("<table id=\"comparison-table\">", StringComparison.Ordinal);
        int conclusion = html.IndexOf("<p id=\"conclusion\"", StringComparison.Ordinal);
        int plots = html.IndexOf("<h2 id=\"plots\">", StringComparison.Ordinal);
        int scenario = html.IndexOf("<h2 id=\"scenario\">", StringComparison.Ordinal);
        Assert.True(table > 0 && table < conclusion && conclusion < plots && plots < scenario, "sections out of order");
        foreach (string variant in FakeResults.Variants)
        {
            Assert.Contains($"<td class=\"name\">{variant}</td>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_Decision_Box_Is_The_First_Section_And_Names_The_Winner()
    {
        string html = RunHtml;
        int firstSection = html.IndexOf("<section ", StringComparison.Ordinal);
        Assert.Equal(html.IndexOf("<section id=\"decision\" class=\"decision\">", StringComparison.Ordinal), firstSection);
        Assert.True(firstSection < html.IndexOf("<table id=\"comparison-table\">", StringComparison.Ordinal), "the decision must come before the table");
        string box = html[firstSection..html.IndexOf("</section>", firstSection, StringComparison.Ordinal)];

        // Cloud-LB kept the most availability and is the only one to keep the 99 % SLO (see the fake run's losses); the
        // box says so first, by how much, and that two replications cannot tell it from MetalLB-L2
        Assert.Contains("<strong id=\"winner\">Cloud-LB</strong> wins: 99.", box, StringComparison.Ordinal);
        Assert.Contains("percentage points more than the next, MetalLB-L2", box, StringComparison.Ordinal);
        Assert.Contains("within noise; more replications would tell them apart). MetalLB-L2 lost the SLO.", box, StringComparison.Ordinal);

        // One line per way of access saying what it is, the SLO defined, and the NodePort caveat
        foreach (string variant in FakeResults.Variants)
        {
            Assert.Contains($"<li><b>{variant}</b>: ", box, StringComparison.Ordinal);
        }

        Assert.Contains("NodePort, all clients on node-2&#39;s IP 192.0.2.2:30000", box, StringComparison.Ordinal);
        Assert.Contains("NodePort results depend on which node clients were told: NodePort&#39;s clients use node-2, and node-2 is hit by a fault here", box, StringComparison.Ordinal);
        Assert.Contains("SLO: a time window meets the objective when at least 99.00 %", box, StringComparison.Ordinal);
        Assert.Contains("time availability the share of time windows that met the SLO", box, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_Ways_Of_Access_That_Kept_The_Slo_Are_Marked_Best()
    {
        // Given the fake run, in which NodePort loses a third of requests for 180 s (below the 99 % SLO)
        var decision = Decision.Of(new RunFigures(written.Run, RunReportWriter.VariantsOf(written.Run)));
        var lost = decision.Verdicts.Where(v => !v.KeptSlo).Select(v => v.Variant).ToList();
        Assert.Contains("NodePort", lost);

        // Then no cell of its row is bold, and the paired differences are folded away below the table
        string html = RunHtml;
        string row = Regex.Match(html, "<tr><td class=\"name\">NodePort</td>.*?</tr>").Value;
        Assert.NotEmpty(row);
        Assert.DoesNotContain("best", row, StringComparison.Ordinal);
        Assert.Contains("<details id=\"differences\">", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("<details id=\"differences\">", StringComparison.Ordinal) < html.IndexOf("<table id=\"differences-table\">", StringComparison.Ordinal));
    }

    [Fact]
    public void Conclusion_Names_The_Way_Of_Access_With_The_Most_Availability()
    {
        // Cloud-LB loses a third of the requests for 14-16 s, MetalLB-L2 all of them for 11-14 s, NodePort a third for 180 s
        Assert.Contains("Cloud-LB kept the most availability", RunHtml, StringComparison.Ordinal);
        Assert.Contains("NodePort kept the least", RunHtml, StringComparison.Ordinal);
        Assert.Contains("The longest single outage, 180.00 s, hit NodePort", RunHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Shows_How_Requests_Spread_Over_Pods_As_Shares_Of_Their_Deployment()
    {
        // Given the fake run's pods web-0 .. web-N, one per node, whose requests the rows give
        var rows = RunResultsReader.Read(written.RunDirectory).Pods;
        string html = RunHtml;

        // Then the pod table lists each with its mean requests per replication, its share of the Deployment,
        // and the connections it accepted
        Assert.Contains("<table id=\"pods-table\">", html, StringComparison.Ordinal);
        string variant = FakeResults.Variants[0];
        var mine = rows.Where(p => p.Variant == variant).ToList();
        int replications = mine.Select(p => p.Replication).Distinct().Count();
        double total = mine.Sum(p => p.Requests) / (double)replications;
        foreach (var pod in mine.Select(p => p.Pod).Distinct())
        {
            double requests = mine.Where(p => p.Pod == pod).Sum(p => p.Requests) / (double)replications;
            double connections = mine.Where(p => p.Pod == pod).Sum(p => p.Connections) / (double)replications;
            string cell = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{requests:F0} ({100 * requests / total:F1} %) / {connections:F0}");
            Assert.Contains($"<td class=\"name\">{pod}</td><td class=\"num\">{cell}</td>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reports_Reference_Nothing_Outside_The_File()
    {
        foreach (string html in new[] { RunHtml, SweepHtml })
        {
            Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("(src|href)=\"(?!data:image/png;base64,)", html);
            Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
            Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_Plot_Is_Embedded_As_An_Inline_Png()
    {
        int images = Regex.Matches(RunHtml, "<img [^>]*src=\"data:image/png;base64,").Count;
        Assert.Equal(Directory.GetFiles(Path.Combine(written.RunDirectory, OutputFiles.PlotsDirectory), "*.png").Length, images);
    }

    [Fact]
    public void Report_Ends_With_The_Scenario_As_Run()
    {
        string html = RunHtml;
        Assert.Contains("<pre id=\"scenario-yaml\">name: node-crash", html, StringComparison.Ordinal);
        Assert.Contains("<td>seed</td><td>1000</td>", html, StringComparison.Ordinal);
        Assert.Contains("Seed of each replication: 1: 1001, 2: 1002.", html, StringComparison.Ordinal);
        Assert.Contains("<table id=\"outages-table\">", html, StringComparison.Ordinal);
        Assert.Contains("MetalLB L2 leader for 192.0.2.10 moved node-2 -&gt; node-1", html, StringComparison.Ordinal);
    }

    [Fact]
    public void All_Text_Is_Html_Encoded()
    {
        // Given a scenario name and text with markup in them
        var run = new FakeResults().WithScenarioName("<script>alert('x')</script> & co").WithYaml("name: \"</pre><b>\"").Build();

        // When the page is rendered (without plots, which do not carry text into the page)
        var variants = RunReportWriter.VariantsOf(run);
        string html = RunReportHtml.Render(new RunFigures(run, variants), []);

        // Then the markup shows as text
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co", html, StringComparison.Ordinal);
        Assert.Contains("name: &quot;&lt;/pre&gt;&lt;b&gt;&quot;", html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(html, "<script>")); // only the page's own image check
    }

    [Fact]
    public void Sweep_Report_Has_Its_Table_And_Conclusion()
    {
        string html = SweepHtml;
        Assert.Contains("<table id=\"comparison-table\">", html, StringComparison.Ordinal);
        Assert.Contains("Cloud-LB had the highest mean availability at 6 of 6 sweep points.", html, StringComparison.Ordinal);
        Assert.Contains("<td>replicas=2, client_timeout_s=1</td>", html, StringComparison.Ordinal);
    }
}

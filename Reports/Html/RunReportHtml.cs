using System.Globalization;

namespace Svcsim.Reports;

/// <summary>The HTML of a run's report: the answer first, then the evidence, then how to reproduce it.</summary>
internal static class RunReportHtml
{
    /// <summary>Rows shown in the outage and event tables; the CSV files hold all of them.</summary>
    public const int MaxTableRows = 500;

    private static readonly string[] TableMetrics = ["availability", "time_availability", "longest_outage_s", "latency_p99_ms", "max_node_utilization"];
    private static readonly string[] DifferenceMetrics = ["availability", "time_availability", "longest_outage_s", "latency_p99_ms"];
    private static readonly string[] LatencyMetrics = ["latency_p50_ms", "latency_p99_ms", "latency_p999_ms", "latency_max_ms"];
    private static readonly string[] ConnectionMetrics = ["connections", "connect_failures", "connections_reset", "connections_hung", "pod_imbalance_max_over_mean"];

    public static string Render(RunFigures figures, IReadOnlyList<PlotImage> plots)
    {
        var results = figures.Results;
        var page = new Page($"svcsim report: {results.ScenarioName}");
        page.Heading(1, $"{results.ScenarioName}: ways of access compared");
        var decision = Decision.Of(figures);
        DecisionBox(page, figures, decision);

        int replications = results.Summary.Select(s => s.Replication).Distinct().Count();
        page.Paragraph(
            $"{figures.Variants.Count} way{(figures.Variants.Count == 1 ? "" : "s")} of access, {replications} replication{(replications == 1 ? "" : "s")} each. "
            + "Figures are means over replications with their 95 % Student-t confidence intervals; a latency percentile also shows its pooled value, over the requests of all replications together.", "lede");

        page.Heading(2, "Comparison", "comparison");
        page.Table("comparison-table", ["Way of access", "Replications", .. TableMetrics.Select(m => MetricDisplay.For(m).AxisLabel), "Failures by cause (mean per replication)"],
            ComparisonRows(figures, decision));
        page.Paragraph(decision.Verdicts.Any(v => v.KeptSlo)
            ? $"Bold: the best value among the ways of access that kept the SLO ({Text.Fixed(decision.Slo * 100, 2)} % of requests); a way of access that lost it is never marked best."
            : $"No way of access kept the SLO ({Text.Fixed(decision.Slo * 100, 2)} % of requests), so no value is marked best.", "note");
        if (figures.Variants.Count > 1)
        {
            page.OpenDetails("Paired differences between ways of access", "differences");
            int comparisons = figures.Variants.Count * (figures.Variants.Count - 1) / 2;
            page.Paragraph("Paired differences A \u2212 B, replication by replication with the same seeds (pp: percentage points), with unadjusted 95 % intervals. "
                + $"\u2714 marks a difference significant at 5 % by a paired t-test after Holm's correction for the {comparisons} comparison{(comparisons == 1 ? "" : "s")} of each metric, "
                + "so that the chance of any false mark in a column stays at 5 %; a difference whose interval excludes zero may go unmarked.", "note");
            page.Table("differences-table", ["A \u2212 B", .. DifferenceMetrics.Select(m => MetricDisplay.For(m).AxisLabel)], DifferenceRows(figures));
            page.CloseDetails();
        }

        page.Heading(2, "Conclusion", "conclusion-heading");
        page.Paragraph(RunConclusion.Write(figures), "conclusion", "conclusion");

        page.Heading(2, "Plots", "plots");
        foreach (var plot in plots)
        {
            page.Figure(plot);
        }

        page.Heading(2, "Connections", "connections");
        page.Paragraph("TCP connections the clients made after warm-up, mean per replication with 95 % intervals. A connection is reset when "
            + "a packet of it reaches a node or pod that has no state for it (after an ECMP rehash or an L2 leader move, or a restarted container); "
            + "it is given up when a request on it got no answer at all, as when conntrack keeps a keep-alive connection on a pod that is gone. "
            + "With one connection per request, connections equal request attempts; with keep-alive or multiplexing few connections carry many "
            + "requests, and the pods they land on carry them all (requests per pod: the busiest pod over the mean).", "note");
        page.Table("connections-table", ["Way of access", .. ConnectionMetrics.Select(m => MetricDisplay.For(m).AxisLabel)],
            figures.Variants.Select(v => (IReadOnlyList<Cell>)
            [
                Cell.Name(v),
                .. ConnectionMetrics.Select(m =>
                {
                    var e = figures.Of(v, m);
                    return Cell.Estimate(MetricDisplay.For(m), e.Mean, e.Low, e.High);
                }),
            ]));

        page.Heading(2, "Latency", "latency");
        page.Paragraph("Latency of successful requests. \u201cMean of replications\u201d is the mean of each replication's own percentile, with its 95 % interval; "
            + "\u201cpooled\u201d is the same percentile over the successful requests of all replications together. They part when replications differ: "
            + "p99s of 30 ms in some replications and 6 s in others average to about 3 s, a latency no request had, while the pooled p99 is the latency "
            + "that 1 % of all requests exceeded.", "note");
        page.Table("latency-table", ["Way of access", .. LatencyMetrics.SelectMany(m => new[] { MetricDisplay.For(m).AxisLabel + ", mean of replications", MetricDisplay.For(m).Label + ", pooled" })],
            figures.Variants.Select(v => (IReadOnlyList<Cell>)
            [
                Cell.Name(v),
                .. LatencyMetrics.SelectMany(m =>
                {
                    var display = MetricDisplay.For(m);
                    var e = figures.Of(v, m);
                    double pooled = figures.Pooled(v, m);
                    return new[] { Cell.Estimate(display, e.Mean, e.Low, e.High), Cell.Number(double.IsFinite(pooled) ? display.FormatWithUnit(pooled) : "\u2013") };
                }),
            ]));

        page.Heading(2, "Requests per pod", "pods");
        PodTable(page, results, figures.Variants);

        page.Heading(2, "Outages", "outages");
        OutageTable(page, results, figures.Variants);

        page.Heading(2, "Event timeline", "events");
        EventTable(page, results, figures.Variants);

        page.Heading(2, "Scenario as run", "scenario");
        ScenarioSection(page, results.Parameters, results.Summary, results.ScenarioYaml);
        return page.Finish();
    }

    /// <summary>
    /// The first screen: what wins, by how much, why and what to keep in mind; one line per way of access saying what
    /// it is and how it did; the SLO and time availability defined.
    /// </summary>
    private static void DecisionBox(Page page, RunFigures figures, Decision decision)
    {
        var info = figures.Results.Info;
        page.OpenSection("decision", "decision");
        page.Heading(2, "Decision", "decision-heading");
        if (info.Description.Length > 0)
        {
            page.Paragraph(info.Description, "lede");
        }

        string headline = Text.Html(decision.Headline);
        if (decision.Winner is { } winner && headline.StartsWith(Text.Html(winner), StringComparison.Ordinal))
        {
            headline = "<strong id=\"winner\">" + Text.Html(winner) + "</strong>" + headline[Text.Html(winner).Length..];
        }

        page.ParagraphHtml(headline, "headline", "decision-headline");
        page.Paragraph("Why: " + decision.Why, null, "decision-why");
        page.List("variants", decision.Verdicts.Select(v =>
        {
            var about = info.Of(v.Variant);
            string what = about is null || about.Description.Length == 0 ? "" : ": " + Text.Html(about.Description);
            string figuresText = double.IsFinite(v.Availability.Mean)
                ? $" \u2014 {MetricDisplay.For("availability").FormatWithUnit(v.Availability.Mean)}{Decision.Pm(v.Availability, 100, 2)} of requests, longest outage {Text.Fixed(v.LongestOutage.Mean, 1)} s{Decision.Pm(v.LongestOutage, 1, 1)}; "
                : " \u2014 no requests; ";
            string slo = v.KeptSlo ? "<span class=\"kept\">kept the SLO</span>" : "<span class=\"lost\">lost the SLO</span>";
            return "<b>" + Text.Html(v.Variant) + "</b>" + what + Text.Html(figuresText) + slo;
        }));
        page.Heading(3, "Caveats");
        page.List("caveats", decision.Caveats.Select(Text.Html));
        page.Paragraph(Definitions(decision.Slo), "definitions");
        page.CloseSection();
    }

    /// <summary>What the SLO and time availability mean, where they are used.</summary>
    internal static string Definitions(double slo) =>
        $"SLO: a time window meets the objective when at least {Text.Fixed(slo * 100, 2)} % of the requests sent in it succeed; a way of access kept the SLO over the run when at least {Text.Fixed(slo * 100, 2)} % of all its requests succeeded. "
        + "Availability is the share of requests that succeeded; time availability the share of time windows that met the SLO. "
        + "An outage is a run of 1 s intervals whose success ratio was below the SLO.";

    private static IEnumerable<IReadOnlyList<Cell>> ComparisonRows(RunFigures figures, Decision decision)
    {
        // Only the ways of access that kept the SLO compete for "best": a low p99 of the few requests still served is
        // no achievement.
        var eligible = decision.Verdicts.Where(v => v.KeptSlo).Select(v => v.Variant).ToList();
        var competing = new RunFigures(figures.Results, eligible);
        foreach (string variant in figures.Variants)
        {
            var cells = new List<Cell> { Cell.Name(variant), Cell.Number(figures.Replications(variant).ToString(CultureInfo.InvariantCulture)) };
            foreach (string metric in TableMetrics)
            {
                var display = MetricDisplay.For(metric);
                var e = figures.Of(variant, metric);
                bool best = figures.Variants.Count > 1 && eligible.Contains(variant) && competing.Best(metric, display.HigherIsBetter) == variant;
                var cell = Cell.Estimate(display, e.Mean, e.Low, e.High, best);
                double pooled = figures.Pooled(variant, metric);
                cells.Add(double.IsFinite(pooled) ? cell with { Html = cell.Html + "<span class=\"ci pooled\">pooled " + Text.Html(display.FormatWithUnit(pooled)) + "</span>" } : cell);
            }

            cells.Add(Cell.Of(FailuresByCause(figures, variant)));
            yield return cells;
        }
    }

    private static string FailuresByCause(RunFigures figures, string variant)
    {
        var causes = FailureCounts.Causes
            .Select(c => (Cause: c, Mean: figures.Of(variant, FailureCounts.ColumnPrefix + c).Mean))
            .Where(c => c.Mean > 0)
            .OrderByDescending(c => c.Mean) // stable: ties keep the column order
            .Select(c => $"{c.Cause.Replace('_', ' ')} {Text.Fixed(c.Mean, 1)}")
            .ToList();
        return causes.Count == 0 ? "none" : string.Join(", ", causes);
    }

    /// <summary>The significance level of the paired differences' marks, after Holm's correction.</summary>
    internal const double DifferenceAlpha = 0.05;

    /// <summary>
    /// The pairs of ways of access (A listed after B) with, per metric of <see cref="DifferenceMetrics"/>, the
    /// difference A − B and whether it is significant at <see cref="DifferenceAlpha"/> after Holm's correction over
    /// that metric's pairs (a family of k(k−1)/2 comparisons).
    /// </summary>
    internal static List<(string A, string B, List<(string Metric, Estimate Difference, bool Significant)> Metrics)> Differences(RunFigures figures)
    {
        var variants = figures.Variants;
        var pairs = new List<(string A, string B)>();
        for (int b = 0; b < variants.Count; b++)
        {
            for (int a = b + 1; a < variants.Count; a++)
            {
                pairs.Add((variants[a], variants[b]));
            }
        }

        var result = pairs.Select(p => (p.A, p.B, Metrics: new List<(string, Estimate, bool)>())).ToList();
        foreach (string metric in DifferenceMetrics)
        {
            var estimates = pairs.Select(p => figures.Difference(p.A, p.B, metric)).ToList();
            var adjusted = MultipleComparisons.HolmAdjusted(estimates.Select(e => MultipleComparisons.PairedPValue(e)).ToList());
            for (int i = 0; i < pairs.Count; i++)
            {
                result[i].Metrics.Add((metric, estimates[i], adjusted[i] <= DifferenceAlpha));
            }
        }

        return result;
    }

    private static IEnumerable<IReadOnlyList<Cell>> DifferenceRows(RunFigures figures)
    {
        foreach (var (a, b, metrics) in Differences(figures))
        {
            var cells = new List<Cell> { Cell.Of($"{a} \u2212 {b}") };
            foreach (var (metric, d, significant) in metrics)
            {
                var cell = Cell.Estimate(MetricDisplay.For(metric), d.Mean, d.Low, d.High, difference: true);
                cells.Add(significant ? cell with { Html = cell.Html + " \u2714" } : cell);
            }

            yield return cells;
        }
    }

    private static void PodTable(Page page, RunResults results, IReadOnlyList<string> variants)
    {
        if (results.Pods.Count == 0)
        {
            page.Paragraph("No pod was measured.");
            return;
        }

        // Requests that reached each pod, per replication on average, and the pod's share among the pods of its
        // Deployment (its name without the trailing ordinal): how kube-proxy spread the connections.
        static string Group(string pod) => pod.LastIndexOf('-') is int i and > 0 ? pod[..i] : pod;
        var pods = results.Pods.Select(p => p.Pod).Distinct()
            .OrderBy(p => Group(p), StringComparer.Ordinal)
            .ThenBy(p => p.Length)
            .ThenBy(p => p, StringComparer.Ordinal)
            .ToList();
        var perPod = results.Pods
            .GroupBy(p => (p.Variant, p.Pod))
            .ToDictionary(g => g.Key, g =>
            {
                double reps = Math.Max(1, g.Select(p => p.Replication).Distinct().Count());
                return (Requests: g.Sum(p => p.Requests) / reps, Connections: g.Sum(p => p.Connections) / reps);
            });
        double Requests(string variant, string pod) => perPod.GetValueOrDefault((variant, pod)).Requests;
        double Connections(string variant, string pod) => perPod.GetValueOrDefault((variant, pod)).Connections;
        // Each Deployment's total once per way of access, not a scan of every pod per cell (O(pods^2)).
        var groupTotals = new Dictionary<(string Variant, string Group), double>();
        foreach (var ((variant, pod), counts) in perPod)
        {
            var key = (variant, Group(pod));
            groupTotals[key] = groupTotals.GetValueOrDefault(key) + counts.Requests;
        }
        page.Paragraph("Requests that reached each pod, mean per replication, in brackets the pod's share of its Deployment's requests, "
            + "and after the slash the connections it accepted: few connections carrying many requests balance connections, not requests.", "note");
        page.Table("pods-table", ["Pod", .. variants],
            pods.Select(pod => (IReadOnlyList<Cell>)
            [
                Cell.Name(pod),
                .. variants.Select(v =>
                {
                    double mine = Requests(v, pod);
                    double group = groupTotals.GetValueOrDefault((v, Group(pod)));
                    string share = group > 0 ? $" ({Text.Fixed(100 * mine / group, 1)} %)" : "";
                    return Cell.Number($"{Text.Fixed(mine, 0)}{share} / {Text.Fixed(Connections(v, pod), 0)}");
                }),
            ]));
    }

    private static void OutageTable(Page page, RunResults results, IReadOnlyList<string> variants)
    {
        if (results.Outages.Count == 0)
        {
            page.Paragraph("No outages.");
            return;
        }

        var sorted = results.Outages
            .OrderBy(o => IndexOf(variants, o.Variant))
            .ThenBy(o => o.Replication)
            .ThenBy(o => o.StartS)
            .ToList();
        page.Table("outages-table", ["Way of access", "Replication", "Start (s)", "End (s)", "Duration (s)", "Dominant cause"],
            sorted.Take(MaxTableRows).Select(o => (IReadOnlyList<Cell>)
            [
                Cell.Name(o.Variant), Cell.Number(o.Replication.ToString(CultureInfo.InvariantCulture)), Cell.Number(Text.Fixed(o.StartS, 2)),
                Cell.Number(Text.Fixed(o.EndS, 2)), Cell.Number(Text.Fixed(o.DurationS, 2)), Cell.Of(o.Cause.Replace('_', ' ')),
            ]));
        Truncated(page, sorted.Count, OutputFiles.Outages);
    }

    private static void EventTable(Page page, RunResults results, IReadOnlyList<string> variants)
    {
        if (results.Events.Count == 0)
        {
            page.Paragraph("No events were recorded.");
            return;
        }

        // One replication per way of access, merged on one time line, so that reactions can be compared side by side.
        var shown = new List<EventRow>();
        foreach (string variant in variants)
        {
            var of = results.Events.Where(e => e.Variant == variant).ToList();
            if (of.Count > 0)
            {
                int first = of.Min(e => e.Replication);
                shown.AddRange(of.Where(e => e.Replication == first));
            }
        }

        shown = [.. shown.OrderBy(e => e.TimeS)]; // stable: simultaneous events keep their order
        page.Paragraph("The first replication of each way of access, on one time line; events.csv has every replication.", "note");
        page.Table("events-table", ["Time (s)", "Way of access", "Replication", "Node", "Event", "Detail"],
            shown.Take(MaxTableRows).Select(e => (IReadOnlyList<Cell>)
            [
                Cell.Number(Text.Fixed(e.TimeS, 3)), Cell.Name(e.Variant), Cell.Number(e.Replication.ToString(CultureInfo.InvariantCulture)),
                Cell.Name(e.Node), Cell.Name(e.Kind), Cell.Of(e.Detail),
            ]));
        Truncated(page, shown.Count, OutputFiles.Events);
    }

    /// <summary>Parameters, seeds and the scenario text: what it takes to run it again. Shared with the sweep page.</summary>
    internal static void ScenarioSection(Page page, IReadOnlyList<RunParameter> parameters, IReadOnlyList<SummaryRow> summary, string yaml)
    {
        page.Paragraph($"Running this scenario again with these parameters reproduces the figures above; {OutputFiles.ScenarioYaml} and {OutputFiles.RunJson} beside this report hold the same.", "note");
        if (parameters.Count > 0)
        {
            page.Table("parameters-table", ["Parameter", "Value"], parameters.Select(p => (IReadOnlyList<Cell>)[Cell.Of(p.Name), Cell.Of(p.Value)]));
        }

        var seeds = Order.FirstAppearance(summary.OrderBy(s => s.Replication), s => (s.Replication, s.Seed));
        if (seeds.Count > 0)
        {
            page.Paragraph("Seed of each replication: " + string.Join(", ", seeds.Select(s => $"{s.Replication}: {s.Seed}")) + ".", "note");
        }

        page.Preformatted(yaml.Length == 0 ? "(the scenario text was not recorded)" : yaml, "scenario-yaml");
    }

    private static void Truncated(Page page, int count, string file)
    {
        if (count > MaxTableRows)
        {
            page.Paragraph($"The first {MaxTableRows} of {count} rows; {file} has all of them.", "note");
        }
    }

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
            {
                return i;
            }
        }

        return list.Count;
    }
}

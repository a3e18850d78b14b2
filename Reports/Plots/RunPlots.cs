using ScottPlot;

namespace Svcsim.Reports;

/// <summary>The plots of a run, each drawn from the rows of <see cref="RunResults"/> alone.</summary>
internal static class RunPlots
{
    private static readonly string[] LatencyMetrics = ["latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_p999_ms"];
    private static readonly string[] LatencyGroups = ["p50", "p90", "p99", "p99.9"];

    public static List<PlotImage> WriteAll(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        var images = new List<PlotImage>();
        if (results.Timeseries.Count > 0)
        {
            images.Add(Availability(directory, results, variants));
        }

        if (results.SummaryCi.Count > 0)
        {
            images.Add(Latency(directory, results, variants));
            images.Add(SummaryAvailability(directory, results, variants));
            images.Add(SummaryLongestOutage(directory, results, variants));
        }

        var slugs = Text.UniqueSlugs(variants);
        for (int v = 0; v < variants.Count; v++)
        {
            if (results.Nodes.Any(n => n.Variant == variants[v]))
            {
                images.Add(Nodes(directory, results, variants, v, slugs[v]));
            }
        }

        for (int v = 0; v < variants.Count; v++)
        {
            if (results.Pods.Any(p => p.Variant == variants[v]))
            {
                images.Add(Pods(directory, results, variants, v, slugs[v]));
            }
        }

        return images;
    }

    private static PlotImage Availability(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Availability over time";
        var plot = Figure.Create(Title, "time (s)", "requests succeeded (%)");
        double lowest = 100;
        double xMin = double.PositiveInfinity;
        double xMax = double.NegativeInfinity;
        for (int v = 0; v < variants.Count; v++)
        {
            // Pool the replications window by window: succeeded / requests over all of them. The dictionary is only
            // looked up; windows are visited in sorted order.
            var totals = new Dictionary<(double Start, double End), (long Requests, long Succeeded)>();
            foreach (var t in results.Timeseries)
            {
                if (t.Variant == variants[v])
                {
                    totals.TryGetValue((t.WindowStartS, t.WindowEndS), out var sum);
                    totals[(t.WindowStartS, t.WindowEndS)] = (sum.Requests + t.Requests, sum.Succeeded + t.Succeeded);
                }
            }

            var xs = new List<double>();
            var ys = new List<double>();
            foreach (var window in totals.Keys.Order())
            {
                var (requests, succeeded) = totals[window];
                if (requests > 0)
                {
                    xs.Add((window.Start + window.End) / 2);
                    ys.Add(100.0 * succeeded / requests);
                }

                xMin = Math.Min(xMin, window.Start);
                xMax = Math.Max(xMax, window.End);
            }

            if (xs.Count == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), Figure.SeriesColor(v));
            line.LineWidth = 2.5f;
            line.LegendText = variants[v];
            lowest = Math.Min(lowest, ys.Min());
        }

        double bottom = Math.Max(0, lowest - Math.Max(0.5, (100 - lowest) * 0.1));
        plot.Axes.SetLimitsY(bottom, 100 + (100 - bottom) * 0.12);
        string markers = Figure.AddFaultMarkers(plot, results.FaultMarkers, xMin, xMax);
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "availability", Title,
            "Share of requests that succeeded, per time window, pooled over all replications (requests counted in the window they were sent). Dashed lines mark faults and reactions." + markers);
    }

    private static List<BarSeries> SeriesFromCi(RunResults results, IReadOnlyList<string> variants, IReadOnlyList<string> metrics, double scale)
    {
        var series = new List<BarSeries>();
        for (int v = 0; v < variants.Count; v++)
        {
            var values = new List<double>();
            var errors = new List<double>();
            foreach (string metric in metrics)
            {
                var row = results.SummaryCi.FirstOrDefault(c => c.Variant == variants[v] && !c.IsDifference && c.Metric == metric);
                values.Add(row is null ? double.NaN : row.Mean * scale);
                errors.Add(row is null ? double.NaN : row.HalfWidth * scale);
            }

            series.Add(new BarSeries(variants[v], Figure.SeriesColor(v), values, errors));
        }

        return series;
    }

    private static PlotImage Latency(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Latency percentiles of successful requests";
        var plot = Figure.Create(Title, "percentile", "latency (ms)");
        Figure.AddGroupedBars(plot, LatencyGroups, SeriesFromCi(results, variants, LatencyMetrics, 1), v => Text.Fixed(v, 1));
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return Figure.Save(plot, directory, "latency", Title,
            "Mean over replications of each replication's latency percentile, with 95 % confidence intervals as error bars.");
    }

    private static PlotImage SummaryAvailability(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Availability by way of access";
        var plot = Figure.Create(Title, "", "availability (%)");
        var series = SeriesFromCi(results, variants, ["availability", "time_availability"], 100);
        Figure.AddGroupedBars(plot, ["requests succeeded", "time without outage"], series, v => Text.Fixed(v, 3));
        double lowest = 100;
        foreach (var s in series)
        {
            for (int i = 0; i < s.Values.Count; i++)
            {
                double low = s.Values[i] - (double.IsFinite(s.Errors[i]) ? s.Errors[i] : 0);
                lowest = double.IsFinite(low) ? Math.Min(lowest, low) : lowest;
            }
        }

        // Availabilities differ in the second or third digit: start the axis just below the lowest interval.
        double bottom = Math.Max(0, Math.Floor((lowest - Math.Max(0.05, (100 - lowest) * 0.5)) * 10) / 10);
        plot.Axes.SetLimitsY(bottom, 100 + (100 - bottom) * 0.12);
        return Figure.Save(plot, directory, "summary_availability", Title,
            $"Mean availability over replications with 95 % confidence intervals. The y axis starts at {Text.Fixed(bottom, 1)} %, not at 0.");
    }

    private static PlotImage SummaryLongestOutage(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Longest outage by way of access";
        var plot = Figure.Create(Title, "", "longest outage (s)");
        Figure.AddGroupedBars(plot, ["mean over replications"], SeriesFromCi(results, variants, ["longest_outage_s"], 1), v => Text.Fixed(v, 2));
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return Figure.Save(plot, directory, "summary_longest_outage", Title,
            "Mean over replications of each replication's longest outage, with 95 % confidence intervals.");
    }

    private static PlotImage Nodes(string directory, RunResults results, IReadOnlyList<string> variants, int v, string slug)
    {
        var rows = results.Nodes.Where(n => n.Variant == variants[v]).ToList();
        int replication = rows.Min(n => n.Replication);
        rows = [.. rows.Where(n => n.Replication == replication).OrderBy(n => n.WindowStartS)];
        string title = $"Node utilisation, {variants[v]} (replication {replication})";
        var plot = Figure.Create(title, "time (s)", "utilisation (%)");
        var groups = SeriesCap.Group(rows, n => n.Node);
        string band = SeriesCap.AddBand(plot, rows, groups.Count, n => n.WindowStartS, n => n.Utilization * 100, "nodes");
        var entries = new List<Coordinates>();
        var overloads = new List<Coordinates>();
        var lines = SeriesCap.Lines(groups, n => n.Utilization, g => g.Exists(n => n.IsEntry));
        for (int i = 0; i < lines.Count; i++)
        {
            var (name, node) = groups[lines[i]];
            bool everEntry = node.Any(n => n.IsEntry);
            var line = plot.Add.ScatterLine(node.Select(n => n.WindowStartS).ToArray(), node.Select(n => n.Utilization * 100).ToArray(), Figure.SeriesColor(i));
            line.LineWidth = 1.5f;
            line.LegendText = $"{name} ({node[0].Role}){(everEntry ? ", entry" : "")}";

            // The windows in which the node took outside traffic are drawn thick over the thin line, run by run, so
            // that a leader moving from one node to another shows as the thick line jumping.
            for (int w = 0; w < node.Count;)
            {
                int end = w;
                while (end < node.Count && node[end].IsEntry)
                {
                    end++;
                }

                if (end - w > 0)
                {
                    var run = node.GetRange(w, Math.Min(end + 1, node.Count) - w); // up to the next window, to join the line
                    var thick = plot.Add.ScatterLine(run.Select(n => n.WindowStartS).ToArray(), run.Select(n => n.Utilization * 100).ToArray(), Figure.SeriesColor(i));
                    thick.LineWidth = 5;
                }

                w = end + 1;
            }

            // Mark where a node becomes an entry (a leader moves, a load balancer target comes back), not every window:
            // long runs have thousands of windows.
            for (int w = 1; w < node.Count; w++)
            {
                if (node[w].IsEntry && !node[w - 1].IsEntry)
                {
                    entries.Add(new Coordinates(node[w].WindowStartS, node[w].Utilization * 100));
                }
            }

            overloads.AddRange(node.Where(n => n.Overloaded).Select(n => new Coordinates(n.WindowStartS, n.Utilization * 100)));
        }

        for (int g = 0; g < groups.Count; g++)
        {
            // Overloads of nodes drawn only in the band still show.
            if (!lines.Contains(g))
            {
                overloads.AddRange(groups[g].Rows.Where(n => n.Overloaded).Select(n => new Coordinates(n.WindowStartS, n.Utilization * 100)));
            }
        }

        AddStateMarkers(plot, entries, "became an entry node", overloads);
        plot.Axes.SetLimitsY(0, Math.Max(100, rows.Max(n => n.Utilization) * 100) * 1.12);
        string markers = Figure.AddFaultMarkers(plot, results.FaultMarkers, rows.Min(n => n.WindowStartS), rows.Max(n => n.WindowStartS));
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "nodes_" + slug, title,
            $"Utilisation of each node per time window in replication {replication}. A line is thick while its node takes outside traffic (MetalLB L2 leader, load-balancer target or NodePort address); open circles mark where a node became an entry (for example the L2 leader moving), red crosses windows with overload." + band + markers);
    }

    private static PlotImage Pods(string directory, RunResults results, IReadOnlyList<string> variants, int v, string slug)
    {
        var rows = results.Pods.Where(p => p.Variant == variants[v]).ToList();
        int replication = rows.Min(p => p.Replication);
        rows = [.. rows.Where(p => p.Replication == replication).OrderBy(p => p.WindowStartS)];
        string title = $"Pod utilisation, {variants[v]} (replication {replication})";
        var plot = Figure.Create(title, "time (s)", "utilisation (%)");
        var groups = SeriesCap.Group(rows, p => p.Pod);
        string band = SeriesCap.AddBand(plot, rows, groups.Count, p => p.WindowStartS, p => p.Utilization * 100, "pods");
        var lines = SeriesCap.Lines(groups, p => p.Utilization);
        var overloads = new List<Coordinates>();
        for (int i = 0; i < lines.Count; i++)
        {
            var (name, pod) = groups[lines[i]];
            var line = plot.Add.ScatterLine(pod.Select(p => p.WindowStartS).ToArray(), pod.Select(p => p.Utilization * 100).ToArray(), Figure.SeriesColor(i));
            line.LineWidth = 2;
            line.LegendText = $"{name} on {pod[0].Node}";
        }

        foreach (var (_, pod) in groups)
        {
            overloads.AddRange(pod.Where(p => p.Overloaded).Select(p => new Coordinates(p.WindowStartS, p.Utilization * 100)));
        }

        AddStateMarkers(plot, [], "", overloads);
        plot.Axes.SetLimitsY(0, Math.Max(100, rows.Max(p => p.Utilization) * 100) * 1.12);
        string markers = Figure.AddFaultMarkers(plot, results.FaultMarkers, rows.Min(p => p.WindowStartS), rows.Max(p => p.WindowStartS));
        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, "pods_" + slug, title,
            $"Utilisation of each pod per time window in replication {replication} (the legend names the node each pod started on); red crosses mark windows with overload." + band + markers);
    }

    private static void AddStateMarkers(Plot plot, List<Coordinates> entries, string entryLabel, List<Coordinates> overloads)
    {
        if (entries.Count > 0)
        {
            var entry = plot.Add.ScatterPoints(entries.ToArray(), Colors.Black);
            entry.MarkerShape = MarkerShape.OpenCircle;
            entry.MarkerSize = 11;
            entry.LegendText = entryLabel;
        }

        if (overloads.Count > 0)
        {
            var overload = plot.Add.ScatterPoints(overloads.ToArray(), Colors.Red);
            overload.MarkerShape = MarkerShape.Eks;
            overload.MarkerSize = 12;
            overload.LegendText = "overloaded";
        }
    }
}

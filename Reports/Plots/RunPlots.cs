using System.Globalization;
using ScottPlot;

namespace Svcsim.Reports;

/// <summary>
/// The plots of a run, each drawn from the rows of <see cref="RunResults"/> alone. Axes are scaled to the data
/// (availability never above 100 %), ways of access that would hide each other on one axis get a panel each, and
/// every text label is placed where it touches no other.
/// </summary>
internal static class RunPlots
{
    private static readonly string[] LatencyMetrics = ["latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_p999_ms"];
    private static readonly string[] LatencyGroups = ["p50", "p90", "p99", "p99.9"];

    /// <summary>Replications drawn as rows of the outage timeline; outages.csv has all of them.</summary>
    public const int MaxTimelineReplications = 10;

    private const int Left = 90;
    private const int Right = 40;

    public static List<PlotImage> WriteAll(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        var images = new List<PlotImage>();
        if (results.Timeseries.Count > 0)
        {
            images.Add(OutageTimeline(directory, results, variants));
            images.Add(Availability(directory, results, variants));
        }

        if (results.SummaryCi.Count > 0)
        {
            images.Add(FailuresByCause(directory, results, variants));
            images.Add(SummaryAvailability(directory, results, variants));
            images.Add(SummaryLongestOutage(directory, results, variants));
            images.Add(Latency(directory, results, variants));
        }

        if (results.Nodes.Count > 0)
        {
            images.Add(Utilisation(directory, results, variants, nodes: true));
        }

        if (results.Pods.Count > 0)
        {
            images.Add(Utilisation(directory, results, variants, nodes: false));
        }

        return images;
    }

    /// <summary>The SLO of the run (0..1): as recorded, else the documented default of 99 %.</summary>
    public static double Slo(RunResults results)
    {
        if (double.IsFinite(results.Info.Slo))
        {
            return results.Info.Slo;
        }

        var recorded = results.Parameters.FirstOrDefault(p => p.Name == "slo");
        return recorded is not null && double.TryParse(recorded.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double slo) ? slo : 0.99;
    }

    private static (double Min, double Max) TimeRange(RunResults results)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var t in results.Timeseries)
        {
            min = Math.Min(min, t.WindowStartS);
            max = Math.Max(max, t.WindowEndS);
        }

        return double.IsFinite(min) ? (min, max) : (0, 1);
    }

    /// <summary>The width in pixels of the widest of <paramref name="names"/> as a tick label, plus room for the axis.</summary>
    private static int NameColumn(IEnumerable<string> names)
    {
        float widest = 0;
        foreach (string name in names)
        {
            widest = Math.Max(widest, Figure.Measure(name, 14, 0).Width);
        }

        return (int)Math.Ceiling(widest) + 24;
    }

    private static PlotImage OutageTimeline(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Outages over time, by failure cause";
        var replications = results.Timeseries.Select(t => t.Replication).Distinct().Order().Take(MaxTimelineReplications).ToList();
        int perVariant = replications.Count + 1; // one empty row between ways of access
        int rows = variants.Count * perVariant - 1;
        int height = Math.Max(320, 150 + rows * 16);
        int left = NameColumn(variants);
        const int LegendWidth = 190;
        var plot = Figure.Panel(Title, "time (s)", "", new PixelPadding(left, LegendWidth, 46, 56), 20);
        var (xMin, xMax) = TimeRange(results);
        double minWidth = (xMax - xMin) / 600; // at least about a pixel and a half
        var causes = new List<string>();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int v = 0; v < variants.Count; v++)
        {
            double top = rows - v * perVariant; // y of the variant's first replication
            ticks.AddMajor(top - (replications.Count - 1) / 2.0, variants[v]);
            foreach (var outage in results.Outages)
            {
                int r = outage.Variant == variants[v] ? replications.IndexOf(outage.Replication) : -1;
                if (r < 0)
                {
                    continue;
                }

                double y = top - r;
                double end = Math.Max(outage.EndS, outage.StartS + minWidth);
                var rect = plot.Add.Rectangle(outage.StartS, end, y - 0.42, y + 0.42);
                rect.FillColor = Figure.CauseColor(outage.Cause);
                rect.LineWidth = 0;
                if (!causes.Contains(outage.Cause))
                {
                    causes.Add(outage.Cause);
                }
            }

            // A faint band per replication row, so that "no outage" reads as an empty row and not as missing data.
            for (int r = 0; r < replications.Count; r++)
            {
                var band = plot.Add.Rectangle(xMin, xMax, top - r - 0.42, top - r + 0.42);
                band.FillColor = Colors.Gray.WithAlpha(0.08);
                band.LineWidth = 0;
            }
        }

        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.IsVisible = false;
        // Room above the rows for up to three rows of marker labels, so that they never cover an outage.
        double span = rows + 1.6;
        double dataHeight = height - 46 - 56;
        double labelBand = results.FaultMarkers.Count > 0 ? 3 * (Figure.Measure("Ag", Figure.LabelFontSize, 3).Height + 3) + 8 : 0;
        plot.Axes.SetLimits(xMin, xMax, -0.8, -0.8 + span * dataHeight / (dataHeight - labelBand));

        // Legend: the causes in the order of the failed_* columns, only those that occur.
        foreach (string cause in FailureCounts.Causes.Where(causes.Contains).Concat(causes.Where(c => !FailureCounts.Causes.Contains(c))))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = cause.Replace('_', ' '), FillColor = Figure.CauseColor(cause), LineWidth = 0 });
        }

        plot.ShowLegend(Edge.Right);
        string markers = Figure.AddFaultMarkers(plot, results.FaultMarkers, xMin, xMax, labelled: true, Figure.Width - left - LegendWidth);
        string shown = replications.Count < results.Timeseries.Select(t => t.Replication).Distinct().Count()
            ? $" The first {replications.Count} replications are drawn; {OutputFiles.Outages} has all of them."
            : "";
        string none = causes.Count == 0 ? " No outage occurred." : "";
        return Figure.SaveGrid([(plot, height)], directory, "outages", "", Title,
            "Each row is one replication of a way of access; a bar is an outage (a run of 1 s intervals whose success ratio was below the SLO), coloured by the failure cause that dominated it. Lines mark faults and reactions."
            + none + shown + markers);
    }

    private static PlotImage Availability(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Availability over time";
        var series = new List<(double[] Xs, double[] Ys)>();
        double lowest = 100;
        var (xMin, xMax) = TimeRange(results);
        foreach (string variant in variants)
        {
            // Pool the replications window by window: succeeded / requests over all of them. The dictionary is only
            // looked up; windows are visited in sorted order.
            var totals = new Dictionary<(double Start, double End), (long Requests, long Succeeded)>();
            foreach (var t in results.Timeseries)
            {
                if (t.Variant == variant)
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
            }

            series.Add(([.. xs], [.. ys]));
            if (ys.Count > 0)
            {
                lowest = Math.Min(lowest, ys.Min());
            }
        }

        double slo = Slo(results) * 100;
        double bottom = AvailabilityBottom(Math.Min(lowest, slo));
        var panels = new List<(Plot, int)>();
        for (int v = 0; v < variants.Count; v++)
        {
            bool last = v == variants.Count - 1;
            var plot = Figure.Panel(variants[v], last ? "time (s)" : "", "succeeded (%)", new PixelPadding(Left, Right, 30, last ? 52 : 12), 14);
            plot.Axes.Bottom.TickLabelStyle.IsVisible = last; // the panels share the x axis: ticks under the last one
            Figure.NamePanel(plot, variants[v]);
            plot.Axes.Left.Label.FontSize = 13;
            if (slo >= bottom)
            {
                plot.Add.HorizontalLine(slo, 1, Colors.Gray.WithAlpha(0.8));
            }

            if (series[v].Xs.Length > 0)
            {
                var line = plot.Add.ScatterLine(series[v].Xs, series[v].Ys, Figure.SeriesColor(v));
                line.LineWidth = 2;
                line.MarkerSize = 0;
            }

            plot.Axes.SetLimits(xMin, xMax, bottom, 100);
            Figure.AddFaultMarkers(plot, results.FaultMarkers, xMin, xMax, labelled: false, Figure.Width - Left - Right);
            panels.Add((plot, last ? 172 : 132));
        }

        return Figure.SaveGrid(panels, directory, "availability", Title, Title,
            $"Share of requests that succeeded per time window, pooled over all replications (requests counted in the window they were sent), one panel per way of access on the same axes. The y axis runs from {Text.Fixed(bottom, 1)} % to 100 %; the grey line is the SLO ({Text.Fixed(slo, 2)} % per window); red lines mark faults and reactions (listed on the outage timeline).");
    }

    /// <summary>Just below <paramref name="lowest"/> (%), at a round value, never above 99.9 or below 0.</summary>
    internal static double AvailabilityBottom(double lowest)
    {
        double gap = Math.Max(100 - lowest, 0.1) * 1.08;
        double step = gap switch { <= 0.5 => 0.1, <= 2 => 0.5, <= 10 => 1, <= 25 => 5, _ => 10 };
        return Math.Max(0, Math.Floor((100 - gap) / step) * step);
    }

    private static PlotImage FailuresByCause(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Failed requests by cause";
        int left = NameColumn(variants);
        const int LegendWidth = 190;
        int height = Math.Max(300, 160 + variants.Count * 44);
        var plot = Figure.Panel(Title, "failed requests, mean per replication", "", new PixelPadding(left, LegendWidth, 46, 56), 20);
        var figures = new RunFigures(results, variants);
        var used = new List<string>();
        double widest = 0;
        var totals = new List<(double Y, double Total, double Share)>();
        for (int v = 0; v < variants.Count; v++)
        {
            double y = variants.Count - 1 - v;
            double sum = 0;
            foreach (string cause in FailureCounts.Causes)
            {
                double mean = figures.Of(variants[v], FailureCounts.ColumnPrefix + cause).Mean;
                if (!(mean > 0))
                {
                    continue;
                }

                var bar = new Bar
                {
                    Position = y,
                    ValueBase = sum,
                    Value = sum + mean,
                    FillColor = Figure.CauseColor(cause),
                    LineWidth = 0,
                    Size = 0.6,
                };
                var bars = plot.Add.Bars(new[] { bar });
                bars.Horizontal = true;
                sum += mean;
                if (!used.Contains(cause))
                {
                    used.Add(cause);
                }
            }

            double requests = figures.Of(variants[v], "requests").Mean;
            totals.Add((y, sum, requests > 0 ? sum / requests : double.NaN));
            widest = Math.Max(widest, sum);
        }

        double xMax = widest > 0 ? widest * 1.3 : 1;
        plot.Axes.SetLimits(0, xMax, -0.6, variants.Count - 0.4);
        foreach (var (y, total, share) in totals)
        {
            string text = total > 0 ? $"{Text.Fixed(total, 0)} ({Text.Fixed(share * 100, 2)} %)" : "none";
            Figure.AddLabel(plot, text, total, y, Alignment.MiddleLeft, offsetX: 6);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int v = 0; v < variants.Count; v++)
        {
            ticks.AddMajor(variants.Count - 1 - v, variants[v]);
        }

        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.IsVisible = false;
        foreach (string cause in used)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = cause.Replace('_', ' '), FillColor = Figure.CauseColor(cause), LineWidth = 0 });
        }

        plot.ShowLegend(Edge.Right);
        return Figure.SaveGrid([(plot, height)], directory, "failures_by_cause", "", Title,
            "Mean failed requests per replication, split by the cause the client saw; the label gives the total and its share of all requests.");
    }

    private static PlotImage SummaryAvailability(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Availability by way of access";
        var figures = new RunFigures(results, variants);
        double slo = Slo(results) * 100;
        var points = new List<(int V, double Y, double Mean, double Low, double High, MarkerShape Shape)>();
        double lowest = 100;
        for (int v = 0; v < variants.Count; v++)
        {
            double y = variants.Count - 1 - v;
            foreach (var (metric, offset, shape) in new[] { ("availability", 0.17, MarkerShape.FilledCircle), ("time_availability", -0.17, MarkerShape.FilledDiamond) })
            {
                var e = figures.Of(variants[v], metric);
                if (!double.IsFinite(e.Mean))
                {
                    continue;
                }

                double low = double.IsFinite(e.Low) ? Math.Max(0, e.Low * 100) : e.Mean * 100;
                double high = double.IsFinite(e.High) ? Math.Min(100, e.High * 100) : e.Mean * 100;
                points.Add((v, y + offset, e.Mean * 100, low, high, shape));
                lowest = Math.Min(lowest, low);
            }
        }

        double bottom = AvailabilityBottom(Math.Min(lowest, slo));
        var plot = ForestPlot(Title, "availability (%)", variants, points, bottom, 100, v => Text.Fixed(v, 3) + " %", slo >= bottom ? slo : double.NaN);
        int height = Math.Max(320, 150 + variants.Count * 56);
        return Figure.SaveGrid([(plot, height)], directory, "summary_availability", "", Title,
            $"Mean over replications with 95 % confidence intervals (intervals are cut at 100 %): circles are request availability (requests that succeeded), diamonds time availability (the share of time windows that met the SLO of {Text.Fixed(slo, 2)} %, the grey line). The x axis starts at {Text.Fixed(bottom, 1)} %, not at 0.");
    }

    private static PlotImage SummaryLongestOutage(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Longest outage by way of access";
        var figures = new RunFigures(results, variants);
        var points = new List<(int V, double Y, double Mean, double Low, double High, MarkerShape Shape)>();
        double highest = 0;
        for (int v = 0; v < variants.Count; v++)
        {
            var e = figures.Of(variants[v], "longest_outage_s");
            if (!double.IsFinite(e.Mean))
            {
                continue;
            }

            double low = double.IsFinite(e.Low) ? Math.Max(0, e.Low) : e.Mean;
            double high = double.IsFinite(e.High) ? e.High : e.Mean;
            points.Add((v, variants.Count - 1 - v, e.Mean, low, high, MarkerShape.FilledCircle));
            highest = Math.Max(highest, high);
        }

        var plot = ForestPlot(Title, "longest outage (s)", variants, points, 0, highest > 0 ? highest * 1.35 : 1, v => Text.Fixed(v, 1) + " s", double.NaN);
        int height = Math.Max(300, 150 + variants.Count * 44);
        return Figure.SaveGrid([(plot, height)], directory, "summary_longest_outage", "", Title,
            "Mean over replications of each replication's longest outage, with 95 % confidence intervals (cut at 0).");
    }

    /// <summary>
    /// Means with whiskers, one row per way of access (first at the top), values written beside the whiskers: to
    /// the right when there is room inside the axis, else to the left.
    /// </summary>
    private static Plot ForestPlot(string title, string xLabel, IReadOnlyList<string> variants,
        List<(int V, double Y, double Mean, double Low, double High, MarkerShape Shape)> points, double xMin, double xMax,
        Func<double, string> format, double referenceLine)
    {
        int left = NameColumn(variants);
        var plot = Figure.Panel(title, xLabel, "", new PixelPadding(left, Right, 46, 56), 20);
        plot.Axes.SetLimits(xMin, xMax, -0.6, variants.Count - 0.4);
        if (double.IsFinite(referenceLine))
        {
            plot.Add.VerticalLine(referenceLine, 1, Colors.Gray.WithAlpha(0.8));
        }

        float dataWidth = Figure.Width - left - Right;
        double PerPixel = (xMax - xMin) / dataWidth;
        foreach (var p in points)
        {
            var color = Figure.SeriesColor(p.V);
            if (p.High > p.Low)
            {
                var whisker = plot.Add.Line(p.Low, p.Y, p.High, p.Y);
                whisker.LineColor = color;
                whisker.LineWidth = 2;
                whisker.MarkerSize = 0;
            }

            plot.Add.Marker(Math.Clamp(p.Mean, xMin, xMax), p.Y, p.Shape, 10, color);
            string text = format(p.Mean);
            double width = (Figure.Measure(text, Figure.LabelFontSize, 2).Width + 8) * PerPixel;
            bool right = p.High + width <= xMax;
            Figure.AddLabel(plot, text, right ? p.High : p.Low, p.Y, right ? Alignment.MiddleLeft : Alignment.MiddleRight, right ? 6 : -6);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int v = 0; v < variants.Count; v++)
        {
            ticks.AddMajor(variants.Count - 1 - v, variants[v]);
        }

        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.IsVisible = false;
        return plot;
    }

    private static PlotImage Latency(string directory, RunResults results, IReadOnlyList<string> variants)
    {
        const string Title = "Latency percentiles of successful requests";
        var figures = new RunFigures(results, variants);
        const int LegendWidth = 190;
        var plot = Figure.Panel(Title, "percentile", "latency (ms, log scale)", new PixelPadding(Left, LegendWidth, 46, 56), 20);
        double width = 0.7 / Math.Max(1, variants.Count);
        double lowest = double.PositiveInfinity, highest = double.NegativeInfinity;
        for (int v = 0; v < variants.Count; v++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int g = 0; g < LatencyMetrics.Length; g++)
            {
                var e = figures.Of(variants[v], LatencyMetrics[g]);
                if (!(e.Mean > 0))
                {
                    continue;
                }

                double x = g - 0.35 + width * (v + 0.5); // dodged: the ways of access side by side in each group
                double low = e.Low > 0 ? e.Low : e.Mean;
                double high = e.High > 0 ? e.High : e.Mean;
                if (high > low)
                {
                    var whisker = plot.Add.Line(x, Math.Log10(low), x, Math.Log10(high));
                    whisker.LineColor = Figure.SeriesColor(v);
                    whisker.LineWidth = 2;
                    whisker.MarkerSize = 0;
                }

                xs.Add(x);
                ys.Add(Math.Log10(e.Mean));
                lowest = Math.Min(lowest, Math.Log10(low));
                highest = Math.Max(highest, Math.Log10(high));
            }

            if (xs.Count > 0)
            {
                var dots = plot.Add.Markers(xs.ToArray(), ys.ToArray(), MarkerShape.FilledCircle, 9, Figure.SeriesColor(v));
                dots.LegendText = variants[v];
            }
        }

        if (!double.IsFinite(lowest))
        {
            (lowest, highest) = (0, 1);
        }

        double pad = Math.Max(0.05, (highest - lowest) * 0.08);
        plot.Axes.SetLimits(-0.5, LatencyMetrics.Length - 0.5, lowest - pad, highest + pad);
        var groups = new ScottPlot.TickGenerators.NumericManual();
        for (int g = 0; g < LatencyGroups.Length; g++)
        {
            groups.AddMajor(g, LatencyGroups[g]);
        }

        plot.Axes.Bottom.TickGenerator = groups;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = highest - lowest > 1.2,
            LabelFormatter = y => Text.Significant(Math.Pow(10, y)),
        };
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.12);
        plot.ShowLegend(Edge.Right);
        return Figure.SaveGrid([(plot, Figure.Height)], directory, "latency", "", Title,
            "Mean over replications of each replication's latency percentile, with 95 % confidence intervals, on a logarithmic axis; the comparison table has the values.");
    }

    private static PlotImage Utilisation(string directory, RunResults results, IReadOnlyList<string> variants, bool nodes)
    {
        string what = nodes ? "node" : "pod";
        string title = nodes ? "Node utilisation over time" : "Pod utilisation over time";

        // One replication (the first of each way of access), every node or pod as a line, one panel per way of access,
        // all panels on the same y axis scaled to the busiest window of any.
        var perVariant = new List<List<(string Name, string Legend, double[] Xs, double[] Ys, List<(int From, int To)> EntryRuns, List<Coordinates> Overloads)>>();
        double highest = 0;
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        var allNames = new List<string>();
        int replicationShown = int.MaxValue;
        // Rows are grouped once per way of access (O(rows)); with many nodes or pods only a few get lines
        // and the others are drawn as a percentile band (SeriesCap).
        var bands = new List<(List<(double T, double U)> Rows, int Members)>();
        foreach (string variant in variants)
        {
            var lines = new List<(string, string, double[], double[], List<(int, int)>, List<Coordinates>)>();
            var bandRows = new List<(double T, double U)>();
            int members = 0;
            if (nodes)
            {
                var rows = results.Nodes.Where(n => n.Variant == variant).ToList();
                if (rows.Count > 0)
                {
                    int replication = rows.Min(n => n.Replication);
                    replicationShown = Math.Min(replicationShown, replication);
                    rows = [.. rows.Where(n => n.Replication == replication).OrderBy(n => n.WindowStartS)];
                    var groups = SeriesCap.Group(rows, n => n.Node);
                    members = groups.Count;
                    bandRows = [.. rows.Select(n => (n.WindowStartS, n.Utilization * 100))];
                    foreach (int g in SeriesCap.Lines(groups, n => n.Utilization, r => r.Exists(n => n.IsEntry)))
                    {
                        var (name, node) = groups[g];
                        var runs = new List<(int, int)>();
                        for (int w = 0; w < node.Count;)
                        {
                            int end = w;
                            while (end < node.Count && node[end].IsEntry)
                            {
                                end++;
                            }

                            if (end > w)
                            {
                                runs.Add((w, Math.Min(end, node.Count - 1)));
                            }

                            w = end + 1;
                        }

                        lines.Add((name, $"{name} ({node[0].Role})", node.Select(n => n.WindowStartS).ToArray(), node.Select(n => n.Utilization * 100).ToArray(),
                            runs, node.Where(n => n.Overloaded).Select(n => new Coordinates(n.WindowStartS, n.Utilization * 100)).ToList()));
                    }
                }
            }
            else
            {
                var rows = results.Pods.Where(p => p.Variant == variant).ToList();
                if (rows.Count > 0)
                {
                    int replication = rows.Min(p => p.Replication);
                    replicationShown = Math.Min(replicationShown, replication);
                    rows = [.. rows.Where(p => p.Replication == replication).OrderBy(p => p.WindowStartS)];
                    var groups = SeriesCap.Group(rows, p => p.Pod);
                    members = groups.Count;
                    bandRows = [.. rows.Select(p => (p.WindowStartS, p.Utilization * 100))];
                    foreach (int g in SeriesCap.Lines(groups, p => p.Utilization))
                    {
                        var (name, pod) = groups[g];
                        lines.Add((name, $"{name} on {pod[0].Node}", pod.Select(p => p.WindowStartS).ToArray(), pod.Select(p => p.Utilization * 100).ToArray(),
                            [], pod.Where(p => p.Overloaded).Select(p => new Coordinates(p.WindowStartS, p.Utilization * 100)).ToList()));
                    }
                }
            }

            foreach (var line in lines)
            {
                if (line.Item3.Length > 0)
                {
                    highest = Math.Max(highest, line.Item4.Max());
                    xMin = Math.Min(xMin, line.Item3.Min());
                    xMax = Math.Max(xMax, line.Item3.Max());
                }

                if (!allNames.Contains(line.Item1))
                {
                    allNames.Add(line.Item1);
                }
            }

            if (members > SeriesCap.MaxLines)
            {
                foreach (var (t, u) in bandRows)
                {
                    highest = Math.Max(highest, u);
                    xMin = Math.Min(xMin, t);
                    xMax = Math.Max(xMax, t);
                }
            }

            bands.Add((bandRows, members));

            perVariant.Add(lines);
        }

        if (!double.IsFinite(xMin))
        {
            (xMin, xMax) = (0, 1);
        }

        double yMax = UtilisationTop(highest);
        const int LegendWidth = 230;
        string capped = "";
        var panels = new List<(Plot, int)>();
        for (int v = 0; v < variants.Count; v++)
        {
            bool last = v == variants.Count - 1;
            var plot = Figure.Panel(variants[v], last ? "time (s)" : "", "utilisation (%)", new PixelPadding(Left, LegendWidth, 30, last ? 52 : 12), 14);
            plot.Axes.Bottom.TickLabelStyle.IsVisible = last;
            Figure.NamePanel(plot, variants[v]);
            plot.Axes.Left.Label.FontSize = 13;
            var overloads = new List<Coordinates>();
            string banded = SeriesCap.AddBand(plot, bands[v].Rows, bands[v].Members, r => r.T, r => r.U, nodes ? "nodes" : "pods");
            capped = capped.Length > 0 ? capped : banded;
            foreach (var (name, legend, xs, ys, runs, over) in perVariant[v])
            {
                // The same colour for the same node or pod in every panel.
                var color = Figure.SeriesColor(allNames.IndexOf(name));
                var line = plot.Add.ScatterLine(xs, ys, color);
                line.LineWidth = 1.5f;
                line.MarkerSize = 0;
                line.LegendText = legend;

                // The windows in which the node took outside traffic are drawn thick over the thin line, so that a
                // leader moving from one node to another shows as the thick line jumping.
                foreach (var (from, to) in runs)
                {
                    var thick = plot.Add.ScatterLine(xs[from..(to + 1)], ys[from..(to + 1)], color);
                    thick.LineWidth = 5;
                    thick.MarkerSize = 0;
                }

                overloads.AddRange(over);
            }

            if (overloads.Count > 0)
            {
                var marks = plot.Add.Markers(overloads, MarkerShape.Eks, 10, Colors.Red);
                marks.LegendText = "overloaded";
            }

            plot.Axes.SetLimits(xMin, xMax, 0, yMax);
            Figure.AddFaultMarkers(plot, results.FaultMarkers, xMin, xMax, labelled: false, Figure.Width - Left - LegendWidth);
            plot.ShowLegend(Edge.Right);
            plot.Legend.FontSize = 11;
            int lineCount = perVariant[v].Count + (overloads.Count > 0 ? 1 : 0) + (banded.Length > 0 ? 2 : 0);
            panels.Add((plot, Math.Max(last ? 172 : 132, 50 + lineCount * 17 + (last ? 40 : 0))));
        }

        string replicationText = replicationShown == int.MaxValue ? "" : $" in replication {replicationShown.ToString(CultureInfo.InvariantCulture)}";
        string entry = nodes
            ? " A line is thick while its node takes outside traffic (MetalLB L2 leader, load-balancer target or NodePort address)."
            : " The legend names the node each pod started on.";
        return Figure.SaveGrid(panels, directory, nodes ? "nodes" : "pods", title, title,
            $"Utilisation of each {what} per time window{replicationText}, one panel per way of access, all on the same axis up to {Text.Fixed(yMax, 0)} % (just above the busiest window).{entry} {capped} Red crosses mark windows with overload; red lines mark faults and reactions.");
    }

    /// <summary>A round top for a utilisation axis (%) just above <paramref name="highest"/>, at most 100 unless the data is above it.</summary>
    internal static double UtilisationTop(double highest)
    {
        if (!(highest > 0))
        {
            return 1;
        }

        double target = highest * 1.15;
        foreach (double top in new double[] { 1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100 })
        {
            if (target <= top)
            {
                return top;
            }
        }

        return Math.Ceiling(target / 10) * 10;
    }
}

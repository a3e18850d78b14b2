using System.Globalization;
using ScottPlot;

namespace Svcsim.Reports;

/// <summary>The plots of a sweep: each metric against each swept parameter, one line per way of access, CI bands.</summary>
internal static class SweepPlots
{
    // The combinations of the other parameters are told apart by marker shape: dash patterns cannot be drawn in SVG
    // by Skia (see Figure).
    private static readonly MarkerShape[] Shapes =
    [
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond,
    ];

    public static List<PlotImage> WriteAll(string directory, SweepResults results, IReadOnlyList<string> variants)
    {
        var points = Order.FirstAppearance(results.Ci, c => (c.Point, c.Parameters));
        var parsed = points.Select(p => SweepParameters.Parse(p.Parameters)).ToList();
        var names = Order.FirstAppearance(parsed.SelectMany(p => p), p => p.Name);
        var slugs = Text.UniqueSlugs(names);
        var plots = SweepRow.Reported.SelectMany(metric => Enumerable.Range(0, names.Count).Select(n => (Metric: metric.Name, Parameter: n))).ToList();
        // Each plot is its own figure and file: they are drawn on all cores, and listed in the same order however
        // many there are (each worker thread formats numbers as the caller's thread does, invariantly).
        var images = new PlotImage[plots.Count];
        Parallel.For(0, plots.Count, i =>
        {
            using var culture = new InvariantCultureScope();
            images[i] = MetricAgainst(directory, results, variants, plots[i].Metric, names[plots[i].Parameter], slugs[plots[i].Parameter]);
        });
        return [.. images];
    }

    private static PlotImage MetricAgainst(string directory, SweepResults results, IReadOnlyList<string> variants, string metric, string parameter, string slug)
    {
        var display = MetricDisplay.For(metric);
        string title = $"{display.Label} against {parameter}";
        var rows = results.Ci.Where(c => c.Metric == metric).ToList();

        // x: the parameter's value in SI units (sweep.csv's typed column: 200/s is 200, 40s is 40) when every point's
        // value is a number, else its rank among the values seen.
        var column = results.ParameterColumns.FirstOrDefault(c => c.Path == parameter);
        string Typed(string value) => column is not null && column.Typed.TryGetValue(value, out string? typed) ? typed : value;
        var values = rows.Select(r => ValueOf(r.Parameters, parameter)).ToList();
        bool numeric = values.All(v => double.TryParse(Typed(v), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var categories = Order.FirstAppearance(values, v => v);
        double X(string value) => numeric ? double.Parse(Typed(value), NumberStyles.Float, CultureInfo.InvariantCulture) : categories.IndexOf(value);
        string xLabel = numeric && column is not null && values.Any(v => Typed(v) != v) ? $"{parameter} ({column.Column})" : parameter;
        var plot = Figure.Create(title, xLabel, display.AxisLabel);

        // One line per way of access and combination of the other parameters' values.
        var others = Order.FirstAppearance(rows, r => Others(r.Parameters, parameter));
        for (int v = 0; v < variants.Count; v++)
        {
            for (int o = 0; o < others.Count; o++)
            {
                var line = rows.Where(r => r.Variant == variants[v] && Others(r.Parameters, parameter) == others[o])
                    .Select(r => (X: X(ValueOf(r.Parameters, parameter)), r.Mean, r.CiLow, r.CiHigh))
                    .Where(p => double.IsFinite(p.Mean))
                    .OrderBy(p => p.X)
                    .ToList();
                if (line.Count == 0)
                {
                    continue;
                }

                var color = Figure.SeriesColor(v);
                var band = line.Where(p => double.IsFinite(p.CiLow) && double.IsFinite(p.CiHigh)).ToList();
                if (band.Count > 1)
                {
                    var fill = plot.Add.FillY(band.Select(p => p.X).ToArray(), band.Select(p => p.CiLow * display.Scale).ToArray(), band.Select(p => p.CiHigh * display.Scale).ToArray());
                    fill.FillColor = color.WithAlpha(0.18);
                    fill.LineWidth = 0;
                }

                var scatter = plot.Add.Scatter(line.Select(p => p.X).ToArray(), line.Select(p => p.Mean * display.Scale).ToArray(), color);
                scatter.LineWidth = 2.5f;
                scatter.MarkerSize = 8;
                scatter.MarkerShape = Shapes[o % Shapes.Length];
                scatter.LineWidth = others.Count > 1 ? 2f : 2.5f;
                scatter.LegendText = others[o].Length == 0 ? variants[v] : $"{variants[v]} ({others[o]})";
            }
        }

        if (!numeric || categories.Count <= 12)
        {
            // Ticks at the swept values only: replicas 2, 3, 4 rather than 2, 2.2, 2.4...
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (string value in categories)
            {
                ticks.AddMajor(X(value), value);
            }

            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.Margins(horizontal: 0.06, vertical: 0.1);
        }

        plot.ShowLegend(Edge.Right);
        return Figure.Save(plot, directory, $"sweep_{metric}_vs_{slug}", title,
            $"Mean {display.Label.ToLowerInvariant()} over replications at each value of {parameter}, one line per way of access; shaded bands are 95 % confidence intervals.");
    }

    private static string ValueOf(string parameters, string name) =>
        SweepParameters.Parse(parameters).FirstOrDefault(p => p.Name == name)?.Value ?? "";

    private static string Others(string parameters, string name) =>
        SweepParameters.Format(SweepParameters.Parse(parameters).Where(p => p.Name != name));
}

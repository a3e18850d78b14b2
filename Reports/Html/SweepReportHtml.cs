using System.Globalization;
using System.Text;

namespace Svcsim.Reports;

/// <summary>The HTML of a sweep's report: the table and conclusion first, then the plots and the scenario as run.</summary>
internal static class SweepReportHtml
{
    public static string Render(SweepResults results, IReadOnlyList<string> variants, IReadOnlyList<PlotImage> plots)
    {
        var page = new Page($"svcsim sweep: {results.Name}");
        page.Heading(1, $"{results.Name}: sweep of the ways of access");
        var points = Order.FirstAppearance(results.Ci, c => (c.Point, c.Parameters));
        page.Paragraph(
            $"{points.Count} sweep point{(points.Count == 1 ? "" : "s")}, {variants.Count} way{(variants.Count == 1 ? "" : "s")} of access. "
            + "Figures are means over replications with their 95 % Student-t confidence intervals.", "lede");

        page.Heading(2, "Comparison", "comparison");
        var metrics = SweepRow.Reported.Select(m => m.Name).ToList();
        page.Table("comparison-table", ["Point", "Parameters", "Way of access", "Replications", .. metrics.Select(m => MetricDisplay.For(m).AxisLabel)],
            Rows(results, variants, points, metrics));

        page.Heading(2, "Conclusion", "conclusion-heading");
        page.Paragraph(Conclusion(results, variants, points), "conclusion", "conclusion");

        page.Heading(2, "Plots", "plots");
        foreach (var plot in plots)
        {
            page.Figure(plot);
        }

        page.Heading(2, "Scenario as run", "scenario");
        RunReportHtml.ScenarioSection(page, results.Parameters, [], results.ScenarioYaml);
        return page.Finish();
    }

    private static IEnumerable<IReadOnlyList<Cell>> Rows(SweepResults results, IReadOnlyList<string> variants, List<(int Point, string Parameters)> points, List<string> metrics)
    {
        foreach (var (point, parameters) in points)
        {
            foreach (string variant in variants)
            {
                var ofVariant = results.Ci.Where(c => c.Point == point && c.Variant == variant).ToList();
                if (ofVariant.Count == 0)
                {
                    continue;
                }

                var cells = new List<Cell>
                {
                    Cell.Number(point.ToString(CultureInfo.InvariantCulture)), Cell.Of(Describe(parameters)), Cell.Name(variant),
                    Cell.Number(ofVariant.Max(c => c.Replications).ToString(CultureInfo.InvariantCulture)),
                };
                foreach (string metric in metrics)
                {
                    var row = ofVariant.FirstOrDefault(c => c.Metric == metric);
                    cells.Add(row is null ? Cell.Of(Text.Missing) : Cell.Estimate(MetricDisplay.For(metric), row.Mean, row.CiLow, row.CiHigh));
                }

                yield return cells;
            }
        }
    }

    private static string Conclusion(SweepResults results, IReadOnlyList<string> variants, List<(int Point, string Parameters)> points)
    {
        var availability = results.Ci.Where(c => c.Metric == "availability" && double.IsFinite(c.Mean)).ToList();
        if (availability.Count == 0)
        {
            return "No availability was recorded, so there is nothing to compare.";
        }

        var percent = MetricDisplay.For("availability");
        var text = new StringBuilder();
        if (variants.Count > 1)
        {
            // Which way of access had the highest mean availability at how many points (the first listed wins ties).
            var wins = variants.Select(v => 0).ToList();
            foreach (var (point, _) in points)
            {
                var atPoint = availability.Where(c => c.Point == point).ToList();
                if (atPoint.Count == 0)
                {
                    continue;
                }

                double max = atPoint.Max(c => c.Mean);
                int winner = variants.ToList().FindIndex(v => atPoint.Any(c => c.Variant == v && c.Mean == max));
                wins[winner]++;
            }

            int best = wins.IndexOf(wins.Max());
            text.Append(CultureInfo.InvariantCulture,
                $"{variants[best]} had the highest mean availability at {wins[best]} of {points.Count} sweep point{(points.Count == 1 ? "" : "s")}. ");
        }

        foreach (string variant in variants)
        {
            var of = availability.Where(c => c.Variant == variant).ToList();
            if (of.Count == 0)
            {
                continue;
            }

            var low = of.OrderBy(c => c.Mean).First();
            var high = of.OrderByDescending(c => c.Mean).First();
            text.Append(CultureInfo.InvariantCulture,
                $"{variant} ranged from {percent.FormatWithUnit(low.Mean)} ({Describe(low.Parameters)}) to {percent.FormatWithUnit(high.Mean)} ({Describe(high.Parameters)}). ");
        }

        return text.ToString().TrimEnd();
    }

    private static string Describe(string parameters) => parameters.Length == 0 ? "no parameters" : parameters.Replace(";", ", ", StringComparison.Ordinal);
}

using System.Globalization;
using System.Text;

namespace Svcsim.Reports;

/// <summary>
/// The plain-language paragraph at the top of a run's report, written from the numbers alone: which way of access
/// kept the most availability and by how much, whether the lead is beyond noise, and the longest outage.
/// </summary>
internal static class RunConclusion
{
    public static string Write(RunFigures figures)
    {
        var variants = figures.Variants;
        var summary = figures.Results.Summary;
        if (summary.Count == 0 || variants.Count == 0)
        {
            return "No results were recorded, so there is nothing to compare.";
        }

        var percent = MetricDisplay.For("availability");
        var text = new StringBuilder();
        var ranked = variants.Where(v => double.IsFinite(figures.Of(v, "availability").Mean))
            .OrderByDescending(v => figures.Of(v, "availability").Mean)
            .ToList(); // OrderBy is stable: ties keep the listed order
        if (ranked.Count == 0)
        {
            return "No way of access served a request, so availability cannot be compared.";
        }

        string best = ranked[0];
        var bestA = figures.Of(best, "availability");
        int replications = figures.Replications(best);
        text.Append(CultureInfo.InvariantCulture,
            $"{best} kept the most availability: {percent.FormatWithUnit(bestA.Mean)} of requests succeeded on average over {replications} replication{(replications == 1 ? "" : "s")}");
        text.Append(double.IsFinite(bestA.Low) ? $" (95 % CI {percent.Format(bestA.Low)} \u2013 {percent.Format(bestA.High)} %). " : ". ");

        if (ranked.Count > 1)
        {
            string second = ranked[1];
            var lead = figures.Difference(best, second, "availability");
            double points = (bestA.Mean - figures.Of(second, "availability").Mean) * 100;
            text.Append(CultureInfo.InvariantCulture,
                $"That is {Text.Fixed(points, 3)} percentage points more than {second} ({percent.FormatWithUnit(figures.Of(second, "availability").Mean)})");
            if (double.IsFinite(lead.Low))
            {
                text.Append(CultureInfo.InvariantCulture, $"; the 95 % CI of the paired difference, {Text.Fixed(lead.Low * 100, 3)} to {Text.Fixed(lead.High * 100, 3)} points, ");
                text.Append(lead.ExcludesZero
                    ? "excludes zero, so the lead is not noise. "
                    : "includes zero, so more replications are needed to tell the two apart. ");
            }
            else
            {
                text.Append("; with a single replication there is no confidence interval for the difference. ");
            }

            if (ranked.Count > 2)
            {
                string worst = ranked[^1];
                text.Append(CultureInfo.InvariantCulture, $"{worst} kept the least: {percent.FormatWithUnit(figures.Of(worst, "availability").Mean)}. ");
            }
        }

        var longest = summary.OrderByDescending(s => s.LongestOutageS).First();
        if (!(longest.LongestOutageS > 0))
        {
            text.Append("No outage occurred under any way of access.");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture,
            $"The longest single outage, {Text.Fixed(longest.LongestOutageS, 2)} s, hit {longest.Variant} in replication {longest.Replication}");
        var outage = figures.Results.Outages
            .Where(o => o.Variant == longest.Variant && o.Replication == longest.Replication)
            .OrderByDescending(o => o.DurationS)
            .FirstOrDefault();
        text.Append(outage is null || outage.Cause.Length == 0 ? ". " : $" (mostly {outage.Cause.Replace('_', ' ')} failures, from {Text.Fixed(outage.StartS, 1)} s). ");

        string? shortest = figures.Best("longest_outage_s", higherIsBetter: false);
        if (shortest is not null && variants.Count > 1)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"On average the longest outage per replication was shortest under {shortest} ({Text.Fixed(figures.Of(shortest, "longest_outage_s").Mean, 2)} s).");
        }

        return text.ToString().TrimEnd();
    }
}

using System.Globalization;
using System.Net;

namespace Svcsim.Reports;

/// <summary>Number and text formatting shared by the plots and the pages: invariant culture, NaN shown as a dash.</summary>
internal static class Text
{
    public const string Missing = "\u2014";

    public static string Html(string text) => WebUtility.HtmlEncode(text);

    public static string Fixed(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : Missing;

    /// <summary>A tick label: 0.5, 2, 15, 120, 1500 (up to three significant digits, no trailing zeros).</summary>
    public static string Significant(double value)
    {
        if (!double.IsFinite(value))
        {
            return Missing;
        }

        double rounded = value == 0 ? 0 : Math.Round(value, Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value)))));
        return rounded.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>Turns a name into a file-name part: lower case letters, digits, underscores and dashes.</summary>
    public static string Slug(string name)
    {
        var chars = new List<char>(name.Length);
        foreach (char c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                chars.Add(c);
            }
            else if (chars.Count > 0 && chars[^1] != '-')
            {
                chars.Add('-');
            }
        }

        string slug = new string([.. chars]).Trim('-');
        return slug.Length == 0 ? "unnamed" : slug;
    }

    /// <summary>Slugs for <paramref name="names"/>, made unique by a numeric suffix where two would collide.</summary>
    public static List<string> UniqueSlugs(IReadOnlyList<string> names)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var slugs = new List<string>(names.Count);
        foreach (string name in names)
        {
            string slug = Slug(name);
            string candidate = slug;
            for (int i = 2; !used.Add(candidate); i++)
            {
                candidate = slug + "-" + i.ToString(CultureInfo.InvariantCulture);
            }

            slugs.Add(candidate);
        }

        return slugs;
    }
}

/// <summary>How a metric is shown: its label, unit, scale for display and number of decimals.</summary>
internal sealed record MetricDisplay(string Metric, string Label, string Unit, double Scale, int Decimals, bool HigherIsBetter)
{
    private static readonly MetricDisplay[] Known =
    [
        new("availability", "Availability", "%", 100, 3, true),
        new("time_availability", "Time availability", "%", 100, 3, true),
        new("longest_outage_s", "Longest outage", "s", 1, 2, false),
        new("total_outage_s", "Total outage", "s", 1, 2, false),
        new("outages", "Outages", "count", 1, 2, false),
        new("latency_p50_ms", "p50 latency", "ms", 1, 2, false),
        new("latency_p90_ms", "p90 latency", "ms", 1, 2, false),
        new("latency_p99_ms", "p99 latency", "ms", 1, 2, false),
        new("latency_p999_ms", "p99.9 latency", "ms", 1, 2, false),
        new("latency_max_ms", "Max latency", "ms", 1, 2, false),
        new("max_node_utilization", "Max node utilisation", "%", 100, 1, false),
        new("overload_s", "Overload time", "s", 1, 2, false),
        new("failed", "Failed requests", "count", 1, 1, false),
        new("rejected", "Rejected requests", "count", 1, 1, false),
        new("jain_fairness", "Jain fairness", "index", 1, 3, true),
        new("imbalance_max_over_mean", "Imbalance max/mean", "ratio", 1, 2, false),
        new("connections", "Connections opened", "count", 1, 0, false),
        new("connect_failures", "Failed to connect", "count", 1, 1, false),
        new("connections_reset", "Connections reset", "count", 1, 1, false),
        new("connections_hung", "Connections given up", "count", 1, 1, false),
        new("pod_imbalance_max_over_mean", "Requests per pod, max/mean", "ratio", 1, 2, false),
    ];

    public static MetricDisplay For(string metric)
    {
        foreach (var known in Known)
        {
            if (known.Metric == metric)
            {
                return known;
            }
        }

        return new(metric, metric.Replace('_', ' '), "", 1, 2, false);
    }

    /// <summary>"Availability (%)".</summary>
    public string AxisLabel => Unit.Length == 0 ? Label : $"{Label} ({Unit})";

    public string Format(double value) => Text.Fixed(value * Scale, Decimals);

    /// <summary>"99.873 %", "12.50 s"; a difference of percentages is in percentage points, "0.412 pp".</summary>
    public string FormatWithUnit(double value, bool difference = false)
    {
        if (!double.IsFinite(value))
        {
            return Text.Missing;
        }

        string unit = difference && Unit == "%" ? "pp" : Unit;
        return Format(value) + (unit is "%" or "pp" or "s" or "ms" ? "\u00a0" + unit : "");
    }
}

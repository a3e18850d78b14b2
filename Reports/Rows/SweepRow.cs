namespace Svcsim.Reports;

/// <summary>
/// One replication of one way of access at one point of a parameter sweep (a line of <c>sweep.csv</c>): every metric
/// of <c>summary.csv</c>, in the order of <see cref="SummaryRow.Metrics"/>. <see cref="Parameters"/> names the point's
/// parameter values as <c>a=1;b=2</c>. Written and read by <see cref="SweepCsv"/>.
/// </summary>
/// <param name="Point">The sweep point.</param>
/// <param name="Parameters">The point's parameter values, <c>path=value</c> pairs joined by <c>;</c>.</param>
/// <param name="Variant">The way of access.</param>
/// <param name="Replication">The replication.</param>
/// <param name="Seed">The replication's seed.</param>
/// <param name="Values">The value of each metric of <see cref="Metrics"/>, NaN where undefined.</param>
public sealed record SweepRow(int Point, string Parameters, string Variant, int Replication, long Seed, IReadOnlyList<double> Values)
{
    /// <summary>Every metric column of sweep.csv (those of summary.csv), in column order; sweep_ci.csv summarises each.</summary>
    public static IReadOnlyList<Metric<SweepRow>> Metrics { get; } =
        [.. SummaryRow.Metrics.Select((m, i) => new Metric<SweepRow>(m.Name, r => r.Values[i]))];

    /// <summary>The metrics the sweep's report tabulates and plots against each swept parameter.</summary>
    public static IReadOnlyList<Metric<SweepRow>> Reported { get; } =
        [.. new[] { "availability", "time_availability", "longest_outage_s", "latency_p99_ms", "max_node_utilization", "failed", "connections_reset", "connections_hung" }
            .Select(name => Metrics.Single(m => m.Name == name))];

    /// <summary>The value of the metric column <paramref name="metric"/>.</summary>
    public double this[string metric] => Values[Index(metric)];

    /// <summary>Request availability (0..1).</summary>
    public double Availability => this["availability"];

    /// <summary>Time availability (0..1).</summary>
    public double TimeAvailability => this["time_availability"];

    /// <summary>The longest outage (s).</summary>
    public double LongestOutageS => this["longest_outage_s"];

    /// <summary>The 99th percentile latency of successful requests (ms).</summary>
    public double LatencyP99Ms => this["latency_p99_ms"];

    /// <summary>The highest utilisation of any node in any window (0..1).</summary>
    public double MaxNodeUtilization => this["max_node_utilization"];

    /// <summary>Failed requests.</summary>
    public long Failed => (long)this["failed"];

    private static int Index(string metric)
    {
        for (int i = 0; i < Metrics.Count; i++)
        {
            if (Metrics[i].Name == metric)
            {
                return i;
            }
        }

        throw new ArgumentException($"sweep.csv has no metric {metric}", nameof(metric));
    }

    /// <summary>
    /// Builds a <see cref="SweepRow"/> from the summary of one replication at one sweep point, so that sweeps and
    /// single runs share the meaning of each metric.
    /// </summary>
    public static SweepRow FromSummary(int point, string parameters, SummaryRow summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(point, parameters, summary.Variant, summary.Replication, summary.Seed, [.. SummaryRow.Metrics.Select(m => m.Read(summary))]);
    }

    /// <summary>Rows are equal when every field and every value is (NaN equal to NaN).</summary>
    public bool Equals(SweepRow? other) =>
        other is not null && Point == other.Point && Parameters == other.Parameters && Variant == other.Variant
        && Replication == other.Replication && Seed == other.Seed && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Point, Parameters, Variant, Replication, Seed, Values.Count);
}

using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// Failed requests split by cause, one count per cause. Written as the <c>failed_*</c> columns of
/// <see cref="SummaryRow"/> and <see cref="TimeseriesRow"/> (the prefix comes from the row).
/// </summary>
/// <param name="NodeDown">The client's chosen node was down (connection refused or no answer from a crashed node).</param>
/// <param name="StaleIp">The client used an address that no longer belongs to a live node.</param>
/// <param name="NoRoute">No route to the address (for example a withdrawn BGP route, or no node answering ARP).</param>
/// <param name="Refused">The connection was refused (no listener, kube-proxy rule missing).</param>
/// <param name="DroppedLocal">Dropped on the entry node (for example externalTrafficPolicy: Local with no local endpoint).</param>
/// <param name="DeadEndpoint">kube-proxy sent the request to an endpoint whose pod or node is gone.</param>
/// <param name="Overloaded">Rejected by a full pod queue.</param>
/// <param name="Timeout">The client gave up waiting.</param>
/// <param name="InFlightLost">Lost in flight when a node or pod failed while serving it.</param>
/// <param name="Reset">The connection was reset.</param>
/// <param name="ConntrackFull">The entry node's conntrack table was full.</param>
[CsvRecord]
public sealed partial record FailureCounts(
    [CsvColumn("node_down")] long NodeDown,
    [CsvColumn("stale_ip")] long StaleIp,
    [CsvColumn("no_route")] long NoRoute,
    [CsvColumn("refused")] long Refused,
    [CsvColumn("dropped_local")] long DroppedLocal,
    [CsvColumn("dead_endpoint")] long DeadEndpoint,
    [CsvColumn("overloaded")] long Overloaded,
    [CsvColumn("timeout")] long Timeout,
    [CsvColumn("in_flight_lost")] long InFlightLost,
    [CsvColumn("reset")] long Reset,
    [CsvColumn("conntrack_full")] long ConntrackFull)
{
    /// <summary>The column prefix that the rows put before each cause's name.</summary>
    public const string ColumnPrefix = "failed_";

    /// <summary>The cause names in column order, without the <see cref="ColumnPrefix"/>.</summary>
    public static IReadOnlyList<string> Causes { get; } =
    [
        "node_down", "stale_ip", "no_route", "refused", "dropped_local",
        "dead_endpoint", "overloaded", "timeout", "in_flight_lost", "reset", "conntrack_full",
    ];

    /// <summary>No failures.</summary>
    public static FailureCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Builds counts from an array in the order of <see cref="Causes"/>.</summary>
    public static FailureCounts FromArray(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count != Causes.Count)
        {
            throw new ArgumentException($"expected {Causes.Count} counts, got {counts.Count}", nameof(counts));
        }

        return new(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8], counts[9], counts[10]);
    }

    /// <summary>The counts in the order of <see cref="Causes"/>.</summary>
    public long[] ToArray() =>
        [NodeDown, StaleIp, NoRoute, Refused, DroppedLocal, DeadEndpoint, Overloaded, Timeout, InFlightLost, Reset, ConntrackFull];

    /// <summary>All failures, whatever the cause.</summary>
    public long Total() => NodeDown + StaleIp + NoRoute + Refused + DroppedLocal + DeadEndpoint + Overloaded + Timeout + InFlightLost + Reset + ConntrackFull;

    /// <summary>The sum of these counts and <paramref name="other"/>, cause by cause.</summary>
    public FailureCounts Plus(FailureCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        long[] a = ToArray();
        long[] b = other.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            a[i] += b[i];
        }

        return FromArray(a);
    }
}

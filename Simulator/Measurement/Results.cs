using Svcsim.Engine;
using Svcsim.Network;

namespace Svcsim.Measurement;

/// <summary>Summary figures of one variant in one replication, after warm-up.</summary>
public sealed record VariantSummary
{
    /// <summary>Requests started after warm-up that ended before the end of the run.</summary>
    public long Requests { get; init; }
    /// <summary>Of them, succeeded.</summary>
    public long Succeeded { get; init; }
    /// <summary>Of them, failed.</summary>
    public long Failed { get; init; }
    /// <summary>Failures by cause, indexed by <see cref="FailureCause"/>.</summary>
    public required IReadOnlyList<long> FailedByCause { get; init; }
    /// <summary>Succeeded / requests.</summary>
    public double Availability { get; init; }
    /// <summary>Share of windows whose success ratio met the SLO.</summary>
    public double TimeAvailability { get; init; }
    /// <summary>Number of outages.</summary>
    public int Outages { get; init; }
    /// <summary>Longest outage, seconds.</summary>
    public double LongestOutageS { get; init; }
    /// <summary>Sum of outage durations, seconds.</summary>
    public double TotalOutageS { get; init; }
    /// <summary>Latency percentiles of successful requests, milliseconds.</summary>
    public double LatencyP50Ms { get; init; }
    /// <summary>p90.</summary>
    public double LatencyP90Ms { get; init; }
    /// <summary>p99.</summary>
    public double LatencyP99Ms { get; init; }
    /// <summary>p99.9.</summary>
    public double LatencyP999Ms { get; init; }
    /// <summary>Maximum.</summary>
    public double LatencyMaxMs { get; init; }
    /// <summary>Highest per-window utilisation of any node's pods.</summary>
    public double MaxNodeUtilization { get; init; }
    /// <summary>Node-seconds spent at or above the overload threshold.</summary>
    public double OverloadS { get; init; }
    /// <summary>Requests rejected by full pod backlogs.</summary>
    public long Rejected { get; init; }
    /// <summary>Jain's fairness index of requests served per node (1 = perfectly even).</summary>
    public double JainFairness { get; init; }
    /// <summary>Max over mean of requests served per node.</summary>
    public double ImbalanceMaxOverMean { get; init; }

    /// <summary>Connections established (SYN-ACK received) after warm-up.</summary>
    public long Connections { get; init; }

    /// <summary>Connection attempts that gave up without ever being established.</summary>
    public long ConnectFailures { get; init; }

    /// <summary>Established connections reset (an RST reached the client).</summary>
    public long ConnectionsReset { get; init; }

    /// <summary>Established connections the client gave up after a request on them got no answer.</summary>
    public long ConnectionsHung { get; init; }

    /// <summary>Requests per pod: the busiest pod's over the mean of the pods that existed (1 = perfectly even).</summary>
    public double PodImbalanceMaxOverMean { get; init; }
}

/// <summary>One time-series window of one variant.</summary>
public sealed record WindowStats(double StartS, double EndS, long Requests, long Succeeded, IReadOnlyList<long> FailedByCause, double LatencyP50Ms, double LatencyP99Ms);

/// <summary>One node in one window.</summary>
// Window rows are structs: a large run keeps millions of them, and as objects each was an allocation the
// garbage collector then copied from generation to generation.
public readonly record struct NodeWindowStats(double StartS, string Node, string Role, long Requests, double Utilization, double QueueLength, long Rejected, bool Overloaded, bool IsEntry,
    long BytesIn, long BytesOut, double LinkUtilization);

/// <summary>One pod in one window.</summary>
public readonly record struct PodWindowStats(double StartS, string Pod, string Node, long Requests, double Utilization, double QueueLength, long Rejected, bool Overloaded,
    long Connections = 0, long ConnectionsReset = 0, long ConnectionsHung = 0);

/// <summary>One outage: a run of outage-resolution intervals below the SLO.</summary>
public sealed record Outage(double StartS, double EndS, FailureCause Cause)
{
    /// <summary>Duration in seconds.</summary>
    public double DurationS => EndS - StartS;
}

/// <summary>One step of the fault and reaction timeline.</summary>
public sealed record TimelineEvent(double TimeS, string Node, string Kind, string Detail);

/// <summary>Everything measured for one variant in one replication.</summary>
public sealed record VariantRunResult
{
    /// <summary>Variant (way of access) name.</summary>
    public required string Variant { get; init; }
    /// <summary>Replication number from 0.</summary>
    public int Replication { get; init; }
    /// <summary>Seed of the replication (the master seed; streams derive from it and the replication).</summary>
    public long Seed { get; init; }
    /// <summary>Summary figures.</summary>
    public required VariantSummary Summary { get; init; }
    /// <summary>Time series.</summary>
    public required IReadOnlyList<WindowStats> Windows { get; init; }
    /// <summary>Per node per window.</summary>
    public required IReadOnlyList<NodeWindowStats> Nodes { get; init; }
    /// <summary>Per pod per window.</summary>
    public required IReadOnlyList<PodWindowStats> Pods { get; init; }
    /// <summary>Outages.</summary>
    public required IReadOnlyList<Outage> Outages { get; init; }
    /// <summary>Timeline.</summary>
    public required IReadOnlyList<TimelineEvent> Events { get; init; }
    /// <summary>Events the engine delivered (for speed figures).</summary>
    public long EngineEvents { get; init; }
    /// <summary>
    /// Latencies of the successful requests after warm-up, the histogram the summary's percentiles come from; the
    /// histograms of a way of access's replications add up to its pooled percentiles.
    /// </summary>
    public LatencyHistogram? Latency { get; init; }
}

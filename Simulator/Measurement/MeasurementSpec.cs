namespace Svcsim.Measurement;

/// <summary>How a run is measured.</summary>
/// <param name="WarmupS">Requests started before this are not counted; statistics restart here.</param>
/// <param name="WindowS">Width of a time-series window (timeseries.csv, nodes.csv, pods.csv, time availability).</param>
/// <param name="Slo">A window meets the objective when its success ratio is at least this.</param>
/// <param name="OutageResolutionS">Granularity of outage detection: a run of such intervals below the SLO is one outage.</param>
/// <param name="OverloadThreshold">A node or pod is overloaded in a window when its utilisation is at least this.</param>
/// <param name="EventsPerNode">
/// Whether events.csv has a row for each node in a cluster-wide reaction (every kube-proxy applying one
/// EndpointSlice change) or one summary row; null: per node up to <see cref="EventsPerNodeUpTo"/> nodes.
/// </param>
/// <param name="IdleRows">
/// Whether nodes.csv and pods.csv have a row for every node and pod in every window, or only for those that
/// had something in it (requests, connections, work, bytes): a missing row is a window of zeros, and sampling
/// costs what happened, not nodes plus pods; null: every row up to <see cref="EventsPerNodeUpTo"/> nodes.
/// </param>
public sealed record MeasurementSpec(
    double WarmupS = 10,
    double WindowS = 5,
    double Slo = 0.99,
    double OutageResolutionS = 1,
    double OverloadThreshold = 0.8,
    bool? EventsPerNode = null,
    bool? IdleRows = null)
{
    /// <summary>Largest cluster whose cluster-wide reactions get a row per node when <see cref="EventsPerNode"/> is not set.</summary>
    public const int EventsPerNodeUpTo = 50;

    /// <summary>Whether a cluster of <paramref name="nodes"/> nodes gets per-node event rows.</summary>
    public bool EachNodeInEvents(int nodes) => EventsPerNode ?? nodes <= EventsPerNodeUpTo;

    /// <summary>Whether a cluster of <paramref name="nodes"/> nodes gets a row for every node and pod in every window.</summary>
    public bool EveryRow(int nodes) => IdleRows ?? nodes <= EventsPerNodeUpTo;

    /// <summary>10 s warm-up, 5 s windows, 99 % SLO, 1 s outage resolution, 80 % overload.</summary>
    public static MeasurementSpec Default { get; } = new();
}

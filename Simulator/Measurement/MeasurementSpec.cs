namespace Svcsim.Measurement;

/// <summary>How a run is measured.</summary>
/// <param name="WarmupS">Requests started before this are not counted; statistics restart here.</param>
/// <param name="WindowS">Width of a time-series window (timeseries.csv, nodes.csv, pods.csv, time availability).</param>
/// <param name="Slo">A window meets the objective when its success ratio is at least this.</param>
/// <param name="OutageResolutionS">Granularity of outage detection: a run of such intervals below the SLO is one outage.</param>
/// <param name="OverloadThreshold">A node or pod is overloaded in a window when its utilisation is at least this.</param>
public sealed record MeasurementSpec(
    double WarmupS = 10,
    double WindowS = 5,
    double Slo = 0.99,
    double OutageResolutionS = 1,
    double OverloadThreshold = 0.8)
{
    /// <summary>10 s warm-up, 5 s windows, 99 % SLO, 1 s outage resolution, 80 % overload.</summary>
    public static MeasurementSpec Default { get; } = new();
}

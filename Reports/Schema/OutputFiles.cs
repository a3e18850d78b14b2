namespace Svcsim.Reports;

/// <summary>The names of the files the report writers write into an output directory.</summary>
public static class OutputFiles
{
    /// <summary>Per replication headline figures (<see cref="SummaryRow"/>).</summary>
    public const string Summary = "summary.csv";

    /// <summary>Means and confidence intervals (<see cref="SummaryCiRow"/>).</summary>
    public const string SummaryCi = "summary_ci.csv";

    /// <summary>Per window figures (<see cref="TimeseriesRow"/>).</summary>
    public const string Timeseries = "timeseries.csv";

    /// <summary>Per node and window load (<see cref="NodeRow"/>).</summary>
    public const string Nodes = "nodes.csv";

    /// <summary>Per pod and window load (<see cref="PodRow"/>).</summary>
    public const string Pods = "pods.csv";

    /// <summary>Outages (<see cref="OutageRow"/>).</summary>
    public const string Outages = "outages.csv";

    /// <summary>Fault and reaction timeline (<see cref="EventRow"/>).</summary>
    public const string Events = "events.csv";

    /// <summary>Sweep results per point, variant and replication (<see cref="SweepRow"/>).</summary>
    public const string Sweep = "sweep.csv";

    /// <summary>Sweep means and confidence intervals (<see cref="SweepCiRow"/>).</summary>
    public const string SweepCi = "sweep_ci.csv";

    /// <summary>Name, parameters and fault markers of a run or sweep.</summary>
    public const string RunJson = "run.json";

    /// <summary>The scenario text as run.</summary>
    public const string ScenarioYaml = "scenario.yaml";

    /// <summary>The self-contained HTML report.</summary>
    public const string ReportHtml = "report.html";

    /// <summary>The sub-directory that holds the plots.</summary>
    public const string PlotsDirectory = "plots";
}

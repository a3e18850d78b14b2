namespace Svcsim.Reports;

/// <summary>A named parameter of a run as text, such as <c>seed</c> = <c>42</c> or <c>duration_s</c> = <c>600</c>.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Value">Its value, formatted in the invariant culture.</param>
public sealed record RunParameter(string Name, string Value);

/// <summary>A moment drawn as a vertical line on the time plots: a fault or a reaction to it.</summary>
/// <param name="TimeS">When, in simulated seconds since the start of the run.</param>
/// <param name="Label">What, in a few words ("node-2 crashed").</param>
public sealed record FaultMarker(double TimeS, string Label);

/// <summary>
/// Everything a run's report is made of: the rows of each CSV file plus the scenario as run. The simulator maps its
/// results into these rows; <see cref="RunReportWriter"/> writes them and <see cref="RunResultsReader"/> reads them
/// back. The order of every list is kept, and sets the order of the ways of access in tables and plots.
/// </summary>
/// <param name="ScenarioName">The scenario's name.</param>
/// <param name="ScenarioYaml">The scenario text exactly as it was run.</param>
/// <param name="Parameters">The run's parameters (seed, replications, duration...) in the order to show them.</param>
/// <param name="Summary">One row per way of access and replication.</param>
/// <param name="SummaryCi">Means and confidence intervals, usually <see cref="ConfidenceIntervals.ForSummary"/> of <paramref name="Summary"/>.</param>
/// <param name="Timeseries">One row per way of access, replication and window.</param>
/// <param name="Nodes">One row per way of access, replication, window and node.</param>
/// <param name="Pods">One row per way of access, replication, window and pod.</param>
/// <param name="Outages">One row per outage.</param>
/// <param name="Events">The fault and reaction timeline.</param>
/// <param name="FaultMarkers">The moments to draw on the time plots.</param>
public sealed record RunResults(
    string ScenarioName,
    string ScenarioYaml,
    IReadOnlyList<RunParameter> Parameters,
    IReadOnlyList<SummaryRow> Summary,
    IReadOnlyList<SummaryCiRow> SummaryCi,
    IReadOnlyList<TimeseriesRow> Timeseries,
    IReadOnlyList<NodeRow> Nodes,
    IReadOnlyList<PodRow> Pods,
    IReadOnlyList<OutageRow> Outages,
    IReadOnlyList<EventRow> Events,
    IReadOnlyList<FaultMarker> FaultMarkers)
{
    /// <summary>What the ways of access and faults are, and the SLO, in words: for the report's decision box.</summary>
    public ScenarioInfo Info { get; init; } = ScenarioInfo.Unknown;
}

/// <summary>One way of access as the scenario sets it up, in words.</summary>
/// <param name="Name">The variant's name, as in the rows.</param>
/// <param name="Kind">Its kind: <c>nodeport</c>, <c>metallb-l2</c>, <c>metallb-bgp</c>, <c>cloud-lb</c>...</param>
/// <param name="Description">One line saying what it is ("all clients on cp1's IP 192.168.1.10:30000").</param>
/// <param name="Nodes">The nodes whose addresses the clients were told (NodePort); empty for a front door.</param>
/// <param name="MovesOn">NodePort clients that move to another address by themselves (failover) or are handed one (an operator).</param>
public sealed record VariantInfo(string Name, string Kind, string Description, IReadOnlyList<string> Nodes, bool MovesOn = false);

/// <summary>One fault of the scenario, in words.</summary>
/// <param name="Kind">The fault's kind as the scenario names it (<c>nodeCrash</c>, <c>ipChange</c>...).</param>
/// <param name="Nodes">The nodes it hits (every node for random failures without a list).</param>
/// <param name="Description">One line ("w2 crashes at 60 s and stays down").</param>
public sealed record FaultInfo(string Kind, IReadOnlyList<string> Nodes, string Description);

/// <summary>What a report says about the scenario beyond its numbers.</summary>
/// <param name="Description">The scenario's own description.</param>
/// <param name="Slo">The success ratio a window must reach (0..1); NaN when not recorded.</param>
/// <param name="Variants">Each way of access, in the scenario's order.</param>
/// <param name="Faults">Each fault, in the scenario's order.</param>
public sealed record ScenarioInfo(string Description, double Slo, IReadOnlyList<VariantInfo> Variants, IReadOnlyList<FaultInfo> Faults)
{
    /// <summary>Nothing recorded (a folder written before the information was kept).</summary>
    public static ScenarioInfo Unknown { get; } = new("", double.NaN, [], []);

    /// <summary>The information about <paramref name="variant"/>, or null.</summary>
    public VariantInfo? Of(string variant) => Variants.FirstOrDefault(v => v.Name == variant);
}

/// <summary>
/// Everything a sweep's report is made of. <see cref="SweepReportWriter"/> writes it and
/// <see cref="SweepResultsReader"/> reads it back.
/// </summary>
/// <param name="Name">The sweep's name (usually the scenario's).</param>
/// <param name="ScenarioYaml">The base scenario text as run.</param>
/// <param name="Parameters">The sweep's fixed parameters (seed, replications, the swept ranges...).</param>
/// <param name="Rows">One row per sweep point, way of access and replication.</param>
/// <param name="Ci">Means and confidence intervals, usually <see cref="ConfidenceIntervals.ForSweep"/> of <paramref name="Rows"/>.</param>
public sealed record SweepResults(
    string Name,
    string ScenarioYaml,
    IReadOnlyList<RunParameter> Parameters,
    IReadOnlyList<SweepRow> Rows,
    IReadOnlyList<SweepCiRow> Ci)
{
    /// <summary>The sweep's id (the sweep_id column of sweep.csv and sweep.db); empty when unknown.</summary>
    public string SweepId { get; init; } = "";

    /// <summary>The typed and text columns of the swept parameters in sweep.csv, in the order swept.</summary>
    public IReadOnlyList<SweepParameterColumn> ParameterColumns { get; init; } = [];
}

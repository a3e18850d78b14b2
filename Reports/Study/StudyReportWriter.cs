using System.Globalization;
using System.Text;
using CsvHelper;

namespace Svcsim.Reports;

/// <summary>One scenario of a study: the fault it stands for, the folder its run was written to, and the run.</summary>
/// <param name="Fault">The row's name in the decision matrix ("worker crash").</param>
/// <param name="Folder">The run's folder, relative to the study's output folder.</param>
/// <param name="Run">The run's results.</param>
public sealed record StudyScenario(string Fault, string Folder, RunResults Run);

/// <summary>Everything a study's index page is made of.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Description">What it answers.</param>
/// <param name="StudyYaml">The study file as run.</param>
/// <param name="Parameters">How it was run (study file, replications override...).</param>
/// <param name="Scenarios">Its scenarios, one row of the decision matrix each, in the study's order.</param>
public sealed record StudyResults(string Name, string Description, string StudyYaml, IReadOnlyList<RunParameter> Parameters, IReadOnlyList<StudyScenario> Scenarios);

/// <summary>One cell of a study's decision matrix (a line of <c>study.csv</c>). See <see cref="Columns"/>.</summary>
[CsvRecord]
public sealed partial record StudyRow(
    [CsvColumn("fault")] string Fault,
    [CsvColumn("scenario")] string Scenario,
    [CsvColumn("variant")] string Variant,
    [CsvColumn("kind")] string Kind,
    [CsvColumn("replications")] int Replications,
    [CsvColumn("availability")] double Availability,
    [CsvColumn("availability_ci_low")] double AvailabilityCiLow,
    [CsvColumn("availability_ci_high")] double AvailabilityCiHigh,
    [CsvColumn("longest_outage_s")] double LongestOutageS,
    [CsvColumn("longest_outage_s_ci_low")] double LongestOutageCiLow,
    [CsvColumn("longest_outage_s_ci_high")] double LongestOutageCiHigh,
    [CsvColumn("connections")] double Connections,
    [CsvColumn("connect_failures")] double ConnectFailures,
    [CsvColumn("connections_reset")] double ConnectionsReset,
    [CsvColumn("connections_hung")] double ConnectionsHung,
    [CsvColumn("kept_slo")] bool KeptSlo,
    [CsvColumn("winner")] bool Winner,
    [CsvColumn("report")] string Report);

/// <summary>
/// Writes a study's <c>index.html</c> (the decision matrix first: fault by way of access, the winner per row, a
/// recommendation with its caveats, each row linking to its scenario's full report), <c>study.csv</c> and
/// <c>decision.md</c> (the matrix in Markdown, as the README shows it). The scenarios' own folders are written by
/// <see cref="RunReportWriter"/>.
/// </summary>
public static class StudyReportWriter
{
    /// <summary>The file name of the study's page.</summary>
    public const string IndexHtml = "index.html";

    /// <summary>The file name of the decision matrix as CSV.</summary>
    public const string StudyCsv = "study.csv";

    /// <summary>The file name of the decision matrix as Markdown.</summary>
    public const string DecisionMarkdownFile = "decision.md";

    /// <summary>Writes study.csv, decision.md and index.html into <paramref name="directory"/>.</summary>
    public static void Write(string directory, StudyResults study)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(study);
        using var culture = new InvariantCultureScope();
        Directory.CreateDirectory(directory);
        CsvFiles.Write(Path.Combine(directory, StudyCsv), Rows(study));
        AtomicFile.WriteAllText(Path.Combine(directory, DecisionMarkdownFile), DecisionMarkdown(study));
        AtomicFile.WriteAllText(Path.Combine(directory, IndexHtml), StudyPage.Render(study));
    }

    /// <summary>The rows of study.csv: every way of access of every scenario, in the study's order.</summary>
    public static IReadOnlyList<StudyRow> Rows(StudyResults study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var rows = new List<StudyRow>();
        foreach (var scenario in study.Scenarios)
        {
            var figures = Figures(scenario.Run);
            var decision = Decision.Of(figures);
            foreach (var verdict in decision.Verdicts)
            {
                rows.Add(new StudyRow(scenario.Fault, scenario.Run.ScenarioName, verdict.Variant, scenario.Run.Info.Of(verdict.Variant)?.Kind ?? "",
                    figures.Replications(verdict.Variant), verdict.Availability.Mean, verdict.Availability.Low, verdict.Availability.High,
                    verdict.LongestOutage.Mean, verdict.LongestOutage.Low, verdict.LongestOutage.High, verdict.Connections.Opened.Mean,
                    verdict.Connections.ConnectFailures.Mean, verdict.Connections.Reset.Mean, verdict.Connections.Hung.Mean, verdict.KeptSlo,
                    verdict.Variant == decision.Winner, scenario.Folder + "/" + OutputFiles.ReportHtml));
            }
        }

        return rows;
    }

    internal static RunFigures Figures(RunResults run) => new(run, RunReportWriter.VariantsOf(run));

    /// <summary>
    /// The decision matrix in Markdown: one row per fault, one column per kind of way of access (the first of that
    /// kind in the row's scenario), availability and longest outage with their 95 % intervals, and the winner.
    /// </summary>
    public static string DecisionMarkdown(StudyResults study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var kinds = Kinds(study);
        var md = new StringBuilder();
        md.Append("| fault | ").Append(string.Join(" | ", kinds.Select(k => k.Label))).Append(" | winner |\n");
        md.Append("|---|").Append(string.Concat(kinds.Select(_ => "---|"))).Append("---|\n");
        foreach (var scenario in study.Scenarios)
        {
            var figures = Figures(scenario.Run);
            var decision = Decision.Of(figures);
            md.Append("| ").Append(scenario.Fault).Append(" | ");
            foreach (var (kind, _) in kinds)
            {
                var verdict = FirstOfKind(scenario.Run, decision, kind);
                md.Append(verdict is null ? "\u2014" : MarkdownCell(verdict)).Append(" | ");
            }

            md.Append(decision.Winner ?? "\u2014").Append(" |\n");
        }

        // What the request figures do not show: connections that broke once established, which every request in
        // flight on them shares (few with one connection per request, many with keep-alive clients).
        md.Append("\nConnections that broke after they were established, mean per replication (reset / hung):\n\n");
        md.Append("| fault | ").Append(string.Join(" | ", kinds.Select(k => k.Label))).Append(" |\n");
        md.Append("|---|").Append(string.Concat(kinds.Select(_ => "---|"))).Append('\n');
        foreach (var scenario in study.Scenarios)
        {
            var decision = Decision.Of(Figures(scenario.Run));
            md.Append("| ").Append(scenario.Fault).Append(" | ");
            foreach (var (kind, _) in kinds)
            {
                var verdict = FirstOfKind(scenario.Run, decision, kind);
                md.Append(verdict is null || !double.IsFinite(verdict.Connections.Reset.Mean) ? "\u2014"
                    : $"{ConnectionCount(verdict.Connections.Reset)} / {ConnectionCount(verdict.Connections.Hung)}").Append(" | ");
            }

            md.Length--;
            md.Append('\n');
        }

        return md.ToString();
    }

    private static string ConnectionCount(Estimate e) => !double.IsFinite(e.Mean) ? "\u2014" : e.Mean >= 10 || e.Mean == Math.Floor(e.Mean) ? Text.Fixed(e.Mean, 0) : Text.Fixed(e.Mean, 1);

    private static string MarkdownCell(Verdict v)
    {
        string availability = Text.Fixed(v.Availability.Mean * 100, 2) + HalfWidth(v.Availability, 100, 2);
        string outage = Text.Fixed(v.LongestOutage.Mean, 1) + HalfWidth(v.LongestOutage, 1, 1);
        return $"{availability} % / {outage} s";
    }

    internal static string HalfWidth(Estimate e, double scale, int decimals) =>
        double.IsFinite(e.HalfWidth) && e.HalfWidth > 0 ? " \u00b1 " + Text.Fixed(e.HalfWidth * scale, decimals) : "";

    /// <summary>The kinds of way of access of the study in order of first appearance, with a label each.</summary>
    internal static List<(string Kind, string Label)> Kinds(StudyResults study)
    {
        var kinds = Order.FirstAppearance(study.Scenarios.SelectMany(s => s.Run.Info.Variants.Select(v => v.Kind)), k => k);
        return kinds.Select(k => (k, k switch
        {
            "nodeport" => "NodePort",
            "metallb-l2" => "MetalLB L2",
            "metallb-bgp" => "MetalLB BGP",
            "cloud-lb" => "cloud LB",
            _ => k,
        })).ToList();
    }

    /// <summary>The verdict of the first way of access of <paramref name="kind"/> in the run, or null.</summary>
    internal static Verdict? FirstOfKind(RunResults run, Decision decision, string kind)
    {
        var info = run.Info.Variants.FirstOrDefault(v => v.Kind == kind);
        return info is null ? null : decision.Verdicts.FirstOrDefault(v => v.Variant == info.Name);
    }
}

/// <summary>The HTML of a study's index page.</summary>
internal static class StudyPage
{
    public static string Render(StudyResults study)
    {
        var page = new Page($"svcsim study: {study.Name}");
        page.Heading(1, $"{study.Name}: NodePort or LoadBalancer?");
        var decisions = study.Scenarios.Select(s => (Scenario: s, Figures: StudyReportWriter.Figures(s.Run), Decision: Decision.Of(StudyReportWriter.Figures(s.Run)))).ToList();
        var columns = StudyReportWriter.Kinds(study);

        page.OpenSection("decision", "decision");
        page.Heading(2, "Decision matrix", "decision-heading");
        if (study.Description.Length > 0)
        {
            page.Paragraph(study.Description, "lede");
        }

        page.Paragraph("Each row is one fault in its own scenario; each cell lists that scenario's ways of access of one kind with their request availability and longest outage per replication (means over replications, \u00b1 the half-width of the 95 % confidence interval). Bold: the row's winner. Red: lost the SLO over the run. Where a row's connections broke under some way of access, its cells also give the connections per replication that failed to connect, were reset, or hung (given up after a request on them got no answer): each of those failed the requests in flight on it. The fault links to its scenario's full report; hovering a way of access shows how it is set up.", "note");
        var headers = new List<string> { "Fault" };
        headers.AddRange(columns.Select(c => c.Label));
        headers.Add("Winner");
        page.Table("decision-matrix", headers, decisions.Select(d => (IReadOnlyList<Cell>)MatrixRow(d.Scenario, d.Decision, columns)));

        page.Heading(3, "Recommendation", "recommendation-heading");
        page.Paragraph(Recommendation(study, decisions.Select(d => (d.Scenario, d.Decision)).ToList()), "headline", "recommendation");
        page.Heading(3, "Caveats");
        page.List("caveats", Caveats(study, decisions.Select(d => (d.Scenario, d.Decision)).ToList()).Select(Text.Html));
        double slo = decisions.Count > 0 ? decisions[0].Decision.Slo : 0.99;
        page.Paragraph(RunReportHtml.Definitions(slo), "definitions");
        page.CloseSection();

        page.Heading(2, "Each fault", "faults");
        foreach (var (scenario, _, decision) in decisions)
        {
            page.Heading(3, scenario.Fault, "fault-" + Text.Slug(scenario.Fault));
            if (scenario.Run.Info.Description.Length > 0)
            {
                page.Paragraph(scenario.Run.Info.Description, "lede");
            }

            page.Paragraph(decision.Headline);
            page.ParagraphHtml(Page.Link(scenario.Folder + "/" + OutputFiles.ReportHtml, $"Full report of {scenario.Run.ScenarioName}") + Text.Html(": plots, outages, event timeline, the scenario as run."), "note");
        }

        page.Heading(2, "How this was run", "scenario");
        page.Paragraph($"{StudyReportWriter.StudyCsv} beside this page holds the matrix for scripts, {StudyReportWriter.DecisionMarkdownFile} the same as Markdown; each scenario's folder holds its CSV files.", "note");
        if (study.Parameters.Count > 0)
        {
            page.Table("parameters-table", ["Parameter", "Value"], study.Parameters.Select(p => (IReadOnlyList<Cell>)[Cell.Of(p.Name), Cell.Of(p.Value)]));
        }

        page.Preformatted(study.StudyYaml, "study-yaml");
        return page.Finish();
    }

    private static List<Cell> MatrixRow(StudyScenario scenario, Decision decision, List<(string Kind, string Label)> columns)
    {
        var cells = new List<Cell> { new(Page.Link(scenario.Folder + "/" + OutputFiles.ReportHtml, scenario.Fault), "name") };
        // Connections are shown where they broke under some way of access of the row: there they tell apart ways
        // of access whose request figures look alike (a reset fails every request in flight on the connection).
        bool showConnections = decision.Verdicts.Any(v => v.ConnectionsBroke);
        foreach (var (kind, _) in columns)
        {
            var lines = new List<string>();
            foreach (var info in scenario.Run.Info.Variants.Where(v => v.Kind == kind))
            {
                var verdict = decision.Verdicts.FirstOrDefault(v => v.Variant == info.Name);
                if (verdict is null || !double.IsFinite(verdict.Availability.Mean))
                {
                    continue;
                }

                string availability = Text.Fixed(verdict.Availability.Mean * 100, 2) + StudyReportWriter.HalfWidth(verdict.Availability, 100, 2) + " %";
                string outage = Text.Fixed(verdict.LongestOutage.Mean, 1) + StudyReportWriter.HalfWidth(verdict.LongestOutage, 1, 1) + " s";
                string name = "<span class=\"variant\" title=\"" + Text.Html(info.Description) + "\">" + Text.Html(info.Name) + "</span>";
                string value = verdict.KeptSlo ? Text.Html(availability) : "<span class=\"lost\">" + Text.Html(availability) + "</span>";
                string line = name + " " + value + "<span class=\"ci\">longest outage " + Text.Html(outage) + "</span>";
                if (showConnections)
                {
                    line += "<span class=\"ci connections\">connections: " + Text.Html(verdict.Connections.Describe()) + "</span>";
                }

                lines.Add(info.Name == decision.Winner ? "<div class=\"winner\">" + line + "</div>" : "<div>" + line + "</div>");
            }

            cells.Add(lines.Count == 0 ? Cell.Of(Text.Missing) : new(string.Concat(lines), "num"));
        }

        string winner = decision.Winner ?? Text.Missing;
        string tied = decision.Tied.Count > 0 ? $"tied on availability with {Decision.Join(decision.Tied)}; shorter longest outage" : "";
        cells.Add(new("<span class=\"winner\">" + Text.Html(winner) + "</span>" + (tied.Length > 0 ? "<span class=\"ci\">" + Text.Html(tied) + "</span>" : ""), "winner"));
        return cells;
    }

    private static string Recommendation(StudyResults study, List<(StudyScenario Scenario, Decision Decision)> decisions)
    {
        var withWinner = decisions.Where(d => d.Decision.Winner is not null).ToList();
        if (withWinner.Count == 0)
        {
            return "No scenario produced results, so there is nothing to recommend.";
        }

        string KindOf(StudyScenario s, string variant) => s.Run.Info.Of(variant)?.Kind ?? "";
        var byKind = withWinner.GroupBy(d => KindOf(d.Scenario, d.Decision.Winner!)).OrderByDescending(g => g.Count()).ToList(); // stable
        var labels = StudyReportWriter.Kinds(study).ToDictionary(k => k.Kind, k => k.Label, StringComparer.Ordinal);
        string Label(string kind) => labels.TryGetValue(kind, out string? l) ? l : kind.Length == 0 ? "an unnamed kind" : kind;
        int frontDoorWins = withWinner.Count(d => KindOf(d.Scenario, d.Decision.Winner!) != "nodeport");
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"A load-balancer front door wins {frontDoorWins} of the {withWinner.Count} faults; NodePort wins {withWinner.Count - frontDoorWins}. ");
        foreach (var group in byKind)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Label(group.Key)} wins {Faults(group.Select(g => g.Scenario.Fault).ToList())}. ");
        }

        var nodePortWins = withWinner.Where(d => KindOf(d.Scenario, d.Decision.Winner!) == "nodeport").ToList();
        if (frontDoorWins >= withWinner.Count - frontDoorWins)
        {
            var best = byKind.First(g => g.Key != "nodeport");
            text.Append(CultureInfo.InvariantCulture,
                $"Recommendation: expose the Service as a LoadBalancer ({Label(best.Key)} won the most faults here) rather than have clients call a node's IP and NodePort");
            if (nodePortWins.Count > 0)
            {
                var spared = new List<string>();
                var moving = new List<string>();
                var other = new List<string>();
                foreach (var (scenario, decision) in nodePortWins)
                {
                    var info = scenario.Run.Info.Of(decision.Winner!);
                    bool hit = scenario.Run.Info.Faults.Any(f => f.Nodes.Count == 0 || f.Nodes.Any(n => info?.Nodes.Contains(n) == true));
                    (info is { MovesOn: true } ? moving : hit ? other : spared).Add(scenario.Fault);
                }

                var reasons = new List<string>();
                if (spared.Count > 0)
                {
                    reasons.Add($"its clients were told a node the fault spared ({Decision.Join(spared)})");
                }

                if (moving.Count > 0)
                {
                    reasons.Add($"its clients moved on to another node's address by themselves or were handed one ({Decision.Join(moving)})");
                }

                if (other.Count > 0)
                {
                    reasons.Add($"the front doors did worse still ({Decision.Join(other)})");
                }

                text.Append("; NodePort came out ahead only where ").Append(string.Join(", or where ", reasons))
                    .Append(": plain NodePort clients pinned to one node's IP, as in the origin, get neither, and nobody can promise in advance which node will fail.");
            }
            else
            {
                text.Append('.');
            }
        }
        else
        {
            text.Append("Recommendation: in these scenarios NodePort does as well as or better than the front doors; check the caveats, above all which node its clients were told.");
        }

        return text.ToString();
    }

    private static string Faults(List<string> faults) => faults.Count == 1 ? $"the {faults[0]}" : Decision.Join(faults);

    private static List<string> Caveats(StudyResults study, List<(StudyScenario Scenario, Decision Decision)> decisions)
    {
        var caveats = new List<string>();
        var spared = new List<string>();
        var hit = new List<string>();
        foreach (var (scenario, _) in decisions)
        {
            var faulted = scenario.Run.Info.Faults.SelectMany(f => f.Nodes).ToHashSet(StringComparer.Ordinal);
            bool all = scenario.Run.Info.Faults.Any(f => f.Nodes.Count == 0);
            foreach (var variant in scenario.Run.Info.Variants.Where(v => v.Kind == "nodeport" && v.Nodes.Count > 0))
            {
                bool isHit = all || variant.Nodes.Any(faulted.Contains);
                (isHit ? hit : spared).Add($"{variant.Name} in the {scenario.Fault} ({Decision.Join(variant.Nodes)})");
            }
        }

        if (spared.Count > 0 || hit.Count > 0)
        {
            caveats.Add("NodePort results depend on which node clients were told. "
                + (spared.Count > 0 ? $"No fault hits the node(s) of {Decision.Join(spared)}, so those rows show NodePort at its best. " : "")
                + (hit.Count > 0 ? $"A fault hits the node(s) of {Decision.Join(hit)}: clients pinned there lose requests until they move or are reconfigured." : ""));
        }

        foreach (var (scenario, decision) in decisions)
        {
            if (decision.Verdicts.Count > 0 && decision.Verdicts.All(v => !v.KeptSlo))
            {
                caveats.Add($"In the {scenario.Fault}, no way of access kept the SLO of {Text.Fixed(decision.Slo * 100, 2)} %: its winner is the least bad.");
            }
        }

        caveats.Add("A column is a way of access by name; its set-up can differ between rows (which node NodePort clients use, for example): each row's report says what it is, and hovering a cell shows it.");
        caveats.Add("Each row comes from its scenario's timings (grace periods, health checks, hold timers, client timeouts) and workload; change them to match your cluster and run the study again.");
        return caveats;
    }
}

using System.Globalization;
using System.Text;

namespace Svcsim.Reports;

/// <summary>One way of access's figures as the decision weighs them.</summary>
/// <param name="Variant">The way of access.</param>
/// <param name="Availability">Request availability (0..1) over replications.</param>
/// <param name="LongestOutage">The longest outage per replication (s).</param>
/// <param name="KeptSlo">Whether its mean availability reached the SLO.</param>
/// <param name="MainCause">The failure cause with the most failures (empty without failures).</param>
/// <param name="Connections">What became of the clients' connections, per replication.</param>
internal sealed record Verdict(string Variant, Estimate Availability, Estimate LongestOutage, bool KeptSlo, string MainCause, ConnectionFigures Connections)
{
    /// <summary>Whether any connection failed to connect, was reset or hung.</summary>
    public bool ConnectionsBroke => Connections.Broke;
}

/// <summary>A way of access's connections, means per replication (see summary.csv).</summary>
/// <param name="Opened">Connections the clients made.</param>
/// <param name="ConnectFailures">Connection attempts that were never established.</param>
/// <param name="Reset">Established connections that were reset.</param>
/// <param name="Hung">Established connections given up after a request on them got no answer.</param>
internal sealed record ConnectionFigures(Estimate Opened, Estimate ConnectFailures, Estimate Reset, Estimate Hung)
{
    public static ConnectionFigures Of(RunFigures figures, string variant) => new(figures.Of(variant, "connections"),
        figures.Of(variant, "connect_failures"), figures.Of(variant, "connections_reset"), figures.Of(variant, "connections_hung"));

    /// <summary>Whether any connection failed to connect, was reset or hung (on average over replications).</summary>
    public bool Broke => Positive(ConnectFailures) || Positive(Reset) || Positive(Hung);

    /// <summary>Whether an established connection broke: reset or hung.</summary>
    public bool EstablishedBroke => Positive(Reset) || Positive(Hung);

    /// <summary>"12 failed to connect, 3 reset, 1 hung" (means per replication), the zero parts left out.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Positive(ConnectFailures))
        {
            parts.Add($"{Count(ConnectFailures)} failed to connect");
        }

        if (Positive(Reset))
        {
            parts.Add($"{Count(Reset)} reset");
        }

        if (Positive(Hung))
        {
            parts.Add($"{Count(Hung)} hung");
        }

        return parts.Count == 0 ? "none broke" : string.Join(", ", parts);
    }

    private static bool Positive(Estimate e) => double.IsFinite(e.Mean) && e.Mean > 0;

    private static string Count(Estimate e) => e.Mean >= 10 ? Text.Fixed(e.Mean, 0) : Text.Fixed(e.Mean, 1);
}

/// <summary>
/// What a run's figures decide: the way of access that wins (the most availability; among those the paired
/// differences cannot tell apart, the shortest longest outage), by how much, why, and what to keep in mind. Written
/// from the rows and the scenario's description alone.
/// </summary>
/// <param name="Winner">The winning way of access, or null without results.</param>
/// <param name="Tied">Ways of access whose availability the paired differences cannot tell from the winner's.</param>
/// <param name="Headline">What wins and by how much, in one or two sentences.</param>
/// <param name="Why">Why the others lost, from their failure causes.</param>
/// <param name="Caveats">What the result depends on.</param>
/// <param name="Verdicts">Every way of access, in the run's order.</param>
/// <param name="Slo">The SLO (0..1).</param>
internal sealed record Decision(string? Winner, IReadOnlyList<string> Tied, string Headline, string Why, IReadOnlyList<string> Caveats,
    IReadOnlyList<Verdict> Verdicts, double Slo)
{
    public static Decision Of(RunFigures figures)
    {
        var results = figures.Results;
        double slo = RunPlots.Slo(results);
        var verdicts = figures.Variants.Select(v => new Verdict(v, figures.Of(v, "availability"), figures.Of(v, "longest_outage_s"),
            figures.Of(v, "availability").Mean >= slo, MainCause(figures, v), ConnectionFigures.Of(figures, v))).ToList();
        // Those that kept the SLO first, each group by availability (OrderBy is stable: ties keep the listed order).
        var ranked = verdicts.Where(v => double.IsFinite(v.Availability.Mean))
            .OrderByDescending(v => v.KeptSlo)
            .ThenByDescending(v => v.Availability.Mean)
            .ToList();
        if (ranked.Count == 0)
        {
            return new(null, [], "No way of access served a request, so there is nothing to decide.", "", [], verdicts, slo);
        }

        // The ways of access the first cannot be told apart from on availability; among them the shortest longest
        // outage wins (a tie there too keeps the first listed).
        var top = ranked[0];
        var group = ranked.Where(v => v == top || (v.KeptSlo == top.KeptSlo && !figures.Difference(top.Variant, v.Variant, "availability").ExcludesZero)).ToList();
        var winner = group.OrderBy(v => double.IsFinite(v.LongestOutage.Mean) ? v.LongestOutage.Mean : double.MaxValue).First();
        var tied = group.Where(v => v != winner).Select(v => v.Variant).ToList();
        var percent = MetricDisplay.For("availability");

        var headline = new StringBuilder();
        headline.Append(CultureInfo.InvariantCulture, $"{winner.Variant} wins: {percent.FormatWithUnit(winner.Availability.Mean)} of requests succeeded{Pm(winner.Availability, 100, 2)}");
        headline.Append(CultureInfo.InvariantCulture, $", longest outage {Text.Fixed(winner.LongestOutage.Mean, 1)} s{Pm(winner.LongestOutage, 1, 1)}.");
        var others = ranked.Where(v => v != winner && !tied.Contains(v.Variant)).ToList();
        if (tied.Count > 0)
        {
            headline.Append(CultureInfo.InvariantCulture,
                $" Its availability cannot be told apart from {Join(tied)}'s (the 95 % interval of the paired difference includes zero); it wins on the shorter longest outage.");
        }

        if (others.Count > 0)
        {
            var next = others[0];
            var lead = figures.Difference(winner.Variant, next.Variant, "availability");
            headline.Append(CultureInfo.InvariantCulture,
                $" That is {Text.Fixed(lead.Mean * 100, 2)} percentage points more than the next, {next.Variant}");
            headline.Append(!double.IsFinite(lead.Low)
                ? " (one replication: no interval)."
                : $" (95 % CI of the paired difference {Text.Fixed(lead.Low * 100, 2)} to {Text.Fixed(lead.High * 100, 2)} pp: "
                  + (lead.ExcludesZero ? "beyond noise)." : "within noise; more replications would tell them apart).")
                  + (next.KeptSlo ? "" : $" {next.Variant} lost the SLO."));
        }

        if (ranked.Count == 1)
        {
            headline.Append(" It is the only way of access with results.");
        }

        var why = new StringBuilder();
        foreach (var v in verdicts.Where(v => v.MainCause.Length > 0 && double.IsFinite(v.Availability.Mean)))
        {
            double lost = (1 - v.Availability.Mean) * 100;
            if (lost <= 0)
            {
                continue;
            }

            why.Append(CultureInfo.InvariantCulture, $"{v.Variant} lost {Text.Fixed(lost, 2)} % of requests, mostly because {CauseMeaning(v.MainCause)} ({v.MainCause}). ");
        }

        if (why.Length == 0)
        {
            why.Append("No request failed under any way of access.");
        }

        // Connections that broke once established are what keep-alive and long-lived clients feel: a reset or a
        // hung connection fails every request in flight on it, and the client has to notice and reconnect.
        var broken = verdicts.Where(v => v.Connections.EstablishedBroke).ToList();
        if (broken.Count > 0)
        {
            why.Append(" Connections broke after they were established (mean per replication): ")
                .Append(string.Join("; ", broken.Select(v => $"{v.Variant} {v.Connections.Describe()}")))
                .Append('.');
            var whole = verdicts.Where(v => !v.Connections.EstablishedBroke && double.IsFinite(v.Connections.Opened.Mean) && v.Connections.Opened.Mean > 0).ToList();
            if (whole.Count > 0)
            {
                why.Append(CultureInfo.InvariantCulture, $" None broke under {Join(whole.Select(v => v.Variant).ToList())}.");
            }
        }

        return new(winner.Variant, tied, headline.ToString(), why.ToString().TrimEnd(), CaveatsOf(figures, verdicts, winner, slo), verdicts, slo);
    }

    private static List<string> CaveatsOf(RunFigures figures, List<Verdict> verdicts, Verdict winner, double slo)
    {
        var info = figures.Results.Info;
        var caveats = new List<string>();
        var faulted = FaultedNodes(info);
        foreach (var variant in info.Variants.Where(v => v.Nodes.Count > 0 && figures.Variants.Contains(v.Name)))
        {
            var hit = variant.Nodes.Where(n => faulted.All || faulted.Nodes.Contains(n)).ToList();
            string told = Join(variant.Nodes);
            caveats.Add(hit.Count == 0
                ? $"NodePort results depend on which node clients were told: {variant.Name}'s clients use {told}, which no fault hits here. Clients told a node that fails lose every request until they are reconfigured."
                : $"NodePort results depend on which node clients were told: {variant.Name}'s clients use {told}, and {Join(hit)} {(hit.Count == 1 ? "is" : "are")} hit by a fault here; told another node, they would fare differently.");
        }

        var lost = verdicts.Where(v => double.IsFinite(v.Availability.Mean) && !v.KeptSlo).ToList();
        if (lost.Count > 0)
        {
            string sloText = Text.Fixed(slo * 100, 2) + " %";
            caveats.Add(lost.Count == verdicts.Count
                ? $"No way of access kept the SLO of {sloText} over the run: the winner is the least bad, and no value in the tables is marked best."
                : $"{Join(lost.Select(v => v.Variant).ToList())} lost the SLO of {sloText} over the run: {(lost.Count == 1 ? "its" : "their")} latency and utilisation describe only the requests still served, so they are never marked best.");
        }

        int replications = figures.Replications(winner.Variant);
        if (replications < 2)
        {
            caveats.Add("One replication: no confidence interval, so differences may be noise. Run more with --replications.");
        }
        else if (winner.Availability.HalfWidth * 100 > 1)
        {
            caveats.Add($"The winner's availability interval is {Text.Fixed(winner.Availability.HalfWidth * 100, 2)} points wide on either side over {replications} replications; more replications would narrow it.");
        }

        caveats.Add("The figures come from the scenario's timings (grace periods, health checks, hold timers, client timeouts): change them to match your cluster and run again.");
        return caveats;
    }

    private static (bool All, HashSet<string> Nodes) FaultedNodes(ScenarioInfo info)
    {
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        bool all = false;
        foreach (var fault in info.Faults)
        {
            if (fault.Nodes.Count == 0)
            {
                all = true;
            }

            nodes.UnionWith(fault.Nodes);
        }

        return (all, nodes);
    }

    private static string MainCause(RunFigures figures, string variant)
    {
        string best = "";
        double most = 0;
        foreach (string cause in FailureCounts.Causes)
        {
            double mean = figures.Of(variant, FailureCounts.ColumnPrefix + cause).Mean;
            if (mean > most)
            {
                (best, most) = (cause, mean);
            }
        }

        return best;
    }

    /// <summary>What a failure cause means, in the words of the output documentation ("the client gave up waiting").</summary>
    public static string CauseMeaning(string cause)
    {
        var column = Columns.For(OutputFiles.Summary).Columns.FirstOrDefault(c => c.Name == FailureCounts.ColumnPrefix + cause);
        if (column is null)
        {
            return cause.Replace('_', ' ');
        }

        string meaning = column.Meaning;
        int from = meaning.IndexOf(" because ", StringComparison.Ordinal);
        int to = meaning.LastIndexOf(" (count)", StringComparison.Ordinal);
        return from >= 0 && to > from ? meaning[(from + " because ".Length)..to] : cause.Replace('_', ' ');
    }

    /// <summary>" (± 0.26)" in the display unit, or nothing without an interval.</summary>
    internal static string Pm(Estimate e, double scale, int decimals) =>
        double.IsFinite(e.HalfWidth) && e.HalfWidth > 0 ? $" (\u00b1 {Text.Fixed(e.HalfWidth * scale, decimals)})" : "";

    internal static string Join(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}

using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary>One <c>--fail-on</c> objective: a condition on a metric's mean that, when true, fails the command.</summary>
/// <param name="Text">As given, for messages.</param>
/// <param name="Scope">A way of access (<c>metallb-l2</c>), a scenario and way of access (<c>worker-crash/nodeport</c>), or empty for all.</param>
/// <param name="Metric">A column of summary.csv.</param>
/// <param name="Operator">One of &lt; &lt;= &gt; &gt;= == !=.</param>
/// <param name="Value">The threshold, in the metric's unit (fractions 0..1; <c>99.9%</c> is read as 0.999).</param>
internal sealed record Objective(string Text, string Scope, string Metric, string Operator, double Value)
{
    /// <summary>Whether <paramref name="mean"/> meets the failing condition.</summary>
    public bool FailsWith(double mean) => Operator switch
    {
        "<" => mean < Value,
        "<=" => mean <= Value,
        ">" => mean > Value,
        ">=" => mean >= Value,
        "==" => mean == Value,
        _ => mean != Value,
    };

    /// <summary>Whether the objective is about <paramref name="variant"/> in the group <paramref name="group"/>.</summary>
    public bool Covers(string group, string variant)
    {
        if (Scope.Length == 0)
        {
            return true;
        }

        int slash = Scope.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? Scope == variant : Scope[..slash] == group && Scope[(slash + 1)..] == variant;
    }
}

/// <summary>
/// What run, sweep and study hand to scripts: <c>--summary-json FILE</c> (means, intervals and paired differences,
/// typed, see docs/summary.schema.json) and <c>--fail-on EXPR</c> (exit code 3 when an objective fails, after
/// everything is written).
/// </summary>
internal sealed partial class ScriptOutputs
{
    private readonly Option<FileInfo?> _summaryJson = new("--summary-json")
    {
        Description = "Also write means, 95 % intervals and paired differences as JSON to FILE (schema: docs/summary.schema.json).",
    };

    private readonly Option<string[]> _failOn = new("--fail-on")
    {
        Description = "Exit 3 after writing everything when an objective fails: [VARIANT:]METRIC<VALUE, e.g. availability<0.999, metallb-l2:longest_outage_s>30 (repeatable; means over replications; any of < <= > >= == !=).",
        DefaultValueFactory = _ => [],
    };

    /// <summary>Adds --summary-json and --fail-on to <paramref name="command"/>.</summary>
    public static ScriptOutputs AddTo(Command command)
    {
        var outputs = new ScriptOutputs();
        command.Options.Add(outputs._summaryJson);
        command.Options.Add(outputs._failOn);
        return outputs;
    }

    [GeneratedRegex(@"^\s*(?:(?<scope>[^:<>=!\s]+)\s*:\s*)?(?<metric>[a-z0-9_]+)\s*(?<op><=|>=|==|!=|<|>)\s*(?<value>[-+0-9.eE]+)\s*(?<percent>%)?\s*$")]
    private static partial Regex ObjectivePattern();

    /// <summary>The --fail-on objectives, or null (after printing why) when one cannot be read.</summary>
    public List<Objective>? Objectives(ParseResult parse)
    {
        var objectives = new List<Objective>();
        var metrics = SummaryRow.Metrics.Select(m => m.Name).ToList();
        foreach (string text in parse.GetValue(_failOn) ?? [])
        {
            var m = ObjectivePattern().Match(text);
            if (!m.Success || !double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                Console.Error.WriteLine($"--fail-on {text}: expected [VARIANT:]METRIC OP VALUE, for example availability<0.999 or metallb-l2:longest_outage_s>30");
                return null;
            }

            string metric = m.Groups["metric"].Value;
            if (!metrics.Contains(metric))
            {
                Console.Error.WriteLine($"--fail-on {text}: no metric '{metric}'{Suggest.Closest(metric, metrics) switch { { } s => $" (did you mean '{s}'?)", _ => "" }}; metrics are the columns of summary.csv: {string.Join(", ", metrics)}");
                return null;
            }

            objectives.Add(new Objective(text, m.Groups["scope"].Value, metric, m.Groups["op"].Value, m.Groups["percent"].Success ? value / 100 : value));
        }

        return objectives;
    }

    /// <summary>Whether every objective's way of access exists in one of the scenarios; prints why not.</summary>
    public static bool CheckVariants(IReadOnlyList<Objective> objectives, IEnumerable<ScenarioSpec> specs)
    {
        var list = specs.ToList();
        foreach (var objective in objectives.Where(o => o.Scope.Length > 0))
        {
            bool found = list.Any(s => s.Variants.Any(v => objective.Covers(s.Name, v.Name) || objective.Covers(StudyGroup(s), v.Name)));
            if (!found)
            {
                var names = list.SelectMany(s => s.Variants.Select(v => v.Name)).Distinct().ToList();
                Console.Error.WriteLine($"--fail-on {objective.Text}: no way of access '{objective.Scope}' (ways of access: {string.Join(", ", names)}; SCENARIO/VARIANT names one scenario's)");
                return false;
            }
        }

        return true;
    }

    private static string StudyGroup(ScenarioSpec spec) => spec.Name;

    /// <summary>
    /// Writes the summary JSON when asked, then checks the objectives against each group's means (a scenario, a
    /// study's scenario or a sweep point) and returns the exit code: 0, or 3 when one failed.
    /// </summary>
    public int Finish(ParseResult parse, IReadOnlyList<Objective> objectives, Func<string> summaryJson,
        IReadOnlyList<(string Group, IReadOnlyList<(string Variant, string Metric, double Mean)> Means)> groups)
    {
        if (parse.GetValue(_summaryJson) is { } file)
        {
            string? folder = Path.GetDirectoryName(file.FullName);
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            AtomicFile.WriteAllText(file.FullName, summaryJson());
        }

        int failed = 0;
        foreach (var objective in objectives)
        {
            foreach (var (group, means) in groups)
            {
                foreach (var (variant, metric, mean) in means)
                {
                    if (metric == objective.Metric && objective.Covers(group, variant) && double.IsFinite(mean) && objective.FailsWith(mean))
                    {
                        Console.Error.WriteLine($"fail-on {objective.Text}: {group} {variant}: {metric} = {mean.ToString("G6", CultureInfo.InvariantCulture)}");
                        failed++;
                    }
                }
            }
        }

        return failed > 0 ? SvcsimCommand.ExitObjectiveFailed : SvcsimCommand.ExitOk;
    }

    /// <summary>The plain means of a run's summary_ci.csv rows, for <see cref="Finish"/>.</summary>
    public static IReadOnlyList<(string Variant, string Metric, double Mean)> Means(IEnumerable<SummaryCiRow> rows) =>
        rows.Where(r => !r.IsDifference).Select(r => (r.Variant, r.Metric, r.Mean)).ToList();
}

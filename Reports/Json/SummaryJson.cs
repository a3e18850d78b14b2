using System.Text;
using System.Text.Json;

namespace Svcsim.Reports;

/// <summary>
/// The <c>--summary-json</c> document of a run, a sweep or a study: per scenario (or sweep point) and way of access,
/// every metric's mean and 95 % interval, and the paired differences, typed (numbers as numbers, undefined as
/// null). Its schema is <c>docs/summary.schema.json</c>. Properties come in a fixed order, so the same results give
/// the same bytes.
/// </summary>
public static class SummaryJson
{
    /// <summary>The value of the document's <c>format</c> property.</summary>
    public const string Format = "svcsim-summary/1";

    /// <summary>The document for the scenarios of one <c>svcsim run</c>.</summary>
    public static string ForRuns(IReadOnlyList<RunResults> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return Document("run", runs.Count == 1 ? runs[0].ScenarioName : string.Join(", ", runs.Select(r => r.ScenarioName)), w =>
        {
            foreach (var run in runs)
            {
                Scenario(w, run, fault: null);
            }
        });
    }

    /// <summary>The document for a study: one entry per fault.</summary>
    public static string ForStudy(StudyResults study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return Document("study", study.Name, w =>
        {
            foreach (var scenario in study.Scenarios)
            {
                Scenario(w, scenario.Run, scenario.Fault);
            }
        });
    }

    /// <summary>The document for a sweep: one entry per point, with its parameters.</summary>
    public static string ForSweep(SweepResults sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return Document("sweep", sweep.Name, w =>
        {
            foreach (var (point, parameters) in Order.FirstAppearance(sweep.Ci, c => (c.Point, c.Parameters)))
            {
                w.WriteStartObject();
                w.WriteString("name", sweep.Name);
                w.WriteNull("fault");
                w.WriteNumber("point", point);
                w.WriteStartObject("parameters");
                foreach (var p in SweepParameters.Parse(parameters))
                {
                    w.WriteString(p.Name, p.Value);
                }

                w.WriteEndObject();
                TypedParameters(w, sweep.ParameterColumns, parameters);
                w.WriteNull("slo");
                w.WriteNull("winner");
                w.WriteStartArray("variants");
                var ofPoint = sweep.Ci.Where(c => c.Point == point).ToList();
                foreach (string variant in Order.FirstAppearance(ofPoint, c => c.Variant))
                {
                    var rows = ofPoint.Where(c => c.Variant == variant).ToList();
                    w.WriteStartObject();
                    w.WriteString("name", variant);
                    w.WriteNull("kind");
                    w.WriteNumber("replications", rows.Max(r => r.Replications));
                    w.WriteNull("kept_slo");
                    w.WriteStartObject("metrics");
                    foreach (var row in rows)
                    {
                        Estimate(w, row.Metric, row.Replications, row.Mean, row.CiLow, row.CiHigh);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("differences");
                w.WriteEndArray();
                w.WriteEndObject();
            }
        });
    }

    private static string Document(string kind, string name, Action<Utf8JsonWriter> entries)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("kind", kind);
            w.WriteString("name", name);
            w.WriteStartArray("scenarios");
            entries(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Scenario(Utf8JsonWriter w, RunResults run, string? fault)
    {
        var figures = new RunFigures(run, RunReportWriter.VariantsOf(run));
        var decision = Decision.Of(figures);
        w.WriteStartObject();
        w.WriteString("name", run.ScenarioName);
        if (fault is null)
        {
            w.WriteNull("fault");
        }
        else
        {
            w.WriteString("fault", fault);
        }

        w.WriteNull("point");
        w.WriteNull("parameters");
        w.WriteNull("typed_parameters");
        Number(w, "slo", decision.Slo);
        if (decision.Winner is null)
        {
            w.WriteNull("winner");
        }
        else
        {
            w.WriteString("winner", decision.Winner);
        }

        w.WriteStartArray("variants");
        foreach (var verdict in decision.Verdicts)
        {
            w.WriteStartObject();
            w.WriteString("name", verdict.Variant);
            if (run.Info.Of(verdict.Variant) is { } info)
            {
                w.WriteString("kind", info.Kind);
            }
            else
            {
                w.WriteNull("kind");
            }

            w.WriteNumber("replications", figures.Replications(verdict.Variant));
            w.WriteBoolean("kept_slo", verdict.KeptSlo);
            w.WriteStartObject("metrics");
            foreach (var row in run.SummaryCi.Where(c => !c.IsDifference && c.Variant == verdict.Variant))
            {
                Estimate(w, row.Metric, row.Replications, row.Mean, row.CiLow, row.CiHigh,
                    SummaryCiRow.PooledLatencies.Any(l => l.Metric == row.Metric) ? row.Pooled : null);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("differences");
        // Each metric's pairs are one family for Holm's correction, as in the report's marks.
        var differences = run.SummaryCi.Where(c => c.IsDifference).ToList();
        var p = differences.Select(c => MultipleComparisons.PairedPValue(new Estimate(c.Replications, c.Mean, c.CiLow, c.CiHigh))).ToArray();
        var holm = new double[differences.Count];
        foreach (var family in Enumerable.Range(0, differences.Count).GroupBy(i => differences[i].Metric))
        {
            var members = family.ToList();
            var adjusted = MultipleComparisons.HolmAdjusted(members.Select(i => p[i]).ToList());
            for (int k = 0; k < members.Count; k++)
            {
                holm[members[k]] = adjusted[k];
            }
        }

        foreach (var (variant, comparedTo) in Order.FirstAppearance(differences, c => (c.Variant, c.ComparedTo)))
        {
            w.WriteStartObject();
            w.WriteString("variant", variant);
            w.WriteString("compared_to", comparedTo);
            w.WriteStartObject("metrics");
            for (int i = 0; i < differences.Count; i++)
            {
                var row = differences[i];
                if (row.Variant == variant && row.ComparedTo == comparedTo)
                {
                    Estimate(w, row.Metric, row.Replications, row.Mean, row.CiLow, row.CiHigh, significance: (p[i], holm[i]));
                }
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    // A sweep point's swept values typed as sweep.csv's parameter columns: the value in SI units (a number) or, for
    // a parameter whose values are not all numbers, the text; with the path, sweep.csv's column and the text as written.
    private static void TypedParameters(Utf8JsonWriter w, IReadOnlyList<SweepParameterColumn> columns, string parameters)
    {
        w.WriteStartArray("typed_parameters");
        var values = SweepParameters.Parse(parameters);
        foreach (var p in values)
        {
            var column = columns.FirstOrDefault(c => c.Path == p.Name);
            w.WriteStartObject();
            w.WriteString("path", p.Name);
            if (column is null)
            {
                w.WriteNull("column");
                w.WriteString("value", p.Value);
            }
            else
            {
                w.WriteString("column", column.Column);
                if (column.Number(p.Value) is double number)
                {
                    w.WriteNumber("value", number);
                }
                else
                {
                    w.WriteString("value", column.Typed.TryGetValue(p.Value, out string? cell) ? cell : p.Value);
                }
            }

            w.WriteString("text", p.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Estimate(Utf8JsonWriter w, string metric, int count, double mean, double low, double high,
        double? pooled = null, (double P, double Holm)? significance = null)
    {
        w.WriteStartObject(metric);
        w.WriteNumber("n", count);
        Number(w, "mean", mean);
        Number(w, "ci_low", low);
        Number(w, "ci_high", high);
        if (pooled is double value)
        {
            Number(w, "pooled", value);
        }

        if (significance is var (pValue, holm))
        {
            Number(w, "p_value", pValue);
            Number(w, "p_holm", holm);
        }

        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}

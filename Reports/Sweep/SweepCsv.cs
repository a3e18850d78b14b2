using System.Globalization;
using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// A swept parameter's two columns in <c>sweep.csv</c>: its value in SI units (a number a script can compare and plot,
/// or the text itself when the values are not numbers) and its value as written in the scenario or <c>--param</c>.
/// </summary>
/// <param name="Path">The swept path (<c>clients[0].rate</c>).</param>
/// <param name="Column">The typed column: the path in snake case, then the unit's suffix (<c>clients_0_rate_per_s</c>).</param>
/// <param name="TextColumn">The column of the value as written (<c>clients_0_rate_text</c>).</param>
/// <param name="Typed">The typed cell of each value as written (<c>200/s</c> → <c>200</c>).</param>
public sealed record SweepParameterColumn(string Path, string Column, string TextColumn, IReadOnlyDictionary<string, string> Typed)
{
    /// <summary>
    /// Whether the typed column holds numbers: every value read as a number in SI units (or a boolean as 0/1).
    /// A column whose values are not all numbers holds each value's own text, which stays text.
    /// </summary>
    public bool IsNumber => Typed.Count > 0 && Typed.Values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x));

    /// <summary>The typed cell of <paramref name="text"/> as a number, when the column holds numbers; otherwise null.</summary>
    public double? Number(string text) =>
        IsNumber && Typed.TryGetValue(text, out string? cell) ? double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Writes and reads <c>sweep.csv</c>: one row per sweep point, way of access and replication, with the sweep's id, one
/// typed column per swept parameter (plus its text) and every metric of <c>summary.csv</c>; an undefined value (a
/// latency without successful requests) is an empty cell. The columns of the swept parameters differ from sweep to
/// sweep, so this file is written field by field rather than from a fixed record.
/// </summary>
public static class SweepCsv
{
    /// <summary>The columns before the swept parameters'.</summary>
    public static IReadOnlyList<string> Leading { get; } = ["sweep_id", "point", "parameters"];

    /// <summary>The columns after the swept parameters' and before the metrics.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["variant", "replication", "seed"];

    /// <summary>The header of a sweep with these parameter columns.</summary>
    public static List<string> Header(IReadOnlyList<SweepParameterColumn> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [.. Leading, .. parameters.SelectMany(p => new[] { p.Column, p.TextColumn }), .. Keys, .. SweepRow.Metrics.Select(m => m.Name)];
    }

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string sweepId, IReadOnlyList<SweepParameterColumn> parameters, IEnumerable<SweepRow> rows)
    {
        ArgumentNullException.ThrowIfNull(sweepId);
        ArgumentNullException.ThrowIfNull(rows);
        var header = Header(parameters);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, CsvFiles.WriterOptions, leaveOpen: true);
            csv.WriteHeader(header.ToArray());
            var fields = new string[header.Count];
            foreach (var row in rows)
            {
                int i = 0;
                fields[i++] = sweepId;
                fields[i++] = row.Point.ToString(CultureInfo.InvariantCulture);
                fields[i++] = row.Parameters;
                var values = SweepParameters.Parse(row.Parameters);
                foreach (var column in parameters)
                {
                    string text = values.FirstOrDefault(v => v.Name == column.Path)?.Value ?? "";
                    fields[i++] = column.Typed.TryGetValue(text, out string? typed) ? typed : "";
                    fields[i++] = text;
                }

                fields[i++] = row.Variant;
                fields[i++] = row.Replication.ToString(CultureInfo.InvariantCulture);
                fields[i++] = row.Seed.ToString(CultureInfo.InvariantCulture);
                foreach (double value in row.Values)
                {
                    fields[i++] = Number(value);
                }

                csv.WriteRecord(fields);
            }
        });
    }

    /// <summary>A number as sweep.csv writes it: invariant, shortest round trip; empty when undefined.</summary>
    public static string Number(double value) => double.IsFinite(value) ? value.ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>Reads a sweep.csv: its sweep id, parameter columns and rows.</summary>
    /// <exception cref="InvalidDataException">The file is not a sweep.csv (a column missing, a value not a number...).</exception>
    public static (string SweepId, IReadOnlyList<SweepParameterColumn> Parameters, List<SweepRow> Rows) Read(string path)
    {
        try
        {
            using var csv = CsvReader.FromFile(path, CsvFiles.ReaderOptions);
            var header = csv.Headers.ToList();
            int Index(string name) => header.IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"no column {name}");
            int idColumn = Index("sweep_id");
            int first = Index("parameters") + 1;
            int keys = Index(Keys[0]);
            if (first > keys || (keys - first) % 2 != 0)
            {
                throw new InvalidDataException($"the columns between parameters and {Keys[0]} are not pairs of a typed and a text column");
            }

            var metrics = SweepRow.Metrics.Select(m => Index(m.Name)).ToArray();
            int pointColumn = Index("point"), parametersColumn = first - 1;
            int variantColumn = keys, replicationColumn = Index("replication"), seedColumn = Index("seed");
            int pairs = (keys - first) / 2;
            var typed = Enumerable.Range(0, pairs).Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
            var paths = new string?[pairs];
            string? sweepId = null;
            var rows = new List<SweepRow>();
            while (csv.Read())
            {
                sweepId ??= csv.GetString(idColumn);
                string parameters = csv.GetString(parametersColumn);
                var values = SweepParameters.Parse(parameters);
                for (int p = 0; p < pairs; p++)
                {
                    typed[p][csv.GetString(first + 2 * p + 1)] = csv.GetString(first + 2 * p);
                    paths[p] ??= p < values.Count ? values[p].Name : header[first + 2 * p];
                }

                var numbers = new double[metrics.Length];
                for (int m = 0; m < metrics.Length; m++)
                {
                    string cell = csv.GetString(metrics[m]);
                    numbers[m] = cell.Length == 0 ? double.NaN : double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
                }

                rows.Add(new SweepRow(int.Parse(csv.GetString(pointColumn), NumberStyles.Integer, CultureInfo.InvariantCulture), parameters,
                    csv.GetString(variantColumn), int.Parse(csv.GetString(replicationColumn), NumberStyles.Integer, CultureInfo.InvariantCulture),
                    long.Parse(csv.GetString(seedColumn), NumberStyles.Integer, CultureInfo.InvariantCulture), numbers));
            }

            var columns = Enumerable.Range(0, pairs)
                .Select(p => new SweepParameterColumn(paths[p] ?? header[first + 2 * p], header[first + 2 * p], header[first + 2 * p + 1], typed[p]))
                .ToList();
            return (sweepId ?? "", columns, rows);
        }
        catch (Exception e) when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException))
        {
            throw new InvalidDataException($"{path}: not a readable {Path.GetFileName(path)} ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}

using System.Globalization;
using CsvHelper;

namespace Svcsim.Reports;

/// <summary>
/// Reads and writes the report CSV files with one dialect: RFC 4180, comma, LF line ends, UTF-8 without BOM, invariant
/// culture whatever the current culture, header names from the rows' <c>[CsvColumn]</c> attributes.
/// </summary>
public static class CsvFiles
{
    /// <summary>The options every report CSV file is written with.</summary>
    public static CsvWriterOptions WriterOptions { get; } = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
        WriteByteOrderMark = false,
    };

    /// <summary>The options every report CSV file is read with.</summary>
    public static CsvReaderOptions ReaderOptions { get; } = CsvReaderOptions.Default with
    {
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Writes <paramref name="rows"/> with a header to <paramref name="path"/>, atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write<TRow>(string path, IEnumerable<TRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, WriterOptions, leaveOpen: true);
            csv.WriteRecords(rows);
        });
    }

    /// <summary>Reads every row of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a CSV file of these rows (truncated, a value not a number...).</exception>
    public static List<TRow> Read<TRow>(string path)
    {
        try
        {
            using var csv = CsvReader.FromFile(path, ReaderOptions);
            return [.. csv.GetRecords<TRow>()];
        }
        catch (Exception e) when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException))
        {
            throw new InvalidDataException($"{path}: not a readable {Path.GetFileName(path)} ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>Reads every row of <paramref name="path"/>, or none when the file does not exist.</summary>
    public static List<TRow> ReadIfExists<TRow>(string path) => File.Exists(path) ? Read<TRow>(path) : [];
}

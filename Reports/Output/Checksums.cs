using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Svcsim.Reports;

/// <summary>One file of an output folder as written: its size, SHA-256 and, for a CSV file, its data rows.</summary>
/// <param name="Path">Relative to the folder, with '/' between parts.</param>
/// <param name="Bytes">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
/// <param name="Rows">Records after the header (CSV files only; quoted line breaks do not count).</param>
public sealed record FileChecksum(string Path, long Bytes, string Sha256, long? Rows);

/// <summary>
/// <c>checksums.json</c>: the size, SHA-256 and row count of every file svcsim wrote into an output folder, written
/// last, so its presence says the folder is complete and its content lets anything that reuses the folder (report,
/// resume, merge) check every file first. Hidden files (locks, temporaries) and the sub-folders a writer names
/// (a sweep's <c>points/</c>, which carry their own records) are not listed.
/// </summary>
public static class Checksums
{
    /// <summary>The file's name.</summary>
    public const string FileName = "checksums.json";

    /// <summary>The format written into it.</summary>
    public const string Format = "svcsim-checksums/1";

    /// <summary>Computes the checksum of one file in one pass: SHA-256, size and CSV records.</summary>
    public static FileChecksum Of(string path, string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        bool csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        var buffer = new byte[1 << 16];
        long bytes = 0, lines = 0;
        bool quoted = false, pendingLine = false;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            bytes += n;
            if (!csv)
            {
                continue;
            }
            for (int i = 0; i < n; i++)
            {
                byte b = buffer[i];
                if (b == (byte)'"')
                {
                    quoted = !quoted; // an escaped quote ("") toggles twice
                }
                else if (b == (byte)'\n' && !quoted)
                {
                    lines++;
                    pendingLine = false;
                    continue;
                }
                pendingLine = true;
            }
        }
        if (pendingLine)
        {
            lines++; // a last line without its line end
        }
        return new FileChecksum(relativePath, bytes, Convert.ToHexStringLower(sha.GetHashAndReset()), csv ? Math.Max(lines - 1, 0) : null);
    }

    /// <summary>
    /// Writes <c>checksums.json</c> for every file now in <paramref name="directory"/> and below, except hidden ones and
    /// those under <paramref name="excludedFolders"/>; returns what it wrote.
    /// </summary>
    public static IReadOnlyList<FileChecksum> Write(string directory, params string[] excludedFolders)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(excludedFolders);
        var files = Listed(directory, excludedFolders).Select(rel => Of(System.IO.Path.Combine(directory, rel), rel)).ToList();
        string json = JsonSerializer.Serialize(new ChecksumFile(Format, files), ChecksumsJson.Default.ChecksumFile);
        AtomicFile.WriteAllText(System.IO.Path.Combine(directory, FileName), json + "\n");
        return files;
    }

    /// <summary>Removes <c>checksums.json</c> (before a writer changes the folder, so a killed one leaves none).</summary>
    public static void Remove(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        File.Delete(System.IO.Path.Combine(directory, FileName));
    }

    /// <summary>
    /// Checks the files of <paramref name="directory"/> that <paramref name="which"/> selects (by relative path; all
    /// when null) against its <c>checksums.json</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// There is no <c>checksums.json</c> (an unfinished folder) or it is damaged, or a selected file is missing, has
    /// another size, hash or row count: the message names the file and what differs.
    /// </exception>
    public static IReadOnlyList<FileChecksum> Verify(string directory, Func<string, bool>? which = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{directory}: no {FileName}, so this is not a finished svcsim output folder (a run or sweep killed while writing, a full disk, or files copied by hand): run it again");
        }
        ChecksumFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path, AtomicFile.Utf8), ChecksumsJson.Default.ChecksumFile);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: damaged ({e.Message})", e);
        }
        // Nullable annotations are enforced on members, not on a list's elements.
        if (file is null || file.Format != Format || file.Files is null || file.Files.Contains(null!))
        {
            throw new InvalidDataException($"{path}: not a {Format} file");
        }
        foreach (var expected in file.Files.Where(f => which?.Invoke(f.Path) ?? true))
        {
            if (expected.Path.Contains("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(expected.Path))
            {
                throw new InvalidDataException($"{path}: names a file outside its folder ({expected.Path})");
            }
            string full = System.IO.Path.Combine(directory, expected.Path);
            if (!File.Exists(full))
            {
                throw new InvalidDataException($"{full}: missing (listed in {FileName})");
            }
            var actual = Of(full, expected.Path);
            if (actual.Bytes != expected.Bytes || actual.Sha256 != expected.Sha256)
            {
                string rows = actual.Rows is { } r && expected.Rows is { } e && r != e ? $", {r} rows where {e} were written" : "";
                throw new InvalidDataException($"{full}: changed since svcsim wrote it ({actual.Bytes} bytes where {expected.Bytes} were written{rows}; SHA-256 differs)");
            }
        }
        return file.Files;
    }

    private static IEnumerable<string> Listed(string directory, string[] excludedFolders)
    {
        string root = System.IO.Path.GetFullPath(directory);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(root, f).Replace(System.IO.Path.DirectorySeparatorChar, '/'))
            .Where(rel => rel != FileName && !rel.Split('/').Any(part => part.StartsWith('.'))
                && !excludedFolders.Any(x => rel.StartsWith(x.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);
    }
}

/// <summary>The content of <c>checksums.json</c>.</summary>
internal sealed record ChecksumFile(string Format, IReadOnlyList<FileChecksum> Files);

// A member missing or null where the records say it cannot be is a damaged file (JsonException), not a null met later.
[JsonSourceGenerationOptions(WriteIndented = true, NewLine = "\n", PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ChecksumFile))]
internal sealed partial class ChecksumsJson : JsonSerializerContext;

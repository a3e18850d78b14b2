using System.Text.Json;
using System.Text.Json.Serialization;

namespace Svcsim.Reports;

/// <summary>
/// The content of <c>run.json</c>: what a report needs beyond the CSV files. Written with a source-generated
/// serializer (no reflection), indented with LF line ends, properties in declaration order, so the bytes depend on
/// the content alone.
/// </summary>
internal sealed record RunManifest(
    string Format,
    string Kind,
    string Name,
    IReadOnlyList<RunParameter> Parameters,
    IReadOnlyList<FaultMarker> FaultMarkers)
{
    /// <summary>The scenario in words (absent in folders written before it was kept).</summary>
    public ScenarioInfo? Info { get; init; }

    public const string CurrentFormat = "svcsim-report/1";
    public const string RunKind = "run";
    public const string SweepKind = "sweep";

    public static void Write(string path, RunManifest manifest)
    {
        string json = JsonSerializer.Serialize(manifest, RunManifestJson.Default.RunManifest);
        AtomicFile.WriteAllText(path, json + "\n");
    }

    public static RunManifest? ReadIfExists(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        RunManifest? read;
        try
        {
            read = JsonSerializer.Deserialize(File.ReadAllText(path, AtomicFile.Utf8), RunManifestJson.Default.RunManifest);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: damaged ({e.Message})", e);
        }
        var manifest = read ?? throw new InvalidDataException($"{path} is empty");
        if (manifest.Name is null || manifest.Parameters is null || manifest.FaultMarkers is null)
        {
            throw new InvalidDataException($"{path}: incomplete (name, parameters or fault markers missing)");
        }
        // Nullable annotations are enforced on members, not on a list's elements.
        if (manifest.Parameters.Contains(null!) || manifest.FaultMarkers.Contains(null!) || manifest.Info is { } info
            && (info.Variants.Contains(null!) || info.Faults.Contains(null!) || info.Variants.Any(v => v.Nodes.Contains(null!)) || info.Faults.Any(f => f.Nodes.Contains(null!))))
        {
            throw new InvalidDataException($"{path}: damaged (a null where a parameter, fault marker, way of access, fault or node belongs)");
        }
        if (manifest.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path} has format '{manifest.Format}', expected '{CurrentFormat}'");
        }

        return manifest;
    }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    NewLine = "\n",
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    // A member missing or null where the records say it cannot be is a damaged file (JsonException), not a null
    // met later while drawing the report.
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(RunManifest))]
internal sealed partial class RunManifestJson : JsonSerializerContext;

namespace Svcsim.Scenarios;

/// <summary>A loaded, validated scenario and what it was loaded from.</summary>
/// <param name="Spec">The validated scenario.</param>
/// <param name="SourcePath">The scenario file as it was named.</param>
/// <param name="Text">The scenario file's text.</param>
/// <param name="Hash">
/// Lower-case hex SHA-256 over the scenario text, then each manifest file's text in the order read, then
/// each <c>--set</c> override: two loads with the same hash describe the same runs.
/// </param>
/// <param name="Sweep">The <c>sweep</c> section's parameters, in file order (empty when there is none).</param>
public sealed record ScenarioFile(ScenarioSpec Spec, string SourcePath, string Text, string Hash, IReadOnlyList<SweepParameter> Sweep)
{
    /// <summary>The manifest files read, as named in messages (relative to the scenario's folder as given).</summary>
    public IReadOnlyList<string> ManifestPaths { get; init; } = [];

    /// <summary>The overrides applied, as given.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Things worth a look that do not stop the load (unknown manifest fields, a BGP variant without a BGPAdvertisement...).</summary>
    public IReadOnlyList<ScenarioError> Warnings { get; init; } = [];
}

/// <summary>One parameter of a sweep: a path in the <c>--set</c> syntax and the values it takes.</summary>
/// <param name="Path">For example <c>clients[0].rate</c>.</param>
/// <param name="Values">The values as written, for example <c>100/s</c>, <c>200/s</c>.</param>
public sealed record SweepParameter(string Path, IReadOnlyList<string> Values)
{
    /// <summary>The override that sets value number <paramref name="index"/>: <c>path=value</c>.</summary>
    public string Override(int index) => $"{Path}={Values[index]}";
}

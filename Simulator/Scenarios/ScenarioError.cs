using System.Globalization;
using System.Text;

namespace Svcsim.Scenarios;

/// <summary>
/// One problem found in a scenario or one of its manifests: where it is (file, line, column, or the
/// <c>--set</c> override that introduced the value), which field, and what was expected.
/// </summary>
/// <param name="File">The file as it was named (the scenario path as given; manifests relative to it).</param>
/// <param name="Line">1-based line; 0 when the problem has no position (a missing file, an override).</param>
/// <param name="Column">1-based column; 0 when none.</param>
/// <param name="Field">The field path, for example <c>faults[2].node</c> or <c>Service/np-nginx.spec.ports[0].nodePort</c>; empty for a YAML syntax error.</param>
/// <param name="Message">What is wrong and what was expected.</param>
/// <param name="Override">The <c>--set path=value</c> text the value came from; null when it came from a file.</param>
public sealed record ScenarioError(string File, int Line, int Column, string Field, string Message, string? Override = null)
{
    /// <summary>
    /// <c>path/to/file.yaml:12:7: faults[2].node: no node named 'w9' (nodes: cp1, w1, w2)</c>, or
    /// <c>path/to/file.yaml: --set duration=0s: duration: ...</c> for a value from an override.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder(File);
        if (Override is not null)
        {
            sb.Append(": --set ").Append(Diagnostics.Shorten(Override, 200));
        }
        else if (Line > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $":{Line}:{Column}");
        }
        sb.Append(": ");
        if (Field.Length > 0)
        {
            sb.Append(Field).Append(": ");
        }
        return sb.Append(Diagnostics.Shorten(Message, InputLimits.MaxMessageChars)).ToString();
    }
}

/// <summary>A scenario that cannot be loaded: every error found, each with its place.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception for <paramref name="errors"/> (at least one).</summary>
    public ScenarioException(IReadOnlyList<ScenarioError> errors, IReadOnlyList<ScenarioError>? warnings = null)
        : base(Describe(errors))
    {
        Errors = errors;
        Warnings = warnings ?? [];
    }

    /// <summary>Creates the exception with a message only (no positions).</summary>
    public ScenarioException() : this([new ScenarioError("", 0, 0, "", "invalid scenario")])
    {
    }

    /// <summary>Creates the exception with a message only (no positions).</summary>
    public ScenarioException(string message) : this([new ScenarioError("", 0, 0, "", message)])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ScenarioException(string message, Exception innerException) : base(message, innerException)
    {
        Errors = [new ScenarioError("", 0, 0, "", message)];
        Warnings = [];
    }

    /// <summary>The errors, in file order.</summary>
    public IReadOnlyList<ScenarioError> Errors { get; }

    /// <summary>Warnings found along the way (not the cause of the failure).</summary>
    public IReadOnlyList<ScenarioError> Warnings { get; }

    private static string Describe(IReadOnlyList<ScenarioError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return $"invalid scenario ({count}):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
    }
}

using System.Diagnostics.CodeAnalysis;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary>Loads scenario files for the commands and reports invalid input on standard error.</summary>
internal static class ScenarioInput
{
    /// <summary>Loads and validates <paramref name="path"/> with <paramref name="overrides"/>; prints errors and returns false when invalid.</summary>
    public static bool TryLoad(string path, IReadOnlyList<string> overrides, [NotNullWhen(true)] out ScenarioSpec? spec)
    {
        spec = BuiltIn.TryGet(path);
        if (spec is null)
        {
            Console.Error.WriteLine($"{path}: scenario files are not readable yet");
            return false;
        }
        return true;
    }
}

/// <summary>Scenarios built in code, usable by name until files can be loaded.</summary>
internal static class BuiltIn
{
    public static ScenarioSpec? TryGet(string path) => null;
}

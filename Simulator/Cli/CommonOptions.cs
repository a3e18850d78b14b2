using System.CommandLine;
using Svcsim.Experiments;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary>Options and input handling shared by the commands.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a scenario value, e.g. --set duration=60s --set clients[0].rate=500/s (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    public static Option<long?> Seed() => new("--seed")
    {
        Description = "Master seed (overrides the scenario's).",
        CustomParser = r => WholeNumber(r, "--seed", long.MinValue, long.MaxValue),
    };

    public static Option<int?> Replications() => new("--replications")
    {
        Description = "Independent replications (overrides the scenario's).",
        CustomParser = r => (int?)WholeNumber(r, "--replications", int.MinValue, int.MaxValue),
    };

    /// <summary>
    /// --parallel: no default value in the option itself, so that --help (and docs/cli.md, which copies it) reads
    /// the same on every machine; <see cref="ParallelOrCores"/> supplies the number of cores.
    /// </summary>
    public static Option<int?> Parallel() => new("--parallel")
    {
        Description = "Runs at once (default: the number of cores). Results do not depend on it.",
        CustomParser = r => (int?)WholeNumber(r, "--parallel", 1, int.MaxValue),
    };

    /// <summary>
    /// The option's value as a whole number in [<paramref name="min"/>, <paramref name="max"/>]; otherwise an error
    /// naming the option and what it was given (a parse error: exit 2, never an exception).
    /// </summary>
    private static long? WholeNumber(System.CommandLine.Parsing.ArgumentResult result, string option, long min, long max)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value))
        {
            bool integer = text.Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit);
            result.AddError(integer
                ? $"{option} {Shorten(text)}: too large (at most {max})"
                : $"{option} '{Shorten(text)}': expected a whole number");
            return null;
        }
        if (value < min)
        {
            result.AddError(min == 1 ? $"{option} must be at least 1" : $"{option} must be at least {min}");
            return null;
        }
        if (value > max)
        {
            result.AddError($"{option} {value}: too large (at most {max})");
            return null;
        }
        return value;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    public static Option<DirectoryInfo> Out(string fallback) => new("--out")
    {
        Description = "Output folder; each scenario file writes into OUT/<its name without .yaml>/.",
        DefaultValueFactory = _ => new DirectoryInfo(fallback),
    };

    /// <summary>The --parallel value, or the number of cores when it is not given.</summary>
    public static int ParallelOrCores(ParseResult parse, Option<int?> parallel) => parse.GetValue(parallel) ?? Environment.ProcessorCount;

    public static Option<bool> AllowExternalManifests() => new("--allow-external-manifests")
    {
        Description = "Read manifest files outside the scenario's folder tree (refused by default).",
    };

    public static Option<bool> Force() => new("--force")
    {
        Description = "Run even when the cost estimate is above svcsim's budget (engine events, memory, cluster size).",
    };

    /// <summary>
    /// Prints why <paramref name="estimate"/> must not run, naming <paramref name="what"/>: settings the engine cannot
    /// represent always, a cost above the budget unless <paramref name="force"/>. True when it may run.
    /// </summary>
    public static bool CheckCost(string what, CostEstimate estimate, bool force)
    {
        foreach (string problem in estimate.Problems)
        {
            Console.Error.WriteLine($"{what}: {problem}");
        }
        if (estimate.Problems.Count > 0)
        {
            return false;
        }
        if (!force && estimate.OverBudget() is { } over)
        {
            Console.Error.WriteLine($"{what}: too costly to run without --force: {over}");
            return false;
        }
        return true;
    }

    public static Option<bool> Quiet() => new("--quiet") { Description = "No progress display and no table: only errors." };

    /// <summary>The overrides implied by the options, in the order they apply.</summary>
    public static List<string> Overrides(IEnumerable<string> set, long? seed, int? replications)
    {
        var list = new List<string>(set);
        if (seed is { } s)
        {
            list.Add($"seed={s}");
        }
        if (replications is { } r)
        {
            list.Add($"replications={r}");
        }
        return list;
    }

    /// <summary>
    /// Expands the scenario arguments: a path, or a glob in its last segment (<c>Scenarios/*.yaml</c>),
    /// sorted by name. Returns null and prints an error when one matches nothing.
    /// </summary>
    public static List<string>? ExpandPaths(IEnumerable<string> patterns)
    {
        var result = new List<string>();
        foreach (var p in patterns)
        {
            string name = Path.GetFileName(p);
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                if (!File.Exists(p))
                {
                    // The scenario argument takes any number of values, so System.CommandLine hands it a
                    // mistyped option (--sett, or --shard on run) instead of reporting it.
                    Console.Error.WriteLine(p.StartsWith('-') ? $"{p}: unknown option (see --help)"
                        : Directory.Exists(p) ? $"{p}: is a folder, not a file (give the scenario files in it, or a glob such as {Path.Combine(p, "*.yaml")})"
                        : $"{p}: no such scenario file");
                    return null;
                }
                result.Add(p);
                continue;
            }
            string dir = Path.GetDirectoryName(p) is { Length: > 0 } d ? d : ".";
            var matches = Directory.Exists(dir)
                ? Directory.EnumerateFiles(dir, name).Order(StringComparer.Ordinal).ToList()
                : [];
            if (matches.Count == 0)
            {
                Console.Error.WriteLine($"{p}: matches no file");
                return null;
            }
            result.AddRange(matches);
        }
        return result;
    }

    /// <summary>Loads every scenario before anything runs; on the first invalid one prints its errors and returns null.</summary>
    public static List<ScenarioFile>? LoadAll(IEnumerable<string> paths, IReadOnlyList<string> overrides, bool allowExternalManifests = false)
    {
        var files = new List<ScenarioFile>();
        bool ok = true;
        foreach (var path in paths)
        {
            var file = TryLoad(path, overrides, allowExternalManifests);
            if (file is null)
            {
                ok = false;
            }
            else
            {
                files.Add(file);
            }
        }
        return ok ? files : null;
    }

    /// <summary>Loads one scenario; prints its errors (file:line:column: field: message) and returns null when invalid.</summary>
    public static ScenarioFile? TryLoad(string path, IReadOnlyList<string> overrides, bool allowExternalManifests = false)
    {
        try
        {
            return Report(ScenarioLoader.Load(path, overrides, allowExternalManifests), null);
        }
        catch (ScenarioException e)
        {
            return Report(null, e);
        }
    }

    /// <summary>Tells what loading a scenario gave: its warnings and the file, or its errors and null.</summary>
    public static ScenarioFile? Report(ScenarioFile? file, ScenarioException? error)
    {
        if (error is not null)
        {
            foreach (var e in error.Errors)
            {
                Console.Error.WriteLine(e.ToString());
            }
            return null;
        }
        ArgumentNullException.ThrowIfNull(file);
        foreach (var w in file.Warnings)
        {
            Console.Error.WriteLine($"warning: {w}");
        }
        return file;
    }

    /// <summary>Whether to draw progress bars: an interactive terminal, not CI.</summary>
    public static bool Interactive(bool quiet) =>
        !quiet && !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
}

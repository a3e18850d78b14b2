using System.Diagnostics;
using Spectre.Console;
using Svcsim.Cli;

namespace Svcsim.Tests.Cli;

/// <summary>What one svcsim invocation returned and printed.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>Everything, for assertion messages.</summary>
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Runs svcsim in this process through <see cref="SvcsimCommand.Run"/>, or as a child process, and captures what it
/// prints. In-process runs swap the global console (and Spectre's), so every test using them is in
/// <see cref="CliCollection"/>, which xunit runs alone.
/// </summary>
internal static class SvcsimCli
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs <c>svcsim ARGS</c> in this process.</summary>
    public static CliResult Run(params string[] args) => Capture(() => SvcsimCommand.Run(args));

    /// <summary>Runs <paramref name="main"/> (a command's entry point, returning its exit code) with the consoles captured.</summary>
    public static CliResult Capture(Func<int> main)
    {
        ArgumentNullException.ThrowIfNull(main);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr, oldAnsi) = (Console.Out, Console.Error, AnsiConsole.Console);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        // Spectre keeps the writer it was created with; give it the captured one, without colours or live display.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        AnsiConsole.Console.Profile.Width = 200; // tables unwrapped, as on a wide terminal
        try
        {
            int code = main();
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            AnsiConsole.Console = oldAnsi;
        }
    }

    /// <summary>The svcsim.dll built next to the tests (the Simulator project is referenced, so it is copied here).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "svcsim.dll");

    /// <summary>The dotnet host running these tests, else the one on PATH.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>Starts <c>dotnet ARGS</c> with output captured; the caller waits for it or kills it.</summary>
    public static Process Start(string workingDirectory, IEnumerable<string> args) => Start(Dotnet, workingDirectory, args, null);

    /// <summary>Starts <paramref name="program"/> with output captured and <paramref name="environment"/> added.</summary>
    public static Process Start(string program, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>Runs <c>dotnet ARGS</c> to the end and returns what it printed.</summary>
    public static CliResult RunChild(string workingDirectory, params string[] args) => RunProgram(Dotnet, workingDirectory, args);

    /// <summary>Runs <paramref name="program"/> to the end and returns what it printed.</summary>
    public static CliResult RunProgram(string program, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Start(program, workingDirectory, args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? ChildTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout ?? ChildTimeout}");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Paths of the repository and throwaway folders for the CLI tests.</summary>
internal static class CliPaths
{
    /// <summary>The folder holding Simulator.slnx.</summary>
    public static string Repo => Codebase.Repository.Root;

    /// <summary>A file of the repository, by its path relative to the root with '/'.</summary>
    public static string InRepo(string relative) => Path.Combine(Repo, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// The example scenarios, by path relative to Scenarios/: its .yaml files (study files, *-study.yaml, list scenarios and are not one), then each example folder's scenario,
    /// named after the folder (<c>from-manifests/from-manifests.yaml</c>).
    /// </summary>
    public static IReadOnlyList<string> ExampleScenarios() => Svcsim.Tests.Scenarios.ScenarioFiles.Examples();
}

/// <summary>The tests that run svcsim in-process: they share the console, so they never run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection : ICollectionFixture<SweepFixture>
{
    public const string Name = "svcsim command line";
}

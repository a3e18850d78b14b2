using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Svcsim.Cli;

/// <summary>The <c>svcsim</c> command: its subcommands and the exit codes they share.</summary>
public static class SvcsimCommand
{
    /// <summary>Success.</summary>
    public const int ExitOk = 0;
    /// <summary>The run failed for a reason other than its input.</summary>
    public const int ExitRuntimeFailure = 1;
    /// <summary>The input (scenario, manifests, options) is invalid.</summary>
    public const int ExitInvalidInput = 2;
    /// <summary>Everything ran and was written, but a --fail-on objective failed.</summary>
    public const int ExitObjectiveFailed = 3;

    /// <summary>svcsim's version, as recorded in every result.</summary>
    public static string Version { get; } =
        typeof(SvcsimCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("svcsim: discrete-event simulation of Kubernetes Service access (NodePort against LoadBalancer) under node failures.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        // The default --version reports the entry assembly, which is the test host when svcsim runs in-process.
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new PrintVersion();
        }
        return root;
    }

    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Action is ParseErrorAction errors)
        {
            // A mistyped option or a missing argument is invalid input (exit 2), like an invalid scenario;
            // System.CommandLine's own handler would print the whole help to stdout and exit 1.
            errors.ShowHelp = args.Length == 0; // a bare `svcsim` shows what there is to do
            parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            string command = parse.CommandResult.Command is RootCommand ? "svcsim" : $"svcsim {parse.CommandResult.Command.Name}";
            Console.Error.WriteLine($"See '{command} --help'.");
            return ExitInvalidInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// Prints one line for an exception that reached the top and returns the exit code: never a stack trace.
    /// Damaged files given as input (a truncated CSV, a broken JSON) are invalid input (2); anything else is a
    /// failure while running (1: a full disk, a model inconsistency), and results already written stay.
    /// </summary>
    internal static int Fail(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            e = aggregate.InnerExceptions[0];
        }
        switch (e)
        {
            case InvalidDataException:
                Console.Error.WriteLine($"svcsim: {OneLine(e.Message)}");
                return ExitInvalidInput;
            case OutOfMemoryException:
                Console.Error.WriteLine("svcsim: error: out of memory; make the scenario smaller (fewer nodes, pods, users, replications or windows)");
                return ExitRuntimeFailure;
            default:
                Console.Error.WriteLine($"svcsim: error: {OneLine(e.Message)}");
                return ExitRuntimeFailure;
        }
    }

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= 1000 ? line : line[..997] + "...";
    }

    /// <summary>Prints svcsim's informational version (with the commit it was built from, when known).</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var assembly = typeof(SvcsimCommand).Assembly;
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? Version;
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return ExitOk;
        }
    }
}

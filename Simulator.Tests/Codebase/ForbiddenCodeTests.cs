using System.Text.RegularExpressions;

namespace Svcsim.Tests.Codebase;

/// <summary>
/// The layering rules of shared/reference/architecture.md, enforced on the sources: results must reproduce
/// (no wall clock, no unseeded randomness below Cli/), the model never talks to the console, and the engine
/// knows nothing of Kubernetes, CSV or plots. Each rule reports every offending file and line.
/// </summary>
public sealed class ForbiddenCodeTests
{
    /// <summary>Simulator/**/*.cs outside Simulator/Cli/.</summary>
    private static IEnumerable<string> SimulatorBelowCli() =>
        Repository.Files("Simulator", "*.cs").Where(f => !f.StartsWith("Simulator/Cli/", StringComparison.Ordinal));

    private static IEnumerable<string> Engine() => Repository.Files("Simulator/Engine", "*.cs");

    /// <summary>Lines of <paramref name="text"/> that match, as "line: text".</summary>
    internal static IEnumerable<string> Matches(string text, Regex pattern)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (pattern.IsMatch(lines[i]))
            {
                yield return $"{i + 1}: {lines[i].Trim()}";
            }
        }
    }

    private static List<string> Violations(IEnumerable<string> files, Regex pattern) =>
        files.SelectMany(f => Matches(Repository.Read(f), pattern).Select(m => $"{f}:{m}")).ToList();

    private static void AssertNone(IEnumerable<string> files, Regex pattern, string rule)
    {
        var found = Violations(files, pattern);
        Assert.True(found.Count == 0, rule + ":" + Environment.NewLine + string.Join(Environment.NewLine, found));
    }

    // What is forbidden below Cli/, by name, with the pattern that finds it.
    private static readonly Dictionary<string, Regex> WallClockRandomnessAndConsole = new()
    {
        ["new Random("] = new(@"\bnew\s+(System\.)?Random\s*\("),
        ["Random.Shared"] = new(@"\bRandom\.Shared\b"),
        ["DateTime.Now"] = new(@"\bDateTime\.Now\b"),
        ["DateTime.UtcNow"] = new(@"\bDateTime\.UtcNow\b"),
        ["Stopwatch"] = new(@"\bStopwatch\b"),
        ["Guid.NewGuid"] = new(@"\bGuid\.NewGuid\b"),
        ["Console."] = new(@"\bConsole\."),
    };

    [Theory]
    [InlineData("new Random(")]
    [InlineData("Random.Shared")]
    [InlineData("DateTime.Now")]
    [InlineData("DateTime.UtcNow")]
    [InlineData("Stopwatch")]
    [InlineData("Guid.NewGuid")]
    [InlineData("Console.")]
    public void Simulator_Code_Below_Cli_Does_Not_Use(string forbidden)
    {
        AssertNone(SimulatorBelowCli(), WallClockRandomnessAndConsole[forbidden],
            $"'{forbidden}' outside Simulator/Cli/ (results must reproduce from the seed; only Cli talks to the console)");
    }

    // Anything with "kube"; pod, Pod and identifiers that start with them (PodSpec); Node and identifiers
    // that start with it (NodePort); the capitalised word Service. Not substrings: a heap node is
    // "HeapNode", and service in the queueing sense (service time, ServiceRate) is allowed.
    internal static readonly Regex KubernetesWords = new(@"(?i:kube)|\b[Pp]ods?(?![a-z])|\bNodes?(?![a-z])|\bServices?\b");

    [Fact]
    public void The_Engine_Mentions_No_Kubernetes_Word()
    {
        AssertNone(Engine(), KubernetesWords, "Kubernetes words in Simulator/Engine/ (the engine sits below the model)");
    }

    internal static readonly Regex ReportsCsvOrPlots = new(@"\b(Svcsim\.Reports|CsvHelper|ScottPlot)\b");

    [Fact]
    public void The_Engine_Uses_No_Reports_Csv_Or_Plot_Namespace()
    {
        AssertNone(Engine(), ReportsCsvOrPlots, "Reports, CsvHelper or ScottPlot in Simulator/Engine/");
    }

    [Fact]
    public void Simulator_Code_Below_Cli_Does_Not_Use_Reports()
    {
        AssertNone(SimulatorBelowCli(), new Regex(@"\bSvcsim\.Reports\b"), "Svcsim.Reports outside Simulator/Cli/ (the model hands plain rows up)");
    }

    [Fact]
    public void Event_Kinds_Are_Declared_Only_In_The_Catalogue()
    {
        // A kind made up where it is written would reach events.csv without a line in docs/outputs.md.
        AssertNone(Repository.Files("Simulator", "*.cs").Where(f => f != "Simulator/Network/EventKinds.cs"),
            new Regex(@"new TraceKind\(|TraceKind\s+\w+\s*=\s*new\("), "a TraceKind declared outside Simulator/Network/EventKinds.cs");
    }

    [Fact]
    public void The_Scan_Sees_The_Sources_It_Guards()
    {
        // A wrong root or pattern would make every rule above pass on nothing.
        Assert.Contains("Simulator/Engine/EventQueue.cs", Engine());
        Assert.Contains("Simulator/Queueing/MmcQueue.cs", SimulatorBelowCli());
        Assert.DoesNotContain(SimulatorBelowCli(), f => f.StartsWith("Simulator/Cli/", StringComparison.Ordinal));
        Assert.Contains("Simulator/Cli/BenchCommand.cs", Repository.Files("Simulator", "*.cs"));
    }

    [Theory]
    [InlineData("var r = new Random(42);", "new Random(")]
    [InlineData("var r = new System.Random();", "new Random(")]
    [InlineData("double x = Random.Shared.NextDouble();", "Random.Shared")]
    [InlineData("var t = DateTime.Now;", "DateTime.Now")]
    [InlineData("var t = System.DateTime.UtcNow;", "DateTime.UtcNow")]
    [InlineData("var sw = Stopwatch.StartNew();", "Stopwatch")]
    [InlineData("var id = Guid.NewGuid();", "Guid.NewGuid")]
    [InlineData("System.Console.WriteLine(x);", "Console.")]
    public void The_Forbidden_Patterns_Catch_What_They_Name(string line, string forbidden)
    {
        Assert.Single(Matches(line, WallClockRandomnessAndConsole[forbidden]));
    }

    [Theory]
    [InlineData("// the kube-proxy rule", true)]
    [InlineData("public sealed class Kubernetes", true)]
    [InlineData("// when a pod dies", true)]
    [InlineData("int Pods;", true)]
    [InlineData("var p = new PodSpec();", true)]
    [InlineData("struct Node", true)]
    [InlineData("long NodePort;", true)]
    [InlineData("// one Service per app", true)]
    [InlineData("// the service time of a customer", false)]
    [InlineData("public double ServiceRate { get; }", false)]
    [InlineData("private struct HeapNode", false)]
    [InlineData("Node bestNode = heap[0];", true)]
    [InlineData("HeapNode bestNode = heap[0];", false)]
    [InlineData("// a heap node is 16 bytes", false)]
    [InlineData("// a tripod", false)]
    [InlineData("using System.Runtime.CompilerServices;", false)]
    public void The_Kubernetes_Word_Pattern_Tells_Kubernetes_From_Queueing(string line, bool flagged)
    {
        Assert.Equal(flagged, Matches(line, KubernetesWords).Any());
    }
}

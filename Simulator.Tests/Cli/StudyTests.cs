using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// The origin study, run once with two replications per scenario (the README's figures come from the real command,
/// see <see cref="ReadmeTests"/>), for the tests that read what it wrote.
/// </summary>
public sealed class StudyFixture : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Lazy<(CliResult Result, string Folder)> _run;

    public StudyFixture()
    {
        _run = new(() =>
        {
            string folder = _temp.File("origin-study");
            var result = SvcsimCli.Run("study", Study, "--replications", "2", "--out", folder, "--summary-json", Path.Combine(folder, "summary.json"));
            return (result, folder);
        });
    }

    public static string Study => CliPaths.InRepo("Scenarios/origin-study.yaml");

    internal CliResult Result => _run.Value.Result;

    public string Folder => _run.Value.Folder;

    public string Index => File.ReadAllText(Path.Combine(Folder, StudyReportWriter.IndexHtml));

    public void Dispose() => _temp.Dispose();
}

[Collection(CliCollection.Name)]
public sealed class StudyTests(StudyFixture study) : IClassFixture<StudyFixture>
{
    private static readonly string[] Faults = ["worker crash", "keep-alive worker crash", "control-plane crash", "reboot with a new IP", "L2 leader loss", "random failures", "overload"];

    [Fact]
    public void The_Study_Writes_Every_Scenarios_Report_And_One_Index()
    {
        Assert.True(study.Result.ExitCode == 0, study.Result.ToString());
        foreach (string folder in new[] { "worker-crash", "keepalive-worker-crash", "control-plane-crash", "reboot-new-ip", "l2-leader-loss", "random-failures", "cascade" })
        {
            Assert.True(File.Exists(Path.Combine(study.Folder, folder, OutputFiles.ReportHtml)), $"{folder}/report.html is missing");
            Assert.True(File.Exists(Path.Combine(study.Folder, folder, OutputFiles.Summary)), $"{folder}/summary.csv is missing");
        }

        Assert.True(File.Exists(Path.Combine(study.Folder, StudyReportWriter.StudyCsv)));
        Assert.True(File.Exists(Path.Combine(study.Folder, StudyReportWriter.DecisionMarkdownFile)));

        // The printed summary: one line per fault, every line within 80 columns
        foreach (string fault in Faults)
        {
            Assert.Contains(fault, study.Result.Out, StringComparison.Ordinal);
        }

        Assert.All(study.Result.Out.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, $"wider than 80 columns: '{line}'"));
    }

    [Fact]
    public void The_Index_Leads_With_The_Decision_Matrix_Naming_The_Winner_Of_Every_Fault()
    {
        string html = study.Index;
        int first = html.IndexOf("<section ", StringComparison.Ordinal);
        Assert.Equal(html.IndexOf("<section id=\"decision\" class=\"decision\">", StringComparison.Ordinal), first);
        string box = html[first..html.IndexOf("</section>", first, StringComparison.Ordinal)];
        Assert.Contains("<table id=\"decision-matrix\">", box, StringComparison.Ordinal);

        // One row per fault, linking to its scenario's report, ending with the winner study.csv names
        var rows = CsvFiles.Read<StudyRow>(Path.Combine(study.Folder, StudyReportWriter.StudyCsv));
        foreach (string fault in Faults)
        {
            var winners = rows.Where(r => r.Fault == fault && r.Winner).ToList();
            Assert.Single(winners);
            var row = Regex.Match(box, $"<tr><td class=\"name\"><a href=\"[^\"]+/report.html\">{Regex.Escape(fault)}</a></td>.*?</tr>");
            Assert.True(row.Success, $"no matrix row for {fault}");
            Assert.Contains($"<span class=\"winner\">{winners[0].Variant}</span>", row.Value, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(study.Folder, winners[0].Report)), winners[0].Report);
        }

        // A recommendation in words, with the NodePort caveat and the SLO defined
        Assert.Contains("<p id=\"recommendation\" class=\"headline\">A load-balancer front door wins ", box, StringComparison.Ordinal);
        Assert.Contains("NodePort results depend on which node clients were told.", box, StringComparison.Ordinal);
        Assert.Contains("SLO: a time window meets the objective", box, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Matrix_Shows_The_Connections_That_Broke_Under_Each_Way_Of_Access()
    {
        // Given the worker crash with keep-alive clients (w2 holds a pod and, for BGP, a share of the ECMP flows)
        var rows = CsvFiles.Read<StudyRow>(Path.Combine(study.Folder, StudyReportWriter.StudyCsv)).Where(r => r.Fault == "keep-alive worker crash").ToList();

        // Then BGP's rehash after the withdrawal resets established connections, while NodePort clients on cp1 see none
        // reset; under every way of access some keep-alive connections hung on w2's pod until their clients gave up
        Assert.True(rows.Single(r => r.Variant == "metallb-bgp").ConnectionsReset > 0);
        Assert.Equal(0, rows.Single(r => r.Variant == "nodeport").ConnectionsReset);
        Assert.All(rows, r => Assert.True(r.ConnectionsHung > 0, $"{r.Variant}: no hung connection"));

        // and the index's row says so for each way of access, and the scenario's decision box names them
        var row = Regex.Match(study.Index, "<tr><td class=\"name\"><a href=\"[^\"]+\">keep-alive worker crash</a></td>.*?</tr>");
        Assert.True(row.Success);
        string bgp = row.Value.Split("<div").Single(d => d.Contains(">metallb-bgp</span>", StringComparison.Ordinal));
        Assert.Matches(@"<span class=""ci connections"">connections: [^<]*\d reset", bgp);
        string report = File.ReadAllText(Path.Combine(study.Folder, "keepalive-worker-crash", OutputFiles.ReportHtml));
        Assert.Contains("Connections broke after they were established (mean per replication): ", report, StringComparison.Ordinal);

        // and decision.md (the README's tables) has the connections table with a row per fault
        string md = File.ReadAllText(Path.Combine(study.Folder, StudyReportWriter.DecisionMarkdownFile));
        Assert.Contains("Connections that broke after they were established, mean per replication (reset / hung):", md, StringComparison.Ordinal);
        Assert.All(Faults, f => Assert.Equal(2, md.Split('\n').Count(l => l.StartsWith($"| {f} |", StringComparison.Ordinal))));
    }

    [Fact]
    public void Every_Scenario_Report_Opens_With_Its_Decision_Box()
    {
        foreach (var winner in CsvFiles.Read<StudyRow>(Path.Combine(study.Folder, StudyReportWriter.StudyCsv)).Where(r => r.Winner))
        {
            string html = File.ReadAllText(Path.Combine(study.Folder, winner.Report));
            int first = html.IndexOf("<section ", StringComparison.Ordinal);
            Assert.Equal(html.IndexOf("<section id=\"decision\"", StringComparison.Ordinal), first);
            Assert.Contains($"<strong id=\"winner\">{winner.Variant}</strong> wins", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_Summary_Json_Matches_The_Schema_And_The_Matrix()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(study.Folder, "summary.json")))!;
        ScriptOutputTests.AssertValid(json);
        Assert.Equal("study", (string?)json["kind"]);
        var scenarios = json["scenarios"]!.AsArray();
        Assert.Equal(Faults, scenarios.Select(s => (string?)s!["fault"]));
        var rows = CsvFiles.Read<StudyRow>(Path.Combine(study.Folder, StudyReportWriter.StudyCsv));
        foreach (var scenario in scenarios)
        {
            string fault = (string)scenario!["fault"]!;
            Assert.Equal(rows.Single(r => r.Fault == fault && r.Winner).Variant, (string?)scenario["winner"]);
        }
    }

    [Fact]
    public void Screenshots_Of_The_Index_And_Of_Each_Report_Show_Content()
    {
        using var profile = new TempDirectory();
        using var shots = new TempDirectory();
        var pages = new List<string> { Path.Combine(study.Folder, StudyReportWriter.IndexHtml) };
        pages.AddRange(Directory.GetDirectories(study.Folder).Order(StringComparer.Ordinal).Select(d => Path.Combine(d, OutputFiles.ReportHtml)));
        Assert.Equal(8, pages.Count);
        foreach (string page in pages)
        {
            string shot = shots.File(Path.GetFileName(Path.GetDirectoryName(page)!) + ".png");
            var run = BrowserTests.RunChromium(profile.Path, "--screenshot=" + shot, "--window-size=1280,2000", "--hide-scrollbars", BrowserTests.FileUrl(page));
            BrowserTests.AssertScreenshotShowsContent(run, shot);
        }

        // The index's links resolve, and it loads with no console message
        var dom = BrowserTests.RunChromium(profile.Path, "--dump-dom", "--enable-logging=stderr", "--v=0", BrowserTests.FileUrl(pages[0]));
        Assert.Empty(BrowserTests.ConsoleMessages(dom.Stderr));
        foreach (Match link in Regex.Matches(dom.Stdout, "<a href=\"([^\"]+)\">"))
        {
            Assert.True(File.Exists(Path.Combine(study.Folder, link.Groups[1].Value)), $"broken link {link.Groups[1].Value}");
        }
    }

    [Fact]
    public void Run_Refuses_A_Study_File_And_Skips_One_A_Glob_Matches()
    {
        var refused = SvcsimCli.Run("run", StudyFixture.Study, "--quiet");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("a study, not a scenario; run it with: svcsim study", refused.Err, StringComparison.Ordinal);

        var validated = SvcsimCli.Run("validate", StudyFixture.Study);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.Contains("study of 7 scenarios", validated.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Study_With_A_Bad_Entry_Is_Refused_With_Its_Line_And_Writes_Nothing()
    {
        using var dir = new TempDirectory();
        File.Copy(CliPaths.InRepo("Scenarios/worker-crash.yaml"), dir.File("worker-crash.yaml"));
        File.Copy(CliPaths.InRepo("Scenarios/scenario.schema.json"), dir.File("scenario.schema.json"));
        Directory.CreateDirectory(dir.File("manifests"));
        File.Copy(CliPaths.InRepo("Scenarios/manifests/seed.yaml"), Path.Combine(dir.File("manifests"), "seed.yaml"));
        File.WriteAllText(dir.File("bad-study.yaml"), "name: bad\nscenarios:\n  - { fault: worker crash, file: worker-crash.yaml }\n  - { fault: typo, file: nowhere.yaml }\n  - { fault: x, fille: worker-crash.yaml }\n");

        var result = SvcsimCli.Run("study", dir.File("bad-study.yaml"), "--out", dir.File("out"), "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"bad-study\.yaml:4:\d+: scenarios\[1\]\.file: no such scenario file", result.Err);
        Assert.Contains("scenarios[2].fille: unknown key", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Theory]
    // YamlDotNet throws other exceptions than YamlException for these; a study file read its own way once
    // let them through as "svcsim: error: ..." and exit 1.
    [InlineData("...\nname: s\nscenarios:\n  - { fault: x, file: a.yaml }\n", 1, 1, "invalid YAML: '...' ends a document before one has begun")]
    [InlineData("name: s\nscenarios: [{ fault: x, file: a.yaml }]*x\n", 2, 40, "invalid YAML: *x straight after a ']' or '}' is read as a key")]
    public void A_Study_That_Is_Not_Valid_YAML_Is_Refused_At_Its_Place(string text, int line, int column, string message)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("study.yaml"), text);

        var result = SvcsimCli.Run("study", dir.File("study.yaml"), "--out", dir.File("out"), "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"study.yaml:{line}:{column}: {message}", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void A_Study_Nested_Too_Deep_Is_Refused_By_The_Scenario_Limits()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("study.yaml"), "name: s\nscenarios:\n  - { fault: x, file: a.yaml, set: " + new string('[', 500) + new string(']', 500) + " }\n");

        var result = SvcsimCli.Run("validate", dir.File("study.yaml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nested deeper than 100 levels of mappings and lists", result.Err, StringComparison.Ordinal);
    }
}

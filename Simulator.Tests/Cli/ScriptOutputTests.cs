using System.Text.Json.Nodes;
using Json.Schema;
using Svcsim.Cli;
using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>What scripts and CI get from svcsim: --fail-on exit codes, --summary-json, plain progress, tables that fit 80 columns.</summary>
[Collection(CliCollection.Name)]
public sealed class ScriptOutputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(CliPaths.InRepo("docs/summary.schema.json"))));

    /// <summary>Fails with every error the schema finds in <paramref name="json"/>.</summary>
    internal static void AssertValid(JsonNode json)
    {
        var result = Schema.Value.Evaluate(Element(json), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "summary JSON does not match docs/summary.schema.json:\n" + string.Join("\n",
            (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))));
    }

    private static System.Text.Json.JsonElement Element(JsonNode json) => System.Text.Json.JsonDocument.Parse(json.ToJsonString()).RootElement;

    private static string Scenario => CliPaths.InRepo("Scenarios/worker-crash.yaml");

    private CliResult ShortRun(string outDir, params string[] extra) =>
        SvcsimCli.Run(["run", Scenario, .. Tests.Cli.ShortRun.For(Scenario), "--out", outDir, .. extra]);

    [Fact]
    public void Fail_On_Exits_3_After_Writing_Everything_When_An_Objective_Fails_And_0_When_None_Does()
    {
        // Given a short worker crash, in which every way of access loses requests
        string failing = _temp.File("failing");
        var failed = ShortRun(failing, "--quiet", "--fail-on", "availability<0.999", "--summary-json", Path.Combine(failing, "s.json"));

        // Then exit code 3, every file written first, and each failing way of access named on stderr
        Assert.True(failed.ExitCode == 3, failed.ToString());
        Assert.True(File.Exists(Path.Combine(failing, "worker-crash", OutputFiles.ReportHtml)));
        Assert.True(File.Exists(Path.Combine(failing, "s.json")));
        Assert.Contains("fail-on availability<0.999: worker-crash nodeport-spread: availability = 0.", failed.Err, StringComparison.Ordinal);

        // A per-variant objective names only that way of access; one that holds exits 0
        var one = ShortRun(_temp.File("one"), "--quiet", "--fail-on", "metallb-l2:availability<99.9%");
        Assert.True(one.ExitCode == 3, one.ToString());
        Assert.Single(one.Err.Trim().Split('\n'));
        Assert.Contains("worker-crash metallb-l2: availability", one.Err, StringComparison.Ordinal);
        var passing = ShortRun(_temp.File("passing"), "--quiet", "--fail-on", "availability<0.1", "--fail-on", "nodeport:latency_p99_ms>60000");
        Assert.True(passing.ExitCode == 0, passing.ToString());
        Assert.Equal("", passing.Err);
    }

    [Theory]
    [InlineData("availability", "expected [VARIANT:]METRIC OP VALUE")]
    [InlineData("availabilty<0.9", "no metric 'availabilty' (did you mean 'availability'?)")]
    [InlineData("nodeprot:availability<0.9", "no way of access 'nodeprot'")]
    public void A_Bad_Objective_Is_Invalid_Input_And_Nothing_Runs(string objective, string message)
    {
        var result = ShortRun(_temp.File("bad"), "--quiet", "--fail-on", objective);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.File("bad")));
    }

    [Fact]
    public void Summary_Json_Of_A_Run_And_Of_A_Sweep_Matches_The_Schema_And_The_Csv()
    {
        string run = _temp.File("run");
        var result = ShortRun(run, "--quiet", "--summary-json", Path.Combine(run, "summary.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!;
        AssertValid(json);

        // The figures are those of summary_ci.csv, typed
        var ci = CsvFiles.Read<SummaryCiRow>(Path.Combine(run, "worker-crash", OutputFiles.SummaryCi));
        var scenario = json["scenarios"]![0]!;
        var nodeport = scenario["variants"]!.AsArray().Single(v => (string?)v!["name"] == "nodeport")!;
        var availability = ci.Single(c => c.Variant == "nodeport" && !c.IsDifference && c.Metric == "availability");
        Assert.Equal(availability.Mean, (double)nodeport["metrics"]!["availability"]!["mean"]!);
        Assert.Equal(availability.CiLow, (double)nodeport["metrics"]!["availability"]!["ci_low"]!);
        Assert.Equal("nodeport", (string?)nodeport["kind"]);
        var difference = scenario["differences"]!.AsArray().First()!;
        var row = ci.First(c => c.IsDifference);
        Assert.Equal((row.Variant, row.ComparedTo), ((string)difference["variant"]!, (string)difference["compared_to"]!));

        // Latency percentiles carry their pooled value; each difference its p-value, and Holm's over that metric's pairs
        var p99 = ci.Single(c => c.Variant == "nodeport" && !c.IsDifference && c.Metric == "latency_p99_ms");
        Assert.Equal(p99.Pooled, (double)nodeport["metrics"]!["latency_p99_ms"]!["pooled"]!);
        Assert.Null(nodeport["metrics"]!["availability"]!.AsObject()["pooled"]);
        var family = ci.Where(c => c.IsDifference && c.Metric == "availability").ToList();
        var raw = family.Select(c => MultipleComparisons.PairedPValue(new Estimate(c.Replications, c.Mean, c.CiLow, c.CiHigh))).ToList();
        var holm = MultipleComparisons.HolmAdjusted(raw);
        Assert.Equal(10, family.Count);
        for (int i = 0; i < family.Count; i++)
        {
            var entry = scenario["differences"]!.AsArray()
                .Single(d => (string?)d!["variant"] == family[i].Variant && (string?)d["compared_to"] == family[i].ComparedTo)!["metrics"]!["availability"]!;
            Assert.Equal(raw[i], (double)entry["p_value"]!, 12);
            Assert.Equal(holm[i], (double)entry["p_holm"]!, 12);
            Assert.True((double)entry["p_holm"]! >= (double)entry["p_value"]!);
        }

        // A schema that accepted anything would prove nothing: a document with a string mean is refused
        var broken = JsonNode.Parse(json.ToJsonString())!;
        broken["scenarios"]![0]!["variants"]![0]!["metrics"]!["availability"]!["mean"] = "high";
        Assert.False(Schema.Value.Evaluate(Element(broken)).IsValid);

        string sweep = _temp.File("sweep");
        var swept = SvcsimCli.Run([.. SweepFixture.Args(sweep, "--quiet", "--summary-json", Path.Combine(sweep, "summary.json"), "--fail-on", "availability<0")]);
        Assert.True(swept.ExitCode == 0, swept.ToString());
        var sweepJson = JsonNode.Parse(File.ReadAllText(Path.Combine(sweep, "summary.json")))!;
        AssertValid(sweepJson);
        Assert.Equal(SweepFixture.Points, sweepJson["scenarios"]!.AsArray().Count);
        Assert.Equal("100/s", (string?)sweepJson["scenarios"]![0]!["parameters"]!["clients[0].rate"]);

        // Each point's swept values come typed as sweep.csv's parameter columns: numbers in SI units, named as there
        var (_, columns, sweepRows) = SweepCsv.Read(Path.Combine(sweep, OutputFiles.Sweep));
        Assert.Equal(["clients_0_rate_per_s", "control_plane_node_monitor_grace_period_s"], columns.Select(c => c.Column));
        foreach (var point in sweepJson["scenarios"]!.AsArray())
        {
            var typed = point!["typed_parameters"]!.AsArray();
            string parameters = sweepRows.First(r => r.Point == (int)point["point"]!).Parameters;
            Assert.Equal(SweepParameters.Parse(parameters).Select(p => p.Name), typed.Select(t => (string?)t!["path"]));
            for (int i = 0; i < columns.Count; i++)
            {
                var entry = typed[i]!;
                string text = (string)point["parameters"]![columns[i].Path]!;
                Assert.Equal(columns[i].Column, (string?)entry["column"]);
                Assert.Equal(text, (string?)entry["text"]);
                Assert.Equal(System.Text.Json.JsonValueKind.Number, entry["value"]!.GetValueKind());
                Assert.Equal(double.Parse(columns[i].Typed[text], System.Globalization.CultureInfo.InvariantCulture), (double)entry["value"]!);
            }
        }

        var first = sweepJson["scenarios"]![0]!["typed_parameters"]!.AsArray();
        Assert.Equal((100.0, 40.0), ((double)first[0]!["value"]!, (double)first[1]!["value"]!));
        Assert.Null(json["scenarios"]![0]!["typed_parameters"]);
    }

    [Fact]
    public void A_Swept_Parameter_That_Is_Not_A_Number_Stays_Text_In_The_Summary_Json()
    {
        // Given a sweep whose results know one numeric and one text parameter column
        var rows = new List<SweepRow>();
        var numeric = new SweepParameterColumn("replicas", "replicas", "replicas_text", new Dictionary<string, string> { ["2"] = "2", ["3"] = "3" });
        var text = new SweepParameterColumn("policy", "policy", "policy_text", new Dictionary<string, string> { ["Local"] = "Local", ["7"] = "7" });
        var metrics = new double[SweepRow.Metrics.Count];
        foreach (var (point, parameters) in new[] { (0, "replicas=2;policy=Local"), (1, "replicas=3;policy=7") })
        {
            rows.Add(new SweepRow(point, parameters, "nodeport", 0, 1, metrics));
        }

        var sweep = new SweepResults("s", "", [], rows, ConfidenceIntervals.ForSweep(rows)) { ParameterColumns = [numeric, text] };
        var json = JsonNode.Parse(SummaryJson.ForSweep(sweep))!;
        AssertValid(json);

        // Then replicas is a number and policy text at both points, even where its value looks like a number
        var second = json["scenarios"]![1]!["typed_parameters"]!.AsArray();
        Assert.Equal(3.0, (double)second[0]!["value"]!);
        Assert.Equal(System.Text.Json.JsonValueKind.String, second[1]!["value"]!.GetValueKind());
        Assert.Equal("7", (string?)second[1]!["value"]);
        Assert.Equal("Local", (string?)json["scenarios"]![0]!["typed_parameters"]![1]!["value"]);
    }

    [Fact]
    public void Without_A_Terminal_Progress_Is_A_Plain_Line_On_Stderr_And_Quiet_Silences_It()
    {
        var interval = Progress.Interval;
        Progress.Interval = TimeSpan.FromMilliseconds(5); // the sweep's runs take a few tens of milliseconds at least
        try
        {
            var noisy = SvcsimCli.Run([.. SweepFixture.Args(_temp.File("noisy"))]);
            Assert.True(noisy.ExitCode == 0, noisy.ToString());
            Assert.Matches(@"(?m)^points \d+/4, ETA (unknown|\d+s|\d+m\d\ds|\d+h\d\dm)$", noisy.Err);

            var quiet = SvcsimCli.Run([.. SweepFixture.Args(_temp.File("quiet"), "--quiet")]);
            Assert.True(quiet.ExitCode == 0, quiet.ToString());
            Assert.Equal("", quiet.Err);
        }
        finally
        {
            Progress.Interval = interval;
        }

        Assert.Equal("points 12/40, ETA 1h05m", Progress.Line(12 * 15, 40 * 15, "points", 15, TimeSpan.FromMinutes(28)));
        Assert.Equal("runs 0/9, ETA unknown", Progress.Line(0, 9, "runs", 1, TimeSpan.FromSeconds(3)));
        Assert.Equal("3m20s", Progress.Duration(TimeSpan.FromSeconds(200)));
        Assert.Equal("45s", Progress.Duration(TimeSpan.FromSeconds(44.2)));
    }

    [Fact]
    public void The_Comparison_Table_Fits_80_Columns()
    {
        foreach (string file in new[] { "worker-crash.yaml", "control-plane-crash.yaml", "l2-leader-loss.yaml" })
        {
            string scenario = CliPaths.InRepo("Scenarios/" + file);
            var result = SvcsimCli.Run(["run", scenario, .. Tests.Cli.ShortRun.For(scenario), "--out", _temp.File("wide")]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("avail. %", result.Out, StringComparison.Ordinal);
            Assert.All(result.Out.Split('\n').Where(l => !l.StartsWith("wrote ", StringComparison.Ordinal)),
                line => Assert.True(line.TrimEnd().Length <= 80, $"{file}: wider than 80 columns ({line.TrimEnd().Length}): '{line}'"));
        }
    }
}

using Svcsim.Reports;
using Svcsim.Tests.Scenarios;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// run.ps1, as automation calls it: <c>dotnet pwsh -NoProfile -File run.ps1 ...</c> through the PowerShell local
/// tool (restored here with dotnet tool restore, as .ci/run also does). The child starts in Simulator.Tests/, a folder inside the
/// repository (so dotnet finds the tool manifest) from which Scenarios/seed.yaml does not exist: the script must
/// find it from its own folder.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RunScriptTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ScenarioFiles _files = new();

    public void Dispose()
    {
        _temp.Dispose();
        _files.Dispose();
    }

    // A fresh clone has the tool manifest but not the tool: restore it once, as a user would (fast when
    // the package is already in the NuGet cache), so `dotnet test` alone runs these tests.
    private static readonly Lazy<CliResult> ToolRestore = new(() => SvcsimCli.RunChild(CliPaths.Repo, ["tool", "restore"]));

    private static CliResult RunScript(params string[] args)
    {
        Assert.True(ToolRestore.Value.ExitCode == 0, "dotnet tool restore failed\n" + ToolRestore.Value);
        var result = SvcsimCli.RunChild(CliPaths.InRepo("Simulator.Tests"), ["pwsh", "-NoProfile", "-File", CliPaths.InRepo("run.ps1"), .. args]);
        Assert.False(result.Err.Contains("dotnet tool restore", StringComparison.Ordinal),
            "the PowerShell local tool is not restored: run 'dotnet tool restore' at the repository root\n" + result);
        return result;
    }

    [Fact]
    public void The_Script_Builds_Runs_A_Scenario_And_Exits_0()
    {
        // When (several --set values in one argument, as pwsh -File passes them)
        var result = RunScript("-Scenario", "Scenarios/seed.yaml", "-Set", "duration=15s,measurement.warmup=2s",
            "-Replications", "2", "-Parallel", "2", "-Out", _temp.Path);

        // Then
        Assert.True(result.ExitCode == 0, result.ToString());
        string dir = Path.Combine(_temp.Path, "seed");
        foreach (string name in new[] { OutputFiles.Summary, OutputFiles.SummaryCi, OutputFiles.Timeseries, OutputFiles.Events, OutputFiles.ReportHtml })
        {
            Assert.True(File.Exists(Path.Combine(dir, name)), $"{name} is missing\n{result}");
        }
        string runJson = File.ReadAllText(Path.Combine(dir, OutputFiles.RunJson));
        Assert.Contains("\"value\": \"duration=15s\"", runJson, StringComparison.Ordinal);
        Assert.Contains("\"value\": \"measurement.warmup=2s\"", runJson, StringComparison.Ordinal);
        Assert.Equal(1 + 2 * 4, File.ReadAllLines(Path.Combine(dir, OutputFiles.Summary)).Length); // 2 replications x 4 ways
    }

    [Fact]
    public void An_Invalid_Scenario_Exits_2_With_Its_Line_And_Column()
    {
        // Given the seed example with a node port out of range
        string scenario = _files.Write("s.yaml", File.ReadAllText(CliPaths.InRepo("Scenarios/seed.yaml"))
            .Replace("manifests: manifests/seed.yaml", "manifests: m.yaml", StringComparison.Ordinal));
        string manifests = _files.Write("m.yaml", File.ReadAllText(CliPaths.InRepo("Scenarios/manifests/seed.yaml"))
            .Replace("nodePort: 30000", "nodePort: 29999", StringComparison.Ordinal));

        // When
        var result = RunScript("-Scenario", scenario, "-Out", Path.Combine(_temp.Path, "out"));

        // Then
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(manifests)}:\d+:\d+: Service/np-nginx\.spec\.ports\[0\]\.nodePort: 29999 is outside", result.Err);
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "out")));
    }

    [Fact]
    public void The_Script_Sweeps_With_Several_Params_In_One_Argument()
    {
        // When two swept parameters come in one -File argument
        var result = RunScript("-Sweep", "Scenarios/seed.yaml",
            "-Param", "clients[0].rate=100/s,200/s,controlPlane.nodeMonitorGracePeriod=40s,50s",
            "-Set", "duration=15s,measurement.warmup=2s", "-Replications", "1", "-Out", _temp.Path, "-NoBuild");

        // Then the grid has 2 x 2 points
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = SweepCsv.Read(Path.Combine(_temp.Path, OutputFiles.Sweep)).Rows;
        Assert.Equal(4, rows.Select(r => r.Parameters).Distinct().Count());
    }

    [Theory]
    [InlineData("missing mandatory parameters: Sweep", "-Param", "seed=1,2")]       // -Param without -Sweep
    [InlineData("Parameter set cannot be resolved", "-Validate", "-Sweep", "Scenarios/seed.yaml")]
    [InlineData("Parameter set cannot be resolved", "-Study", "Scenarios/origin-study.yaml", "-Scenario", "Scenarios/seed.yaml")]
    [InlineData("A positional parameter cannot be found", "-Set", "duration=20s", "replications=2")] // a second value bound by position
    [InlineData("A parameter cannot be found that matches parameter name 'Sett'", "-Sett", "duration=20s")]
    [InlineData("Cannot validate argument on parameter 'Replications'", "-Replications", "0")]
    [InlineData("Cannot process argument transformation on parameter 'Parallel'", "-Parallel", "two")]
    [InlineData("Cannot validate argument on parameter 'Shard'", "-Sweep", "Scenarios/seed.yaml", "-Shard", "4")]
    public void PowerShell_Refuses_Parameters_That_Mean_Nothing_Before_Building(string message, params string[] args)
    {
        // Typed parameters in parameter sets: PowerShell itself refuses the call, before a line of the script runs
        // (so nothing is built); under pwsh -File that is exit code 1 and its message on stderr.
        var result = RunScript(args);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet build", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void PassThru_Returns_The_Rows_Of_Summary_Csv_As_Objects_And_Fail_On_Exits_3()
    {
        // When a PowerShell caller takes the objects (svcsim's table goes to the host, not into the pipeline)
        Assert.True(ToolRestore.Value.ExitCode == 0, ToolRestore.Value.ToString());
        string script = CliPaths.InRepo("run.ps1").Replace("'", "''", StringComparison.Ordinal);
        string outDir = _temp.File("passthru").Replace("'", "''", StringComparison.Ordinal);
        var result = SvcsimCli.RunChild(CliPaths.InRepo("Simulator.Tests"), ["pwsh", "-NoProfile", "-Command",
            $"$rows = @(& '{script}' -Scenario Scenarios/seed.yaml -Set duration=15s,measurement.warmup=2s -Replications 2 -Out '{outDir}' -FailOn 'availability<0' -PassThru -NoBuild); "
            + "$code = $LASTEXITCODE; $rows | Select-Object variant, replication, availability | ConvertTo-Json -Compress; exit $code"]);

        // Then one object per row of summary.csv, with its columns as properties
        Assert.True(result.ExitCode == 0, result.ToString());
        string json = result.Out.Trim().Split('\n')[^1];
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var rows = CsvFiles.Read<SummaryRow>(Path.Combine(_temp.File("passthru"), "seed", OutputFiles.Summary));
        Assert.Equal(rows.Count, doc.RootElement.GetArrayLength());
        for (int i = 0; i < rows.Count; i++)
        {
            var o = doc.RootElement[i];
            Assert.Equal(rows[i].Variant, o.GetProperty("variant").GetString());
            Assert.Equal(rows[i].Availability, double.Parse(o.GetProperty("availability").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }

        // And an objective that fails gives svcsim's exit code 3, through the script
        var failing = RunScript("-Scenario", "Scenarios/seed.yaml", "-Set", "duration=15s,measurement.warmup=2s", "-Replications", "2",
            "-Out", _temp.File("failing"), "-FailOn", "latency_p99_ms>0", "-NoBuild");
        Assert.True(failing.ExitCode == 3, failing.ToString());
    }

    [Fact]
    public void The_Script_Has_Help_For_Every_Parameter()
    {
        string script = File.ReadAllText(CliPaths.InRepo("run.ps1"));
        foreach (string section in new[] { ".SYNOPSIS", ".DESCRIPTION", ".EXAMPLE" })
        {
            Assert.Contains(section, script, StringComparison.Ordinal);
        }
        foreach (string parameter in new[] { "Scenario", "Study", "Sweep", "Param", "Shard", "Out", "Replications", "Parallel", "Set", "FailOn", "PassThru", "Validate", "NoBuild" })
        {
            Assert.Contains(".PARAMETER " + parameter + "\n", script.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }
}

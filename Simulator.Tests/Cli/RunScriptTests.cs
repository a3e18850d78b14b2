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
        var rows = CsvFiles.Read<SweepRow>(Path.Combine(_temp.Path, OutputFiles.Sweep));
        Assert.Equal(4, rows.Select(r => r.Parameters).Distinct().Count());
    }

    [Theory]
    [InlineData("-Param", "seed=1,2")]                     // -Param without -Sweep
    [InlineData("-Validate", "-Sweep", "Scenarios/seed.yaml")]
    [InlineData("-Set", "duration=20s", "replications=2")] // a second value given as pwsh -File would bind it by position
    [InlineData("-Sett", "duration=20s")]
    public void Parameters_That_Mean_Nothing_Exit_2_Before_Building(params string[] args)
    {
        var result = RunScript(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("run.ps1: ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Script_Has_Help_For_Every_Parameter()
    {
        string script = File.ReadAllText(CliPaths.InRepo("run.ps1"));
        foreach (string section in new[] { ".SYNOPSIS", ".DESCRIPTION", ".EXAMPLE" })
        {
            Assert.Contains(section, script, StringComparison.Ordinal);
        }
        foreach (string parameter in new[] { "Scenario", "Sweep", "Param", "Shard", "Out", "Replications", "Parallel", "Set", "Validate", "NoBuild" })
        {
            Assert.Contains(".PARAMETER " + parameter + "\n", script.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }
}

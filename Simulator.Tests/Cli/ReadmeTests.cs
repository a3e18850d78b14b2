using System.Globalization;
using Svcsim.Cli;
using Svcsim.Experiments;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Cli;

/// <summary>The README's example table is what the simulator computes today, so the README keeps telling the truth.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void The_Readme_Worker_Crash_Table_Matches_A_Fresh_Run()
    {
        // Given the worker-crash scenario as shipped
        var file = ScenarioLoader.Load(CliPaths.InRepo("Scenarios/worker-crash.yaml"));

        // When it runs
        var results = ExperimentRunner.Run(file.Spec, parallelism: 2);
        var summary = results.Runs.Select(r => ResultMapping.Summary(file.Spec.Name, r)).ToList();
        var ci = ConfidenceIntervals.ForSummary(summary);

        // Then every way of access's row in the README shows these figures (to rewrite them after a change of the
        // model, run this test with SVCSIM_UPDATE_DOCS=1)
        string path = CliPaths.InRepo("README.md");
        string readme = File.ReadAllText(path);
        var lines = readme.Split('\n');
        foreach (var variant in file.Spec.Variants.Select(v => v.Name))
        {
            string F(string metric, double scale, int digits)
            {
                var row = ci.Single(r => r.Variant == variant && r.ComparedTo.Length == 0 && r.Metric == metric);
                string Fmt(double x) => (x * scale).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                double half = (row.CiHigh - row.CiLow) / 2;
                return half > 0 ? $"{Fmt(row.Mean)} ± {Fmt(half)}" : Fmt(row.Mean);
            }
            string cells = $"| {F("availability", 100, 2)} | {F("longest_outage_s", 1, 1)} | {F("latency_p99_ms", 1, 1)} | {F("max_node_utilization", 1, 3)} |";
            int at = Array.FindIndex(lines, l => l.StartsWith($"| {variant} ", StringComparison.Ordinal));
            Assert.True(at >= 0, $"README has no row for {variant}");
            if (Environment.GetEnvironmentVariable("SVCSIM_UPDATE_DOCS") == "1")
            {
                var parts = lines[at].Split('|');
                lines[at] = $"|{parts[1]}{cells}";
            }
            Assert.True(lines[at].EndsWith(cells, StringComparison.Ordinal), $"README row for {variant} should end with {cells}:\n{lines[at]}");
        }
        if (Environment.GetEnvironmentVariable("SVCSIM_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, string.Join('\n', lines));
        }
    }
}

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

        // Then every way of access's row in the README shows these availability and longest-outage figures
        string readme = File.ReadAllText(CliPaths.InRepo("README.md"));
        foreach (var variant in file.Spec.Variants.Select(v => v.Name))
        {
            string F(string metric, double scale, int digits)
            {
                var row = ci.Single(r => r.Variant == variant && r.ComparedTo.Length == 0 && r.Metric == metric);
                string Fmt(double x) => (x * scale).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                double half = (row.CiHigh - row.CiLow) / 2;
                return half > 0 ? $"{Fmt(row.Mean)} ± {Fmt(half)}" : Fmt(row.Mean);
            }
            string cells = $"| {F("availability", 100, 2)} | {F("longest_outage_s", 1, 1)} |";
            var line = readme.Split('\n').FirstOrDefault(l => l.StartsWith($"| {variant} ", StringComparison.Ordinal));
            Assert.True(line is not null, $"README has no row for {variant}");
            Assert.True(line!.Contains(cells, StringComparison.Ordinal), $"README row for {variant} should hold {cells}:\n{line}");
        }
    }
}

using Svcsim.Cli;
using Svcsim.Experiments;
using Svcsim.Reports;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Cli;

/// <summary>The README's decision matrix is what the origin study computes today, so the README keeps telling the truth.</summary>
public sealed class ReadmeTests
{
    private const string Begin = "<!-- origin-study decision.md: begin -->\n";
    private const string End = "<!-- origin-study decision.md: end -->";

    [Fact]
    public void The_Readme_Decision_Matrix_Is_What_The_Origin_Study_Computes()
    {
        // Given the origin study as shipped, with every scenario's own replications (the README's first command)
        var study = StudyFile.Load(CliPaths.InRepo("Scenarios/origin-study.yaml"));

        // When each scenario runs (the simulation only: the matrix needs no plots)
        var scenarios = new List<StudyScenario>();
        foreach (var entry in study.Entries)
        {
            var file = ScenarioLoader.Load(entry.File, entry.Overrides);
            var results = ExperimentRunner.Run(file.Spec, parallelism: 2);
            scenarios.Add(new StudyScenario(entry.Fault, RunCommand.FolderName(file), ResultMapping.ToRunResults(results, file.Text, [])));
        }

        string matrix = StudyReportWriter.DecisionMarkdown(new StudyResults(study.Name, study.Description, study.Text, [], scenarios));

        // Then the README holds exactly that table (out/origin-study/decision.md after `svcsim study`; to rewrite
        // it after a change of the model, run this test with SVCSIM_UPDATE_DOCS=1)
        string path = CliPaths.InRepo("README.md");
        string readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        int from = readme.IndexOf(Begin, StringComparison.Ordinal);
        int to = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"README.md has no block between '{Begin.Trim()}' and '{End}'");
        if (Environment.GetEnvironmentVariable("SVCSIM_UPDATE_DOCS") == "1")
        {
            readme = readme[..(from + Begin.Length)] + matrix + readme[to..];
            File.WriteAllText(path, readme);
            to = readme.IndexOf(End, StringComparison.Ordinal);
        }
        Assert.True(readme[(from + Begin.Length)..to] == matrix,
            $"README.md's decision matrix differs from a fresh run of the origin study; paste in out/origin-study/decision.md:\n{matrix}");
    }
}

using System.Text.RegularExpressions;
using Svcsim.Reports;
using Svcsim.Tests.Reports;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Tests.Cli;

/// <summary>
/// The Kubernetes Jobs and the container image in deploy/ agree with themselves (as many Job completions as the N of
/// --shard I/N, a merge that finds every shard folder), and the Jobs' commands, run here with shorter simulations,
/// produce shards that svcsim merge joins. The Slurm array runs on a real cluster in <see cref="SlurmArrayTests"/>.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class DeployTests : IDisposable
{
    /// <summary>Makes the deploy files' simulations short: the commands are otherwise run as written.</summary>
    private const string Shorter = "--set duration=20s --set measurement.warmup=2s --set faults[0].at=8s --replications 1";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<YamlMappingNode> Documents(string relative)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(CliPaths.InRepo(relative)))
        {
            stream.Load(reader);
        }
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    private static YamlMappingNode Of(List<YamlMappingNode> docs, string kind) =>
        Assert.Single(docs, d => Text(d, "kind") == kind);

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (string step in path)
        {
            node = Assert.IsType<YamlMappingNode>(node).Children[new YamlScalarNode(step)];
        }
        return node;
    }

    private static string Text(YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(At(node, path)).Value!;

    private static YamlMappingNode Container(YamlMappingNode job) =>
        Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(At(job, "spec", "template", "spec", "containers"))));

    /// <summary>The shell command of the sweep Job's container.</summary>
    private static string JobCommand(YamlMappingNode job)
    {
        var container = Container(job);
        Assert.Equal(["/bin/sh", "-c"], Assert.IsType<YamlSequenceNode>(At(container, "command")).Select(n => ((YamlScalarNode)n).Value));
        return ((YamlScalarNode)Assert.Single(Assert.IsType<YamlSequenceNode>(At(container, "args")))).Value!;
    }

    [Fact]
    public void The_Indexed_Job_Has_One_Completion_Per_Shard_And_Mounts_The_Scenario_And_The_Results()
    {
        // Given
        var docs = Documents("deploy/sweep-indexed-job.yaml");
        var job = Of(docs, "Job");
        string command = JobCommand(job);

        // Then: Indexed, and completions = the N of --shard (JOB_COMPLETION_INDEX+1)/N
        Assert.Equal("Indexed", Text(job, "spec", "completionMode"));
        int completions = int.Parse(Text(job, "spec", "completions"), System.Globalization.CultureInfo.InvariantCulture);
        var shard = JobShard().Match(command);
        Assert.True(shard.Success, "no --shard $((JOB_COMPLETION_INDEX+1))/N in: " + command);
        Assert.Equal(completions, int.Parse(shard.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(int.Parse(Text(job, "spec", "parallelism"), System.Globalization.CultureInfo.InvariantCulture), 1, completions);
        Assert.Equal("Never", Text(job, "spec", "template", "spec", "restartPolicy"));
        Assert.Contains("--out /results/shard-${JOB_COMPLETION_INDEX}", command, StringComparison.Ordinal);
        Assert.Contains("svcsim sweep /scenarios/x.yaml", command, StringComparison.Ordinal);

        // and the volumes are the file's ConfigMap (holding x.yaml) and PersistentVolumeClaim, where the command looks
        var volumes = Assert.IsType<YamlSequenceNode>(At(job, "spec", "template", "spec", "volumes")).Cast<YamlMappingNode>().ToList();
        var mounts = Assert.IsType<YamlSequenceNode>(At(Container(job), "volumeMounts")).Cast<YamlMappingNode>()
            .ToDictionary(m => Text(m, "name"), m => Text(m, "mountPath"));
        var configMap = Of(docs, "ConfigMap");
        var scenarioVolume = Assert.Single(volumes, v => v.Children.ContainsKey(new YamlScalarNode("configMap")));
        Assert.Equal(Text(configMap, "metadata", "name"), Text(scenarioVolume, "configMap", "name"));
        Assert.Equal("/scenarios", mounts[Text(scenarioVolume, "name")]);
        Assert.NotEmpty(Text(configMap, "data", "x.yaml"));
        var resultsVolume = Assert.Single(volumes, v => v.Children.ContainsKey(new YamlScalarNode("persistentVolumeClaim")));
        Assert.Equal(Text(Of(docs, "PersistentVolumeClaim"), "metadata", "name"), Text(resultsVolume, "persistentVolumeClaim", "claimName"));
        Assert.Equal("/results", mounts[Text(resultsVolume, "name")]);
    }

    [Fact]
    public void The_Jobs_Commands_Write_Shards_That_The_Merge_Job_Joins()
    {
        // Given the Job's command, with svcsim on the PATH and the volumes in a temporary folder
        var docs = Documents("deploy/sweep-indexed-job.yaml");
        var job = Of(docs, "Job");
        int completions = int.Parse(Text(job, "spec", "completions"), System.Globalization.CultureInfo.InvariantCulture);
        string scenarios = Directory.CreateDirectory(_temp.File("scenarios")).FullName;
        string results = Directory.CreateDirectory(_temp.File("results")).FullName;
        File.WriteAllText(Path.Combine(scenarios, "x.yaml"), Text(Of(docs, "ConfigMap"), "data", "x.yaml"));
        string command = JobCommand(job).Replace("/scenarios/", scenarios + "/", StringComparison.Ordinal)
            .Replace("/results/", results + "/", StringComparison.Ordinal) + " " + Shorter;
        string path = WrapperOnPath();

        // When each index runs (as the Job controller would start them)
        for (int index = 0; index < completions; index++)
        {
            var shard = SvcsimCli.RunProgram("/bin/sh", _temp.Path, ["-c", command],
                new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture), ["PATH"] = path });
            Assert.True(shard.ExitCode == 0, $"index {index}: {shard}");
        }
        // and then the merge Job's arguments
        var mergeArgs = Assert.IsType<YamlSequenceNode>(At(Container(Of(Documents("deploy/sweep-merge-job.yaml"), "Job")), "args"))
            .Select(n => ((YamlScalarNode)n).Value!.Replace("/results/", results + "/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Enumerable.Range(0, completions).Select(i => $"{results}/shard-{i}"), mergeArgs.Where(a => a.Contains("/shard-", StringComparison.Ordinal)));
        var merged = SvcsimCli.Run(mergeArgs);

        // Then the shards were one sweep: 3 rates x 2 grace periods, each point computed once
        Assert.True(merged.ExitCode == 0, merged.ToString());
        var rows = CsvFiles.Read<SweepRow>(Path.Combine(results, "merged", OutputFiles.Sweep));
        Assert.Equal(Enumerable.Range(0, 6), rows.Select(r => r.Point).Distinct().Order());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("three")]
    [InlineData("-1")]
    public void The_Slurm_Script_Refuses_A_Shard_Count_That_Is_No_Whole_Number(string shards)
    {
        // Given no Slurm job around it: the script submits, and checks first
        var result = SvcsimCli.RunProgram("bash", _temp.Path, [CliPaths.InRepo("deploy/slurm-array.sh")],
            new Dictionary<string, string> { ["SHARDS"] = shards, ["SLURM_JOB_ID"] = "", ["PATH"] = "/usr/bin:/bin" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"SHARDS={shards}: expected a whole number of at least 1", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Containerfile_Publishes_With_The_Sdk_And_Runs_svcsim_On_The_Runtime_With_A_Font()
    {
        var lines = File.ReadAllLines(CliPaths.InRepo("deploy/Containerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();

        var from = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", "FROM mcr.microsoft.com/dotnet/runtime:10.0"], from);
        Assert.Contains(lines, l => l.Contains("dotnet publish Simulator/Simulator.csproj -c Release", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("fonts-dejavu-core", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
        Assert.Equal("ENTRYPOINT [\"svcsim\"]", Assert.Single(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
        // Every folder copied into the build exists (a renamed project would otherwise break only the image build).
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            foreach (string source in copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            {
                Assert.True(Path.Exists(CliPaths.InRepo(source.TrimEnd('/'))), $"{copy}: {source} is not in the repository");
            }
        }
    }

    /// <summary>A folder holding an executable <c>svcsim</c> that runs the tests' svcsim.dll, put first on the PATH.</summary>
    private string WrapperOnPath()
    {
        string bin = Directory.CreateDirectory(_temp.File("bin")).FullName;
        string wrapper = Path.Combine(bin, "svcsim");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec \"{SvcsimCli.Dotnet}\" \"{SvcsimCli.Dll}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows()) // the Job's shell and the Slurm script are Linux's
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
    }

    [GeneratedRegex(@"--shard \$\(\(JOB_COMPLETION_INDEX\+1\)\)/(\d+)\b")]
    private static partial Regex JobShard();
}

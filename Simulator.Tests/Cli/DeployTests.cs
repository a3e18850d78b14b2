using System.Text.RegularExpressions;
using Svcsim.Reports;
using Svcsim.Tests.Reports;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Tests.Cli;

/// <summary>
/// The Kubernetes Jobs in deploy/ agree with themselves (as many Job completions as the N of
/// --shard I/N, a merge that finds every shard folder), and the Jobs' commands, run here with shorter simulations,
/// produce shards that svcsim merge joins. The Slurm array runs on a real cluster in <see cref="SlurmArrayTests"/>, the
/// container image's build steps in <see cref="ContainerImageTests"/>.
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

    /// <summary>The shell command of a Job's container.</summary>
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

        string mergeCommand = JobCommand(Of(Documents("deploy/sweep-merge-job.yaml"), "Job"))
            .Replace("/results/", results + "/", StringComparison.Ordinal);
        CliResult Index(int index) => SvcsimCli.RunProgram("/bin/sh", _temp.Path, ["-c", command],
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture), ["PATH"] = path });
        CliResult Merge() => SvcsimCli.RunProgram("/bin/sh", _temp.Path, ["-c", mergeCommand], new Dictionary<string, string> { ["PATH"] = path });

        // When every index but the last has run (as the Job controller would start them), and the merge Job runs
        for (int index = 0; index < completions - 1; index++)
        {
            var shard = Index(index);
            Assert.True(shard.ExitCode == 0, $"index {index}: {shard}");
        }
        var early = Merge();

        // Then the merge, which takes every shard folder present, fails naming the first point of the missing shard
        Assert.True(early.ExitCode == 1, early.ToString());
        Assert.Contains($"missing 2 of 6 points (first: {completions - 1}); run the remaining shards first", early.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(results, "merged")));

        // When the last index has run too, and the merge Job runs again
        var last = Index(completions - 1);
        Assert.True(last.ExitCode == 0, last.ToString());
        var merged = Merge();

        // Then the shards were one sweep: 3 rates x 2 grace periods, each point computed once
        Assert.True(merged.ExitCode == 0, merged.ToString());
        Assert.Contains($"merged 6 points into {results}/merged/{OutputFiles.Sweep}", merged.Out, StringComparison.Ordinal);
        var rows = SweepCsv.Read(Path.Combine(results, "merged", OutputFiles.Sweep)).Rows;
        Assert.Equal(Enumerable.Range(0, 6), rows.Select(r => r.Point).Distinct().Order());
    }

    public static TheoryData<string> JobFiles() => new("deploy/sweep-indexed-job.yaml", "deploy/sweep-merge-job.yaml");

    /// <summary>
    /// The checks of the Pod Security Standard "restricted" (and so "baseline") that apply to these pods, as the
    /// admission controller makes them: a namespace enforcing it admits the Jobs' pods.
    /// </summary>
    [Theory]
    [MemberData(nameof(JobFiles))]
    public void The_Jobs_Pods_Meet_The_Restricted_Pod_Security_Standard(string file)
    {
        var pod = Assert.IsType<YamlMappingNode>(At(Of(Documents(file), "Job"), "spec", "template", "spec"));
        var podContext = Assert.IsType<YamlMappingNode>(At(pod, "securityContext"));
        var containers = Assert.IsType<YamlSequenceNode>(At(pod, "containers")).Cast<YamlMappingNode>().ToList();
        string? Optional(YamlMappingNode node, params string[] path) =>
            path.Length == 1 ? (node.Children.TryGetValue(new YamlScalarNode(path[0]), out var v) ? ((YamlScalarNode)v).Value : null)
            : node.Children.TryGetValue(new YamlScalarNode(path[0]), out var child) ? Optional((YamlMappingNode)child, path[1..]) : null;

        // baseline: no host namespaces, no privileged containers, no host ports, only volumes of the allowed kinds
        Assert.All(new[] { "hostNetwork", "hostPID", "hostIPC" }, f => Assert.NotEqual("true", Optional(pod, f)));
        string[] allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
        Assert.All(Assert.IsType<YamlSequenceNode>(At(pod, "volumes")).Cast<YamlMappingNode>(), v =>
            Assert.Subset(allowedVolumes.Append("name").ToHashSet(), v.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet()));
        // restricted: non-root (not uid 0), the runtime's seccomp profile, set for the pod and so for every container
        Assert.Equal("true", Optional(podContext, "runAsNonRoot"));
        Assert.NotEqual("0", Optional(podContext, "runAsUser"));
        Assert.Equal("RuntimeDefault", Optional(podContext, "seccompProfile", "type"));
        Assert.All(containers, c =>
        {
            var context = Assert.IsType<YamlMappingNode>(At(c, "securityContext"));
            Assert.NotEqual("true", Optional(context, "privileged"));
            Assert.Equal("false", Optional(context, "allowPrivilegeEscalation"));
            Assert.NotEqual("false", Optional(context, "runAsNonRoot"));
            Assert.Equal(["ALL"], Assert.IsType<YamlSequenceNode>(At(context, "capabilities", "drop")).Select(n => ((YamlScalarNode)n).Value));
            Assert.False(Assert.IsType<YamlMappingNode>(At(context, "capabilities")).Children.ContainsKey(new YamlScalarNode("add")));
            Assert.False(c.Children.ContainsKey(new YamlScalarNode("ports")), "no host ports, and no ports at all");
        });
    }

    [Fact]
    public void The_Indexed_Job_Retries_Each_Shard_Alone_And_Does_Not_Count_Evictions()
    {
        var spec = Assert.IsType<YamlMappingNode>(At(Of(Documents("deploy/sweep-indexed-job.yaml"), "Job"), "spec"));
        int Number(params string[] path) => int.Parse(Text(spec, path), System.Globalization.CultureInfo.InvariantCulture);

        // Per-index retries, the Job stopped once more indexes failed than it may lose, never the shared backoffLimit
        Assert.InRange(Number("backoffLimitPerIndex"), 1, 10);
        Assert.InRange(Number("maxFailedIndexes"), 0, Number("completions") - 1);
        Assert.False(spec.Children.ContainsKey(new YamlScalarNode("backoffLimit")));
        // a disruption (eviction, preemption, a drained or lost node) is ignored: the pod is replaced, the shard resumes
        var rules = Assert.IsType<YamlSequenceNode>(At(spec, "podFailurePolicy", "rules")).Cast<YamlMappingNode>().ToList();
        var ignore = Assert.Single(rules, r => Text(r, "action") == "Ignore");
        var condition = Assert.Single(Assert.IsType<YamlSequenceNode>(At(ignore, "onPodConditions")).Cast<YamlMappingNode>());
        Assert.Equal("DisruptionTarget", Text(condition, "type"));
        // invalid input (svcsim's exit code 2) fails the whole Job: every shard has the same scenario
        var failJob = Assert.Single(rules, r => Text(r, "action") == "FailJob");
        Assert.Equal("In", Text(failJob, "onExitCodes", "operator"));
        Assert.Equal([Svcsim.Cli.SvcsimCommand.ExitInvalidInput.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Assert.IsType<YamlSequenceNode>(At(failJob, "onExitCodes", "values")).Select(n => ((YamlScalarNode)n).Value));
        Assert.Equal(Text(Container(Of(Documents("deploy/sweep-indexed-job.yaml"), "Job")), "name"), Text(failJob, "onExitCodes", "containerName"));
        // one pod per shard folder at a time, a deadline for the whole sweep, and the finished Job cleaned up
        Assert.Equal("Failed", Text(spec, "podReplacementPolicy"));
        Assert.InRange(Number("activeDeadlineSeconds"), 3600, 7 * 86400);
        Assert.InRange(Number("ttlSecondsAfterFinished"), 3600, 30 * 86400);
    }

    [Fact]
    public void The_Merge_Job_Is_Not_Retried_But_Survives_An_Eviction_And_Is_Cleaned_Up()
    {
        var spec = Assert.IsType<YamlMappingNode>(At(Of(Documents("deploy/sweep-merge-job.yaml"), "Job"), "spec"));

        Assert.Equal("0", Text(spec, "backoffLimit"));
        var rule = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(At(spec, "podFailurePolicy", "rules"))));
        Assert.Equal("Ignore", Text(rule, "action"));
        Assert.Equal("DisruptionTarget", Text(Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(At(rule, "onPodConditions")))), "type"));
        Assert.NotEmpty(Text(spec, "activeDeadlineSeconds"));
        Assert.NotEmpty(Text(spec, "ttlSecondsAfterFinished"));
        Assert.Contains("svcsim merge --out /results/merged /results/shard-*", JobCommand(Of(Documents("deploy/sweep-merge-job.yaml"), "Job")), StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs deploy/wait-job.sh with a stand-in for kubectl that answers each call with the next of
    /// <paramref name="answers"/> (exit code, then output), the last one for ever.
    /// </summary>
    private CliResult WaitJob(string timeout, params (int Code, string Output)[] answers)
    {
        string fake = Directory.CreateDirectory(_temp.File("kubectl-" + Guid.NewGuid().ToString("N"))).FullName;
        for (int i = 0; i < answers.Length; i++)
        {
            File.WriteAllText(Path.Combine(fake, $"answer.{i + 1}"), answers[i].Output);
            File.WriteAllText(Path.Combine(fake, $"code.{i + 1}"), answers[i].Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        string kubectl = Path.Combine(fake, "kubectl");
        File.WriteAllText(kubectl, $$"""
            #!/bin/sh
            dir='{{fake}}'
            n=$(($(cat "$dir/calls" 2>/dev/null || echo 0) + 1)); echo "$n" > "$dir/calls"
            printf '%s\n' "$*" > "$dir/args"
            [ -f "$dir/answer.$n" ] || n={{answers.Length}}
            cat "$dir/answer.$n"; exit "$(cat "$dir/code.$n")"

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(kubectl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var result = SvcsimCli.RunProgram("sh", _temp.Path, [CliPaths.InRepo("deploy/wait-job.sh"), "svcsim-sweep", "-n", "sweeps"],
            new Dictionary<string, string> { ["KUBECTL"] = kubectl, ["WAIT_POLL"] = "0.05", ["WAIT_TIMEOUT"] = timeout });
        // kubectl was asked for this Job's conditions, in the namespace given after the Job's name
        Assert.StartsWith("get job svcsim-sweep -n sweeps -o jsonpath={range .status.conditions[*]}", File.ReadAllText(Path.Combine(fake, "args")), StringComparison.Ordinal);
        return result;
    }

    private const string Running = "failedIndexes=";

    [Fact]
    public void Waiting_For_A_Job_Returns_As_Soon_As_It_Fails_And_Says_Why()
    {
        var result = WaitJob("600", (0, Running), (0, Running),
            (0, "FailureTarget=True FailedIndexes: Job has failed indexes\nFailed=True FailedIndexes: Job has failed indexes\nfailedIndexes=1"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("job/svcsim-sweep failed: FailedIndexes: Job has failed indexes (failed indexes: 1)", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Waiting_For_A_Job_Returns_When_It_Is_Complete()
    {
        var result = WaitJob("600", (0, Running), (0, "SuccessCriteriaMet=True CompletionsReached: Reached expected number of succeeded pods\nComplete=True CompletionsReached: Reached expected number of succeeded pods\nfailedIndexes="));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("job/svcsim-sweep is complete", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Waiting_For_A_Job_Gives_Up_After_Its_Timeout_Or_When_Kubectl_Keeps_Failing()
    {
        var stuck = WaitJob("1", (0, "Suspended=False JobResumed: Job resumed\nfailedIndexes="));
        var missing = WaitJob("600", (1, "Error from server (NotFound): jobs.batch \"svcsim-sweep\" not found"));

        Assert.True(stuck.ExitCode == 2, stuck.ToString());
        Assert.Contains("job/svcsim-sweep has not finished after 1 s", stuck.Err, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("kubectl failed 6 times in a row: Error from server (NotFound)", missing.Err, StringComparison.Ordinal);
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

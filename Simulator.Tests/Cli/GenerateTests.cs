using Svcsim.Access;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Cli;

/// <summary><c>svcsim generate</c> writes a scenario that loads as written, or refuses with exit 2 and no output.</summary>
[Collection(CliCollection.Name)]
public sealed class GenerateTests
{
    [Fact]
    public void Generate_Writes_A_Valid_Scenario_Of_The_Size_Asked_For()
    {
        // When a 300-node cluster with 10 pods per worker, 7 Services and 3 zones is generated
        var result = SvcsimCli.Run("generate", "--nodes", "300", "--pods-per-node", "10", "--services", "7", "--zones", "3",
            "--variants", "nodeport,metallb-l2,metallb-bgp,cloud-lb");

        // Then it is a scenario that loads without a warning, with exactly those nodes, pods and Services
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Err);
        var file = ScenarioLoader.LoadText(result.Out, "generated.yaml");
        Assert.Empty(file.Warnings);
        var spec = file.Spec;
        Assert.Equal(300, spec.Nodes.Count);
        Assert.Equal(1, spec.Nodes.Count(n => n.Role == Svcsim.Network.NodeRole.ControlPlane));
        Assert.Equal(["zone-a", "zone-b", "zone-c"], spec.Nodes.Select(n => n.Zone).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(7, spec.PodSources.Count);
        Assert.Equal(299 * 10, spec.PodSources.Sum(d => d.Replicas));
        Assert.InRange(spec.PodSources.Max(d => d.Replicas) - spec.PodSources.Min(d => d.Replicas), 0, 1);
        Assert.Equal(7, spec.Services.Count(s => s.Type == ServiceType.LoadBalancer));
        Assert.Equal(7, spec.Services.Select(s => s.LoadBalancerIp).Distinct().Count());
        Assert.Equal(["nodeport", "metallb-l2", "metallb-bgp", "cloud-lb-gce"], spec.Variants.Select(v => v.Name));
        Assert.Equal(new NodeCrash("w1", 60), Assert.Single(spec.Faults));
        Assert.Equal([spec.Nodes[0].Ip], Assert.IsType<NodePortAccess>(spec.Variants[0]).Addresses);
    }

    [Fact]
    public void The_Header_Names_The_Command_That_Writes_The_File_Again_And_Any_Name_Reads_Back()
    {
        // Given a scenario generated with every option away from its default, and a name YAML and a shell must quote
        string[] args = ["generate", "--nodes", "7", "--pods-per-node", "2", "--services", "2", "--zones", "2", "--control-planes", "2",
            "--rate", "250", "--duration", "90s", "--crash-at", "none", "--variants", "nodeport,metallb-l2", "--proxy-mode", "ipvs",
            "--name", "it's: a \"test\""];
        var first = SvcsimCli.Run(args);
        Assert.True(first.ExitCode == 0, first.ToString());

        // Then the scenario loads with that very name
        var spec = ScenarioLoader.LoadText(first.Out, "generated.yaml").Spec;
        Assert.Equal("it's: a \"test\"", spec.Name);
        Assert.Equal(2, spec.Nodes.Count(n => n.Role == Svcsim.Network.NodeRole.ControlPlane));
        Assert.Empty(spec.Faults);

        // and its "Written by" lines, read as a shell reads them, write the same file again
        var header = first.Out.Split('\n').SkipWhile(l => !l.StartsWith("# Written by: ", StringComparison.Ordinal)).ToList();
        var command = new System.Text.StringBuilder(header[0]["# Written by: ".Length..]);
        for (int i = 0; command[^1] == '\\'; i++)
        {
            command.Length -= 1;
            command.Append(header[i + 1].TrimStart('#'));
        }
        var words = ShellWords(command.ToString());
        Assert.Equal(["svcsim", "generate"], words[..2]);
        var again = SvcsimCli.Run([.. words[1..]]);
        Assert.Equal(first.Out, again.Out);
        Assert.All(first.Out.Split('\n'), l => Assert.True(l.Length <= 110, l));
    }

    [Fact]
    public void The_Header_Counts_One_Of_A_Thing_In_The_Singular()
    {
        var result = SvcsimCli.Run("generate", "--nodes", "4");

        Assert.Contains("# 1 control plane and 3 workers in 1 zone; 9 pods in 1 Deployment,", result.Out, StringComparison.Ordinal);
        Assert.Contains("description: 4 nodes, 9 pods, 1 Service, worker w1 crashes at 60s", result.Out, StringComparison.Ordinal);
    }

    // Splits a command line as a POSIX shell does for the quoting the header uses: spaces, single quotes, \'.
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool inWord = false, quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '\'')
                {
                    quoted = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '\'')
            {
                quoted = inWord = true;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return [.. words];
    }

    [Fact]
    public void Generated_Scenarios_Place_Every_Pod_And_Run()
    {
        // Given a generated cluster of 120 nodes and 2 Services with the default ways of access
        var result = SvcsimCli.Run("generate", "--nodes", "120", "--pods-per-node", "2", "--services", "2", "--duration", "30s",
            "--crash-at", "15s", "--rate", "200");
        Assert.True(result.ExitCode == 0, result.ToString());
        var spec = ScenarioLoader.LoadText(result.Out, "generated.yaml").Spec;

        // When its first way of access runs
        var runner = new Svcsim.Experiments.VariantRunner(spec, spec.Variants[0], 0);
        var run = runner.Run();

        // Then every pod is placed, spread evenly over the workers, and requests were served
        Assert.Equal(119 * 2, runner.Model.AllPods.Count);
        Assert.All(spec.Nodes.Where(n => n.Schedulable), n => Assert.Equal(2, runner.Model.AllPods.Count(p => p.Node.Name == n.Name)));
        Assert.True(run.Summary.Succeeded > 0.9 * run.Summary.Requests && run.Summary.Requests > 2000, $"{run.Summary.Succeeded}/{run.Summary.Requests}");
    }

    [Theory]
    [InlineData("--nodes", "1")]
    [InlineData("--nodes", "100", "--pods-per-node", "500")]
    [InlineData("--nodes", "100", "--services", "0")]
    [InlineData("--nodes", "3", "--pods-per-node", "1", "--services", "5")]
    [InlineData("--nodes", "100", "--variants", "nodeport,metalb")]
    [InlineData("--nodes", "100", "--duration", "5 minutes please")]
    [InlineData("--nodes", "100", "--crash-at", "10m")]
    [InlineData("--nodes", "100", "--proxy-mode", "userspace")]
    public void Impossible_Requests_Exit_2_With_A_Reason_And_Write_Nothing(params string[] args)
    {
        var result = SvcsimCli.Run(["generate", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("svcsim generate: ", result.Err, StringComparison.Ordinal);
    }
}

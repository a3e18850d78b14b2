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

using Svcsim.Access;
using Svcsim.Faults;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

public sealed class OverrideTests : IDisposable
{
    private static readonly string Seed = Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml");
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Overrides_Set_Values_Anywhere_In_The_Tree()
    {
        var spec = ScenarioLoader.Load(Seed,
        [
            "duration=60s", "clients[0].rate=500/s", "controlPlane.nodeMonitorGracePeriod=40s", "variants[3].preset=aws-nlb",
            "replications=5", "seed=7",
        ]).Spec;

        Assert.Equal(60, spec.DurationS);
        Assert.Equal(500, spec.Clients[0].Rate);
        Assert.Equal(40, spec.ControlPlane.NodeMonitorGracePeriodS);
        var lb = Assert.IsType<CloudLbAccess>(spec.Variants[3]);
        Assert.Equal((HealthCheckSpec.Presets["aws-nlb"], "cloud-lb-aws-nlb"), (lb.HealthCheck, lb.Name));
        Assert.Equal((5, 7L), (spec.Replications, spec.Seed));
    }

    [Fact]
    public void A_Flow_Value_Sets_A_List_And_A_New_Index_Appends()
    {
        var spec = ScenarioLoader.Load(Seed,
        [
            "variants[0].addresses=[w1, w2]", "faults[0]={kind: nodeCrash, node: w1, at: 30s}", "variants[4]={kind: cloud-lb, preset: azure}",
        ]).Spec;

        Assert.Equal(["192.168.1.101", "192.168.1.102"], Assert.IsType<NodePortAccess>(spec.Variants[0]).Addresses);
        Assert.Equal(new NodeCrash("w1", 30), Assert.Single(spec.Faults));
        Assert.Equal("cloud-lb-azure", spec.Variants[4].Name);
    }

    [Fact]
    public void An_Older_Kubernetes_Version_Brings_The_Older_Grace_Period()
    {
        Assert.Equal(40, ScenarioLoader.Load(Seed, ["cluster.kubernetesVersion=1.31"]).Spec.ControlPlane.NodeMonitorGracePeriodS);
        Assert.Equal(50, ScenarioLoader.Load(Seed, ["cluster.kubernetesVersion=v1.32.1"]).Spec.ControlPlane.NodeMonitorGracePeriodS);
    }

    [Fact]
    public void A_Bad_Override_Value_Is_Reported_Naming_The_Override()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Seed, ["clients[0].rate=5 parsecs"]));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("clients[0].rate", "clients[0].rate=5 parsecs"), (error.Field, error.Override));
        Assert.StartsWith($"{Seed}: --set clients[0].rate=5 parsecs: clients[0].rate: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("expected a rate like 200/s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Misspelt_Override_Key_Gets_A_Suggestion()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Seed, ["controlPlane.nodeMonitorGracePeriodd=40s"]));

        var error = Assert.Single(e.Errors);
        Assert.Equal("controlPlane.nodeMonitorGracePeriodd=40s", error.Override);
        Assert.Contains("did you mean 'nodeMonitorGracePeriod'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duration", "is not path=value")]
    [InlineData("clients[x].rate=1/s", "bad list index")]
    [InlineData("clients[7].rate=1/s", "has 2 item(s); [7] would leave a gap")]
    [InlineData("duration.unit=s", "duration is '120s', not a mapping")]
    [InlineData("clients.rate=1/s", "clients is a list, not a mapping")]
    [InlineData("name[0]=x", "name is 'seed', not a list")]
    [InlineData("clients[0]..rate=1/s", "empty or spaced key")]
    [InlineData("variants[0].addresses=[w1, w2", "not valid flow YAML")]
    public void A_Bad_Override_Path_Says_What_Was_Expected(string assignment, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Seed, [assignment]));

        var error = Assert.Single(e.Errors);
        Assert.Equal(assignment, error.Override);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_Parse_Into_Keys_And_Indexes()
    {
        var steps = Overrides.ParsePath("clients[0].rate");

        Assert.True(steps.Ok, steps.Error);
        Assert.Equal([new PathStep("clients", null), new PathStep(null, 0), new PathStep("rate", null)], steps.Value);
        Assert.Equal([new PathStep("a", null), new PathStep(null, 1), new PathStep(null, 2)], Overrides.ParsePath("a[1][2]").Value);
        Assert.False(Overrides.ParsePath("a[1]b").Ok);
        Assert.False(Overrides.ParsePath("a.").Ok);
        Assert.False(Overrides.ParsePath("").Ok);
    }

    [Fact]
    public void The_Sweep_Section_Is_Kept_And_Each_Value_Is_Checked_Where_It_Is_Written()
    {
        string seedText = File.ReadAllText(Seed).Replace("manifests: manifests/seed.yaml", $"manifests: {Path.Combine(ScenarioFiles.ScenariosDir, "manifests", "seed.yaml")}", StringComparison.Ordinal);
        string good = _files.Write("good.yaml", seedText + """

            sweep:
              clients[0].rate: [100/s, 200/s, 400/s]
              variants[3].preset: [gce, aws-nlb]
              controlPlane.nodeMonitorGracePeriod: 40s
            """);
        string bad = _files.Write("bad.yaml", seedText + """

            sweep:
              clients[0].rate: [100/s, 5 parsecs]
              variants[3].preset: [gce, digitalocean]
              duration: [30s, 5s]
            """);

        var sweep = ScenarioLoader.Load(good, [], allowExternalManifests: true).Sweep;
        Assert.Equal(["clients[0].rate", "variants[3].preset", "controlPlane.nodeMonitorGracePeriod"], sweep.Select(p => p.Path));
        Assert.Equal(["100/s", "200/s", "400/s"], sweep[0].Values);
        Assert.Equal("variants[3].preset=aws-nlb", sweep[1].Override(1));
        Assert.Equal(["40s"], sweep[2].Values);

        var errors = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(bad, [], allowExternalManifests: true)).Errors;
        int line = seedText.Split('\n').Length + 2;
        Assert.Collection(errors,
            e => Assert.Equal((line, "sweep['clients[0].rate'][1]", true), (e.Line, e.Field, e.Message.Contains("with clients[0].rate=5 parsecs: clients[0].rate: '5 parsecs' is not a rate", StringComparison.Ordinal))),
            e => Assert.Equal((line + 1, true), (e.Line, e.Message.Contains("unknown cloud-lb preset 'digitalocean'", StringComparison.Ordinal))),
            e => Assert.Equal((line + 2, true), (e.Line, e.Message.Contains("with duration=5s: measurement.warmup: the warm-up 10s must be shorter than the run (duration 5s)", StringComparison.Ordinal))));
    }
}

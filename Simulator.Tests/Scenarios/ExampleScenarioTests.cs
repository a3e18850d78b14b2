using Svcsim.Access;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

public class ExampleScenarioTests
{
    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (string f in ScenarioFiles.Examples())
        {
            if (f.EndsWith("-study.yaml", StringComparison.Ordinal))
            {
                continue; // a study lists scenarios; it is not one (see StudyTests)
            }

            data.Add(f);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_Example_Scenario_Loads_And_Validates(string file)
    {
        var loaded = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, file));

        Assert.NotEmpty(loaded.Spec.Nodes);
        Assert.NotEmpty(loaded.Spec.Clients);
        Assert.Empty(loaded.Warnings);
        Assert.Equal(64, loaded.Hash.Length);
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_Example_Compares_NodePort_With_Every_Kind_Of_Front_Door(string file)
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, file)).Spec;
        var variants = spec.Variants;
        if (spec.Clients.All(c => c.Nodes.Count > 0))
        {
            // Clients in pods reach the Service only by its ClusterIP: such an example compares the service proxies.
            Assert.All(variants, v => Assert.IsType<ClusterIpAccess>(v));
            Assert.True(variants.Select(v => v.KubeProxy?.Mode).Distinct().Count() > 1, "an in-cluster example compares service proxy modes");
            return;
        }
        Assert.Contains(variants, v => v is NodePortAccess);
        Assert.Contains(variants, v => v is MetalLbL2Access);
        Assert.Contains(variants, v => v is MetalLbBgpAccess);
        Assert.Contains(variants, v => v is CloudLbAccess);
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_Example_Names_The_Schema_For_Editors(string file)
    {
        string first = File.ReadLines(Path.Combine(ScenarioFiles.ScenariosDir, file)).First();

        string schema = file.Contains('/', StringComparison.Ordinal) ? "../scenario.schema.json" : "./scenario.schema.json";
        Assert.Equal($"# yaml-language-server: $schema={schema}", first);
    }

    [Fact]
    public void Seed_Is_The_Origins_Cluster()
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml")).Spec;

        Assert.Equal(120, spec.DurationS);
        Assert.Empty(spec.Faults);
        Assert.Equal(new NodeSpec("cp1", NodeRole.ControlPlane, "192.168.1.10", "", Schedulable: false, ExcludeFromExternalLoadBalancers: true), spec.Nodes[0]);
        Assert.Equal(["w1", "w2", "w3"], spec.Nodes.Skip(1).Select(n => n.Name));
        Assert.All(spec.Nodes.Skip(1), n => Assert.True(n.Schedulable && !n.ExcludeFromExternalLoadBalancers));
        var nodePort = Assert.IsType<NodePortAccess>(spec.Variants[0]);
        Assert.Equal(["192.168.1.10"], nodePort.Addresses);
        Assert.Equal(["nodeport", "metallb-l2", "metallb-bgp", "cloud-lb-gce"], spec.Variants.Select(v => v.Name));
        Assert.Equal(HealthCheckSpec.Presets["gce"], Assert.IsType<CloudLbAccess>(spec.Variants[3]).HealthCheck);
        Assert.Equal(("lb-nginx", "np-nginx"), (spec.Clients[0].Service, spec.Clients[0].NodePortService));
        Assert.Equal(150, spec.Clients[0].Rate);
        Assert.Equal("lb-chk-ip", spec.Clients[1].Service);
        Assert.Equal(ServiceType.LoadBalancer, spec.Services.Single(s => s.Name == "lb-chk-ip").Type);
    }

    [Fact]
    public void Worker_Crash_Crashes_W2_At_60s_For_The_Rest_Of_The_Run()
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "worker-crash.yaml")).Spec;

        Assert.Equal(new NodeCrash("w2", 60, double.PositiveInfinity), Assert.Single(spec.Faults));
    }

    [Fact]
    public void Random_Failures_Runs_Two_Hours_With_Exponential_Failures_On_Every_Node()
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "random-failures.yaml")).Spec;

        var f = Assert.IsType<RandomNodeFailures>(Assert.Single(spec.Faults));
        Assert.Equal(7200, spec.DurationS);
        Assert.Empty(f.Nodes);
        Assert.Equal(Svcsim.Engine.Distribution.Exponential(2400), f.TimeToFailure);
        Assert.Equal(Svcsim.Engine.Distribution.Exponential(240), f.TimeToRepair);
    }

    [Fact]
    public void Cascade_Reads_Inline_Workloads_With_Small_Pods_And_Pod_Served_Aws_Clb_Checks()
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "cascade.yaml")).Spec;

        var api = Assert.Single(spec.PodSources);
        Assert.Equal(new PodCapacity(1, 400, Svcsim.Engine.Distribution.Exponential(0.02)), api.Capacity);
        Assert.Equal([8080], api.ContainerPorts);
        var lb = spec.Services.Single(s => s.Name == "lb-api");
        Assert.Equal((TrafficPolicy.Local, 30000, 30001, "192.168.1.11"), (lb.ExternalTrafficPolicy, lb.Ports[0].NodePort, lb.HealthCheckNodePort, lb.LoadBalancerIp));
        Assert.Equal(8080, lb.Ports[0].TargetPort);
        var cloud = spec.Variants.OfType<CloudLbAccess>().Single();
        Assert.Equal(HealthCheckSpec.Presets["aws-clb"], cloud.HealthCheck);
        Assert.True(cloud.ProbeThroughPods);
        Assert.False(cloud.FailOpen);
        Assert.Equal(new NodeCrash("w3", 40), Assert.Single(spec.Faults));
    }
}

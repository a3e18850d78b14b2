using Svcsim.Dataplane;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;
using Svcsim.Network;
using Svcsim.Scenarios;
using Svcsim.Workload;

namespace Svcsim.Tests.Scenarios;

/// <summary>Every scenario key lands in its field of <see cref="ScenarioSpec"/>, with its unit converted.</summary>
public sealed class ScenarioMappingTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Everything = """
        name: everything
        description: every key once
        duration: 10m
        seed: -42
        replications: 4
        cluster:
          kubernetesVersion: "1.30"
          nodes:
            - { name: cp1, role: controlPlane, ip: 10.0.0.10, zone: a }
            - { name: w1, role: worker, ip: 10.0.0.11, zone: a, excludeFromExternalLoadBalancers: true }
            - { name: w2, ip: 10.0.0.12, zone: b, schedulable: true }
            - { name: w3, ip: 10.0.0.13, zone: b, schedulable: false }
        network:
          clientToNode: { latency: "lognormal(mean=2ms, sd=0.5ms)", bandwidth: 100Mbps, loss: 1% }
          nodeToNode: { latency: 0.1ms }
          frontDoorToNode: { bandwidth: 10Gbps }
          clientToFrontDoor: { loss: 0.001 }
          retransmitTimeout: 1s
        workloads:
          - apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web }
            spec:
              replicas: 4
              selector: { matchLabels: { app: web } }
              template:
                metadata: { labels: { app: web } }
                spec: { containers: [{ name: c, image: nginx }] }
          - apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80 }] }
          - apiVersion: v1
            kind: Service
            metadata: { name: web-np }
            spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, nodePort: 31000 }] }
          - { apiVersion: metallb.io/v1beta1, kind: IPAddressPool, metadata: { name: p }, spec: { addresses: [10.0.0.128/25] } }
          - { apiVersion: metallb.io/v1beta1, kind: L2Advertisement, metadata: { name: l2 }, spec: { ipAddressPools: [p] } }
          - apiVersion: metallb.io/v1beta1
            kind: BGPAdvertisement
            metadata: { name: bgp }
            spec: { ipAddressPoolSelectors: [{ matchLabels: { any: thing } }] }
          - { apiVersion: metallb.io/v1beta1, kind: BGPAdvertisement, metadata: { name: bgp2 } }
          - { apiVersion: metallb.io/v1beta2, kind: BGPPeer, metadata: { name: r }, spec: { peerAddress: 10.0.0.1 } }
        pods:
          default: { workers: 8, backlog: 0, serviceTime: "gamma(shape=2, mean=4ms)", startupTime: 3s }
          web: { workers: 2, pinnedNodes: [w1, w2] }
        kubeProxy: { mode: ipvs, scheduler: lc, minSyncPeriod: 2s, syncDelay: exp(mean=300ms) }
        controlPlane:
          leaseRenew: 5s
          nodeMonitorPeriod: 2s
          tolerationSeconds: never
          evictionRate: 6/min
          endpointSliceDelay: 250ms
          nodeRejoin: 1m
        clients:
          - name: open
            service: web
            nodePortService: web-np
            clients: 30
            rate: 12000/min
            requestSize: 1KiB
            responseSize: exp(mean=2MB)
            timeout: 2.5s
            connectTimeout: 3s
            retries: 2
            retryBackoff: uniform(min=100ms, max=300ms)
            sameSegment: true
            unreachableAfter: 1s
          - service: web
            users: 7
            thinkTime: weibull(shape=1.5, scale=2s)
        variants:
          - { kind: nodeport, name: np, addresses: [w1, 10.0.0.12], assignment: spread, failover: nextAddress, reconfigureAfter: 90s }
          - { kind: metallb-l2, probeInterval: 2s, probeTimeout: 1s, suspicionMult: 6, suspicionMaxTimeoutMult: 3, arpCache: 15s }
          - { kind: metallb-bgp, holdTime: 9s, bfd: true, bfdDetect: 300ms, resetOnRehash: false }
          - { kind: cloud-lb, preset: aws-nlb, healthCheck: { interval: 10s }, algorithm: leastConnections, failOpen: false }
          - { kind: cloud-lb, name: custom, healthCheck: { interval: 2s, timeout: 1s, unhealthyThreshold: 2, healthyThreshold: 3 }, algorithm: random }
        faults:
          - { kind: nodeCrash, node: w1, at: 1m, duration: 2m }
          - { kind: nodeReboot, node: w2, at: 2m, downtime: 90s, newIp: 10.0.0.22 }
          - { kind: ipChange, node: w3, at: 3m, newIp: 10.0.0.23 }
          - { kind: linkDegradation, node: cp1, at: 4m, duration: never, extraLatency: 20ms, loss: 5% }
          - { kind: partition, groupA: [cp1], groupB: [w1, w2], at: 5m, duration: 30s }
          - { kind: podCrash, deployment: web, replica: 3, at: 6m }
          - { kind: randomNodeFailures, nodes: [w1, w2], timeToFailure: exp(mean=1h), timeToRepair: "erlang(k=3, mean=10m)", byZone: true }
        measurement: { warmup: 30s, window: 10s, slo: 99.9%, outageResolution: 500ms, overloadThreshold: 90% }

        """;

    [Fact]
    public void Every_Key_Lands_In_Its_Field()
    {
        var loaded = ScenarioLoader.Load(_files.Write("everything.yaml", Everything));
        var s = loaded.Spec;

        Assert.Equal(("everything", "every key once", 600.0, -42L, 4), (s.Name, s.Description, s.DurationS, s.Seed, s.Replications));
        Assert.Equal(
            [
                new NodeSpec("cp1", NodeRole.ControlPlane, "10.0.0.10", "a", false, true),
                new NodeSpec("w1", NodeRole.Worker, "10.0.0.11", "a", true, true),
                new NodeSpec("w2", NodeRole.Worker, "10.0.0.12", "b", true, false),
                new NodeSpec("w3", NodeRole.Worker, "10.0.0.13", "b", false, false),
            ],
            s.Nodes);

        Assert.Equal(new LinkSpec(Distribution.LogNormal(0.002, 0.0005), 1e8, 0.01), s.Network.ClientToNode);
        Assert.Equal(new LinkSpec(Distribution.Constant(0.0001), 1e9), s.Network.NodeToNode);
        Assert.Equal(1e10, s.Network.FrontDoorToNode.BandwidthBitsPerSecond);
        Assert.Equal(0.001, s.Network.ClientToFrontDoor.Loss);
        Assert.Equal(1, s.Network.RetransmitTimeoutS);

        var web = Assert.Single(s.PodSources);
        Assert.Equal(new PodCapacity(2, 0, Distribution.Gamma(2, 0.004)), web.Capacity);
        Assert.Equal((4, Distribution.Constant(3)), (web.Replicas, web.StartupTime));
        Assert.Equal(["w1", "w2"], web.PinnedNodes);
        Assert.Empty(web.ContainerPorts);
        Assert.Equal(new ServicePortSpec("", 80, 80, 30000), s.Services[0].Ports[0]);
        Assert.Equal("10.0.0.128", s.Services[0].LoadBalancerIp);

        Assert.Equal(new KubeProxySpec(ProxyMode.Ipvs, IpvsScheduler.LeastConnection, 2, Distribution.Exponential(0.3), ConntrackSpec.Default), s.KubeProxy);
        Assert.Equal(new ControlPlaneSpec(5, 2, 40, double.PositiveInfinity, 0.1, 0.25, 60), s.ControlPlane);

        Assert.Equal(new ClientGroupSpec("open", "web", "web-np", 30, 200, 0, Distribution.Constant(0), Distribution.Constant(1024),
            Distribution.Exponential(2e6), 2.5, 3, 2, Distribution.Uniform(0.1, 0.3), true, 1), s.Clients[0]);
        Assert.Equal(("web", 0.0, 7, Distribution.Weibull(1.5, 2)), (s.Clients[1].Name, s.Clients[1].Rate, s.Clients[1].Users, s.Clients[1].ThinkTime));
        Assert.Equal((10.0, ClientsSection.DefaultConnectTimeoutS, 0), (s.Clients[1].TimeoutS, s.Clients[1].ConnectTimeoutS, s.Clients[1].Retries));

        var np = Assert.IsType<NodePortAccess>(s.Variants[0]);
        Assert.Equal(["10.0.0.11", "10.0.0.12"], np.Addresses); // a node name and a node IP
        Assert.Equal(("np", NodePortAssignment.Spread, NodePortFailover.NextAddress, 90.0), (np.Name, np.Assignment, np.Failover, np.ReconfigureAfterS));
        Assert.Equal(new MetalLbL2Access("metallb-l2", 2, 1, 6, 3, 15), s.Variants[1]);
        Assert.Equal(new MetalLbBgpAccess("metallb-bgp", 9, true, 0.3, false), s.Variants[2]);
        Assert.Equal(new CloudLbAccess("cloud-lb-aws-nlb", new HealthCheckSpec(10, 10, 3, 3), LbAlgorithm.LeastConnections, false, MaxTargets: 3000, MaxTargetsPerZone: 500), s.Variants[3]);
        Assert.Equal(new CloudLbAccess("custom", new HealthCheckSpec(2, 1, 2, 3), LbAlgorithm.Random, true), s.Variants[4]);

        Assert.Equal(new NodeCrash("w1", 60, 120), s.Faults[0]);
        Assert.Equal(new NodeReboot("w2", 120, 90, "10.0.0.22"), s.Faults[1]);
        Assert.Equal(new NodeIpChange("w3", 180, "10.0.0.23"), s.Faults[2]);
        Assert.Equal(new LinkDegradation("cp1", 240, double.PositiveInfinity, 0.02, 0.05), s.Faults[3]);
        var partition = Assert.IsType<NetworkPartition>(s.Faults[4]);
        Assert.Equal(["cp1"], partition.GroupA);
        Assert.Equal(["w1", "w2"], partition.GroupB);
        Assert.Equal((300.0, 30.0), (partition.AtS, partition.DurationS));
        Assert.Equal(new PodCrash("web", 3, 360, 10), s.Faults[5]);
        var random = Assert.IsType<RandomNodeFailures>(s.Faults[6]);
        Assert.Equal(["w1", "w2"], random.Nodes);
        Assert.Equal((Distribution.Exponential(3600), Distribution.Erlang(3, 600), true), (random.TimeToFailure, random.TimeToRepair, random.ByZone));

        Assert.Equal(new MeasurementSpec(30, 10, 0.999, 0.5, 0.9), s.Measurement with { Slo = Math.Round(s.Measurement.Slo, 12) });
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Omitted_Sections_Take_The_Documented_Defaults()
    {
        string path = _files.Write("minimal.yaml", """
            duration: 1m
            cluster: { nodes: [{ name: cp1, role: controlPlane, ip: 10.0.0.10 }, { name: w1, ip: 10.0.0.11 }] }
            workloads:
              - { apiVersion: apps/v1, kind: Deployment, metadata: { name: d }, spec: { selector: { matchLabels: { a: b } }, template: { metadata: { labels: { a: b } }, spec: { containers: [{ name: c }] } } } }
              - { apiVersion: v1, kind: Service, metadata: { name: s }, spec: { type: NodePort, selector: { a: b }, ports: [{ port: 80 }] } }
            clients: [{ service: s, rate: 1/s }]
            variants: [{ kind: nodeport }]
            """);

        var s = ScenarioLoader.Load(path).Spec;

        Assert.Equal(("minimal", 1L, 1), (s.Name, s.Seed, s.Replications));
        Assert.Equal(NetworkSpec.Default, s.Network);
        Assert.Equal(KubeProxySpec.Default, s.KubeProxy);
        Assert.Equal(ControlPlaneSpec.Default, s.ControlPlane);
        Assert.Equal(MeasurementSpec.Default, s.Measurement);
        Assert.Equal((1, PodCapacity.Default), (s.PodSources[0].Replicas, s.PodSources[0].Capacity));
        var c = s.Clients[0];
        Assert.Equal(("s", "", 1, 10.0, 127.0, 0, false, 3.0), (c.Name, c.NodePortService, c.Clients, c.TimeoutS, c.ConnectTimeoutS, c.Retries, c.SameSegment, c.UnreachableAfterS));
        Assert.Equal((Distribution.Constant(100), Distribution.Constant(850)), (c.RequestBytes, c.ResponseBytes));
        var np = Assert.IsType<NodePortAccess>(s.Variants[0]);
        Assert.Empty(np.Addresses);
        Assert.Equal(("nodeport", NodePortAssignment.First, NodePortFailover.None, double.PositiveInfinity), (np.Name, np.Assignment, np.Failover, np.ReconfigureAfterS));
        Assert.Empty(s.Faults);
    }

    [Fact]
    public void Warnings_Do_Not_Stop_The_Load()
    {
        string path = _files.Write("warn.yaml", Everything
            .Replace("kubeProxy: { mode: ipvs,", "kubeProxy: { mode: iptables,", StringComparison.Ordinal)
            .Replace("nodeMonitorPeriod: 2s", "nodeMonitorPeriod: 2s\n  nodeMonitorGracePeriod: 4s", StringComparison.Ordinal));

        var warnings = ScenarioLoader.Load(path).Warnings;

        Assert.Equal(["kubeProxy.scheduler", "controlPlane.nodeMonitorGracePeriod"], warnings.Select(w => w.Field));
        Assert.Contains("only applies to mode: ipvs", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("not longer than the lease renewal (5s)", warnings[1].Message, StringComparison.Ordinal);
    }
}

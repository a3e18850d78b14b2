using Svcsim.Kubernetes;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

public sealed class ManifestMappingTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A scenario around the manifests under test: one client group on <paramref name="service"/>, one NodePort variant.</summary>
    private ScenarioFile Load(string manifests, string service = "web", string variants = "  - kind: nodeport\n")
    {
        _files.Write("m.yaml", manifests);
        string path = _files.Write("s.yaml", $"""
            name: t
            duration: 60s
            cluster:
              nodes:
                - {"{"} name: cp1, role: controlPlane, ip: 192.168.1.10 {"}"}
                - {"{"} name: w1, ip: 192.168.1.101 {"}"}
                - {"{"} name: w2, ip: 192.168.1.102 {"}"}
            manifests: m.yaml
            clients:
              - service: {service}
                rate: 10/s
            variants:
            {variants}
            """);
        return ScenarioLoader.Load(path);
    }

    private const string Web = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web }
        spec:
          replicas: 2
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web, tier: front } }
            spec:
              containers:
                - name: c
                  image: nginx
                  ports: [{ name: http, containerPort: 8080 }, { containerPort: 9090 }]
        ---

        """;

    [Fact]
    public void Seed_Manifests_Give_The_Origins_Services()
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml")).Spec;
        var byName = spec.Services.ToDictionary(s => s.Name);

        var np = byName["np-nginx"];
        Assert.Equal(ServiceType.NodePort, np.Type);
        Assert.Equal(new ServicePortSpec("http", 80, 80, 30000), Assert.Single(np.Ports));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "deploy-nginx" }, np.Selector);
        Assert.Equal("", np.LoadBalancerIp);

        var lb = byName["lb-nginx"];
        Assert.Equal((ServiceType.LoadBalancer, "192.168.1.11"), (lb.Type, lb.LoadBalancerIp));
        Assert.Equal(new ServicePortSpec("http", 80, 80, 30001), Assert.Single(lb.Ports));
        Assert.Equal((TrafficPolicy.Cluster, SessionAffinity.None, 0), (lb.ExternalTrafficPolicy, lb.SessionAffinity, lb.HealthCheckNodePort));

        var chk = byName["lb-chk-ip"];
        Assert.Equal("192.168.1.12", chk.LoadBalancerIp);
        Assert.Equal(new ServicePortSpec("http", 80, 80, 30002, "TCP", "http"), Assert.Single(chk.Ports)); // targetPort: http, resolved
        Assert.Equal(new Dictionary<string, string> { ["app"] = "chk-ip" }, chk.Selector);
    }

    [Fact]
    public void Seed_Deployments_Match_Their_Services_Selectors()
    {
        var spec = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml")).Spec;

        Assert.Equal(["deploy-nginx", "deploy-chk-ip"], spec.PodSources.Select(d => d.Name));
        Assert.All(spec.PodSources, d => Assert.Equal((3, 80), (d.Replicas, d.ContainerPorts.Single())));
        foreach (var svc in spec.Services)
        {
            var selected = spec.PodSources.Where(d => svc.Selector.All(kv => d.PodLabels.TryGetValue(kv.Key, out var v) && v == kv.Value));
            Assert.Single(selected);
        }
        Assert.Equal(new PodCapacity(4, 128, Svcsim.Engine.Distribution.Exponential(0.005)), spec.PodSources[0].Capacity);
        Assert.Equal(Svcsim.Engine.Distribution.Uniform(2, 12), spec.PodSources[0].StartupTime);
        Assert.Empty(spec.PodSources[0].PinnedNodes);
    }

    [Fact]
    public void Node_Ports_Are_Allocated_Lowest_Free_First_Around_Those_Written_Anywhere()
    {
        var spec = Load(Web + """
            apiVersion: v1
            kind: Service
            metadata: { name: a }
            spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: 8080, nodePort: 30000 }] }
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: b }
            spec:
              type: NodePort
              selector: { app: web }
              ports: [{ name: one, port: 80, targetPort: http }, { name: two, port: 81, targetPort: 9090 }]
            """).Spec;

        var ports = spec.Services.ToDictionary(s => s.Name, s => s.Ports.Select(p => p.NodePort).ToArray());
        Assert.Equal([30001], ports["a"]);
        Assert.Equal([30000], ports["web"]);
        Assert.Equal([30002, 30003], ports["b"]);
        Assert.Equal([8080, 9090], spec.Services.Single(s => s.Name == "b").Ports.Select(p => p.TargetPort));
    }

    [Fact]
    public void TargetPort_Defaults_To_Port_And_A_Named_One_Resolves_To_Its_Container_Port()
    {
        var spec = Load(Web.Replace("containerPort: 9090", "containerPort: 80", StringComparison.Ordinal) + """
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { type: NodePort, selector: { app: web }, ports: [{ name: a, port: 80 }, { name: b, port: 8081, targetPort: http }] }
            """).Spec;

        Assert.Equal([80, 8080], spec.Services[0].Ports.Select(p => p.TargetPort));
    }

    [Fact]
    public void LoadBalancer_Addresses_Honour_Requests_Pools_And_AutoAssign()
    {
        const string Lb = """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {0}
              annotations: {1}
            spec: {{ type: LoadBalancer, selector: {{ app: web }}, ports: [{{ port: 80, targetPort: 8080 }}] {2} }}

            """;
        string Svc(string name, string annotations = "{}", string extra = "") => string.Format(System.Globalization.CultureInfo.InvariantCulture, Lb, name, annotations, extra);
        var spec = Load(Web.TrimEnd('-', '\n', ' ') + "\n"
            + Svc("web")
            + Svc("asks", "{ metallb.universe.tf/loadBalancerIPs: 192.168.1.20 }")
            + Svc("old-field", "{}", ", loadBalancerIP: 192.168.1.21")
            + Svc("picky", "{ metallb.io/address-pool: reserved }")
            + Svc("next")
            + """
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: reserved }
            spec: { addresses: [192.168.1.200/30], autoAssign: false }
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: main }
            spec: { addresses: [192.168.1.20-192.168.1.22, 192.168.2.0/24], avoidBuggyIPs: true }
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: { name: all }
            """, variants: "  - kind: metallb-l2\n").Spec;

        var ips = spec.Services.ToDictionary(s => s.Name, s => s.LoadBalancerIp);
        Assert.Equal("192.168.1.22", ips["web"]);          // .20 and .21 were asked for
        Assert.Equal("192.168.1.20", ips["asks"]);
        Assert.Equal("192.168.1.21", ips["old-field"]);
        Assert.Equal("192.168.1.200", ips["picky"]);       // a pool without autoAssign, by name
        Assert.Equal("192.168.2.1", ips["next"]);          // avoidBuggyIPs skips 192.168.2.0
    }

    [Fact]
    public void A_Local_LoadBalancer_Gets_A_Health_Check_Node_Port_After_Its_Own_Ports()
    {
        var spec = Load(Web + """
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec:
              type: LoadBalancer
              externalTrafficPolicy: Local
              sessionAffinity: ClientIP
              sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } }
              selector: { app: web }
              ports: [{ port: 80, targetPort: 8080 }]
            status: { loadBalancer: { ingress: [{ ip: 203.0.113.7 }] } }
            """, variants: "  - kind: cloud-lb\n    preset: aws-nlb\n").Spec;

        var svc = Assert.Single(spec.Services);
        Assert.Equal((30000, 30001), (svc.Ports[0].NodePort, svc.HealthCheckNodePort));
        Assert.Equal((TrafficPolicy.Local, SessionAffinity.ClientIP, 600.0), (svc.ExternalTrafficPolicy, svc.SessionAffinity, svc.AffinityTimeoutS));
        Assert.Equal("203.0.113.7", svc.LoadBalancerIp); // no MetalLB pool: the address the status gives
    }

    [Fact]
    public void Other_Kinds_Are_Ignored_And_Lists_Are_Unpacked()
    {
        var loaded = Load("""
            apiVersion: v1
            kind: Namespace
            metadata: { name: demo }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: cfg }
            data: { anything: goes }
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: { name: not-a-core-service }
            spec: { whatever: true }
            ---
            apiVersion: v1
            kind: List
            items:
            """ + "\n" + string.Join("\n", (Web.TrimEnd('-', '\n', ' ') + "\n---\n" + """
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
            """).Split("\n---\n").Select(doc => "  - " + doc.Replace("\n", "\n    ", StringComparison.Ordinal))));

        Assert.Equal("web", Assert.Single(loaded.Spec.PodSources).Name);
        Assert.Equal("web", Assert.Single(loaded.Spec.Services).Name);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Unknown_Fields_Where_Svcsim_Reads_Are_Warnings_With_A_Suggestion()
    {
        var loaded = Load(Web + """
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }], sesionAffinity: ClientIP }
            """);

        var w = Assert.Single(loaded.Warnings);
        Assert.EndsWith("m.yaml", w.File, StringComparison.Ordinal);
        Assert.Equal(("Service/web.spec.sesionAffinity", 18, 90), (w.Field, w.Line, w.Column));
        Assert.Contains("did you mean 'sessionAffinity'", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_Manifest_Files_Are_Read_In_Order_And_Hashed()
    {
        _files.Write("deploy.yaml", Web);
        _files.Write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
            """);
        string scenario = """
            duration: 60s
            cluster: { nodes: [{ name: w1, ip: 10.0.0.1 }] }
            manifests: [deploy.yaml, svc.yaml]
            clients: [{ service: web, rate: 1/s }]
            variants: [{ kind: nodeport }]
            """;
        string path = _files.Write("two.yaml", scenario);

        var first = ScenarioLoader.Load(path);
        _files.Write("svc.yaml", File.ReadAllText(Path.Combine(_files.Directory, "svc.yaml")).Replace("port: 80,", "port: 81,", StringComparison.Ordinal));
        var second = ScenarioLoader.Load(path);

        Assert.Equal(2, first.ManifestPaths.Count);
        Assert.Equal("two", first.Spec.Name); // named after the file when it has no name
        Assert.NotEqual(first.Hash, second.Hash);
        Assert.Equal(second.Hash, ScenarioLoader.Load(path).Hash);
        Assert.NotEqual(second.Hash, ScenarioLoader.Load(path, ["seed=2"]).Hash);
    }
}

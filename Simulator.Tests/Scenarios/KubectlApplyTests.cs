using Svcsim.Kubernetes;
using Svcsim.Scenarios;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// Manifests as <c>kubectl apply</c> takes them: objects keyed by group, kind, namespace and name, later
/// documents replacing earlier ones, namespaces respected, and the valid forms real manifests use accepted.
/// Each invalid form is refused at its file, line and column.
/// </summary>
public sealed class KubectlApplyTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Scenario(string service = "web", string variants = "[{ kind: nodeport }]", string manifests = "m.yaml", string extra = "") => _files.Write("s.yaml", $"""
        duration: 60s
        cluster:
          nodes:
            - {"{"} name: cp1, role: controlPlane, ip: 192.168.1.10 {"}"}
            - {"{"} name: w1, ip: 192.168.1.101, zone: a {"}"}
            - {"{"} name: w2, ip: 192.168.1.102, zone: b {"}"}
        manifests: {manifests}
        clients: [{"{"} service: {service}, rate: 10/s {"}"}]
        variants: {variants}
        {extra}
        """);

    private ScenarioFile Load(string manifests, string service = "web", string variants = "[{ kind: nodeport }]", string extra = "")
    {
        _files.Write("m.yaml", manifests);
        return ScenarioLoader.Load(Scenario(service, variants, extra: extra));
    }

    private ScenarioError Fails(string manifests, string field, string service = "web", string extra = "")
    {
        _files.Write("m.yaml", manifests);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Scenario(service, extra: extra)));
        return e.Errors.FirstOrDefault(x => x.Field == field)
            ?? throw new Xunit.Sdk.XunitException($"no error at {field}; got:\n{string.Join("\n", e.Errors)}");
    }

    private static string Deployment(string name = "web", string ns = "", string labels = "{ app: web }", int replicas = 2, string podSpec = "containers: [{ name: c, image: nginx }]") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {"{"} name: {name}{(ns.Length > 0 ? ", namespace: " + ns : "")} {"}"}
        spec:
          replicas: {replicas}
          selector: {"{"} matchLabels: {labels} {"}"}
          template:
            metadata: {"{"} labels: {labels} {"}"}
            spec: {"{"} {podSpec} {"}"}
        ---

        """;

    private static string Service(string name = "web", string ns = "", string type = "NodePort", string selector = "{ app: web }", string ports = "[{ port: 80 }]", string extra = "") => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"} name: {name}{(ns.Length > 0 ? ", namespace: " + ns : "")} {"}"}
        spec: {"{"} type: {type}, selector: {selector}, ports: {ports}{extra} {"}"}
        ---

        """;

    // ---- apply semantics ----

    [Fact]
    public void A_Later_Document_With_The_Same_Identity_Replaces_The_Earlier_One_With_A_Warning_Naming_Both()
    {
        // Given a base file with a ClusterIP Service and a second file turning it into a NodePort one
        _files.Write("base.yaml", Deployment() + Service(type: "ClusterIP"));
        _files.Write("patch.yaml", Service(type: "NodePort", ports: "[{ port: 80, nodePort: 30080 }]"));

        // When both are applied in order
        var loaded = ScenarioLoader.Load(Scenario(manifests: "[base.yaml, patch.yaml]"));

        // Then there is one Service, the later one, and a warning at the later document naming the earlier
        var svc = Assert.Single(loaded.Spec.Services);
        Assert.Equal((ServiceType.NodePort, 30080), (svc.Type, svc.Ports[0].NodePort));
        var w = Assert.Single(loaded.Warnings);
        Assert.EndsWith("patch.yaml", w.File, StringComparison.Ordinal);
        Assert.Equal((1, 1, "Service/web"), (w.Line, w.Column, w.Field));
        Assert.Contains($"replaces Service/web defined at {Path.Combine(_files.Directory, "base.yaml")}:11", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Same_Name_In_Two_Namespaces_Is_Two_Objects_And_Clients_Name_The_Namespace()
    {
        string manifests = Deployment(ns: "shop") + Deployment(ns: "blog") + Service(ns: "shop") + Service(ns: "blog", type: "ClusterIP");

        var loaded = Load(manifests, service: "shop/web");

        Assert.Equal(["shop/web", "blog/web"], loaded.Spec.Services.Select(s => s.Key));
        Assert.Equal(["shop/web", "blog/web"], loaded.Spec.PodSources.Select(s => s.Key));
        Assert.Equal("shop/web", Assert.Single(loaded.Spec.Clients).Service);
        Assert.Empty(loaded.Warnings);

        // A bare name that fits both is refused, naming the choices
        _files.Write("m.yaml", manifests);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Scenario(service: "web")));
        var error = Assert.Single(e.Errors);
        Assert.Equal(("clients[0].service", 8, 22), (error.Field, error.Line, error.Column));
        Assert.Contains("names Services in several namespaces: write one of shop/web, blog/web", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Manifest_Entry_May_Give_The_Namespace_Of_Objects_Without_One_As_Kubectl_Apply_N()
    {
        _files.Write("app.yaml", Deployment() + Service());

        var loaded = ScenarioLoader.Load(Scenario(service: "shop/web", manifests: "[{ path: app.yaml, namespace: shop }]"));

        Assert.Equal("shop", Assert.Single(loaded.Spec.Services).Namespace);
        Assert.Equal("shop", Assert.Single(loaded.Spec.PodSources).Namespace);
    }

    [Fact]
    public void A_Manifest_Folder_Is_Applied_File_By_File_In_Name_Order_As_Kubectl_Apply_F_Folder()
    {
        // Given a folder whose later file (by name) updates a Service of the earlier one; other files are not manifests
        _files.Write("app/b-patch.yaml", Service(type: "NodePort", ports: "[{ port: 80, nodePort: 30099 }]"));
        _files.Write("app/a-base.yaml", Deployment() + Service(type: "ClusterIP"));
        _files.Write("app/README.md", "not a manifest");
        _files.Write("app/sub/c.yaml", "not: read");

        var loaded = ScenarioLoader.Load(Scenario(manifests: "app"));

        Assert.Equal(["a-base.yaml", "b-patch.yaml"], loaded.ManifestPaths.Select(Path.GetFileName));
        Assert.Equal(30099, Assert.Single(loaded.Spec.Services).Ports[0].NodePort);

        // A folder without a manifest is refused at the entry
        System.IO.Directory.CreateDirectory(Path.Combine(_files.Directory, "empty"));
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Scenario(manifests: "empty")));
        var error = e.Errors.First(x => x.Field == "manifests");
        Assert.Equal((7, 12), (error.Line, error.Column));
        Assert.Contains("holds no .yaml, .yml or .json file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetalLb_Reads_Pools_Of_Its_Own_Namespace_Only()
    {
        const string Pools = """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: elsewhere, namespace: default }
            spec: { addresses: [192.168.1.50/32] }
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: main, namespace: metallb-system }
            spec: { addresses: [192.168.1.60/32] }
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: { name: l2, namespace: metallb-system }
            """;

        var loaded = Load(Deployment() + Service(type: "LoadBalancer") + Pools, variants: "[{ kind: metallb-l2 }]");

        Assert.Equal("192.168.1.60", Assert.Single(loaded.Spec.Services).LoadBalancerIp);
        var w = Assert.Single(loaded.Warnings);
        Assert.Equal(("IPAddressPool/elsewhere", 16), (w.Field, w.Line));
        Assert.Contains("MetalLB reads its IPAddressPool objects in its own namespace (metallb-system); this one in namespace default is ignored", w.Message, StringComparison.Ordinal);
    }

    // ---- pod sources ----

    [Fact]
    public void Every_Pod_Source_Kind_Backs_A_Service_And_Jobs_Are_Ignored()
    {
        const string Others = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: { name: db }
            spec:
              serviceName: db
              replicas: 3
              selector: { matchExpressions: [{ key: app, operator: In, values: [web] }] }
              template:
                metadata: { labels: { app: web, role: db } }
                spec: { containers: [{ name: c, image: redis }] }
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: { name: agent }
            spec:
              selector: { matchLabels: { app: web, role: agent } }
              template:
                metadata: { labels: { app: web, role: agent } }
                spec: { containers: [{ name: c, image: agent }] }
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: { name: rs }
            spec:
              replicas: 0
              selector: { matchLabels: { app: web } }
              template:
                metadata: { labels: { app: web } }
                spec: { containers: [{ name: c, image: nginx }] }
            ---
            apiVersion: v1
            kind: Pod
            metadata: { name: lone, labels: { app: web } }
            spec: { containers: [{ name: c, image: nginx }] }
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: { name: migrate }
            spec: { template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c, image: x }], restartPolicy: Never } } }
            ---

            """;

        var loaded = Load(Others + Service());

        var kinds = loaded.Spec.PodSources.Select(s => (s.Kind, s.Name, s.Replicas)).ToArray();
        Assert.Equal([(PodSourceKind.StatefulSet, "db", 3), (PodSourceKind.DaemonSet, "agent", 0), (PodSourceKind.ReplicaSet, "rs", 0), (PodSourceKind.Pod, "lone", 1)], kinds);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void A_Workload_Selector_That_Does_Not_Match_Its_Template_Is_Refused_With_MatchExpressions_Evaluated()
    {
        var error = Fails(Deployment(labels: "{ app: web }").Replace("selector: { matchLabels: { app: web } }", "selector: { matchExpressions: [{ key: app, operator: NotIn, values: [web] }] }", StringComparison.Ordinal) + Service(),
            "Deployment/web.spec.selector");

        Assert.Equal((6, 13), (error.Line, error.Column));
        Assert.Contains("does not match the template's labels {app: web}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_Workloads_Of_One_Name_In_One_Namespace_Are_Refused_Because_Pods_Are_Named_After_Them()
    {
        string sts = Deployment().Replace("kind: Deployment", "kind: StatefulSet", StringComparison.Ordinal);

        var error = Fails(Deployment() + sts + Service(), "StatefulSet/web");

        Assert.Equal((11, 1), (error.Line, error.Column));
        Assert.Contains("a Deployment named 'web' in namespace default is defined at", error.Message, StringComparison.Ordinal);
    }

    private static string Budget(string spec, string ns = "", string apiVersion = "policy/v1") => $"""
        apiVersion: {apiVersion}
        kind: PodDisruptionBudget
        metadata: {"{"} name: web-pdb{(ns.Length > 0 ? ", namespace: " + ns : "")} {"}"}
        spec: {spec}
        ---

        """;

    /// <summary>(line, column), 1-based, of the first <paramref name="needle"/> in <paramref name="text"/>.</summary>
    private static (int Line, int Column) At(string text, string needle)
    {
        int i = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(i >= 0, needle);
        int line = text[..i].Count(c => c == '\n') + 1;
        return (line, i - text.LastIndexOf('\n', Math.Max(0, i - 1)));
    }

    public static TheoryData<string, string, string, string, string> InvalidPodTemplates() => new()
    {
        // pod spec, field (suffix), the error's place: the first `at` after `after`, and part of the message
        { "containers: [{ name: c, image: nginx, livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }]", "livenessProbe.successThreshold", "successThreshold: ", "2", "must be 1 for a liveness probe" },
        { "containers: [{ name: c, image: nginx, readinessProbe: { periodSeconds: 5 } }]", "readinessProbe", "readinessProbe: ", "{", "needs one of httpGet, tcpSocket, exec or grpc" },
        { "containers: [{ name: c, image: nginx, startupProbe: { tcpSocket: { port: 80 }, exec: { command: [true] } } }]", "startupProbe.exec", "exec: ", "{", "only one handler" },
        { "containers: [{ name: c, image: nginx }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: In, values: [] }] }] } } }", "values", "values: ", "[", "In needs at least one value" },
        { "containers: [{ name: c, image: nginx }], tolerations: [{ key: k, operator: Exists, value: v }]", "tolerations[0].value", "value: ", "v", "must be empty when operator is Exists" },
        { "containers: [{ name: c, image: nginx }], tolerations: [{ key: k, operator: Exists, effect: NoSchedule, tolerationSeconds: 10 }]", "tolerations[0].tolerationSeconds", "tolerationSeconds: ", "10", "may only be set with effect: NoExecute" },
        { "containers: [{ name: c, image: nginx }], topologySpreadConstraints: [{ maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: web } } }]", "topologySpreadConstraints[0].maxSkew", "maxSkew: ", "0", "" },
        { "containers: [{ name: c, image: nginx }], topologySpreadConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Sometimes, labelSelector: { matchLabels: { app: web } } }]", "topologySpreadConstraints[0].whenUnsatisfiable", "whenUnsatisfiable: ", "Sometimes", "ScheduleAnyway" },
        { "containers: [{ name: c, image: nginx }], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '', labelSelector: { matchLabels: { app: web } } }] } }", "topologyKey", "topologyKey: ", "''", "must not be empty" },
    };

    [Theory]
    [MemberData(nameof(InvalidPodTemplates))]
    public void Invalid_Probes_And_Placement_Are_Refused_At_Their_File_Line_And_Column(string podSpec, string field, string after, string at, string message)
    {
        string text = Deployment(podSpec: podSpec) + Service();
        _files.Write("m.yaml", text);
        var errors = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Scenario())).Errors;
        var e = errors.FirstOrDefault(x => x.Field.EndsWith(field, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no error at ...{field}; got:\n{string.Join("\n", errors)}");
        Assert.EndsWith("m.yaml", e.File, StringComparison.Ordinal);
        Assert.StartsWith("Deployment/web.spec.template.spec.", e.Field, StringComparison.Ordinal);
        int i = text.IndexOf(at, text.IndexOf(after, StringComparison.Ordinal) + after.Length, StringComparison.Ordinal);
        Assert.Equal(At(text[..i] + "\u0001" + text[i..], "\u0001"), (e.Line, e.Column));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disruption_Budgets_Are_Read_As_Policy_V1_Validates_Them()
    {
        // Valid forms: a percentage minAvailable with AlwaysAllow, an integer maxUnavailable, an empty selector
        var b = Assert.Single(Load(Deployment() + Service() + Budget("{ minAvailable: 50%, unhealthyPodEvictionPolicy: AlwaysAllow, selector: { matchLabels: { app: web } } }")).Spec.DisruptionBudgets);
        Assert.Equal(("web-pdb", "default", new IntOrPercent(50, true), (IntOrPercent?)null, true), (b.Name, b.Namespace, b.MinAvailable, b.MaxUnavailable, b.AlwaysAllowUnhealthy));
        Assert.True(b.Selector!.Matches(new Dictionary<string, string> { ["app"] = "web" }));
        var every = Load(Deployment() + Service() + Budget("{ maxUnavailable: 1, selector: {} }"));
        Assert.Equal((null, new IntOrPercent(1, false), false), (every.Spec.DisruptionBudgets[0].MinAvailable, every.Spec.DisruptionBudgets[0].MaxUnavailable, every.Spec.DisruptionBudgets[0].AlwaysAllowUnhealthy));
        Assert.Empty(every.Warnings);

        // A budget that covers no pod is valid and warned about: another namespace's, and one without selector
        var elsewhere = Load(Deployment() + Service() + Budget("{ maxUnavailable: 1, selector: {} }", ns: "shop"));
        Assert.Contains("PodDisruptionBudget shop/web-pdb covers no pod: no workload of namespace shop", Assert.Single(elsewhere.Warnings).Message, StringComparison.Ordinal);
        var none = Load(Deployment() + Service() + Budget("{ maxUnavailable: 1 }"));
        Assert.Contains("a null selector matches nothing", Assert.Single(none.Warnings).Message, StringComparison.Ordinal);

        // Invalid forms are refused where they are written
        string both = Deployment() + Service() + Budget("{ minAvailable: 1, maxUnavailable: 1, selector: {} }");
        var e = Fails(both, "PodDisruptionBudget/web-pdb.spec.maxUnavailable");
        Assert.Contains("minAvailable and maxUnavailable cannot both be set", e.Message, StringComparison.Ordinal);
        Assert.Equal(At(both, "1, selector"), (e.Line, e.Column));
        string percent = Deployment() + Service() + Budget("{ maxUnavailable: 150%, selector: {} }");
        var p = Fails(percent, "PodDisruptionBudget/web-pdb.spec.maxUnavailable");
        Assert.Equal(At(percent, "150%"), (p.Line, p.Column));
        var policy = Fails(Deployment() + Service() + Budget("{ minAvailable: 1, unhealthyPodEvictionPolicy: Always }"), "PodDisruptionBudget/web-pdb.spec.unhealthyPodEvictionPolicy");
        Assert.Contains("AlwaysAllow", policy.Message, StringComparison.Ordinal);
        string beta = Deployment() + Service() + Budget("{ minAvailable: 1 }", apiVersion: "policy/v1beta1");
        _files.Write("m.yaml", beta);
        var removed = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Scenario()));
        var version = Assert.Single(removed.Errors, x => x.Message.Contains("PodDisruptionBudget is read as policy/v1, found policy/v1beta1", StringComparison.Ordinal));
        Assert.Equal(At(beta, "policy/v1beta1"), (version.Line, version.Column));
    }

    [Fact]
    public void Update_Strategies_Are_Read_With_The_Apis_Defaults_And_Checks()
    {
        string Strategy(string strategy) => Deployment(replicas: 4).Replace("  replicas: 4\n", "  replicas: 4\n  minReadySeconds: 3\n  strategy: " + strategy + "\n", StringComparison.Ordinal);

        var rolling = Load(Strategy("{ type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 50% } }") + Service()).Spec.PodSources[0].Update;
        Assert.Equal(new UpdateStrategy(UpdateKind.RollingUpdate, new IntOrPercent(1, false), new IntOrPercent(50, true), 0, 3), rolling);
        Assert.Equal(UpdateStrategy.For(PodSourceKind.Deployment), Load(Deployment() + Service()).Spec.PodSources[0].Update);

        var both = Fails(Strategy("{ type: RollingUpdate, rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }") + Service(), "Deployment/web.spec.strategy.rollingUpdate.maxUnavailable");
        Assert.Contains("maxUnavailable may not be 0 when maxSurge is 0", both.Message, StringComparison.Ordinal);
        var percent = Fails(Strategy("{ rollingUpdate: { maxSurge: 150% } }") + Service(), "Deployment/web.spec.strategy.rollingUpdate.maxSurge");
        Assert.Equal((7, 42), (percent.Line, percent.Column));
        var recreate = Fails(Strategy("{ type: Recreate, rollingUpdate: { maxSurge: 1 } }") + Service(), "Deployment/web.spec.strategy.rollingUpdate");
        Assert.Contains("may not be set when the strategy type is Recreate", recreate.Message, StringComparison.Ordinal);

        string sts = Deployment(replicas: 3).Replace("kind: Deployment", "kind: StatefulSet", StringComparison.Ordinal)
            .Replace("  replicas: 3\n", "  replicas: 3\n  updateStrategy: { rollingUpdate: { partition: 2 } }\n", StringComparison.Ordinal);
        Assert.Equal(2, Load(sts + Service()).Spec.PodSources[0].Update.Partition);

        // A ReplicaSet has no rollout: its template change leaves its pods be
        string rs = Deployment().Replace("kind: Deployment", "kind: ReplicaSet", StringComparison.Ordinal);
        var error = Fails(rs + Service(), "faults[0].deployment", extra: "faults: [{ kind: rollout, deployment: web, at: 10s }]");
        Assert.Equal((10, 39), (error.Line, error.Column));
        Assert.Contains("a ReplicaSet keeps its pods when its template changes; roll out the Deployment that owns it", error.Message, StringComparison.Ordinal);
    }

    // ---- accepted forms ----

    [Fact]
    public void Replicas_Zero_And_A_TargetPort_No_Container_Lists_Are_Accepted()
    {
        var loaded = Load(Deployment(replicas: 0, podSpec: "containers: [{ name: c, image: nginx, ports: [{ containerPort: 80 }] }]")
            + Service(ports: "[{ port: 80, targetPort: 8080 }]"));

        Assert.Equal(0, Assert.Single(loaded.Spec.PodSources).Replicas);
        Assert.Equal(8080, Assert.Single(loaded.Spec.Services).Ports[0].TargetPort);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Tcp_And_Udp_Of_One_Port_Share_One_Node_Port_But_One_Protocol_Twice_Is_Refused()
    {
        var loaded = Load(Deployment() + Service(ports: "[{ name: dns, port: 53 }, { name: dns-udp, port: 53, protocol: UDP }, { name: web, port: 80 }]"));

        var svc = Assert.Single(loaded.Spec.Services);
        Assert.Equal([30000, 30000, 30001], svc.Ports.Select(p => p.NodePort));
        Assert.Equal(["TCP", "UDP", "TCP"], svc.Ports.Select(p => p.Protocol));

        var error = Fails(Deployment() + Service(ports: "[{ name: a, port: 53, nodePort: 30053 }, { name: b, port: 54, nodePort: 30053 }]"), "Service/web.spec.ports[1].nodePort");
        Assert.Equal((14, 128), (error.Line, error.Column));
        Assert.Contains("node port 30053/TCP is listed twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Service_Without_Selector_Takes_Its_Endpoints_From_EndpointSlices_At_Node_Addresses()
    {
        const string Slice = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: { name: web-1, labels: { kubernetes.io/service-name: web } }
            addressType: IPv4
            ports: [{ port: 80 }]
            endpoints:
              - addresses: [192.168.1.101]
              - addresses: [192.168.1.102]
                conditions: { ready: false }
              - addresses: [10.9.9.9]
            """;

        var loaded = Load(Service(selector: "{}") + Slice);

        var source = Assert.Single(loaded.Spec.PodSources);
        Assert.Equal((PodSourceKind.EndpointSlice, "web-1"), (source.Kind, source.Name));
        Assert.Equal(["w1", "w2"], source.PinnedNodes);
        Assert.Equal([true, false], source.StaticReady);
        var w = Assert.Single(loaded.Warnings);
        Assert.Equal(("EndpointSlice/web-1.endpoints[2].addresses[0]", 15, 17), (w.Field, w.Line, w.Column));
        Assert.Contains("10.9.9.9 is no node's address: an endpoint outside the cluster is not simulated", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_Of_A_Service_Without_Selector_Or_Endpoints_Are_Refused_But_The_Service_Alone_Is_Valid()
    {
        // Alone, a selector-less Service without slices is only a warning
        var loaded = Load(Deployment() + Service() + Service(name: "legacy", selector: "{}"));
        var w = Assert.Single(loaded.Warnings);
        Assert.Equal(("Service/legacy", 16), (w.Field, w.Line));

        // Used by clients, it is an error at the Service
        var error = Fails(Deployment() + Service() + Service(name: "legacy", selector: "{}"), "Service/legacy", service: "legacy");
        Assert.Equal((16, 1), (error.Line, error.Column));
        Assert.Contains("has no selector, and no EndpointSlice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ExternalName_Service_Is_Accepted_And_Clients_Of_It_Are_Refused()
    {
        string alias = """
            apiVersion: v1
            kind: Service
            metadata: { name: db }
            spec: { type: ExternalName, externalName: db.example.com }
            """;

        var loaded = Load(Deployment() + Service() + alias);
        Assert.Equal("web", Assert.Single(loaded.Spec.Services).Name); // not simulated: nothing in the cluster answers it

        var error = Fails(Deployment() + Service() + alias, "clients[0].service", service: "db");
        Assert.Equal((8, 22), (error.Line, error.Column));
        Assert.Contains("is an ExternalName Service: clients resolve it by DNS to db.example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_Pool_Entries_Are_Skipped_With_A_Warning_And_An_Ipv4_Service_Gets_An_Ipv4_Address()
    {
        const string Pool = """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: dual, namespace: metallb-system }
            spec: { addresses: ["fc00:f853:ccd:e799::/124", 192.168.1.240/28] }
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: { name: l2, namespace: metallb-system }
            """;

        var loaded = Load(Deployment() + Service(type: "LoadBalancer") + Pool, variants: "[{ kind: metallb-l2 }]");

        Assert.Equal("192.168.1.240", Assert.Single(loaded.Spec.Services).LoadBalancerIp);
        var w = Assert.Single(loaded.Warnings);
        Assert.Equal(("IPAddressPool/metallb-system/dual.spec.addresses[0]", 19, 21), (w.Field, w.Line, w.Column));
        Assert.Contains("is IPv6: skipped", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_Ipv6_Only_Service_Is_Refused_At_IpFamilies_And_A_Dual_Stack_One_Is_Simulated_Over_Ipv4()
    {
        var error = Fails(Deployment() + Service(extra: ", ipFamilies: [IPv6]"), "Service/web.spec.ipFamilies");
        Assert.Equal((14, 84), (error.Line, error.Column));
        Assert.Contains("asks for an IPv6-only Service; svcsim simulates IPv4", error.Message, StringComparison.Ordinal);

        var loaded = Load(Deployment() + Service(extra: ", ipFamilies: [IPv6, IPv4], ipFamilyPolicy: PreferDualStack"));
        Assert.Single(loaded.Spec.Services);

        var single = Fails(Deployment() + Service(extra: ", ipFamilies: [IPv6, IPv4]"), "Service/web.spec.ipFamilies");
        Assert.Contains("ipFamilyPolicy is SingleStack", single.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Literal_Block_Whose_First_Line_Holds_Only_Spaces_Parses_Working_Around_YamlDotNet_Issue_523()
    {
        // Regression guard for aaubry/YamlDotNet#523: YamlDotNet refuses "config.yaml: |" followed by a line of
        // spaces ("found extra spaces in first line"), which Helm renders into ConfigMaps and kubectl accepts.
        const string ConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\ndata:\n  config.yaml: |\n    \n    listen: 80\n---\n";
        var raw = new YamlStream();
        Assert.Throws<SemanticErrorException>(() => raw.Load(new StringReader(ConfigMap))); // the library's bug, still there

        var loaded = Load(ConfigMap + Deployment() + Service());
        Assert.Single(loaded.Spec.Services);
        Assert.Empty(loaded.Warnings);

        // The workaround keeps the value and every line number
        var fixedStream = new YamlStream();
        fixedStream.Load(new StringReader(YamlText.WithoutSpaceOnlyLines(ConfigMap)));
        var data = (YamlMappingNode)((YamlMappingNode)fixedStream.Documents[0].RootNode)["data"];
        Assert.Equal("\nlisten: 80\n", ((YamlScalarNode)data["config.yaml"]).Value);
        Assert.Equal(ConfigMap.Split('\n').Length, YamlText.WithoutSpaceOnlyLines(ConfigMap).Split('\n').Length);
    }

    [Fact]
    public void Kubernetes_Quantities_Are_Read_In_Sizes_And_Counts_And_Milli_Is_Refused_Where_It_Makes_No_Sense()
    {
        string path = Scenario();
        _files.Write("m.yaml", Deployment() + Service());
        string text = File.ReadAllText(path).Replace("rate: 10/s", "rate: 10/s, requestSize: 1Ki, responseSize: 512Mi", StringComparison.Ordinal)
            + "pods: { default: { workers: 1k, backlog: 2k } }\n";
        _files.Write("s.yaml", text);

        var spec = ScenarioLoader.Load(path).Spec;
        Assert.Equal((1024.0, 512.0 * 1024 * 1024), (spec.Clients[0].RequestBytes.Mean, spec.Clients[0].ResponseBytes.Mean));
        Assert.Equal((1000, 2000), (spec.PodSources[0].Capacity.Workers, spec.PodSources[0].Capacity.Backlog));

        _files.Write("s.yaml", text.Replace("requestSize: 1Ki", "requestSize: 500m", StringComparison.Ordinal));
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path));
        var error = Assert.Single(e.Errors);
        Assert.Equal(("clients[0].requestSize", 8, 52), (error.Field, error.Line, error.Column));
        Assert.Contains("m is milli in a Kubernetes quantity (500m is 0.5), not a size", error.Message, StringComparison.Ordinal);

        Assert.Equal(0.5, Units.Quantity("500m").Value);
        Assert.Equal(1024.0 * 1024 * 1024, Units.Quantity("1Gi").Value);
        Assert.Equal(2000, Units.Quantity("2e3").Value);
        Assert.False(Units.Quantity("1GB").Ok);
    }

    [Fact]
    public void Resource_Quantities_In_A_Pod_Template_Must_Be_Quantities()
    {
        var error = Fails(Deployment(podSpec: "containers: [{ name: c, image: nginx, resources: { requests: { cpu: 500m, memory: 1Gb } } }]") + Service(),
            "Deployment/web.spec.template.spec.containers[0].resources.requests.memory");

        Assert.Equal((9, 95), (error.Line, error.Column));
        Assert.Contains("unknown quantity suffix 'Gb'", error.Message, StringComparison.Ordinal);
    }
}

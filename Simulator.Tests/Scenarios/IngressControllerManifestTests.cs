using Svcsim.Access.Ingress;
using Svcsim.Experiments;
using Svcsim.Kubernetes;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// ingress-nginx's controller taken from the manifests (<c>controller.deployment</c>): its replicas or, for a
/// DaemonSet, one pod per node it fits; its placement; nginx's workers from its CPU limit; and the hosts of an
/// Ingress's tls sections marking the groups whose connections are HTTPS.
/// </summary>
public sealed class IngressControllerManifestTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Backend = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web }
        spec:
          replicas: 2
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web } }
            spec:
              containers: [{ name: c, image: nginx, ports: [{ containerPort: 80 }] }]
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: web }
        spec:
          selector: { app: web }
          ports: [{ port: 80 }]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: { name: web }
        spec:
          tls:
            - hosts: [shop.example.com, "*.api.example.com"]
              secretName: shop-tls
          rules:
            - http:
                paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]
        ---

        """;

    /// <summary>A controller workload of <paramref name="kind"/> in namespace ingress-nginx, with <paramref name="extra"/> in its pod spec.</summary>
    private static string Controller(string kind, string extra, string resources) => $$"""
        apiVersion: apps/v1
        kind: {{kind}}
        metadata: { name: edge, namespace: ingress-nginx }
        spec:
        {{(kind == "Deployment" ? "  replicas: 3\n" : "")}}  selector: { matchLabels: { app: edge } }
          template:
            metadata: { labels: { app: edge } }
            spec:
        {{extra}}
              containers:
                - name: controller
                  image: registry.k8s.io/ingress-nginx/controller:v1.11.2
                  ports: [{ name: http, containerPort: 8080 }, { name: https, containerPort: 8443 }]
                  resources: {{resources}}

        """;

    private ScenarioSpec Load(string controller, string variant, string clients = "  - { service: web, path: /, rate: 50/s }\n") =>
        LoadFile(controller, variant, clients).Spec;

    private ScenarioFile LoadFile(string controller, string variant, string clients, string backend = Backend)
    {
        _files.Write("m.yaml", backend + controller);
        string path = _files.Write("s.yaml", $$"""
            name: t
            duration: 30s
            cluster:
              nodes:
                - { name: cp1, role: controlPlane, ip: 192.168.1.10 }
                - { name: w1, ip: 192.168.1.101, labels: { edge: "true" } }
                - { name: w2, ip: 192.168.1.102, labels: { edge: "true" } }
                - { name: w3, ip: 192.168.1.103, labels: { edge: "true" }, taints: [dedicated=db:NoSchedule] }
                - { name: w4, ip: 192.168.1.104 }
            manifests: m.yaml
            clients:
            {{clients}}
            variants:
              - kind: ingress-nginx
                controller: {{variant}}
            measurement: { warmup: 10s }
            """);
        return ScenarioLoader.Load(path);
    }

    [Fact]
    public void A_Deployment_Gives_The_Controller_Its_Replicas_Placement_And_Workers_From_Its_Cpu_Limit()
    {
        // Given a Deployment of 3 replicas kept on edge nodes (w1 and w3; w3's taint tolerated) with a CPU limit of
        // 1500m: nginx starts ceil(1.5) = 2 worker processes, which share 1.5 CPUs
        const string placement = """
                  nodeSelector: { edge: "true" }
                  tolerations: [{ key: dedicated, operator: Equal, value: db, effect: NoSchedule }]
            """;
        var spec = Load(Controller("Deployment", placement, "{ requests: { cpu: 500m }, limits: { cpu: 1500m } }"),
            "{ deployment: ingress-nginx/edge, requestCpu: 1ms }");

        // When it is read and run
        var ingress = (IngressNginxAccess)Assert.Single(spec.Variants);
        var c = ingress.Controller;
        var runner = new VariantRunner(spec, ingress, 0);
        var run = runner.Run();
        var pods = runner.Model.AllPods.Where(p => p.Source.Spec.Key == "ingress-nginx/edge").ToList();

        // Then the controller is that workload's, on the nodes it fits, with 2 workers each 4/3 slower, on its http port
        Assert.Equal(("ingress-nginx/edge", 3, 2, 8080), (c.Workload, c.Replicas, c.Workers, c.TargetPort));
        Assert.Equal(2 / 1.5, c.CpuScale, 12);
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Contains(p.Node.Name, new[] { "w1", "w2", "w3" }));
        var capacity = pods[0].Source.Spec.Capacity;
        Assert.Equal((2, 0.001 * 2 / 1.5), (capacity.Workers, capacity.ServiceTime.Mean));
        Assert.Equal("ingress-nginx/ingress-nginx-controller", ((IngressNginxFrontDoor)runner.FrontDoor).ControllerService.Key);
        Assert.True(run.Summary.Requests > 500, $"{run.Summary.Requests}");
        Assert.Equal(0, run.Summary.Failed);
        Assert.Contains(run.Pods, w => w.Pod.StartsWith("ingress-nginx/edge-", StringComparison.Ordinal) && w.Utilization > 0);
    }

    [Fact]
    public void A_DaemonSet_Puts_One_Controller_Pod_On_Every_Node_It_Fits()
    {
        // Given a DaemonSet for edge nodes that does not tolerate w3's taint, without a CPU limit
        var spec = Load(Controller("DaemonSet", "      nodeSelector: { edge: \"true\" }", "{ requests: { cpu: 100m } }"),
            "{ deployment: edge, workers: 3, exposedBy: nodeport, addresses: [w1] }");

        // When it runs
        var ingress = (IngressNginxAccess)Assert.Single(spec.Variants);
        var runner = new VariantRunner(spec, ingress, 0);
        var run = runner.Run();

        // Then one controller pod runs on each of w1 and w2 (w3 is tainted, w4 is not an edge node and the
        // control plane is not schedulable), with the workers asked for (no CPU limit: no throttling)
        var pods = runner.Model.AllPods.Where(p => p.Source.Spec.Key == "ingress-nginx/edge").ToList();
        Assert.Equal(["w1", "w2"], pods.Select(p => p.Node.Name).Order(StringComparer.Ordinal));
        Assert.Equal((2, 3, 1.0), (ingress.Controller.Replicas, ingress.Controller.Workers, ingress.Controller.CpuScale));
        Assert.Equal(0, run.Summary.Failed);
        Assert.True(run.Summary.Requests > 500, $"{run.Summary.Requests}");
    }

    [Fact]
    public void Groups_Whose_Host_A_Tls_Section_Lists_Connect_Over_Https()
    {
        // Given an Ingress whose tls section lists shop.example.com and *.api.example.com
        var spec = Load(Controller("Deployment", "", "{}"), "{ deployment: edge }", """
              - { name: shop, service: web, host: shop.example.com, rate: 10/s }
              - { name: api, service: web, host: v1.api.example.com, rate: 10/s }
              - { name: deep, service: web, host: a.v1.api.example.com, rate: 10/s }
              - { name: plain, service: web, host: blog.example.com, rate: 10/s }
              - { name: none, service: web, path: /, rate: 10/s }
            """);

        // Then the groups of those hosts are HTTPS (a wildcard covers one label), the others plain HTTP
        Assert.Equal([true, true, false, false, false], spec.Clients.Select(c => c.Tls));
    }

    [Fact]
    public void A_Second_Default_Backend_Is_A_Warning_As_The_Api_Server_Gives_It()
    {
        // Given two more Ingresses, each with a defaultBackend (the API server accepts them; the first one wins)
        const string second = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: other }
            spec:
              defaultBackend: { service: { name: web, port: { number: 80 } } }
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: late }
            spec:
              defaultBackend: { service: { name: web, port: { number: 80 } } }
            ---

            """;
        var file = LoadFile(second + Controller("Deployment", "", "{}"), "{ deployment: edge }", "  - { name: lost, service: web, host: blog.example.com, path: /x, rate: 10/s }\n");

        // Then the second is a warning at its place, and the scenario loads
        var warnings = file.Warnings.Select(w => w.ToString()).ToList();
        Assert.Contains(warnings, w => w.Contains("m.yaml:", StringComparison.Ordinal) && w.Contains("a second defaultBackend (Ingress/late); the one of Ingress/other is used", StringComparison.Ordinal));
        Assert.Equal("web", Assert.Single(file.Spec.Clients).IngressService);
    }

    [Fact]
    public void A_Group_No_Rule_Matches_Is_A_Warning_Where_Its_Path_Is_Said()
    {
        // Given an Ingress that routes only /api, and a group asking for /
        string apiOnly = Backend.Replace("path: /, pathType", "path: /api, pathType", StringComparison.Ordinal);
        var file = LoadFile(Controller("Deployment", "", "{}"), "{ deployment: edge }", "  - { name: lost, service: web, path: /, rate: 10/s }\n", apiOnly);

        // Then it loads with a warning at the group's path, and the group's requests will get 404
        var w = Assert.Single(file.Warnings, x => x.Message.Contains("no Ingress rule matches", StringComparison.Ordinal));
        Assert.Equal("clients[0].path", w.Field);
        Assert.EndsWith("s.yaml", w.File, StringComparison.Ordinal);
        Assert.Equal("", Assert.Single(file.Spec.Clients).IngressService);
    }
}

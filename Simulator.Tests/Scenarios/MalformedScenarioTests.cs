using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// Malformed scenarios and manifests, one small case each, written into a temporary folder. Each case
/// names the file, line, column and field path where the error must point, and words the message must
/// contain (what was expected).
/// </summary>
public sealed class MalformedScenarioTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A valid scenario; each case edits it.</summary>
    private const string Scenario = """
        name: t
        duration: 120s
        cluster:
          nodes:
            - { name: cp1, role: controlPlane, ip: 10.0.0.10 }
            - { name: w1, ip: 10.0.0.11 }
            - { name: w2, ip: 10.0.0.12 }
        manifests: m.yaml
        clients:
          - service: lb-web
            nodePortService: np-web
            rate: 100/s
        variants:
          - kind: nodeport
            addresses: [cp1]
          - kind: metallb-l2
          - kind: cloud-lb
            preset: gce
        faults:
          - kind: nodeCrash
            node: w1
            at: 60s

        """;

    /// <summary>Valid manifests; each case edits them.</summary>
    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web }
        spec:
          replicas: 2
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web } }
            spec:
              containers:
                - name: c
                  image: nginx
                  ports: [{ name: http, containerPort: 80 }]
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: np-web }
        spec:
          type: NodePort
          selector: { app: web }
          ports: [{ port: 80, targetPort: 80, nodePort: 30000 }]
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: lb-web }
        spec:
          type: LoadBalancer
          selector: { app: web }
          ports: [{ port: 80, targetPort: 80 }]
        ---
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: { name: pool }
        spec: { addresses: [10.0.0.100-10.0.0.109] }
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: { name: l2 }

        """;

    /// <summary>One malformed input: the edits, and where and what the error must be.</summary>
    private sealed record Case(string File, int Line, int Column, string Field, string Message,
        (string Old, string New)[]? ScenarioEdits = null, (string Old, string New)[]? ManifestEdits = null);

    private static Case S(string old, string @new, int line, int column, string field, string message) =>
        new("s.yaml", line, column, field, message, ScenarioEdits: [(old, @new)]);

    private static Case M(string old, string @new, int line, int column, string field, string message) =>
        new("m.yaml", line, column, field, message, ManifestEdits: [(old, @new)]);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["yaml syntax error in the scenario"] = S("    rate: 100/s", "   rate: 100/s", 12, 4, "", "invalid YAML"),
        ["duplicate key"] = S("name: t\n", "name: t\nname: u\n", 2, 1, "", "duplicate key 'name'"),
        ["unknown top-level key"] = S("duration: 120s", "duraton: 120s", 2, 1, "duraton", "unknown key 'duraton' (did you mean 'duration'?)"),
        ["unknown key in a client group"] = S("    rate: 100/s", "    rat: 100/s", 12, 5, "clients[0].rat", "did you mean 'rate'?"),
        ["wrong type"] = S("name: t\n", "name: t\nreplications: [3]\n", 2, 15, "replications", "expected a whole number, found a list"),
        ["wrong unit"] = S("duration: 120s", "duration: 5 parsecs", 2, 11, "duration", "unknown duration unit 'parsecs'"),
        ["duration without a unit"] = S("duration: 120s", "duration: 120", 2, 11, "duration", "has no unit; expected a duration like 90s"),
        ["zero rate"] = S("rate: 100/s", "rate: 0/s", 12, 11, "clients[0].rate", "must be more than 0"),
        ["negative fault time"] = S("at: 60s", "at: -5s", 22, 9, "faults[0].at", "negative"),
        ["zero replications"] = S("name: t\n", "name: t\nreplications: 0\n", 2, 15, "replications", "must be at least 1"),
        ["negative replicas"] = M("replicas: 2", "replicas: -1", 5, 13, "Deployment/web.spec.replicas", "must be at least 0, found -1"),
        ["nodePort outside the range"] = M("nodePort: 30000", "nodePort: 29999", 21, 49, "Service/np-web.spec.ports[0].nodePort", "29999 is outside the node port range 30000-32767"),
        ["duplicated nodePort"] = M("ports: [{ port: 80, targetPort: 80 }]", "ports: [{ port: 80, targetPort: 80, nodePort: 30000 }]", 29, 49, "Service/lb-web.spec.ports[0].nodePort", "node port 30000 is already used by Service/np-web"),
        ["selector that matches no pod"] = M("  type: LoadBalancer\n  selector: { app: web }", "  type: LoadBalancer\n  selector: { app: wbe }", 28, 13, "Service/lb-web.spec.selector", "matches no pod of any workload (did you mean '{app: web}'?) (pod labels: web {app: web})"),
        ["misspelt port protocol"] = M("ports: [{ port: 80, targetPort: 80 }]", "ports: [{ port: 80, targetPort: 80, protocol: tcp }]", 29, 49, "Service/lb-web.spec.ports[0].protocol", "'tcp' is not one of TCP, UDP, SCTP (did you mean 'TCP'?)"),
        ["named targetPort no container has"] = M("ports: [{ port: 80, targetPort: 80 }]", "ports: [{ port: 80, targetPort: htp }]", 29, 35, "Service/lb-web.spec.ports[0].targetPort", "no container of web has a port named 'htp' (did you mean 'http'?)"),
        ["misspelt Service type"] = M("type: LoadBalancer", "type: Loadbalancer", 27, 9, "Service/lb-web.spec.type", "'Loadbalancer' is not one of ClusterIP, NodePort, LoadBalancer, ExternalName (did you mean 'LoadBalancer'?)"),
        ["selector matching pods of another namespace"] = M("metadata: { name: lb-web }", "metadata: { name: lb-web, namespace: shop }", 28, 13, "Service/shop/lb-web.spec.selector", "matches Deployment web in namespace default, but a Service selects pods of its own namespace (shop)"),
        ["Deployment selector not matching its template"] = M("metadata: { labels: { app: web } }", "metadata: { labels: { app: webb } }", 6, 13, "Deployment/web.spec.selector", "does not match the template's labels {app: webb}"),
        ["Service without ports"] = M("  ports: [{ port: 80, targetPort: 80 }]", "  prots: [{ port: 80, targetPort: 80 }]", 27, 3, "Service/lb-web.spec.ports", "is required: a list of ports (port, targetPort, nodePort) (found 'prots': did you mean 'ports'?)"),
        ["yaml syntax error in a manifest"] = M("  replicas: 2", " replicas: 2", 6, 11, "", "invalid YAML: while scanning a plain scalar value, found invalid mapping"),
        ["unclosed flow list"] = S("addresses: [cp1]", "addresses: [cp1", 15, 16, "", "invalid YAML after this point: is a '[' or '{' left unclosed?"),
        // YamlDotNet's parser reads an alias glued to a ']' as a key and its loader then fails on the events that no
        // longer pair up (an ArgumentException, not a YamlException): the error points at the alias.
        ["document end before the document"] = S("name: t\n", "...\nname: t\n", 1, 1, "", "invalid YAML: '...' ends a document before one has begun; remove it"),
        ["alias straight after a flow list"] = S("addresses: [cp1]", "addresses: [cp1]*x", 15, 21, "", "invalid YAML: *x straight after a ']' or '}' is read as a key, and what follows no longer pairs up"),
        ["alias straight after a flow mapping in a manifest"] = M("ports: [{ port: 80, targetPort: 80 }]", "ports: [{ port: 80, targetPort: 80 }]*p", 29, 40, "", "invalid YAML: *p straight after a ']' or '}' is read as a key"),
        ["fault naming an unknown node"] = S("node: w1", "node: w9", 21, 11, "faults[0].node", "no node named 'w9' (did you mean 'w1'?) (nodes: cp1, w1, w2)"),
        ["fault naming an unknown deployment"] = S("  - kind: nodeCrash\n    node: w1", "  - kind: podCrash\n    deployment: wbe", 21, 17, "faults[0].deployment", "no workload named 'wbe' (did you mean 'web'?) (workloads: web)"),
        ["pod crash of a replica that does not exist"] = S("  - kind: nodeCrash\n    node: w1", "  - kind: podCrash\n    deployment: web\n    replica: 2", 22, 14, "faults[0].replica", "must be at most 1, found 2"),
        ["fault after the end of the run"] = S("at: 60s", "at: 130s", 22, 9, "faults[0].at", "130s is not before the end of the run (duration 120s)"),
        ["unknown fault kind"] = S("kind: nodeCrash", "kind: nodeCrsh", 20, 11, "faults[0].kind", "unknown fault kind 'nodeCrsh' (did you mean 'nodeCrash'?)"),
        ["fault key of another kind"] = S("at: 60s", "at: 60s\n    newIp: 10.0.0.50", 23, 5, "faults[0].newIp", "not a key of kind nodeCrash; it belongs to nodeReboot, ipChange"),
        ["ip change to another node's IP"] = S("  - kind: nodeCrash\n    node: w1\n    at: 60s", "  - kind: ipChange\n    node: w1\n    at: 60s\n    newIp: 10.0.0.12", 23, 12, "faults[0].newIp", "10.0.0.12 is already the IP of node w2"),
        ["duplicate node name"] = S("{ name: w2, ip: 10.0.0.12 }", "{ name: w1, ip: 10.0.0.12 }", 7, 15, "cluster.nodes[2].name", "node name 'w1' is used twice"),
        ["duplicate node IP"] = S("{ name: w2, ip: 10.0.0.12 }", "{ name: w2, ip: 10.0.0.11 }", 7, 23, "cluster.nodes[2].ip", "10.0.0.11 is already the IP of node w1"),
        ["invalid IP"] = S("ip: 10.0.0.12", "ip: 10.0.0.300", 7, 23, "cluster.nodes[2].ip", "'10.0.0.300' is not an IPv4 address"),
        ["no schedulable node"] = S("{ name: w1, ip: 10.0.0.11 }\n    - { name: w2, ip: 10.0.0.12 }", "{ name: w1, ip: 10.0.0.11, schedulable: false }", 5, 5, "cluster.nodes", "no node is schedulable"),
        ["client group naming an unknown Service"] = S("service: lb-web", "service: lb-wbe", 10, 14, "clients[0].service", "no Service named 'lb-wbe' (did you mean 'lb-web'?) in the manifests (Services: np-web, lb-web)"),
        ["client group with both rate and users"] = S("rate: 100/s", "rate: 100/s\n    users: 10", 13, 12, "clients[0].users", "either rate (open loop) or users (closed loop), not both"),
        ["client group without service"] = S("  - service: lb-web\n    nodePortService: np-web", "  - nodePortService: np-web", 10, 5, "clients[0].service", "is required: the name of the Service"),
        ["load-balancer variant on a NodePort Service"] = S("service: lb-web\n    nodePortService: np-web", "service: np-web", 15, 11, "variants[1].kind", "which is type NodePort"),
        ["NodePort address that is no node's IP"] = S("addresses: [cp1]", "addresses: [10.0.0.99]", 15, 17, "variants[0].addresses[0]", "10.0.0.99 is no node's IP (nodes: cp1 10.0.0.10, w1 10.0.0.11, w2 10.0.0.12)"),
        ["unknown variant kind"] = S("kind: metallb-l2", "kind: metallb-l3", 16, 11, "variants[1].kind", "unknown variant kind 'metallb-l3' (did you mean 'metallb-l2'?)"),
        ["unknown cloud preset"] = S("preset: gce", "preset: gcp", 18, 13, "variants[2].preset", "unknown cloud-lb preset 'gcp' (did you mean 'gce'?); expected one of: azure, gce, aws-clb, aws-nlb"),
        ["variant key of another kind"] = S("  - kind: metallb-l2", "  - kind: metallb-l2\n    holdTime: 3s", 17, 5, "variants[1].holdTime", "it belongs to metallb-bgp"),
        ["L2 variant with no L2Advertisement"] = M("kind: L2Advertisement", "kind: BGPAdvertisement", 0, 0, "", "") with
        {
            File = "s.yaml", Line = 16, Column = 11, Field = "variants[1].kind", Message = "no L2Advertisement announces IPAddressPool 'pool'",
        },
        ["slo outside (0,1]"] = S("name: t\n", "name: t\nmeasurement: { slo: 1.5 }\n", 2, 21, "measurement.slo", "'1.5' is outside 0..1"),
        ["slo of zero"] = S("name: t\n", "name: t\nmeasurement: { slo: 0% }\n", 2, 21, "measurement.slo", "must be more than 0"),
        ["warm-up not shorter than the run"] = S("name: t\n", "name: t\nmeasurement: { warmup: 2m }\n", 2, 24, "measurement.warmup", "the warm-up 120s must be shorter than the run (duration 120s)"),
        ["missing manifests file"] = S("manifests: m.yaml", "manifests: missing.yaml", 8, 12, "manifests", "manifest file not found"),
        ["pods for an unknown deployment"] = S("name: t\n", "name: t\npods: { wbe: { workers: 2 } }\n", 2, 9, "pods.wbe", "no workload named 'wbe' (did you mean 'web'?)"),
        ["bad distribution in pods"] = S("name: t\n", "name: t\npods: { default: { serviceTime: exp(mena=5ms) } }\n", 2, 33, "pods.default.serviceTime", "unknown parameter 'mena' (did you mean 'mean'?)"),
        ["load-balancer address that is a node's IP"] = M("10.0.0.100-10.0.0.109", "10.0.0.10-10.0.0.19", 23, 1, "Service/lb-web", "its load-balancer address 10.0.0.10 (from IPAddressPool 'pool') is node cp1's IP"),
        ["distribution cut at its comma inside { }"] = S("name: t\n", "name: t\npods: { default: { serviceTime: uniform(min=1ms, max=3ms) } }\n", 2, 33, "pods.default.serviceTime", "lacks its closing ')' (inside { } or [ ] a comma ends the value: quote it"),
        ["bad Kubernetes version"] = S("cluster:\n", "cluster:\n  kubernetesVersion: one.thirty\n", 4, 22, "cluster.kubernetesVersion", "is not a Kubernetes version"),
        ["two documents in a scenario"] = S("name: t\n", "name: t\n---\nname: u\n", 3, 1, "", "a scenario file holds one YAML document"),
        ["unknown connection reuse"] = S("    rate: 100/s", "    rate: 100/s\n    connection: { reuse: keepalives }", 13, 26, "clients[0].connection.reuse", "'keepalives' is not one of perRequest, keepAlive, multiplex (did you mean 'keepAlive'?)"),
        ["streams without multiplex"] = S("    rate: 100/s", "    rate: 100/s\n    connection: { reuse: keepAlive, streams: 10 }", 13, 46, "clients[0].connection.streams", "streams is for reuse: multiplex"),
        ["zero maxRequests"] = S("    rate: 100/s", "    rate: 100/s\n    connection: { reuse: keepAlive, maxRequests: 0 }", 13, 50, "clients[0].connection.maxRequests", "must be at least 1"),
        ["negative idle timeout"] = S("    rate: 100/s", "    rate: 100/s\n    connection: { reuse: keepAlive, idleTimeout: -5s }", 13, 50, "clients[0].connection.idleTimeout", "negative"),
        ["zero connection pool"] = S("    rate: 100/s", "    rate: 100/s\n    connection: { reuse: multiplex, pool: 0 }", 13, 43, "clients[0].connection.pool", "must be at least 1"),
        ["unknown connection key"] = S("    rate: 100/s", "    rate: 100/s\n    connection: { reuse: keepAlive, maxAgee: 1h }", 13, 37, "clients[0].connection.maxAgee", "did you mean 'maxAge'?"),
        ["Maglev table size that is not a prime"] = S("addresses: [cp1]", "addresses: [cp1]\n    kubeProxy: { mode: ebpf, ebpf: { algorithm: maglev, maglevTableSize: 16383 } }", 16, 74, "variants[0].kubeProxy.ebpf.maglevTableSize", "16383 is not a prime"),
        ["misspelt eBPF key"] = S("addresses: [cp1]", "addresses: [cp1]\n    kubeProxy: { mode: ebpf, ebpf: { algoritm: maglev } }", 16, 38, "variants[0].kubeProxy.ebpf.algoritm", "did you mean 'algorithm'?"),
        ["negative ECMP paths"] = S("  - kind: metallb-l2", "  - kind: metallb-bgp\n    maxPaths: -1", 17, 15, "variants[1].maxPaths", "must be at least 0"),
        ["zero conntrackMax"] = S("{ name: w2, ip: 10.0.0.12 }", "{ name: w2, ip: 10.0.0.12, conntrackMax: 0 }", 7, 48, "cluster.nodes[2].conntrackMax", "must be at least 1"),
        ["Ingress controller exposed by an unknown kind"] = S("  - kind: metallb-l2", "  - kind: ingress-nginx\n    controller: { exposedBy: metallb-l3 }", 17, 30, "variants[1].controller.exposedBy", "(did you mean 'metallb-l2'?)"),
        ["Ingress controller with a key of another exposure"] = S("  - kind: metallb-l2", "  - kind: ingress-nginx\n    controller: { exposedBy: metallb-l2, holdTime: 3s }", 17, 52, "variants[1].controller.holdTime", "'holdTime' is not a key of metallb-l2, which exposes the controller"),
        ["Ingress controller naming a workload that does not exist"] = S("  - kind: metallb-l2", "  - kind: ingress-nginx\n    controller: { deployment: ingress-nginx-controller }", 17, 31, "variants[1].controller.deployment", "no workload named 'ingress-nginx-controller' (workloads: web)"),
        ["Ingress controller with both a deployment and replicas"] = S("  - kind: metallb-l2", "  - kind: ingress-nginx\n    controller: { deployment: web, replicas: 2 }", 17, 46, "variants[1].controller.replicas", "give deployment (the controller's Deployment or DaemonSet in the manifests) or replicas (a built-in controller with these pods), not both"),
        ["Ingress controller naming a bare Pod"] = new("s.yaml", 17, 31, "variants[1].controller.deployment", "lone is a Pod; ingress-nginx's controller runs as a Deployment or a DaemonSet",
            ScenarioEdits: [("  - kind: metallb-l2", "  - kind: ingress-nginx\n    controller: { deployment: lone }")],
            ManifestEdits: [("metadata: { name: l2 }\n", "metadata: { name: l2 }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: lone }\nspec:\n  containers: [{ name: c, image: nginx }]\n")]),
        ["Ingress path without a leading slash"] = M("metadata: { name: l2 }\n", "metadata: { name: l2 }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web }\nspec:\n  rules:\n    - http:\n        paths:\n          - { path: ip, pathType: Prefix, backend: { service: { name: lb-web, port: { number: 80 } } } }\n", 47, 21, "Ingress/web.spec.rules[0].http.paths[0].path", "'ip' must be an absolute path, starting with '/'"),
        ["Ingress backend naming an unknown Service"] = M("metadata: { name: l2 }\n", "metadata: { name: l2 }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web }\nspec:\n  rules:\n    - http:\n        paths:\n          - { path: /, pathType: Prefix, backend: { service: { name: lb-wbe, port: { number: 80 } } } }\n", 47, 70, "Ingress/web.spec.rules[0].http.paths[0].backend.service.name", "no Service named 'lb-wbe' in namespace default (did you mean 'lb-web'?)"),
        ["Ingress backend naming a port the Service lacks"] = M("metadata: { name: l2 }\n", "metadata: { name: l2 }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web }\nspec:\n  rules:\n    - http:\n        paths:\n          - { path: /, pathType: Prefix, backend: { service: { name: lb-web, port: { number: 81 } } } }\n", 47, 84, "Ingress/web.spec.rules[0].http.paths[0].backend.service.port", "Service lb-web has no port 81 (ports: 80)"),
        ["two Ingress paths with the same host and path"] = M("metadata: { name: l2 }\n", "metadata: { name: l2 }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web }\nspec:\n  rules:\n    - http:\n        paths:\n          - { path: /, pathType: Prefix, backend: { service: { name: lb-web, port: { number: 80 } } } }\n          - { path: /, pathType: Prefix, backend: { service: { name: np-web, port: { number: 80 } } } }\n", 48, 13, "Ingress/web.spec.rules[0].http.paths[1]", "host '' and path / (Prefix) are already routed by Ingress/web"),
        ["Ingress retrying on a condition not modelled"] = S("  - kind: metallb-l2", "  - kind: ingress-nginx\n    proxyNextUpstream: [error, http_502]", 17, 24, "variants[1].proxyNextUpstream", "'http_502' is not modelled in proxyNextUpstream"),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Cases.Keys)
        {
            data.Add(name);
        }
        return data;
    }

    [Fact]
    public void There_Are_At_Least_25_Kinds_Of_Malformed_Input() => Assert.True(Cases.Count >= 25);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_Input_Is_Reported_At_Its_File_Line_And_Field(string name)
    {
        var c = Cases[name];
        _files.Write("s.yaml", Edit(Scenario, c.ScenarioEdits));
        _files.Write("m.yaml", Edit(Manifests, c.ManifestEdits));

        var e = _files.Fails("s.yaml");

        var error = e.Errors.FirstOrDefault(x => x.Field == c.Field && x.File.EndsWith(c.File, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no error at {c.File} {c.Field}; got:\n{string.Join("\n", e.Errors)}");
        Assert.Equal(Path.Combine(_files.Directory, c.File), error.File);
        Assert.Equal((c.Line, c.Column), (error.Line, error.Column));
        Assert.Contains(c.Message, error.Message, StringComparison.Ordinal);
        string where = c.Field.Length > 0 ? $"{error.File}:{c.Line}:{c.Column}: {c.Field}: " : $"{error.File}:{c.Line}:{c.Column}: ";
        Assert.StartsWith(where, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(error.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Valid_Inputs_The_Cases_Start_From_Load()
    {
        _files.Write("s.yaml", Scenario);
        _files.Write("m.yaml", Manifests);

        var loaded = ScenarioLoader.Load(Path.Combine(_files.Directory, "s.yaml"));

        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Several_Errors_In_One_File_Are_Reported_Together_In_File_Order()
    {
        _files.Write("m.yaml", Manifests);
        _files.Write("s.yaml", Scenario
            .Replace("duration: 120s", "duration: 120 s0", StringComparison.Ordinal)
            .Replace("rate: 100/s", "rate: fast", StringComparison.Ordinal)
            .Replace("node: w1", "node: w7", StringComparison.Ordinal));

        var e = _files.Fails("s.yaml");

        Assert.Equal(["duration", "clients[0].rate", "faults[0].node"], e.Errors.Select(x => x.Field));
        Assert.Equal([2, 12, 21], e.Errors.Select(x => x.Line));
    }

    private static string Edit(string text, (string Old, string New)[]? edits)
    {
        foreach (var (old, @new) in edits ?? [])
        {
            Assert.Contains(old, text, StringComparison.Ordinal);
            text = text.Replace(old, @new, StringComparison.Ordinal);
        }
        return text;
    }
}

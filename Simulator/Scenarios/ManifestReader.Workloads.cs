using System.Globalization;
using Svcsim.Kubernetes;

namespace Svcsim.Scenarios;

/// <summary>A container port: <c>containerPort</c>, its optional name and protocol.</summary>
internal sealed record ContainerPort(int Port, string Name, string Protocol = "TCP");

/// <summary>A workload (or bare Pod) as read from a manifest, before the scenario adds pod capacity.</summary>
internal sealed record PodSourceManifest(Node At, PodSourceKind Kind, string Name, string Namespace, int Replicas,
    IReadOnlyDictionary<string, string> PodLabels, IReadOnlyList<ContainerPort> Ports, HealthSpec Health, PlacementSpec Placement)
{
    /// <summary>The pod's CPU: its containers' resources.requests.cpu and resources.limits.cpu added up.</summary>
    public PodCpu Cpu { get; init; } = PodCpu.None;

    /// <summary>spec.strategy or spec.updateStrategy, with minReadySeconds; the kind's default unless set.</summary>
    public UpdateStrategy? Update { get; init; }

    /// <summary><c>name</c> in the default namespace, <c>namespace/name</c> elsewhere.</summary>
    public string Key => Namespace == "default" ? Name : $"{Namespace}/{Name}";
}

/// <summary>Pod templates: workload specs, containers, probes, placement (core/v1 PodSpec, apps/v1 workloads).</summary>
internal static partial class ManifestReader
{
    private static readonly Dictionary<string, string[]> WorkloadSpecKeys = new(StringComparer.Ordinal)
    {
        ["Deployment"] = ["replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds", "paused"],
        ["ReplicaSet"] = ["replicas", "selector", "template", "minReadySeconds"],
        ["StatefulSet"] =
        [
            "replicas", "selector", "template", "serviceName", "podManagementPolicy", "updateStrategy", "volumeClaimTemplates",
            "revisionHistoryLimit", "minReadySeconds", "persistentVolumeClaimRetentionPolicy", "ordinals",
        ],
        ["DaemonSet"] = ["selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit"],
    };

    private static readonly string[] PodSpecKeys =
    [
        "containers", "initContainers", "ephemeralContainers", "nodeSelector", "affinity", "tolerations", "topologySpreadConstraints",
        "terminationGracePeriodSeconds", "nodeName", "volumes", "serviceAccountName", "serviceAccount", "automountServiceAccountToken",
        "securityContext", "imagePullSecrets", "hostNetwork", "hostPID", "hostIPC", "hostUsers", "shareProcessNamespace", "dnsPolicy",
        "dnsConfig", "hostname", "subdomain", "hostAliases", "setHostnameAsFQDN", "restartPolicy", "priorityClassName", "priority",
        "preemptionPolicy", "schedulerName", "runtimeClassName", "enableServiceLinks", "activeDeadlineSeconds", "overhead",
        "readinessGates", "os", "schedulingGates", "resourceClaims", "resources",
    ];

    private static readonly string[] ContainerKeys =
    [
        "name", "image", "command", "args", "workingDir", "ports", "env", "envFrom", "resources", "resizePolicy", "restartPolicy",
        "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
    ];

    private static readonly string[] ContainerPortKeys = ["containerPort", "name", "protocol", "hostPort", "hostIP"];
    private static readonly string[] ProbeKeys =
        ["exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"];
    private static readonly string[] SelectorKeys = ["matchLabels", "matchExpressions"];
    private static readonly string[] RequirementKeys = ["key", "operator", "values"];
    private static readonly string[] AffinityTermKeys = ["labelSelector", "topologyKey", "namespaces", "namespaceSelector", "matchLabelKeys", "mismatchLabelKeys"];
    private static readonly string[] TolerationKeys = ["key", "operator", "value", "effect", "tolerationSeconds"];
    private static readonly string[] SpreadKeys =
        ["maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", "minDomains", "matchLabelKeys", "nodeAffinityPolicy", "nodeTaintsPolicy"];

    private static readonly Dictionary<string, string> Protocols = new(StringComparer.Ordinal) { ["TCP"] = "TCP", ["UDP"] = "UDP", ["SCTP"] = "SCTP" };

    private static readonly Dictionary<string, SelectorOperator> LabelOperators = new(StringComparer.Ordinal)
    {
        ["In"] = SelectorOperator.In, ["NotIn"] = SelectorOperator.NotIn, ["Exists"] = SelectorOperator.Exists, ["DoesNotExist"] = SelectorOperator.DoesNotExist,
    };

    private static readonly Dictionary<string, SelectorOperator> NodeOperators = new(StringComparer.Ordinal)
    {
        ["In"] = SelectorOperator.In, ["NotIn"] = SelectorOperator.NotIn, ["Exists"] = SelectorOperator.Exists,
        ["DoesNotExist"] = SelectorOperator.DoesNotExist, ["Gt"] = SelectorOperator.Gt, ["Lt"] = SelectorOperator.Lt,
    };

    private static readonly Dictionary<string, TaintEffect> Effects = new(StringComparer.Ordinal)
    {
        ["NoSchedule"] = TaintEffect.NoSchedule, ["PreferNoSchedule"] = TaintEffect.PreferNoSchedule, ["NoExecute"] = TaintEffect.NoExecute,
    };

    private static PodSourceManifest? ReadWorkload(Map doc, string kind, string name, string ns, Map? metadata)
    {
        var sourceKind = Enum.Parse<PodSourceKind>(kind);
        if (sourceKind == PodSourceKind.Pod)
        {
            var labels = metadata?.Get("labels") is { } l ? Labels(l) : new Dictionary<string, string>();
            var podSpec = doc.Required("spec", "the pod spec with containers")?.AsMap();
            var pod = ReadPodSpec(podSpec);
            return pod is null ? null : new PodSourceManifest(doc.Self, sourceKind, name, ns, 1, labels, pod.Value.Ports, pod.Value.Health, pod.Value.Placement)
            {
                Cpu = pod.Value.Cpu,
            };
        }
        var spec = doc.Required("spec", $"the {kind}'s spec (selector, template)")?.AsMap()?.Check(WorkloadSpecKeys[kind], UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        int replicas = sourceKind == PodSourceKind.DaemonSet ? 0 : spec.Int("replicas", 1, min: 0);
        var selectorNode = spec.Required("selector", "a label selector (matchLabels, matchExpressions)");
        var selector = selectorNode is { } sn ? ReadLabelSelector(sn) : null;
        var template = spec.Required("template", "the pod template (metadata.labels, spec.containers)")?.AsMap()?.Check(["metadata", "spec"], UnknownKeys.Warn, what: "field");
        var podMeta = template?.Required("metadata", "the pod template's metadata with labels")?.AsMap();
        var podLabels = podMeta?.Required("labels", "the pod labels the selector matches") is { } pl ? Labels(pl) : new Dictionary<string, string>();
        var read = ReadPodSpec(template?.Required("spec", "the pod spec with containers")?.AsMap());
        if (selector is not null)
        {
            if (selector.MatchLabels.Count == 0 && selector.MatchExpressions.Count == 0)
            {
                selectorNode!.Value.Error("must not be empty (an empty selector would match every pod)");
            }
            else if (podLabels.Count > 0 && !selector.Matches(podLabels))
            {
                selectorNode!.Value.Error($"selector {Format(selector.MatchLabels)}{(selector.MatchExpressions.Count > 0 ? " with matchExpressions" : "")} does not match the template's labels {Format(podLabels)}");
            }
        }
        var update = ReadUpdateStrategy(spec, sourceKind);
        return read is null ? null : new PodSourceManifest(doc.Self, sourceKind, name, ns, replicas, podLabels, read.Value.Ports, read.Value.Health, read.Value.Placement)
        {
            Update = update,
            Cpu = read.Value.Cpu,
        };
    }

    /// <summary>
    /// A Deployment's spec.strategy (RollingUpdate with maxSurge and maxUnavailable, or Recreate), a StatefulSet's
    /// or DaemonSet's spec.updateStrategy (RollingUpdate with partition or maxUnavailable, or OnDelete), and
    /// minReadySeconds, validated as the API server does.
    /// </summary>
    private static UpdateStrategy ReadUpdateStrategy(Map spec, PodSourceKind kind)
    {
        var d = UpdateStrategy.For(kind);
        if (kind == PodSourceKind.ReplicaSet)
        {
            return d;
        }
        double minReady = spec.Int("minReadySeconds", 0, min: 0);
        bool deployment = kind == PodSourceKind.Deployment;
        string key = deployment ? "strategy" : "updateStrategy";
        var m = spec.Get(key)?.AsMap("an update strategy (type, rollingUpdate)")?.Check(["type", "rollingUpdate"], UnknownKeys.Warn, what: "field");
        if (m is null)
        {
            return d with { MinReadyS = minReady };
        }
        var types = deployment
            ? new Dictionary<string, UpdateKind>(StringComparer.Ordinal) { ["RollingUpdate"] = UpdateKind.RollingUpdate, ["Recreate"] = UpdateKind.Recreate }
            : new Dictionary<string, UpdateKind>(StringComparer.Ordinal) { ["RollingUpdate"] = UpdateKind.RollingUpdate, ["OnDelete"] = UpdateKind.OnDelete };
        var type = m.Enum("type", UpdateKind.RollingUpdate, types, exactCase: true);
        var rolling = m.Get("rollingUpdate");
        if (rolling is { } r && type != UpdateKind.RollingUpdate)
        {
            r.Error($"may not be set when the strategy type is {type}");
            return d with { Kind = type, MinReadyS = minReady };
        }
        var rm = rolling?.AsMap("rolling update settings")?.Check(kind switch
        {
            PodSourceKind.Deployment => ["maxSurge", "maxUnavailable"],
            PodSourceKind.StatefulSet => ["partition", "maxUnavailable"],
            _ => ["maxSurge", "maxUnavailable"],
        }, UnknownKeys.Warn, what: "field");
        var surge = rm?.Get("maxSurge") is { } sn ? IntOrPercentAt(sn) ?? d.MaxSurge : d.MaxSurge;
        var unavailable = rm?.Get("maxUnavailable") is { } un ? IntOrPercentAt(un) ?? d.MaxUnavailable : d.MaxUnavailable;
        int partition = rm?.Int("partition", 0, min: 0) ?? 0;
        if (kind != PodSourceKind.StatefulSet && surge.Value == 0 && unavailable.Value == 0 && rm is not null && (rm.Has("maxSurge") || rm.Has("maxUnavailable")))
        {
            (rm.Get("maxUnavailable") ?? rm.Get("maxSurge")!.Value).Error("maxUnavailable may not be 0 when maxSurge is 0 (the rollout could never proceed)");
        }
        if (kind == PodSourceKind.DaemonSet && surge.Value > 0)
        {
            rm!.Get("maxSurge")!.Value.Warn("a DaemonSet's maxSurge is not simulated: it rolls node by node, maxUnavailable at a time");
        }
        if (kind == PodSourceKind.StatefulSet && rm?.Get("maxUnavailable") is { } su)
        {
            su.Warn("a StatefulSet's maxUnavailable (alpha) is not simulated: it rolls one pod at a time");
        }
        return new UpdateStrategy(type, surge, unavailable, partition, minReady);
    }

    /// <summary>A count or a percentage (<c>1</c>, <c>25%</c>), as intstr.IntOrString fields are written.</summary>
    private static IntOrPercent? IntOrPercentAt(Node n)
    {
        if (n.Text("a number or a percentage like 25%") is not { } text)
        {
            return null;
        }
        string t = text.Trim();
        bool percent = t.EndsWith('%');
        var v = Map.ParseInt(percent ? t[..^1] : t);
        if (!v.Ok || v.Value < 0 || (percent && v.Value > 100))
        {
            n.Error($"'{t}' is not a count or a percentage; expected a whole number of at least 0, or 0% to 100%");
            return null;
        }
        return new IntOrPercent(v.Value, percent);
    }

    private static (IReadOnlyList<ContainerPort> Ports, HealthSpec Health, PlacementSpec Placement, PodCpu Cpu)? ReadPodSpec(Map? podSpec)
    {
        if (podSpec is null)
        {
            return null;
        }
        podSpec.Check(PodSpecKeys, UnknownKeys.Warn, what: "field");
        var ports = new List<ContainerPort>();
        ProbeSpec? readiness = null, liveness = null, startup = null;
        double preStop = 0;
        var containers = podSpec.Required("containers", "a list of containers")?.AsList("a list of containers") ?? [];
        if (podSpec.Has("containers") && containers.Count == 0)
        {
            podSpec.Get("containers")!.Value.Error("must list at least one container");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        double cpuRequest = 0, cpuLimit = 0;
        bool everyLimited = containers.Count > 0;
        foreach (var c in containers)
        {
            var cm = c.AsMap("a container (name, image, ports)")?.Check(ContainerKeys, UnknownKeys.Warn, what: "field");
            if (cm is null)
            {
                continue;
            }
            if (cm.RequiredString("name", "the container's name") is { } cname && !names.Add(cname))
            {
                cm.Get("name")!.Value.Error($"container name '{cname}' is used twice");
            }
            foreach (var p in cm.Get("ports")?.AsList("a list of container ports") ?? [])
            {
                if (ReadContainerPort(p, ports) is { } cp)
                {
                    ports.Add(cp);
                }
            }
            // One server per pod: the probes of every container ask it; the pod is ready when all pass.
            readiness = Stricter(readiness, ReadProbe(cm.Get("readinessProbe"), "readiness"));
            liveness = Stricter(liveness, ReadProbe(cm.Get("livenessProbe"), "liveness"));
            startup = Stricter(startup, ReadProbe(cm.Get("startupProbe"), "startup"));
            preStop = Math.Max(preStop, ReadPreStop(cm.Get("lifecycle")));
            var (request, limit) = ReadResources(cm.Get("resources"));
            cpuRequest += request;
            cpuLimit += limit;
            everyLimited &= limit > 0;
        }
        foreach (var c in podSpec.Get("initContainers")?.AsList("a list of containers") ?? [])
        {
            ReadResources(c.AsMap("a container")?.Get("resources"));
        }
        long grace = podSpec.Long("terminationGracePeriodSeconds", 30);
        if (grace < 0)
        {
            podSpec.Get("terminationGracePeriodSeconds")!.Value.Error($"must be at least 0, found {grace}");
        }
        var placement = ReadPlacement(podSpec);
        return (ports, new HealthSpec(readiness, liveness, startup, Math.Max(0, grace), preStop), placement,
            new PodCpu(cpuRequest, everyLimited ? cpuLimit : 0));
    }

    /// <summary>Of two containers' probes, the one that takes longer to fail (svcsim keeps one per kind per pod).</summary>
    private static ProbeSpec? Stricter(ProbeSpec? a, ProbeSpec? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }
        // Prefer the probe that goes through the application (it is the one that sees overload).
        if (a.ThroughApplication != b.ThroughApplication)
        {
            return a.ThroughApplication ? a : b;
        }
        return a.PeriodS * a.FailureThreshold <= b.PeriodS * b.FailureThreshold ? a : b;
    }

    private static ContainerPort? ReadContainerPort(Node p, List<ContainerPort> seen)
    {
        var pm = p.AsMap("a container port (containerPort, name)")?.Check(ContainerPortKeys, UnknownKeys.Warn, what: "field");
        if (pm is null)
        {
            return null;
        }
        int port = pm.Required("containerPort", "a port number 1-65535") is { } cp && cp.TryParse(Map.ParseInt, "a port number", out int v, x => Map.Range(x, 1, 65535)) ? v : 0;
        string name = pm.String("name", "");
        if (name.Length > 0 && !(PortName().IsMatch(name) && name.Length <= 15 && name.Any(char.IsAsciiLetter)))
        {
            pm.Get("name")!.Value.Error($"'{name}' is not a valid port name (at most 15 lowercase letters, digits and '-', with a letter)");
        }
        else if (name.Length > 0 && seen.Any(s => s.Name == name))
        {
            pm.Get("name")!.Value.Error($"port name '{name}' is used twice in this pod");
        }
        string protocol = pm.Enum("protocol", "TCP", Protocols, exactCase: true);
        return port > 0 ? new ContainerPort(port, name, protocol) : null;
    }

    private static ProbeSpec? ReadProbe(Node? node, string kind)
    {
        var m = node?.AsMap("a probe (httpGet, tcpSocket, exec or grpc, and its timings)")?.Check(ProbeKeys, UnknownKeys.Warn, what: "field");
        if (m is null)
        {
            return null;
        }
        var handlers = new[] { ("httpGet", ProbeAction.HttpGet), ("grpc", ProbeAction.Grpc), ("tcpSocket", ProbeAction.TcpSocket), ("exec", ProbeAction.Exec) }
            .Where(h => m.Has(h.Item1)).ToArray();
        if (handlers.Length == 0)
        {
            m.Self.Error($"a {kind} probe needs one of httpGet, tcpSocket, exec or grpc");
            return null;
        }
        if (handlers.Length > 1)
        {
            m.Get(handlers[1].Item1)!.Value.Error($"a probe may have only one handler; it has {string.Join(" and ", handlers.Select(h => h.Item1))}");
        }
        var handler = m.Get(handlers[0].Item1)!.Value.AsMap($"the {handlers[0].Item1} settings");
        if (handlers[0].Item2 is ProbeAction.HttpGet or ProbeAction.Grpc or ProbeAction.TcpSocket)
        {
            handler?.Required("port", "the port to probe (a number or a container port name)");
        }
        // The API defaults a missing or 0 value: period 10 s, timeout 1 s, thresholds 1 and 3 (core/v1 SetDefaults_Probe).
        int Field(string key, int fallback, int min)
        {
            int v = m.Int(key, fallback, min: 0);
            return v == 0 && key != "initialDelaySeconds" ? fallback : Math.Max(v, min);
        }
        int initial = Field("initialDelaySeconds", 0, 0);
        int period = Field("periodSeconds", 10, 1);
        int timeout = Field("timeoutSeconds", 1, 1);
        int success = Field("successThreshold", 1, 1);
        int failure = Field("failureThreshold", 3, 1);
        if (kind != "readiness" && success != 1)
        {
            m.Get("successThreshold")!.Value.Error($"must be 1 for a {kind} probe, found {success}");
            success = 1;
        }
        return new ProbeSpec(handlers[0].Item2, initial, period, timeout, success, failure);
    }

    /// <summary>How long a container's preStop hook takes: the sleep action, or a command that sleeps (<c>sleep 5</c>).</summary>
    private static double ReadPreStop(Node? lifecycle)
    {
        var pre = lifecycle?.AsMap("the container's lifecycle hooks (postStart, preStop)")?.Check(["postStart", "preStop", "stopSignal"], UnknownKeys.Warn, what: "field")
            .Get("preStop")?.AsMap("a hook (exec, httpGet, sleep)")?.Check(["exec", "httpGet", "tcpSocket", "sleep"], UnknownKeys.Warn, what: "field");
        if (pre is null)
        {
            return 0;
        }
        if (pre.Get("sleep")?.AsMap("the sleep action (seconds)") is { } sleep)
        {
            return sleep.Required("seconds", "how long to sleep, in seconds") is not null ? sleep.Int("seconds", 0, min: 0) : 0;
        }
        if (pre.Get("exec")?.AsMap("the exec action (command)")?.Get("command") is { } cmd)
        {
            // ["sleep", "5"], ["/bin/sh", "-c", "sleep 15"], ["/bin/sh", "-c", "sleep 5 && nginx -s quit"]...
            var words = string.Join(' ', cmd.Strings("a command (a list of words)").Select(w => w.Value))
                .Split([' ', ';', '&', '|'], StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i + 1 < words.Length; i++)
            {
                if ((words[i] == "sleep" || words[i].EndsWith("/sleep", StringComparison.Ordinal))
                    && double.TryParse(words[i + 1].TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0)
                {
                    return s;
                }
            }
        }
        return 0;
    }

    /// <summary>
    /// Checks resource requests and limits are Kubernetes quantities (<c>500m</c>, <c>512Mi</c>), as the API does,
    /// and gives the container's CPU request and limit in cores (0: not set). A request above the limit is an error,
    /// as the API server makes it; a limit without a request is also the request (the API's defaulting).
    /// </summary>
    private static (double Request, double Limit) ReadResources(Node? resources)
    {
        var r = resources?.AsMap("resources (requests, limits)")?.Check(["requests", "limits", "claims"], UnknownKeys.Warn, what: "field");
        double request = 0, limit = 0;
        Node? requestAt = null;
        foreach (string part in new[] { "requests", "limits" })
        {
            if (r?.Get(part)?.AsMap($"{part} (cpu, memory...)") is not { } m)
            {
                continue;
            }
            foreach (var (key, _, value) in m.Entries)
            {
                if (value.TryParse(Units.Quantity, "a quantity like 500m, 2, 512Mi or 1Gi", out double q) && key == "cpu")
                {
                    if (part == "requests")
                    {
                        request = q;
                        requestAt = value;
                    }
                    else
                    {
                        limit = q;
                    }
                }
            }
        }
        if (limit > 0 && request > limit)
        {
            requestAt!.Value.Error(string.Create(CultureInfo.InvariantCulture, $"the cpu request ({request:0.###}) is above the cpu limit ({limit:0.###}); the API server refuses such a container"));
        }
        return (request > 0 ? request : limit, limit);
    }

    // ---- selectors and placement ----

    /// <summary>A metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).</summary>
    public static LabelSelector? ReadLabelSelector(Node node)
    {
        var m = node.AsMap("a label selector (matchLabels, matchExpressions)")?.Check(SelectorKeys, UnknownKeys.Warn, what: "field");
        if (m is null)
        {
            return null;
        }
        var labels = m.Get("matchLabels") is { } ml ? Labels(ml) : new Dictionary<string, string>();
        var exprs = new List<SelectorRequirement>();
        foreach (var e in m.Get("matchExpressions")?.AsList("a list of requirements (key, operator, values)") ?? [])
        {
            if (ReadRequirement(e, LabelOperators) is { } r)
            {
                exprs.Add(r);
            }
        }
        return new LabelSelector(labels, exprs);
    }

    private static SelectorRequirement? ReadRequirement(Node e, Dictionary<string, SelectorOperator> operators)
    {
        var m = e.AsMap("a requirement (key, operator, values)")?.Check(RequirementKeys, UnknownKeys.Warn, what: "field");
        if (m is null)
        {
            return null;
        }
        string? key = m.RequiredString("key", "the label key");
        if (m.Required("operator", string.Join(", ", operators.Keys)) is null || key is null)
        {
            return null;
        }
        var op = m.Enum("operator", SelectorOperator.In, operators, exactCase: true);
        var values = m.Get("values")?.Strings("a list of values").Select(v => v.Value).ToArray() ?? [];
        string? problem = op switch
        {
            SelectorOperator.In or SelectorOperator.NotIn when values.Length == 0 => $"{op} needs at least one value",
            SelectorOperator.Exists or SelectorOperator.DoesNotExist when values.Length > 0 => $"{op} takes no values",
            SelectorOperator.Gt or SelectorOperator.Lt when values.Length != 1 || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                => $"{op} takes exactly one whole number",
            _ => null,
        };
        if (problem is not null)
        {
            (m.Get("values") ?? m.Get("operator")!.Value).Error(problem);
            return null;
        }
        return new SelectorRequirement(key, op, values);
    }

    private static NodeSelectorTerm? ReadNodeTerm(Node t)
    {
        var m = t.AsMap("a node selector term (matchExpressions, matchFields)")?.Check(["matchExpressions", "matchFields"], UnknownKeys.Warn, what: "field");
        if (m is null)
        {
            return null;
        }
        var exprs = (m.Get("matchExpressions")?.AsList("a list of requirements") ?? []).Select(e => ReadRequirement(e, NodeOperators)).OfType<SelectorRequirement>().ToList();
        var fields = new List<SelectorRequirement>();
        foreach (var f in m.Get("matchFields")?.AsList("a list of requirements") ?? [])
        {
            if (ReadRequirement(f, NodeOperators) is { } r)
            {
                if (r.Key != "metadata.name")
                {
                    f.AsMap()!.Get("key")!.Value.Error($"matchFields can only use metadata.name, found '{r.Key}'");
                    continue;
                }
                fields.Add(r);
            }
        }
        return new NodeSelectorTerm(exprs, fields);
    }

    private static PodAffinityTerm? ReadAffinityTerm(Node t)
    {
        var m = t.AsMap("a pod affinity term (labelSelector, topologyKey)")?.Check(AffinityTermKeys, UnknownKeys.Warn, what: "field");
        if (m is null)
        {
            return null;
        }
        string? key = m.RequiredString("topologyKey", "the node label whose values are the domains (kubernetes.io/hostname, topology.kubernetes.io/zone)");
        if (key is { Length: 0 })
        {
            m.Get("topologyKey")!.Value.Error("must not be empty");
        }
        var selector = m.Get("labelSelector") is { } ls ? ReadLabelSelector(ls) : null;
        var namespaces = m.Get("namespaces")?.Strings("a list of namespace names").Select(n => n.Value).ToList() ?? [];
        if (m.Get("namespaceSelector") is { } nsSel)
        {
            if (nsSel.AsMap() is { } nsm && !nsm.Keys.Any())
            {
                namespaces = ["*"]; // {} selects every namespace
            }
            else
            {
                nsSel.Warn("namespaceSelector is not evaluated (svcsim knows no namespace labels); the term counts pods of the listed namespaces, or of the pod's own");
            }
        }
        if (key is null or { Length: 0 })
        {
            return null;
        }
        // No labelSelector: the term selects no pod (an absent selector matches nothing in pod affinity).
        return new PodAffinityTerm(selector ?? LabelSelector.Nothing, key, namespaces);
    }

    private static PlacementSpec ReadPlacement(Map podSpec)
    {
        var nodeSelector = podSpec.Get("nodeSelector") is { } ns ? Labels(ns) : new Dictionary<string, string>();
        var required = new List<NodeSelectorTerm>();
        var preferred = new List<Weighted<NodeSelectorTerm>>();
        var antiRequired = new List<PodAffinityTerm>();
        var antiPreferred = new List<Weighted<PodAffinityTerm>>();
        var affRequired = new List<PodAffinityTerm>();
        if (podSpec.Get("nodeName") is { } nn && nn.Text("a node name") is { } nodeName)
        {
            // A pod bound to a node by name: only that node (the scheduler is bypassed; here it must still fit).
            required.Add(new NodeSelectorTerm([], [new SelectorRequirement("metadata.name", SelectorOperator.In, [nodeName.Trim()])]));
        }
        var affinity = podSpec.Get("affinity")?.AsMap("affinity (nodeAffinity, podAffinity, podAntiAffinity)")?.Check(["nodeAffinity", "podAffinity", "podAntiAffinity"], UnknownKeys.Warn, what: "field");
        if (affinity?.Get("nodeAffinity")?.AsMap()?.Check(["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"], UnknownKeys.Warn, what: "field") is { } na)
        {
            if (na.Get("requiredDuringSchedulingIgnoredDuringExecution")?.AsMap()?.Check(["nodeSelectorTerms"], UnknownKeys.Warn, what: "field") is { } req)
            {
                var terms = req.Required("nodeSelectorTerms", "a list of node selector terms (one must hold)")?.AsList("a list of node selector terms") ?? [];
                if (req.Has("nodeSelectorTerms") && terms.Count == 0)
                {
                    req.Get("nodeSelectorTerms")!.Value.Error("must list at least one term");
                }
                required.AddRange(terms.Select(ReadNodeTerm).OfType<NodeSelectorTerm>());
            }
            foreach (var p in na.Get("preferredDuringSchedulingIgnoredDuringExecution")?.AsList("a list of weighted preferences") ?? [])
            {
                var pm = p.AsMap("a weighted preference (weight, preference)")?.Check(["weight", "preference"], UnknownKeys.Warn, what: "field");
                if (pm?.Required("preference", "a node selector term") is { } pref && ReadNodeTerm(pref) is { } term)
                {
                    preferred.Add(new(pm.Int("weight", 1, 1, 100), term));
                }
            }
        }
        if (affinity?.Get("podAntiAffinity")?.AsMap()?.Check(["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"], UnknownKeys.Warn, what: "field") is { } anti)
        {
            antiRequired.AddRange((anti.Get("requiredDuringSchedulingIgnoredDuringExecution")?.AsList("a list of pod affinity terms") ?? []).Select(ReadAffinityTerm).OfType<PodAffinityTerm>());
            foreach (var p in anti.Get("preferredDuringSchedulingIgnoredDuringExecution")?.AsList("a list of weighted terms") ?? [])
            {
                var pm = p.AsMap("a weighted term (weight, podAffinityTerm)")?.Check(["weight", "podAffinityTerm"], UnknownKeys.Warn, what: "field");
                if (pm?.Required("podAffinityTerm", "a pod affinity term") is { } pt && ReadAffinityTerm(pt) is { } term)
                {
                    antiPreferred.Add(new(pm.Int("weight", 1, 1, 100), term));
                }
            }
        }
        if (affinity?.Get("podAffinity")?.AsMap()?.Check(["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"], UnknownKeys.Warn, what: "field") is { } aff)
        {
            affRequired.AddRange((aff.Get("requiredDuringSchedulingIgnoredDuringExecution")?.AsList("a list of pod affinity terms") ?? []).Select(ReadAffinityTerm).OfType<PodAffinityTerm>());
            if (aff.Get("preferredDuringSchedulingIgnoredDuringExecution") is { } pp)
            {
                pp.Warn("preferred pod affinity is not evaluated; required pod affinity and all anti-affinity are");
            }
        }
        return new PlacementSpec
        {
            NodeSelector = nodeSelector,
            RequiredNodeTerms = required,
            PreferredNodeTerms = preferred,
            Tolerations = ReadTolerations(podSpec.Get("tolerations")),
            RequiredAntiAffinity = antiRequired,
            PreferredAntiAffinity = antiPreferred,
            RequiredAffinity = affRequired,
            Spread = ReadSpread(podSpec.Get("topologySpreadConstraints")),
        };
    }

    private static List<Toleration> ReadTolerations(Node? node)
    {
        var result = new List<Toleration>();
        foreach (var t in node?.AsList("a list of tolerations") ?? [])
        {
            var m = t.AsMap("a toleration (key, operator, value, effect, tolerationSeconds)")?.Check(TolerationKeys, UnknownKeys.Warn, what: "field");
            if (m is null)
            {
                continue;
            }
            string key = m.String("key", "");
            bool exists = m.Enum("operator", false, new Dictionary<string, bool>(StringComparer.Ordinal) { ["Equal"] = false, ["Exists"] = true }, exactCase: true);
            string value = m.String("value", "");
            TaintEffect? effect = m.Get("effect") is { } e && e.Text("an effect") is { Length: > 0 } ? m.Enum("effect", TaintEffect.NoSchedule, Effects, exactCase: true) : null;
            double? seconds = m.Get("tolerationSeconds") is { } ts && ts.TryParse(Map.ParseLong, "a whole number of seconds", out long sv) ? sv : null;
            if (exists && value.Length > 0)
            {
                m.Get("value")!.Value.Error("must be empty when operator is Exists");
            }
            else if (key.Length == 0 && !exists)
            {
                m.Self.Error("a toleration without key must have operator: Exists (it then tolerates every taint)");
            }
            if (seconds is not null && effect != TaintEffect.NoExecute)
            {
                m.Get("tolerationSeconds")!.Value.Error("may only be set with effect: NoExecute");
                seconds = null;
            }
            result.Add(new Toleration(key, exists, value, effect, seconds));
        }
        return result;
    }

    private static List<SpreadConstraint> ReadSpread(Node? node)
    {
        var result = new List<SpreadConstraint>();
        foreach (var c in node?.AsList("a list of topology spread constraints") ?? [])
        {
            var m = c.AsMap("a topology spread constraint (maxSkew, topologyKey, whenUnsatisfiable, labelSelector)")?.Check(SpreadKeys, UnknownKeys.Warn, what: "field");
            if (m is null)
            {
                continue;
            }
            bool ok = m.Required("maxSkew", "the most the pod counts of two domains may differ, at least 1") is not null;
            int maxSkew = m.Int("maxSkew", 1, min: 1);
            string? key = m.RequiredString("topologyKey", "a node label, like topology.kubernetes.io/zone or kubernetes.io/hostname");
            ok &= m.Required("whenUnsatisfiable", "DoNotSchedule or ScheduleAnyway") is not null;
            bool hard = m.Enum("whenUnsatisfiable", true, new Dictionary<string, bool>(StringComparer.Ordinal) { ["DoNotSchedule"] = true, ["ScheduleAnyway"] = false }, exactCase: true);
            var selector = m.Get("labelSelector") is { } ls ? ReadLabelSelector(ls) : null;
            int minDomains = m.Int("minDomains", 1, min: 1);
            if (m.Has("minDomains") && !hard)
            {
                m.Get("minDomains")!.Value.Error("may only be set with whenUnsatisfiable: DoNotSchedule");
            }
            var policies = new Dictionary<string, bool>(StringComparer.Ordinal) { ["Honor"] = true, ["Ignore"] = false };
            bool honorAffinity = m.Enum("nodeAffinityPolicy", true, policies, exactCase: true);
            bool honorTaints = m.Enum("nodeTaintsPolicy", false, policies, exactCase: true);
            foreach (var (k, at) in m.Get("matchLabelKeys")?.Strings("a list of pod label keys") ?? [])
            {
                if (k != "pod-template-hash")
                {
                    at.Warn($"matchLabelKeys: '{k}' is not evaluated (pod-template-hash is: without a rollout all pods of a Deployment share it)");
                }
            }
            if (ok && key is { Length: > 0 })
            {
                // No labelSelector: the constraint counts no pod (an absent selector matches nothing here).
                result.Add(new SpreadConstraint(maxSkew, key, hard, selector ?? LabelSelector.Nothing, minDomains)
                {
                    HonorNodeAffinity = honorAffinity,
                    HonorNodeTaints = honorTaints,
                });
            }
        }
        return result;
    }
}

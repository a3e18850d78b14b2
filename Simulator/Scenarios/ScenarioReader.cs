using Svcsim.Measurement;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Scenarios;

/// <summary>A sweep parameter with where it was written, for reporting values that do not load.</summary>
internal sealed record SweepEntry(SweepParameter Parameter, Node At, IReadOnlyList<Node> ValueNodes);

/// <summary>What reading a scenario tree gives: the spec (null after errors), the manifest files read, the sweep.</summary>
internal sealed record ReadResult(ScenarioSpec? Spec, IReadOnlyList<SourceFile> Manifests, IReadOnlyList<SweepEntry> Sweep);

/// <summary>
/// Reads a scenario's YAML tree into a <see cref="ScenarioSpec"/>, section by section in dependency order
/// (duration, cluster, manifests, pods, kube-proxy, control plane, clients, variants, faults,
/// measurement), so that every cross-reference is checked where it is written.
/// </summary>
internal static class ScenarioReader
{
    /// <summary>Most replications of one scenario (each is a world per way of access).</summary>
    public const int MaxReplications = 100_000;

    public static ReadResult Read(YamlMappingNode tree, SourceFile file, Diagnostics diag, bool allowExternalManifests = false)
    {
        var root = new Node(tree, "", file, diag).AsMap()!.Check(ScenarioKeys.Root);
        var ctx = new ScenarioContext { AllowExternalManifests = allowExternalManifests };
        string name = root.String("name", Path.GetFileNameWithoutExtension(file.Path));
        string description = root.String("description", "");
        if (root.Required("duration", "the simulated time, like 120s or 2h") is not null)
        {
            ctx.DurationS = root.Duration("duration", double.NaN, positive: true);
        }
        long seed = root.Long("seed", 1);
        int replications = root.Int("replications", 1, min: 1, max: MaxReplications);
        double grace = ClusterSection.ReadCluster(root.Get("cluster"), root, ctx);
        var network = ClusterSection.ReadNetwork(root.Get("network"));
        var manifests = ReadManifests(root, ctx);
        ClusterSection.ReadPods(root.Get("pods"), ctx);
        var kubeProxy = ClusterSection.ReadKubeProxy(root.Get("kubeProxy"));
        var controlPlane = ClusterSection.ReadControlPlane(root.Get("controlPlane"), grace);
        var groups = ClientsSection.Read(root.Get("clients"), root, ctx);
        foreach (var b in ctx.DisruptionBudgets)
        {
            if (!ctx.PodSources.Exists(b.Spec.Covers))
            {
                b.At.Warn($"PodDisruptionBudget {b.Spec.Key} covers no pod: {(b.Spec.Selector is null ? "it has no selector (a null selector matches nothing)" : $"no workload of namespace {b.Spec.Namespace} has pod labels its selector matches")}");
            }
        }
        foreach (var svc in ctx.Services)
        {
            // Kubernetes accepts a Service without endpoints; only a Service clients use must have some.
            if (svc.Problem is { } p && !ctx.UsedServices.Contains(svc))
            {
                p.At.Warn(p.Message);
            }
        }
        var variants = VariantsSection.Read(root.Get("variants"), root, ctx, groups, kubeProxy);
        var faults = FaultsSection.Read(root.Get("faults"), ctx);
        var measurement = ReadMeasurement(root, ctx);
        var sweep = ReadSweep(root.Get("sweep"));
        if (diag.HasErrors)
        {
            return new ReadResult(null, manifests, sweep);
        }
        var spec = new ScenarioSpec
        {
            Name = name,
            Description = description,
            Nodes = ctx.Nodes.ToArray(),
            Network = network,
            PodSources = ctx.PodSources.ToArray(),
            Services = ctx.Services.Where(s => s.NotSimulated is null).Select(s => s.Spec).ToArray(),
            DisruptionBudgets = ctx.DisruptionBudgets.Select(b => b.Spec).ToArray(),
            KubeProxy = kubeProxy,
            ControlPlane = controlPlane,
            Clients = groups.Select(g => g.Spec).ToArray(),
            Variants = variants.ToArray(),
            Faults = faults.ToArray(),
            Measurement = measurement,
            DurationS = ctx.DurationS,
            Seed = seed,
            Replications = replications,
        };
        return new ReadResult(spec, manifests, sweep);
    }

    /// <summary>
    /// Reads the manifest files and inline <c>workloads</c> in order, as <c>kubectl apply -f</c> would apply them
    /// (a manifest entry may give the <c>namespace</c> for objects without one, as <c>-n</c> does), then resolves
    /// them as the cluster would.
    /// </summary>
    private static List<SourceFile> ReadManifests(Map root, ScenarioContext ctx)
    {
        var set = new ManifestSet();
        var read = new List<SourceFile>();
        var (file, diag) = (root.Self.File, root.Self.Diag);
        string dir = Path.GetDirectoryName(file.Path) ?? "";
        foreach (var entry in root.Get("manifests")?.AsList("a manifest file path, or a list of them", allowSingle: true) ?? [])
        {
            string? relative;
            Node at = entry;
            string ns = "default";
            if (entry.Yaml is YamlMappingNode)
            {
                var m = entry.AsMap()!.Check(ScenarioKeys.Manifest);
                relative = m.RequiredString("path", "the manifest file, relative to the scenario file");
                at = m.Get("path") ?? entry;
                if (m.Get("namespace") is { } nsNode && nsNode.Text("a namespace") is { } nsText)
                {
                    ns = nsText.Trim();
                }
            }
            else
            {
                relative = entry.Text("a manifest file path")?.Trim();
            }
            if (relative is null)
            {
                continue;
            }
            string shown = dir.Length == 0 ? relative : Path.Combine(dir, relative);
            foreach (string path in ManifestFiles(at, shown))
            {
                if (ReadManifestFile(at, path, dir, ctx.AllowExternalManifests) is not { } text)
                {
                    ctx.ManifestsKnown = false;
                    continue;
                }
                var source = new SourceFile(path, text);
                read.Add(source);
                diag.RegisterFile(path);
                if (YamlText.Parse(source, diag) is not { } docs)
                {
                    ctx.ManifestsKnown = false;
                    continue;
                }
                for (int i = 0; i < docs.Count; i++)
                {
                    ManifestReader.Read(new Node(docs[i], $"(document {i + 1})", source, diag), i, null, set, ns);
                }
            }
        }
        var inline = root.Get("workloads")?.AsList("a list of Kubernetes objects (Deployment, Service, IPAddressPool...)") ?? [];
        for (int i = 0; i < inline.Count; i++)
        {
            ManifestReader.Read(inline[i], i, inline[i].Path, set);
        }
        if (!root.Has("manifests") && !root.Has("workloads"))
        {
            root.Self.Error("needs manifests (a path to Kubernetes YAML) or workloads (the objects inline): the workloads and Services to simulate");
            ctx.ManifestsKnown = false;
        }
        else if (ctx.ManifestsKnown)
        {
            var at = root.Get("manifests") ?? root.Get("workloads")!.Value;
            if (set.Workloads.Count == 0 && set.EndpointSlices.Count == 0)
            {
                at.Error("the manifests define no workload (apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet, or v1 Pod): there are no pods to simulate");
            }
            if (set.Services.Count == 0)
            {
                at.Error("the manifests define no Service (v1): clients have nothing to reach");
            }
        }
        var resolved = ManifestResolver.Resolve(set, ctx.Nodes);
        ctx.BgpPeers = resolved.BgpPeers;
        ctx.WorkloadManifests.AddRange(resolved.Workloads);
        ctx.SliceSources.AddRange(resolved.Slices);
        ctx.Services.AddRange(resolved.Services);
        ctx.DisruptionBudgets.AddRange(set.DisruptionBudgets);
        ctx.IngressRoutes = set.Ingresses.Count == 0 ? null : IngressResolver.Resolve(set.Ingresses, resolved.Services);
        ctx.IngressTlsHosts = IngressResolver.TlsHosts(set.Ingresses);
        return read;
    }

    /// <summary>Most files of one manifest folder.</summary>
    private const int MaxFilesPerFolder = 1000;

    /// <summary>
    /// The files a manifest entry names: the file itself, or, for a folder, its .yaml, .yml and .json files in
    /// name order, as <c>kubectl apply -f folder/</c> takes them (not its subfolders).
    /// </summary>
    private static IReadOnlyList<string> ManifestFiles(Node at, string path)
    {
        if (!Directory.Exists(path))
        {
            return [path];
        }
        var files = Directory.EnumerateFiles(path)
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Take(MaxFilesPerFolder + 1)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            at.Error($"the folder {path} holds no .yaml, .yml or .json file");
        }
        else if (files.Count > MaxFilesPerFolder)
        {
            at.Error($"the folder {path} holds more than {MaxFilesPerFolder} manifest files");
            return [];
        }
        return files;
    }

    /// <summary>
    /// The text of a manifest file, or null after an error at <paramref name="at"/>. A file outside the scenario's
    /// folder tree (after resolving a symbolic link to it) is refused unless <paramref name="allowExternal"/>, and
    /// its content is never read, so no message can show any of it.
    /// </summary>
    private static string? ReadManifestFile(Node at, string path, string scenarioDir, bool allowExternal)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            at.Error($"manifest file not found: {path} (paths are relative to the scenario file)");
            return null;
        }
        if (!allowExternal && !InputFiles.IsWithin(path, scenarioDir.Length == 0 ? "." : scenarioDir))
        {
            at.Error($"{path} is outside the scenario's folder; manifests are read from the scenario's folder and below unless svcsim is given --allow-external-manifests");
            return null;
        }
        var text = InputFiles.ReadText(path);
        if (!text.Ok)
        {
            at.Error($"manifest file {path} {text.Error}");
            return null;
        }
        return text.Value;
    }

    private static readonly Dictionary<string, bool?> EventsPerNodeWords = new(StringComparer.Ordinal)
    {
        ["auto"] = null, ["true"] = true, ["false"] = false,
    };

    private static MeasurementSpec ReadMeasurement(Map root, ScenarioContext ctx)
    {
        var d = MeasurementSpec.Default;
        var m = root.Get("measurement")?.AsMap()?.Check(ScenarioKeys.Measurement);
        var spec = m is null ? d : new MeasurementSpec(
            m.Duration("warmup", d.WarmupS),
            m.Duration("window", d.WindowS, positive: true),
            m.Fraction("slo", d.Slo, zeroAllowed: false),
            m.Duration("outageResolution", d.OutageResolutionS, positive: true),
            m.Fraction("overloadThreshold", d.OverloadThreshold, zeroAllowed: false),
            m.Enum("eventsPerNode", d.EventsPerNode, EventsPerNodeWords),
            m.Enum("idleRows", d.IdleRows, EventsPerNodeWords));
        if (!double.IsNaN(ctx.DurationS) && spec.WarmupS >= ctx.DurationS)
        {
            string warmup = ScenarioContext.Seconds(spec.WarmupS);
            if (m?.Get("warmup") is { } w)
            {
                w.Error($"the warm-up {warmup} must be shorter than the run (duration {ScenarioContext.Seconds(ctx.DurationS)})");
            }
            else
            {
                root.Get("duration")!.Value.Error($"{ScenarioContext.Seconds(ctx.DurationS)} is not longer than the warm-up (measurement.warmup, default {warmup})");
            }
        }
        return spec;
    }

    private static List<SweepEntry> ReadSweep(Node? section)
    {
        var entries = new List<SweepEntry>();
        if (section?.AsMap("a mapping from parameter path (like clients[0].rate) to a list of values") is not { } m)
        {
            return entries;
        }
        foreach (var (key, keyNode, value) in m.Entries)
        {
            var path = Overrides.ParsePath(key);
            if (!path.Ok)
            {
                keyNode.Error(path.Error!);
                continue;
            }
            var values = value.Strings("a list of values");
            if (values.Count == 0)
            {
                value.Error("must list at least one value");
                continue;
            }
            entries.Add(new SweepEntry(new SweepParameter(key, values.Select(v => v.Value).ToArray()), keyNode, values.Select(v => v.At).ToArray()));
        }
        return entries;
    }
}

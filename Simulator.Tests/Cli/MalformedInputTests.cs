using Svcsim.Tests.Scenarios;

namespace Svcsim.Tests.Cli;

/// <summary>
/// Invalid input given to <c>svcsim run</c> (and to <c>svcsim sweep</c> for its own options) exits 2, says on stderr
/// where the mistake is (file:line:column: field for a file, the option and its value otherwise), and writes
/// nothing: the --out folder is never created. Each case edits a copy of the seed example (Scenarios/seed.yaml and
/// Scenarios/manifests/seed.yaml); the expected line and column are those of the marked text after the edit, so
/// the cases survive edits of the example elsewhere.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class MalformedInputTests : IDisposable
{
    private const string ScenarioName = "s.yaml";
    private const string ManifestName = "manifests/seed.yaml";

    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>
    /// One malformed input. <see cref="File"/> is the file the error must point into (null for an option error,
    /// checked by <see cref="Expected"/> alone); the position is that of <see cref="Marker"/> inside the edit's new
    /// text; <see cref="Expected"/> are substrings stderr must contain (what was expected).
    /// </summary>
    private sealed record Case(string? File, string? Old, string? New, string? Marker, string Field, string[] Expected)
    {
        public string Command { get; init; } = "run";

        public string[] Args { get; init; } = [];

        public Func<ScenarioFiles, string>? ScenarioPath { get; init; }
    }

    /// <summary>An edit of the scenario; the error points at <paramref name="marker"/> in the new text.</summary>
    private static Case S(string old, string @new, string marker, string field, params string[] expected) =>
        new(ScenarioName, old, @new, marker, field, expected);

    /// <summary>An edit of the manifests; the error points at <paramref name="marker"/> in the new text.</summary>
    private static Case M(string old, string @new, string marker, string field, params string[] expected) =>
        new(ManifestName, old, @new, marker, field, expected);

    /// <summary>A valid scenario with bad options; stderr must contain <paramref name="expected"/>.</summary>
    private static Case Options(string command, string[] args, params string[] expected) =>
        new(null, null, null, null, "", expected) { Command = command, Args = args };

    private const string AFault = "faults:\n  - { kind: nodeCrash, node: w1, at: 60s }\nmeasurement:";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // The scenario file
        ["unknown top-level key"] = S("duration: 120s", "duraton: 120s", "duraton", "duraton", "unknown key 'duraton' (did you mean 'duration'?)"),
        ["unknown key in a client group"] = S("clients: 20", "clinets: 20", "clinets", "clients[0].clinets", "did you mean 'clients'?"),
        ["wrong unit"] = S("duration: 120s", "duration: 5 parsecs", "5 parsecs", "duration", "unknown duration unit 'parsecs'"),
        ["duration without a unit"] = S("duration: 120s", "duration: 120", "120", "duration", "has no unit"),
        ["wrong type"] = S("replications: 3", "replications: [3]", "[3]", "replications", "expected a whole number, found a list"),
        ["zero replications"] = S("replications: 3", "replications: 0", "0", "replications", "must be at least 1"),
        ["negative rate"] = S("rate: 150/s", "rate: -150/s", "-150/s", "clients[0].rate", "negative"),
        ["zero rate"] = S("rate: 30/s", "rate: 0/s", "0/s", "clients[1].rate", "must be more than 0"),
        ["bad distribution"] = S("serviceTime: exp(mean=5ms)", "serviceTime: exp(mena=5ms)", "exp(mena=5ms)", "pods.default.serviceTime", "unknown parameter 'mena' (did you mean 'mean'?)"),
        ["duplicate node IP"] = S("{ name: w3, role: worker, ip: 192.168.1.103 }", "{ name: w3, role: worker, ip: 192.168.1.102 }", "192.168.1.102", "cluster.nodes[3].ip", "192.168.1.102 is already the IP of node w2"),
        ["client group naming an unknown Service"] = S("service: lb-chk-ip", "service: lb-chk-ipp", "lb-chk-ipp", "clients[1].service", "no Service named 'lb-chk-ipp'"),
        ["unknown variant kind"] = S("kind: metallb-l2", "kind: metallb-l3", "metallb-l3", "variants[1].kind", "unknown variant kind 'metallb-l3' (did you mean 'metallb-l2'?)"),
        ["unknown cloud preset"] = S("preset: gce", "preset: gcp", "gcp", "variants[3].preset", "unknown cloud-lb preset 'gcp' (did you mean 'gce'?)"),
        ["NodePort address that is no node's IP"] = S("addresses: [cp1]", "addresses: [10.0.0.99]", "10.0.0.99", "variants[0].addresses[0]", "10.0.0.99 is no node's IP"),
        ["warm-up not shorter than the run"] = S("warmup: 10s", "warmup: 2m", "2m", "measurement.warmup", "must be shorter than the run"),
        ["missing manifest file"] = S("manifests: manifests/seed.yaml", "manifests: manifests/missing.yaml", "manifests/missing.yaml", "manifests", "manifest file not found"),
        ["fault naming a missing node"] = S("measurement:", AFault.Replace("w1", "w9", StringComparison.Ordinal), "w9", "faults[0].node", "no node named 'w9'"),
        ["fault after the end of the run"] = S("measurement:", AFault.Replace("60s", "130s", StringComparison.Ordinal), "130s", "faults[0].at", "is not before the end of the run"),
        ["negative fault time"] = S("measurement:", AFault.Replace("60s", "-5s", StringComparison.Ordinal), "-5s", "faults[0].at", "negative"),
        ["unknown fault kind"] = S("measurement:", AFault.Replace("nodeCrash", "nodeCrsh", StringComparison.Ordinal), "nodeCrsh", "faults[0].kind", "unknown fault kind 'nodeCrsh' (did you mean 'nodeCrash'?)"),
        ["yaml syntax error in the scenario"] = S("    rate: 150/s", "   rate: 150/s", "rate", "", "invalid YAML"),
        ["a sweep value that cannot work"] = S("measurement:", "sweep:\n  clients[0].rate: [100/s, -1/s]\nmeasurement:", "-1/s", "sweep['clients[0].rate'][1]", "with clients[0].rate=-1/s", "negative"),

        // The manifests it names
        ["nodePort out of range"] = M("nodePort: 30000", "nodePort: 29999", "29999", "Service/np-nginx.spec.ports[0].nodePort", "29999 is outside the node port range 30000-32767"),
        ["selector matching no pod"] = M("  name: lb-nginx\nspec:\n  selector:\n    app: deploy-nginx", "  name: lb-nginx\nspec:\n  selector:\n    app: deploy-ngnix", "app: deploy-ngnix", "Service/lb-nginx.spec.selector", "matches no pod of any workload"),
        ["IPv6-only Service"] = M("  type: NodePort", "  type: NodePort\n  ipFamilies: [IPv6]", "[IPv6]", "Service/np-nginx.spec.ipFamilies", "asks for an IPv6-only Service; svcsim simulates IPv4"),
        ["named targetPort no container has"] = M("targetPort: http", "targetPort: htp", "htp", "Service/lb-chk-ip.spec.ports[0].targetPort", "has a port named 'htp' (did you mean 'http'?)"),
        ["misspelt Service type"] = M("type: NodePort", "type: Nodeport", "Nodeport", "Service/np-nginx.spec.type", "'Nodeport' is not one of ClusterIP, NodePort, LoadBalancer"),
        ["negative replicas"] = M("  replicas: 3\n  selector:\n    matchLabels:\n      app: deploy-nginx", "  replicas: -3\n  selector:\n    matchLabels:\n      app: deploy-nginx", "-3", "Deployment/deploy-nginx.spec.replicas", "must be at least 0, found -3"),

        // Options of svcsim run
        ["bad --set path"] = Options("run", ["--set", "clients[0.rate=1/s"], "--set clients[0.rate=1/s: ", "bad list index"),
        ["--set of an unknown key"] = Options("run", ["--set", "bogus.key=1"], "--set bogus.key=1: bogus: unknown key 'bogus'"),
        ["--set with a wrong unit"] = Options("run", ["--set", "duration=5parsecs"], "--set duration=5parsecs: duration: ", "unknown duration unit"),
        ["--set without a value"] = Options("run", ["--set", "duration"], "'duration' is not path=value"),
        ["--set leaving a gap in a list"] = Options("run", ["--set", "clients[5].rate=1/s"], "--set clients[5].rate=1/s: ", "would leave a gap"),
        ["--replications 0"] = Options("run", ["--replications", "0"], "--set replications=0: replications: must be at least 1"),
        ["--replications that is no number"] = Options("run", ["--replications", "three"], "'three'", "--replications"),
        ["--parallel 0"] = Options("run", ["--parallel", "0"], "--parallel must be at least 1"),
        ["mistyped option"] = Options("run", ["--sett", "duration=20s"], "--sett: unknown option"),
        ["--shard is not an option of run"] = Options("run", ["--shard", "1/3"], "--shard: unknown option"),
        ["scenario file that does not exist"] = Options("run", []) with
        {
            ScenarioPath = f => Path.Combine(f.Directory, "missing.yaml"), Expected = ["missing.yaml: no such scenario file"],
        },
        ["glob matching nothing"] = Options("run", []) with
        {
            ScenarioPath = f => Path.Combine(f.Directory, "*.yml"), Expected = ["*.yml: matches no file"],
        },

        // Options of svcsim sweep
        ["--param without values"] = Options("sweep", ["--param", "clients[0].rate"], "--param clients[0].rate: expected path=value1,value2"),
        ["--param with unbalanced brackets"] = Options("sweep", ["--param", "variants[0].addresses=[cp1,[w1]"], "--param variants[0].addresses=[cp1,[w1]: expected"),
        ["--param of an unknown key"] = Options("sweep", ["--param", "clients[0].rat=1/s,2/s"], "--set clients[0].rat=1/s: clients[0].rat: unknown key 'rat' (did you mean 'rate'?)", "sweep point 0"),
        ["--param with a negative rate"] = Options("sweep", ["--param", "clients[0].rate=100/s,-1/s"], "--set clients[0].rate=-1/s: clients[0].rate: '-1/s' is negative", "sweep point 1"),
        ["--param value holding '='"] = Options("sweep", ["--param", "pods.default.serviceTime=exp(mean=5ms),exp(mean=9ms)"], "sweep parameter pods.default.serviceTime: the value 'exp(mean=5ms)' contains ';' or '='"),
        ["--param path given twice"] = Options("sweep", ["--param", "seed=1,2", "--param", "seed=3"], "--param seed=3: seed is already swept"),
        ["nothing to sweep"] = Options("sweep", [], "nothing to sweep"),
        ["--shard 0/3"] = Options("sweep", ["--param", "seed=1,2", "--shard", "0/3"], "--shard 0/3: expected I/N with 1 <= I <= N"),
        ["--shard 4/3"] = Options("sweep", ["--param", "seed=1,2", "--shard", "4/3"], "--shard 4/3: expected I/N"),
        ["--shard that is no fraction"] = Options("sweep", ["--param", "seed=1,2", "--shard", "half"], "--shard half: expected I/N"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Fact]
    public void There_Are_At_Least_25_Malformed_Inputs_In_Files_And_As_Many_Kinds_Of_Bad_Options()
    {
        Assert.True(Cases.Values.Count(c => c.File is not null) >= 25);
        Assert.True(Cases.Values.Count(c => c.File is null) >= 15);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_Input_Exits_2_Names_The_Place_And_Writes_Nothing(string name)
    {
        // Given a copy of the seed example with one mistake
        var c = Cases[name];
        string scenario = _files.Write(ScenarioName, Edit(Example("Scenarios/seed.yaml"), c, ScenarioName));
        _files.Write(ManifestName, Edit(Example("Scenarios/manifests/seed.yaml"), c, ManifestName));
        string outDir = Path.Combine(_files.Directory, "out");

        // When
        var result = SvcsimCli.Run([c.Command, c.ScenarioPath?.Invoke(_files) ?? scenario, .. c.Args, "--out", outDir, "--quiet"]);

        // Then
        Assert.True(result.ExitCode == 2, result.ToString());
        if (c.File is not null)
        {
            var (line, column) = Position(File.ReadAllText(Path.Combine(_files.Directory, c.File)), c.New!, c.Marker!);
            string where = $"{Path.Combine(_files.Directory, c.File)}:{line}:{column}: " + (c.Field.Length > 0 ? c.Field + ": " : "");
            Assert.True(result.Err.Contains(where, StringComparison.Ordinal), $"stderr does not name {where}\n{result}");
        }
        foreach (string expected in c.Expected)
        {
            Assert.True(result.Err.Contains(expected, StringComparison.Ordinal), $"stderr does not say '{expected}'\n{result}");
        }
        Assert.False(Directory.Exists(outDir), $"invalid input created {outDir}");
        Assert.Equal("", result.Out);
    }

    private static string Example(string relative) => File.ReadAllText(CliPaths.InRepo(relative)).ReplaceLineEndings("\n");

    private static string Edit(string text, Case c, string file)
    {
        if (c.File != file)
        {
            return text;
        }
        Assert.True(text.Contains(c.Old!, StringComparison.Ordinal), $"the example no longer holds '{c.Old}'; update the case");
        int at = text.IndexOf(c.Old!, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), c.New, text.AsSpan(at + c.Old!.Length));
    }

    /// <summary>1-based line and column of <paramref name="marker"/> inside the one occurrence of <paramref name="inserted"/>.</summary>
    private static (int Line, int Column) Position(string text, string inserted, string marker)
    {
        int start = text.IndexOf(inserted, StringComparison.Ordinal);
        Assert.True(start >= 0 && text.IndexOf(inserted, start + 1, StringComparison.Ordinal) < 0, $"'{inserted}' must occur once in the edited file");
        int offset = inserted.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(offset >= 0, $"the marker '{marker}' is not in '{inserted}'");
        int at = start + offset;
        int lineStart = text.LastIndexOf('\n', Math.Max(at - 1, 0)) + 1;
        return (text.AsSpan(0, at).Count('\n') + 1, at - lineStart + 1);
    }
}

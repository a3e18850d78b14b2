using System.Diagnostics;
using System.Text;
using Svcsim.Tests.Scenarios;

namespace Svcsim.Tests.Cli;

/// <summary>
/// Input written to break svcsim (stack-deep nesting, alias bombs, FIFOs and devices, huge names and values,
/// settings the engine cannot hold, options that are not numbers, paths out of the scenario's folder): every
/// case ends at once with exit 2, says what is wrong in a few lines, prints no stack frame, and writes nothing.
/// Each case is a regression test for a crash, a hang or a memory blow-up svcsim once had on that input.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class HostileInputTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>One hostile input: what to write and which arguments to give; stderr must say <see cref="Says"/>.</summary>
    private sealed record Case(Func<HostileInputTests, string[]> Args, string Says)
    {
        public bool LinuxOnly { get; init; }
    }

    private static string Seed => File.ReadAllText(CliPaths.InRepo("Scenarios/seed.yaml")).ReplaceLineEndings("\n");

    private static string SeedManifests => File.ReadAllText(CliPaths.InRepo("Scenarios/manifests/seed.yaml")).ReplaceLineEndings("\n");

    /// <summary>Writes the seed scenario (edited) and its manifests (edited) and returns the scenario's path.</summary>
    private string Write(Func<string, string>? scenario = null, Func<string, string>? manifests = null)
    {
        _files.Write("manifests/seed.yaml", (manifests ?? (m => m))(SeedManifests));
        return _files.Write("s.yaml", (scenario ?? (s => s))(Seed));
    }

    private string Out => Path.Combine(_files.Directory, "out");

    private string[] Run(string scenario, params string[] args) => ["run", scenario, "--out", Out, "--quiet", .. args];

    private string[] RunSeed(params string[] args) => Run(Write(), args);

    private static string Replace(string text, string old, string @new)
    {
        Assert.True(text.Contains(old, StringComparison.Ordinal), $"the example no longer holds '{old}'");
        return text.Replace(old, @new, StringComparison.Ordinal);
    }

    /// <summary>A billion-laughs list: each level names the one before nine times (9^7 nodes from 8 lines).</summary>
    private static string Laughs(string indent)
    {
        var sb = new StringBuilder();
        sb.Append(indent).Append("l0: &l0 [a, a, a, a, a, a, a, a, a]\n");
        for (int i = 1; i <= 7; i++)
        {
            sb.Append(indent).Append($"l{i}: &l{i} [").Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))).Append("]\n");
        }
        return sb.ToString();
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Nesting the recursive YAML loader cannot survive
        ["20,000 nested ["] = new(t => t.Run(t.Write(s => s + "extra: " + new string('[', 20_000) + new string(']', 20_000) + "\n")), "nested deeper than 100 levels"),
        ["20,000 nested {"] = new(t => t.Run(t.Write(s => s + "extra: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + new string('}', 20_000) + "\n")), "nested deeper than 100 levels"),
        ["20,000 nested [ in a manifest"] = new(t => t.Run(t.Write(manifests: m => m + "---\n" + new string('[', 20_000) + new string(']', 20_000) + "\n")), "nested deeper than 100 levels"),
        ["20,000 nested [ in --set"] = new(t => t.RunSeed("--set", "clients=" + new string('[', 20_000) + new string(']', 20_000)), "nested deeper than 100 levels"),

        // Aliases
        ["alias bomb in the scenario"] = new(t => t.Run(t.Write(s => s + "bomb:\n" + Laughs("  "))), "aliases expand to more than 100000 nodes"),
        ["alias bomb through nested kind: List"] = new(t => t.Run(t.Write(manifests: m => m + """
            ---
            apiVersion: v1
            kind: List
            items:
              - &a { apiVersion: v1, kind: List, items: [ { apiVersion: apps/v1, kind: Deployment, metadata: { name: x } } ] }
              - &b { apiVersion: v1, kind: List, items: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a] }
              - &c { apiVersion: v1, kind: List, items: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b] }
              - &d { apiVersion: v1, kind: List, items: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c] }
              - &e { apiVersion: v1, kind: List, items: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d] }
              - &f { apiVersion: v1, kind: List, items: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e] }
              - { apiVersion: v1, kind: List, items: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f] }

            """)), "aliases expand to more than 100000 nodes"),
        ["an alias inside the node it names"] = new(t => t.Run(t.Write(s => s + "loop: &x [1, *x]\n")), "inside the node &x it names"),

        // Files that are not files
        ["/dev/zero as the scenario"] = new(t => ["validate", "/dev/zero"], "is a character device, not a regular file") { LinuxOnly = true },
        ["a FIFO as the scenario"] = new(t => ["validate", t.Fifo("s.yaml")], "is a FIFO (named pipe), not a regular file") { LinuxOnly = true },
        ["a FIFO as the manifest file"] = new(t => t.Run(t.FifoManifest()), "is a FIFO (named pipe), not a regular file") { LinuxOnly = true },
        ["a folder as the scenario"] = new(t => ["validate", t._files.Directory], "is a folder, not a file"),
        ["a 17 MiB scenario"] = new(t => ["validate", t.Sparse("big.yaml", 17L * 1024 * 1024)], "is larger than 16 MiB"),
        ["manifests outside the scenario's folder"] = new(t => t.Run(t.Write(s => Replace(s, "manifests: manifests/seed.yaml", "manifests: ../../../../../../../../etc/passwd"))), "is outside the scenario's folder"),

        // Names and values sized to exhaust memory or time
        ["a 20,000-character node name"] = new(t => t.Run(t.Write(s => Replace(s, "name: w3,", $"name: {new string('w', 20_000)},"))), "a node name has at most 253 characters"),
        ["a fault naming a 20,000-character node"] = new(t => t.Run(t.Write(s => Replace(s, "measurement:", $"faults:\n  - {{ kind: nodeCrash, node: {new string('w', 20_000)}, at: 60s }}\nmeasurement:"))), "no node named"),
        ["a 400 KB compound duration"] = new(t => t.Run(t.Write(s => Replace(s, "duration: 120s", "duration: " + string.Concat(Enumerable.Repeat("1ms", 140_000)) + "1parsec"))), "unknown duration unit 'parsec'"),
        ["a 20,000-character label value"] = new(t => t.Run(t.Write(manifests: m => Replace(m, "app: deploy-nginx", "app: " + new string('x', 20_000)))), "a label value has at most 63 characters"),
        ["a 100-character Service name"] = new(t => t.Run(t.Write(manifests: m => Replace(m, "name: np-nginx", "name: " + new string('n', 100)))), "a Service name has at most 63 characters"),
        ["300 errors"] = new(t => t.Run(t.Write(s => s + string.Concat(Enumerable.Range(0, 300).Select(i => $"bogus{i}: 1\n")))), "and 200 more errors"),

        // Settings the engine cannot hold
        ["replicas: 1000000"] = new(t => t.Run(t.Write(manifests: m => Replace(m, "replicas: 3", "replicas: 1000000"))), "too costly to run without --force"),
        ["leaseRenew: 1ns"] = new(t => t.RunSeed("--set", "controlPlane.leaseRenew=1ns"), "controlPlane.leaseRenew is 1ns: below 1ms"),
        ["measurement.window=1ns"] = new(t => t.RunSeed("--set", "measurement.window=1ns"), "measurement.window is 1ns: below 1ms"),
        ["outageResolution=1ns"] = new(t => t.RunSeed("--set", "measurement.outageResolution=1ns"), "measurement.outageResolution is 1ns"),
        ["duration=100000d"] = new(t => t.RunSeed("--set", "duration=100000d"), "the longest svcsim simulates"),
        ["workers=2147483647"] = new(t => t.RunSeed("--set", "pods.default.workers=2147483647"), "must be at most 100000"),
        ["100,000,000 users"] = new(t => t.Run(t.Write(s => Replace(s, "rate: 150/s", "users: 100000000"))), "more than the 16.8M the engine holds"),
        ["rate: 1e12/s"] = new(t => t.RunSeed("--set", "clients[0].rate=1e12/s"), "events would be pending at once"),
        ["rate: 1e7/s, which the engine holds but the budget does not"] = new(t => t.RunSeed("--set", "clients[0].rate=1e7/s", "--set", "clients[0].timeout=1s"), "too costly to run without --force"),
        ["health-check interval 1ns"] = new(t => t.RunSeed("--set", "variants[3].healthCheck={interval: 1ns, timeout: 1ns, unhealthyThreshold: 2, healthyThreshold: 2}"), "healthCheck.interval is 1ns"),
        ["MTBF 1ns"] = new(t => t.RunSeed("--set", "faults=[{kind: randomNodeFailures, timeToFailure: exp(mean=1ns), timeToRepair: exp(mean=1ns)}]"), "mean time to failure of 1ns"),
        ["--replications 1000000000"] = new(t => t.RunSeed("--replications", "1000000000"), "must be at most 100000"),
        ["a sweep grid of 10^9 points"] = new(t => ["sweep", t.Write(), "--out", t.Out, "--quiet",
            "--param", "seed=" + string.Join(",", Enumerable.Range(1, 1000)),
            "--param", "clients[0].rate=" + string.Join(",", Enumerable.Range(1, 1000).Select(i => $"{i}/s")),
            "--param", "clients[1].rate=" + string.Join(",", Enumerable.Range(1, 1000).Select(i => $"{i}/s"))], "the grid has 1000000000 points"),
        ["a sweep section of 10^6 points"] = new(t => t.Run(t.Write(s => s + "sweep:\n  seed: [" + string.Join(",", Enumerable.Range(1, 1000)) + "]\n  clients[0].rate: [" + string.Join(",", Enumerable.Range(1, 1000).Select(i => $"{i}/s")) + "]\n")), "more than 10000 points"),

        // Options that are not what they claim
        ["--parallel abc"] = new(t => t.RunSeed("--parallel", "abc"), "--parallel 'abc': expected a whole number"),
        ["--parallel 1.5"] = new(t => t.RunSeed("--parallel", "1.5"), "--parallel '1.5': expected a whole number"),
        ["--parallel 2147483648"] = new(t => t.RunSeed("--parallel", "2147483648"), "--parallel 2147483648: too large"),
        ["--parallel -3"] = new(t => t.RunSeed("--parallel", "-3"), "--parallel must be at least 1"),
        ["--seed 99999999999999999999"] = new(t => t.RunSeed("--seed", "99999999999999999999"), "--seed 99999999999999999999: too large"),
        ["--replications 1e3"] = new(t => t.RunSeed("--replications", "1e3"), "--replications '1e3': expected a whole number"),
        ["bench --pending 2147483647"] = new(t => ["bench", "--model", "hold", "--pending", "2147483647"], "--pending must be from 1 to"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Hostile_Input_Exits_2_At_Once_With_A_Short_Message_And_No_Stack_Trace(string name)
    {
        // Given
        var c = Cases[name];
        if (c.LinuxOnly && !OperatingSystem.IsLinux())
        {
            return;
        }
        string[] args = c.Args(this);
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();

        // When
        var result = SvcsimCli.Run(args);

        // Then
        clock.Stop();
        string all = result.Out + result.Err;
        Assert.True(result.ExitCode == 2, Short(result));
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        Assert.True(result.Err.Contains(c.Says, StringComparison.Ordinal), $"stderr does not say '{c.Says}'\n{Short(result)}");
        Assert.True(all.Length < 120_000, $"{all.Length} characters of output");
        Assert.True(result.Err.Split('\n').Length <= 110, Short(result));
        Assert.False(Directory.Exists(Out), "hostile input created the --out folder");
        // Generous bounds that a hang or a blow-up would exceed by orders of magnitude, not timings.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        long allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        Assert.True(allocated < 2L * 1024 * 1024 * 1024, $"allocated {allocated / 1048576} MiB");
    }

    [Fact]
    public void Every_Line_Of_The_Corpus_Names_Its_Input_And_There_Are_At_Least_40()
    {
        Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");
        Assert.All(Cases.Values, c => Assert.False(string.IsNullOrWhiteSpace(c.Says)));
    }

    private static string Short(CliResult r) => r.ToString().Length > 4000 ? r.ToString()[..4000] + "..." : r.ToString();

    /// <summary>A FIFO at <paramref name="name"/> in the test folder (nothing ever writes to it).</summary>
    private string Fifo(string name)
    {
        string path = Path.Combine(_files.Directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    private string FifoManifest()
    {
        string scenario = _files.Write("s.yaml", Seed);
        Fifo("manifests/seed.yaml");
        return scenario;
    }

    /// <summary>A file of <paramref name="bytes"/> bytes (sparse: written in no time).</summary>
    private string Sparse(string name, long bytes)
    {
        string path = Path.Combine(_files.Directory, name);
        using (var f = File.Create(path))
        {
            f.SetLength(bytes);
        }
        return path;
    }
}

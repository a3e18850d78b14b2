using System.Diagnostics;
using System.Globalization;
using System.Text;
using Svcsim.Tests.Scenarios;
using Xunit.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Tests.Cli;

/// <summary>
/// A seeded, structure-aware fuzzer of the scenario loader: it mutates the example scenarios and their manifests
/// (values replaced by hostile ones, keys misspelt, entries dropped, duplicated, swapped, nested, aliased; the text
/// truncated, spliced and salted with bytes) and gives each result to <c>svcsim validate</c>. Every input must end in
/// exit 0 or 2, with no stack frame, within a time and an allocation bound. It runs for a bounded time
/// (SVCSIM_FUZZ_SECONDS, default 20) and prints how many inputs it tried; a failing input is saved and named.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ScenarioFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly string[] HostileValues =
    [
        "", "0", "-1", "1", "1.5", "-0", "1e308", "-1e308", "1e-308", "NaN", "inf", "never", "9999999999999999999", "2147483648",
        "1ns", "0s", "1e12/s", "1e9d", "100000d", "0/s", "5 parsecs", "1h1h1h1h1h1h1h1h1h1h", "exp(mean=0)", "exp(mean=1ns)",
        "uniform(min=5s, max=1s)", "lognormal(mean=1s, sd=-1s)", "normal(", "exp(mean=5ms", "const(", "100%", "101%", "-5%",
        "192.168.1.999", "0.0.0.0", "255.255.255.255", "::1", "10.0.0.1/33", "10.0.0.9-10.0.0.1", "w9", "cp1", "W1", "ü", "\u0000",
        "~", "null", "true", "false", "yes", "[]", "{}", "[1, 2", "{a: 1", "*", "&", "!!binary", "---", "...", "'", "\"", "a\nb",
        "nodeport", "metallb-l2", "metallb-bgp", "cloud-lb", "NodePort", "LoadBalancer", "ClusterIP", "Local", "ipvs",
        "1000000", "30000", "29999", "32768", "65536", "aws-nlb", "gce", "azure", "Deployment", "Service", "List", "v1", "apps/v1",
    ];

    [Fact]
    public void The_Loader_Ends_Every_Mutated_Scenario_In_Exit_0_Or_2_Within_Bounds()
    {
        // Given the example scenarios and their manifests, and a fixed seed
        var seeds = Directory.EnumerateFiles(CliPaths.InRepo("Scenarios"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(File.ReadAllText).ToList();
        string manifests = File.ReadAllText(CliPaths.InRepo("Scenarios/manifests/seed.yaml"));
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("SVCSIM_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 20;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("SVCSIM_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 16;
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var exits = new Dictionary<int, int>();
        int tried = 0;
        TimeSpan slowest = TimeSpan.Zero;
        long mostAllocated = 0;

        // When mutated inputs are validated until the time is up
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            bool mutateManifest = random.Next(5) == 0;
            string scenario = mutateManifest ? seeds[random.Next(seeds.Count)] : Mutate(seeds[random.Next(seeds.Count)], random);
            string manifest = mutateManifest ? Mutate(manifests, random) : manifests;
            string path = _files.Write("fuzz.yaml", scenario);
            _files.Write("manifests/seed.yaml", manifest);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var one = Stopwatch.StartNew();
            var result = SvcsimCli.Run(["validate", path]);
            one.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            tried++;
            exits[result.ExitCode] = exits.GetValueOrDefault(result.ExitCode) + 1;
            if (one.Elapsed > slowest)
            {
                slowest = one.Elapsed;
                if (Environment.GetEnvironmentVariable("SVCSIM_FUZZ_KEEP_SLOWEST") is { Length: > 0 } keep)
                {
                    File.WriteAllText(keep + ".yaml", scenario);
                    File.WriteAllText(keep + ".manifest.yaml", manifest);
                }
            }
            mostAllocated = Math.Max(mostAllocated, allocated);

            // Then
            string all = result.Out + result.Err;
            bool ok = result.ExitCode is 0 or 2 && !all.Contains("   at ", StringComparison.Ordinal)
                && one.Elapsed < TimeSpan.FromSeconds(10) && allocated < 1L << 30 && all.Length < 200_000;
            if (!ok)
            {
                string saved = Path.Combine(Path.GetTempPath(), $"svcsim-fuzz-{seed}-{tried}");
                Directory.CreateDirectory(Path.Combine(saved, "manifests"));
                File.WriteAllText(Path.Combine(saved, "fuzz.yaml"), scenario);
                File.WriteAllText(Path.Combine(saved, "manifests", "seed.yaml"), manifest);
                Assert.Fail($"input {tried} of seed {seed} (saved in {saved}): exit {result.ExitCode}, {one.Elapsed.TotalMilliseconds:F0} ms, {allocated / 1048576} MiB allocated\n{(all.Length > 3000 ? all[..3000] : all)}");
            }
        }
        output.WriteLine($"fuzz: {tried} inputs in {clock.Elapsed.TotalSeconds:F0} s (seed {seed}); exit codes {string.Join(", ", exits.OrderBy(e => e.Key).Select(e => $"{e.Key}: {e.Value}"))}; slowest {slowest.TotalMilliseconds:F0} ms; most allocated {mostAllocated / 1048576} MiB");

        // And the fuzzer reached both sides: some inputs still valid, most refused
        Assert.True(tried >= 50, $"only {tried} inputs in {seconds} s");
        Assert.True(exits.GetValueOrDefault(0) > 0 && exits.GetValueOrDefault(2) > 0, string.Join(", ", exits));
    }

    /// <summary>One to four mutations of the tree of <paramref name="text"/>, then sometimes one of its text.</summary>
    internal static string Mutate(string text, Random random)
    {
        string result = text;
        if (random.Next(10) < 8)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            int count = 1 + random.Next(4);
            for (int i = 0; i < count; i++)
            {
                var nodes = stream.Documents.SelectMany(d => d.AllNodes).Distinct().Take(20_000).ToList();
                try
                {
                    MutateTree(stream, nodes, random);
                }
                catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
                {
                    // a mutation that does not fit this tree (a key already taken): skip it
                }
            }
            var sb = new StringWriter();
            try
            {
                stream.Save(sb, assignAnchors: random.Next(3) == 0);
                result = sb.ToString();
            }
            catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
            {
                result = text; // a mutation the emitter cannot write: keep the text mutations alone
            }
        }
        if (random.Next(10) < 3)
        {
            result = MutateText(result, random);
        }
        return result;
    }

    private static void MutateTree(YamlStream stream, List<YamlNode> nodes, Random random)
    {
        var containers = nodes.Where(n => n is YamlMappingNode or YamlSequenceNode).ToList();
        var scalars = nodes.OfType<YamlScalarNode>().ToList();
        switch (random.Next(9))
        {
            case 0 or 1 or 2 when scalars.Count > 0:
                // A value replaced by a hostile one, or by another value of the document
                var target = scalars[random.Next(scalars.Count)];
                target.Value = random.Next(4) == 0 ? scalars[random.Next(scalars.Count)].Value : HostileValues[random.Next(HostileValues.Length)];
                target.Style = ScalarStyle.Any;
                break;
            case 3 when containers.Count > 0:
                // An entry or an item dropped
                var from = containers[random.Next(containers.Count)];
                if (from is YamlMappingNode m && m.Children.Count > 0)
                {
                    m.Children.Remove(m.Children.Keys.ElementAt(random.Next(m.Children.Count)));
                }
                else if (from is YamlSequenceNode sq && sq.Children.Count > 0)
                {
                    sq.Children.RemoveAt(random.Next(sq.Children.Count));
                }
                break;
            case 4 when containers.OfType<YamlSequenceNode>().Any():
                // An item duplicated (a second node, a second Service...) or many times over
                var list = containers.OfType<YamlSequenceNode>().ElementAt(random.Next(containers.OfType<YamlSequenceNode>().Count()));
                if (list.Children.Count > 0)
                {
                    var item = list.Children[random.Next(list.Children.Count)];
                    int copies = random.Next(3) == 0 ? 50 : 1;
                    for (int k = 0; k < copies; k++)
                    {
                        list.Children.Add(item);
                    }
                }
                break;
            case 5 when containers.OfType<YamlMappingNode>().Any():
                // A key misspelt
                var map = containers.OfType<YamlMappingNode>().ElementAt(random.Next(containers.OfType<YamlMappingNode>().Count()));
                if (map.Children.Count > 0)
                {
                    var key = map.Children.Keys.ElementAt(random.Next(map.Children.Count));
                    var value = map.Children[key];
                    string name = ((YamlScalarNode)key).Value ?? "";
                    string misspelt = name.Length > 1 ? name.Remove(random.Next(name.Length), 1) : name + "x";
                    map.Children.Remove(key);
                    if (!map.Children.ContainsKey(new YamlScalarNode(misspelt)))
                    {
                        map.Children.Add(misspelt, value);
                    }
                }
                break;
            case 6 when containers.OfType<YamlMappingNode>().Any() && scalars.Count > 0:
                // A value given the wrong shape: a list or a mapping where a scalar goes, or the reverse
                var owner = containers.OfType<YamlMappingNode>().ElementAt(random.Next(containers.OfType<YamlMappingNode>().Count()));
                if (owner.Children.Count > 0)
                {
                    var key = owner.Children.Keys.ElementAt(random.Next(owner.Children.Count));
                    owner.Children[key] = random.Next(3) switch
                    {
                        0 => new YamlSequenceNode(owner.Children[key]),
                        1 => new YamlMappingNode(new YamlScalarNode("x"), owner.Children[key]),
                        _ => new YamlScalarNode(HostileValues[random.Next(HostileValues.Length)]),
                    };
                }
                break;
            case 7 when containers.OfType<YamlSequenceNode>().Any():
                // Deep nesting
                var deep = containers.OfType<YamlSequenceNode>().ElementAt(random.Next(containers.OfType<YamlSequenceNode>().Count()));
                YamlNode inner = new YamlScalarNode("x");
                int depth = random.Next(3) == 0 ? 150 : random.Next(1, 20);
                for (int k = 0; k < depth; k++)
                {
                    inner = new YamlSequenceNode(inner);
                }
                deep.Children.Add(inner);
                break;
            default:
                // Two values swapped
                if (scalars.Count > 1)
                {
                    var (a, b) = (scalars[random.Next(scalars.Count)], scalars[random.Next(scalars.Count)]);
                    (a.Value, b.Value) = (b.Value, a.Value);
                }
                break;
        }
    }

    private static string MutateText(string text, Random random)
    {
        if (text.Length == 0)
        {
            return "\u0000";
        }
        int at = random.Next(text.Length);
        var lines = text.Split('\n').ToList();
        int line = random.Next(lines.Count);
        switch (random.Next(7))
        {
            case 0:
                return text[..at]; // truncated
            case 1:
                return text.Insert(at, ((char)random.Next(0, 0x3000)).ToString()); // a stray character
            case 2:
                lines.Insert(line, lines[random.Next(lines.Count)]); // a line duplicated
                return string.Join('\n', lines);
            case 3:
                lines.RemoveAt(line);
                return string.Join('\n', lines);
            case 4:
                return text.Insert(at, random.Next(2) == 0 ? "\t" : " "); // indentation broken
            case 5:
                // An anchor and aliases of it
                return text + "\nx-anchor: &fz [" + string.Join(", ", Enumerable.Repeat("a", 10)) + "]\nx-alias: [" + string.Join(", ", Enumerable.Repeat("*fz", random.Next(1, 30))) + "]\n";
            default:
                var bytes = Encoding.UTF8.GetBytes(text);
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8)); // a bit flipped
                return Encoding.UTF8.GetString(bytes);
        }
    }
}

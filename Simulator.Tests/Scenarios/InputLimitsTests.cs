using System.Globalization;
using System.Text.RegularExpressions;
using Svcsim.Experiments;
using Svcsim.Network;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// The budgets of <see cref="InputLimits"/> and <see cref="CostEstimate"/>: they refuse what they must, let through
/// what real scenarios (anchors, a 5,000-node cluster) need, and read the same in Scenarios/README.md.
/// </summary>
public sealed partial class InputLimitsTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Seed => File.ReadAllText(Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml")).ReplaceLineEndings("\n")
        .Replace("manifests: manifests/seed.yaml", "manifests: m.yaml", StringComparison.Ordinal);

    private string WriteSeed(string extra)
    {
        File.Copy(Path.Combine(ScenarioFiles.ScenariosDir, "manifests", "seed.yaml"), Path.Combine(_files.Directory, "m.yaml"), overwrite: true);
        return _files.Write("s.yaml", Seed + extra);
    }

    [Fact]
    public void Anchors_And_Aliases_Within_The_Budget_Load()
    {
        // Given links written once and reused through aliases, as people share settings in YAML
        string path = WriteSeed("""
            network:
              clientToNode: &lan { latency: 0.2ms, bandwidth: 1Gbps }
              nodeToNode: *lan
              frontDoorToNode: *lan
              clientToFrontDoor: *lan
            """);

        // When / Then
        var spec = ScenarioLoader.Load(path).Spec;
        Assert.Equal(spec.Network.ClientToNode, spec.Network.ClientToFrontDoor);
    }

    [Theory]
    [InlineData(InputLimits.MaxDepth - 2, false)]
    [InlineData(InputLimits.MaxDepth + 1, true)]
    public void Nesting_Is_Refused_Past_The_Limit_And_Only_Then(int depth, bool refused)
    {
        // Given a value nested depth levels below the root mapping (which is one level itself)
        string path = WriteSeed("sweep: " + new string('[', depth) + new string(']', depth) + "\n");

        // When
        var errors = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path)).Errors;

        // Then: too deep is refused at once; otherwise the reader gets to see the value (and says what it expected)
        Assert.Equal(refused, errors.Any(e => e.Message.Contains("nested deeper than", StringComparison.Ordinal)));
        Assert.Equal(!refused, errors.Any(e => e.Field == "sweep"));
    }

    [Fact]
    public void Errors_Past_The_Limit_Are_Counted_Not_Listed()
    {
        string path = WriteSeed(string.Concat(Enumerable.Range(0, 250).Select(i => $"bogus{i}: 1\n")));
        var errors = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path)).Errors;
        Assert.Equal(InputLimits.MaxErrors + 1, errors.Count);
        Assert.Equal("and 150 more errors (only the first 100 are shown)", errors[^1].Message);
    }

    [Fact]
    public void A_Long_Value_Quoted_In_An_Error_Is_Shortened()
    {
        string path = WriteSeed("");
        File.WriteAllText(path, Seed.Replace("rate: 150/s", "rate: " + new string('9', 50_000) + "/parsec", StringComparison.Ordinal));
        var error = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path)).Errors);
        Assert.True(error.ToString().Length < 1000, error.ToString());
        Assert.Contains(" ... ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Bounded_Edit_Distance_Agrees_With_The_Full_One_Within_Its_Limit()
    {
        // A trivially correct answer: the full matrix, for 500 seeded random pairs over a small alphabet.
        var random = new Random(7);
        string Word() => new([.. Enumerable.Range(0, random.Next(0, 9)).Select(_ => "abc"[random.Next(3)])]);
        for (int k = 0; k < 500; k++)
        {
            string a = Word(), b = Word();
            int full = FullDistance(a, b);
            Assert.Equal(full, Suggest.Distance(a, b));
            int bounded = Suggest.Distance(a, b, 2);
            Assert.True(full <= 2 ? bounded == full : bounded > 2, $"{a} {b}: full {full}, bounded {bounded}");
        }
    }

    [Fact]
    public void Suggestions_Among_Long_Names_Cost_Little()
    {
        // The regression: 20,000-character names made a 1.6 GB distance matrix.
        var names = Enumerable.Range(0, 50).Select(i => new string('w', 20_000) + i.ToString(CultureInfo.InvariantCulture)).ToList();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(Suggest.Closest(new string('w', 20_001), names));
        Assert.Equal("w1", Suggest.Closest("w11", ["w1", new string('x', 5000)]));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Every_Example_Scenario_Is_Within_The_Budget()
    {
        foreach (string path in Directory.EnumerateFiles(ScenarioFiles.ScenariosDir, "*.yaml").Where(p => !p.EndsWith("-study.yaml", StringComparison.Ordinal)))
        {
            var cost = CostEstimate.Of(ScenarioLoader.Load(path).Spec);
            Assert.Empty(cost.Problems);
            Assert.Null(cost.OverBudget());
            Assert.True(cost.Events > 1e5, $"{path}: {cost.Describe()}"); // the estimate is not vacuous
        }
    }

    [Fact]
    public void A_5000_Node_150000_Pod_Cluster_At_A_Modest_Rate_Is_Within_The_Budget()
    {
        // Given Kubernetes' largest supported cluster, 1,000 requests/s for 5 minutes, three ways of access
        var seed = ScenarioLoader.Load(Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml")).Spec;
        var nodes = Enumerable.Range(0, 5000).Select(i => new NodeSpec(i == 0 ? "cp1" : $"w{i}", i == 0 ? NodeRole.ControlPlane : NodeRole.Worker,
            $"10.{i / 65536}.{i / 256 % 256}.{i % 256}")).ToList();
        var big = seed with
        {
            Nodes = nodes,
            PodSources = seed.PodSources.Select(d => d with { Replicas = 75_000 }).ToList(),
            Clients = seed.Clients.Select(c => c with { Rate = 500 }).ToList(),
            Variants = seed.Variants.Take(3).ToList(),
            DurationS = 300,
            Replications = 1,
            Measurement = seed.Measurement with { WindowS = 10 },
        };

        // When
        var cost = CostEstimate.Of(big);

        // Then
        Assert.Empty(cost.Problems);
        Assert.True(cost.OverBudget() is null, cost.OverBudget());
        Assert.Equal(150_000, cost.Pods);
        // ...but ten times the pods, or a 1 ms window over it, is refused.
        Assert.NotNull(CostEstimate.Of(big with { PodSources = seed.PodSources.Select(d => d with { Replicas = 750_000 }).ToList() }).OverBudget());
        Assert.NotNull(CostEstimate.Of(big with { Measurement = big.Measurement with { WindowS = 0.001 } }).OverBudget());
    }

    [Fact]
    public void The_Limits_In_The_Scenario_Reference_Are_The_Code_s()
    {
        string readme = File.ReadAllText(Path.Combine(ScenarioFiles.ScenariosDir, "README.md"));
        string Row(string name) => Assert.Single(TableRow().Matches(readme), m => m.Groups[1].Value == name).Groups[2].Value;
        Assert.Equal($"{InputLimits.MaxFileBytes / (1024 * 1024)} MiB", Row("file size (scenario or manifest)"));
        Assert.Equal($"{InputLimits.MaxDepth} levels", Row("nesting of mappings and lists"));
        Assert.Equal($"{InputLimits.MaxNodes}", Row("values, mappings and lists in one file (an alias counts as what it names)"));
        Assert.Equal($"{InputLimits.MaxAliasNodes}", Row("nodes added by aliases (`*name`) in one file"));
        Assert.Equal($"{InputLimits.MaxNameChars} characters", Row("node and object names (a Service name: 63)"));
        Assert.Equal($"{InputLimits.MaxLabelChars} characters", Row("label values and label key names"));
        Assert.Equal($"{InputLimits.MaxSweepPoints}", Row("points of a sweep grid"));
        Assert.Equal($"{InputLimits.MaxErrors}", Row("errors listed for one load (the rest are counted)"));
        Assert.Equal("100000", Row("replications"));
        Assert.Equal($"{ClusterSection.MaxWorkers}", Row("workers of one pod"));
        Assert.StartsWith($"10^{Math.Log10(CostEstimate.Budget.MaxEvents):0}", Row("engine events of the whole run or sweep"), StringComparison.Ordinal);
        Assert.Equal($"{CostEstimate.Budget.MaxBytes / (1024 * 1024 * 1024):0} GiB", Row("memory for the results and one world"));
        Assert.StartsWith($"{CostEstimate.Budget.MaxNodes} ", Row("nodes"), StringComparison.Ordinal);
        Assert.StartsWith($"{CostEstimate.Budget.MaxPods} ", Row("pods"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\| (.+?) \| (.+?) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    private static int FullDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}

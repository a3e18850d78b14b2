using Svcsim.Scenarios;
using Svcsim.Tests.Codebase;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// The kinds' tables in Scenarios/README.md are rendered from the descriptors (KindReference); to rewrite
/// them after changing a kind, run this test with SVCSIM_UPDATE_DOCS=1.
/// </summary>
public sealed class KindReferenceTests
{
    [Theory]
    [InlineData("variants")]
    [InlineData("faults")]
    public void The_Reference_Shows_Each_Kinds_Keys_And_Defaults_As_Its_Descriptor_Declares_Them(string block)
    {
        string path = Path.Combine(Repository.Root, "Scenarios", "README.md");
        string text = File.ReadAllText(path);
        var (start, end) = KindReference.Markers(block);
        int a = text.IndexOf(start, StringComparison.Ordinal), b = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, $"Scenarios/README.md lacks the markers {start} ... {end}");
        string expected = block == "variants" ? KindReference.Variants() : KindReference.Faults();
        string current = text[(a + start.Length)..b].Trim('\n') + "\n";
        if (Environment.GetEnvironmentVariable("SVCSIM_UPDATE_DOCS") == "1" && current != expected)
        {
            File.WriteAllText(path, text[..(a + start.Length)] + "\n" + expected + text[b..]);
            current = expected;
        }
        Assert.True(current == expected, $"the {block} tables of Scenarios/README.md differ from the descriptors; run the tests with SVCSIM_UPDATE_DOCS=1");
    }
}

/// <summary>Each default a kind documents is the value its reader takes when the key is left out.</summary>
public sealed class KindDefaultTests : IDisposable
{
    private readonly ScenarioFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>The seed scenario with one variant or one fault replaced by <paramref name="entry"/>.</summary>
    private Svcsim.Scenarios.ScenarioSpec Load(string section, string entry)
    {
        string text = File.ReadAllText(Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml"))
            .Replace("manifests: manifests/seed.yaml", $"manifests: {Path.Combine(ScenarioFiles.ScenariosDir, "manifests", "seed.yaml")}", StringComparison.Ordinal);
        int v = text.IndexOf("\nvariants:", StringComparison.Ordinal), m = text.IndexOf("\nmeasurement:", StringComparison.Ordinal);
        text = text[..v] + (section == "variants"
            ? $"\nvariants:\n  - {entry}\n"
            : "\nvariants:\n  - kind: nodeport\nfaults:\n  - " + entry + "\n") + text[m..];
        return ScenarioLoader.Load(_files.Write("s.yaml", text), [], allowExternalManifests: true).Spec;
    }

    public static TheoryData<string, string, string> DocumentedDefaults()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kind in Svcsim.Access.FrontDoorKinds.All)
        {
            string required = kind.Name == "cloud-lb" ? ", preset: gce" : "";
            foreach (var key in kind.Keys.Where(k => k.Default.StartsWith('`') && k.Default.EndsWith('`') && k.Default.Count(c => c == '`') == 2))
            {
                data.Add("variants", $"{{ kind: {kind.Name}{required} }}", $"{key.Name}: {key.Default.Trim('`')}");
            }
        }
        var requiredFault = new Dictionary<string, string>
        {
            ["nodeCrash"] = "node: w1, at: 30s",
            ["nodeReboot"] = "node: w1, at: 30s, downtime: 20s",
            ["ipChange"] = "node: w1, at: 30s, newIp: 192.168.1.150",
            ["linkDegradation"] = "node: w1, at: 30s, duration: 10s, extraLatency: 5ms, loss: 0.1",
            ["partition"] = "groupA: [w1], groupB: [w2], at: 30s, duration: 10s",
            ["podCrash"] = "deployment: deploy-nginx, at: 30s",
            ["nodeDrain"] = "node: w1, at: 30s",
            ["randomNodeFailures"] = "timeToFailure: exp(mean=1h), timeToRepair: exp(mean=5m)",
        };
        foreach (var kind in Svcsim.Faults.FaultKinds.All)
        {
            foreach (var key in kind.Keys.Where(k => k.Default.StartsWith('`') && k.Default.EndsWith('`') && k.Default.Count(c => c == '`') == 2))
            {
                string fixedKeys = string.Join(", ", requiredFault[kind.Name].Split(", ").Where(p => !p.StartsWith(key.Name + ":", StringComparison.Ordinal)));
                data.Add("faults", $"{{ kind: {kind.Name}, {fixedKeys} }}", $"{key.Name}: {key.Default.Trim('`')}");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedDefaults))]
    public void Writing_The_Documented_Default_Changes_Nothing(string section, string entry, string keyAndDefault)
    {
        // Given a kind's entry without the key, and the same entry with the key set to its documented default
        var without = Load(section, entry);
        var with = Load(section, entry.TrimEnd('}', ' ') + ", " + keyAndDefault + " }");

        // Then both read the same (compared as JSON: the specs hold lists, which records compare by reference)
        object a = section == "variants" ? without.Variants.Single() : without.Faults.Single();
        object b = section == "variants" ? with.Variants.Single() : with.Faults.Single();
        var options = new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a, a.GetType(), options), System.Text.Json.JsonSerializer.Serialize(b, b.GetType(), options));
    }

    [Fact]
    public void Every_Kind_Documents_A_Default_Or_Says_It_Is_Required()
    {
        var keys = Svcsim.Access.FrontDoorKinds.All.SelectMany(k => k.Keys).Concat(Svcsim.Faults.FaultKinds.All.SelectMany(k => k.Keys));
        Assert.All(keys, k => Assert.False(string.IsNullOrWhiteSpace(k.Default), k.Name));
        Assert.True(DocumentedDefaults().Count() >= 15);
    }
}

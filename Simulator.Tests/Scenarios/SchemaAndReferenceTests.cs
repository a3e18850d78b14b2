using System.Text.Json;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Scenarios;

/// <summary>
/// The loader, the JSON Schema editors use and the README must name the same keys: a key added to one
/// and forgotten in another fails here.
/// </summary>
public class SchemaAndReferenceTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(ScenarioFiles.ScenariosDir, "scenario.schema.json"))).RootElement;

    private static readonly string Readme = File.ReadAllText(Path.Combine(ScenarioFiles.ScenariosDir, "README.md"));

    private static string[] Properties(JsonElement e) =>
        e.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    private static JsonElement Def(string name) => Schema.GetProperty("$defs").GetProperty(name);

    private static JsonElement Section(string name) => Schema.GetProperty("properties").GetProperty(name);

    private static string[] Sorted(IEnumerable<string> keys) => keys.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_Schema_Is_Draft_2020_12()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Schema.GetProperty("$schema").GetString());
    }

    public static TheoryData<string> Sections() => ["root", "cluster", "node", "network", "link", "pods", "kubeProxy", "controlPlane", "clients", "healthCheck", "measurement"];

    [Theory]
    [MemberData(nameof(Sections))]
    public void Schema_Sections_Name_The_Keys_The_Loader_Reads(string section)
    {
        var (schema, keys) = section switch
        {
            "root" => (Schema, ScenarioKeys.Root),
            "cluster" => (Section("cluster"), ScenarioKeys.Cluster),
            "node" => (Def("node"), ScenarioKeys.Node),
            "network" => (Section("network"), ScenarioKeys.Network),
            "link" => (Def("link"), ScenarioKeys.Link),
            "pods" => (Def("pods"), ScenarioKeys.Pods),
            "kubeProxy" => (Section("kubeProxy"), ScenarioKeys.KubeProxy),
            "controlPlane" => (Section("controlPlane"), ScenarioKeys.ControlPlane),
            "clients" => (Def("clientGroup"), ScenarioKeys.Clients),
            "healthCheck" => (Def("healthCheck"), ScenarioKeys.HealthCheck),
            _ => (Section("measurement"), ScenarioKeys.Measurement),
        };

        Assert.Equal(Sorted(keys), Properties(schema));
    }

    [Theory]
    [InlineData("variant")]
    [InlineData("fault")]
    public void Schema_Kinds_Name_The_Keys_The_Loader_Reads(string def)
    {
        var (common, kinds) = def == "variant"
            ? (ScenarioKeys.VariantCommon, ScenarioKeys.VariantKinds)
            : (ScenarioKeys.FaultCommon, ScenarioKeys.FaultKinds);
        var alternatives = Def(def).GetProperty("oneOf").EnumerateArray().ToArray();

        Assert.Equal(Sorted(kinds.Keys), Sorted(alternatives.Select(a => a.GetProperty("properties").GetProperty("kind").GetProperty("const").GetString()!)));
        foreach (var a in alternatives)
        {
            string kind = a.GetProperty("properties").GetProperty("kind").GetProperty("const").GetString()!;
            Assert.Equal(Sorted(ScenarioKeys.Of(common, kinds, kind)), Properties(a));
        }
    }

    public static TheoryData<string> AllKeys()
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var list in new[]
        {
            ScenarioKeys.Root, ScenarioKeys.Cluster, ScenarioKeys.Node, ScenarioKeys.Network, ScenarioKeys.Link, ScenarioKeys.Pods,
            ScenarioKeys.KubeProxy, ScenarioKeys.ControlPlane, ScenarioKeys.Clients, ScenarioKeys.Measurement, ScenarioKeys.HealthCheck,
        })
        {
            keys.UnionWith(list);
        }
        keys.UnionWith(ScenarioKeys.VariantKinds.Keys);
        keys.UnionWith(ScenarioKeys.VariantKinds.Values.SelectMany(v => v));
        keys.UnionWith(ScenarioKeys.FaultKinds.Keys);
        keys.UnionWith(ScenarioKeys.FaultKinds.Values.SelectMany(v => v));
        var data = new TheoryData<string>();
        foreach (string k in keys)
        {
            data.Add(k);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllKeys))]
    public void The_Readme_Documents_Every_Key_And_Kind(string key)
    {
        Assert.Contains($"`{key}`", Readme, StringComparison.Ordinal);
    }

    public static TheoryData<string> ControlPlaneKeys() => [.. ScenarioKeys.ControlPlane];

    [Theory]
    [MemberData(nameof(ControlPlaneKeys))]
    public void The_Readme_And_The_Schema_Give_The_Loader_s_Default_For_Each_ControlPlane_Key(string key)
    {
        // Given the default the README's controlPlane table and the schema state for the key
        string readme = ReadmeDefault("controlPlane", key);
        var schemaDefault = Section("controlPlane").GetProperty("properties").GetProperty(key).GetProperty("default");
        string schema = schemaDefault.ValueKind == JsonValueKind.String ? schemaDefault.GetString()! : schemaDefault.GetRawText();
        var seed = Path.Combine(ScenarioFiles.ScenariosDir, "seed.yaml");
        var loaded = ScenarioLoader.Load(seed).Spec.ControlPlane;

        // When the seed scenario sets the key to that value, Then nothing changes: the documented value is the code's default
        Assert.Equal(loaded, ScenarioLoader.Load(seed, [$"controlPlane.{key}={readme}"]).Spec.ControlPlane);
        Assert.Equal(loaded, ScenarioLoader.Load(seed, [$"controlPlane.{key}={schema}"]).Spec.ControlPlane);
    }

    /// <summary>The first backquoted value in the Default column of <paramref name="key"/>'s row under the README's <paramref name="section"/> heading.</summary>
    private static string ReadmeDefault(string section, string key)
    {
        int at = Readme.IndexOf($"## `{section}`", StringComparison.Ordinal);
        Assert.True(at >= 0, $"README has no section {section}");
        var row = Readme[at..].Split('\n').First(l => l.StartsWith($"| `{key}` |", StringComparison.Ordinal));
        var cell = row.Split('|')[3];
        var match = System.Text.RegularExpressions.Regex.Match(cell, "`([^`]+)`");
        Assert.True(match.Success, $"no default in {row}");
        return match.Groups[1].Value;
    }

    [Fact]
    public void The_Readme_Documents_Every_Cloud_Preset()
    {
        Assert.All(HealthCheckPresets(), p => Assert.Contains($"`{p}`", Readme, StringComparison.Ordinal));
    }

    private static IEnumerable<string> HealthCheckPresets() => Svcsim.Access.HealthCheckSpec.Presets.Keys;
}

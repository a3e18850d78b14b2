using System.Text.RegularExpressions;
using Svcsim.Tests.Reports;
using YamlDotNet.RepresentationModel;

namespace Svcsim.Tests.Cli;

/// <summary>
/// Every manifest in deploy/ is valid against the Kubernetes API's OpenAPI schema, as an API server with strict field
/// validation would take it: Simulator.Tests/KubernetesSchema/validate.mjs checks types, enumerations and required
/// fields with the validators kubernetes-models generates from the schema, and refuses every unknown field with the
/// field lists of @kubernetes/client-node's models (both npm packages, pinned in its package-lock.json).
/// </summary>
public sealed partial class KubernetesSchemaTests : IDisposable
{
    private static readonly string Tool = CliPaths.InRepo("Simulator.Tests/KubernetesSchema");

    private static readonly Lazy<string?> Installed = new(Install);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Installs the checker's npm packages (npm ci) when they are missing or older than the lock file, as .ci/run
    /// does; returns what went wrong, or null.
    /// </summary>
    private static string? Install()
    {
        string stamp = Path.Combine(Tool, "node_modules", ".package-lock.json");
        if (File.Exists(stamp) && File.GetLastWriteTimeUtc(stamp) >= File.GetLastWriteTimeUtc(Path.Combine(Tool, "package-lock.json")))
        {
            return null;
        }
        var ci = SvcsimCli.RunProgram("npm", Tool, ["ci", "--no-audit", "--no-fund"]);
        return ci.ExitCode == 0 ? null : "npm ci in Simulator.Tests/KubernetesSchema failed (Node.js and npm are needed):\n" + ci;
    }

    private static CliResult Validate(params string[] files)
    {
        Assert.True(Installed.Value is null, Installed.Value);
        return SvcsimCli.RunProgram("node", Tool, [Path.Combine(Tool, "validate.mjs"), .. files]);
    }

    private static IEnumerable<string> Manifests() =>
        Directory.EnumerateFiles(CliPaths.InRepo("deploy"))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Every_Manifest_In_Deploy_Is_Valid_Against_The_Kubernetes_Schema()
    {
        // Given every YAML file of deploy/, and each of its documents
        var files = Manifests().ToList();
        var documents = files.SelectMany(f =>
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(f);
            stream.Load(reader);
            return stream.Documents.Select(d => (File: f, Kind: ((YamlScalarNode)((YamlMappingNode)d.RootNode)[new YamlScalarNode("kind")]).Value));
        }).ToList();
        Assert.True(documents.Count >= 4, "expected the PersistentVolumeClaim, ConfigMap and the two Jobs");

        // When they are checked
        var result = Validate([.. files]);

        // Then each document was checked (none skipped) and found valid
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(documents.Select(d => $"ok: {d.File}: {d.Kind}"),
            result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => OkLine().Match(l).Groups[1].Value));
    }

    public static TheoryData<string, string, string, string> Mistakes() => new()
    {
        // what, text in the Job, replaced by, the problem reported (after file:line:column:)
        { "a misspelt field", "          securityContext:\n            allowPrivilegeEscalation", "          securityContex:\n            allowPrivilegeEscalation",
            @"spec\.template\.spec\.containers\[0\]\.securityContex: unknown field ""securityContex"" \(V1Container has: .*securityContext" },
        { "a field Kubernetes does not have", "  podReplacementPolicy: Failed\n", "  podReplacementPolicy: Failed\n  retryPolicy: PerIndex\n",
            @"spec\.retryPolicy: unknown field ""retryPolicy""" },
        { "a number as a string", "backoffLimitPerIndex: 2 ", "backoffLimitPerIndex: \"2\" ", @"spec\.backoffLimitPerIndex: must be integer" },
        { "a value of no enumeration", "- action: Ignore", "- action: Skip", @"spec\.podFailurePolicy\.rules\[0\]\.action: must be equal to one of the allowed values \(.*FailJob.*\)" },
        { "a required field missing", "        - name: svcsim\n          image:", "        - image:",
            @"spec\.template\.spec\.containers\[0\]: must have required property name" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void The_Check_Refuses_A_Manifest_With(string what, string text, string replacement, string problem)
    {
        // Given the Indexed Job's file with one mistake
        _ = what;
        string original = File.ReadAllText(CliPaths.InRepo("deploy/sweep-indexed-job.yaml"));
        Assert.Contains(text, original, StringComparison.Ordinal);
        string file = _temp.File("job.yaml");
        string changed = original.Replace(text, replacement, StringComparison.Ordinal);
        File.WriteAllText(file, changed);

        // When it is checked
        var result = Validate(file);

        // Then it is refused, the problem named with the line where it is (the first line that differs)
        Assert.True(result.ExitCode == 1, result.ToString());
        var reported = Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.StartsWith("ok: ", StringComparison.Ordinal));
        var match = Regex.Match(reported, $@"^{Regex.Escape(file)}:(\d+):\d+: {problem}");
        Assert.True(match.Success, $"expected {problem}, got: {reported}");
        int line = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int firstDifferent = original.Split('\n').Zip(changed.Split('\n')).TakeWhile(p => p.First == p.Second).Count() + 1;
        Assert.InRange(line, firstDifferent - 1, firstDifferent + 1);
    }

    [Fact]
    public void The_Check_Refuses_A_Kind_It_Has_No_Schema_For()
    {
        string file = _temp.File("other.yaml");
        File.WriteAllText(file, "apiVersion: example.com/v1\nkind: Sweep\nmetadata: { name: x }\n");

        var result = Validate(file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{file}:2:1: kind: no schema for apiVersion example.com/v1 kind Sweep", result.Out, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(ok: .*: \S+) \S+$")]
    private static partial Regex OkLine();
}

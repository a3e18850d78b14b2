using System.Xml.Linq;

namespace Svcsim.Tests.Codebase;

/// <summary>Package versions are pinned once, in Directory.Packages.props, so every build restores the same packages.</summary>
public sealed class CsprojTests
{
    private static IReadOnlyList<string> ProjectFiles() => Repository.Files(".", "*.csproj");

    [Fact]
    public void The_Scan_Sees_Every_Project()
    {
        var projects = ProjectFiles();
        foreach (string p in new[] { "Simulator/Simulator.csproj", "Reports/Reports.csproj", "Simulator.Tests/Simulator.Tests.csproj", "Benchmarks/Benchmarks.csproj" })
        {
            Assert.Contains(p, projects);
        }
    }

    [Fact]
    public void Central_Package_Versions_Are_Exact_Pins()
    {
        // A floating version (1.*, *) or a range ([1.0,2.0)) restores whatever is newest that day.
        var versions = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Select(e => (Package: (string?)e.Attribute("Include"), Version: (string?)e.Attribute("Version")))
            .ToList();
        Assert.NotEmpty(versions);
        var floating = versions.Where(v => string.IsNullOrWhiteSpace(v.Version) || v.Version.IndexOfAny(['*', '[', '(', ',']) >= 0).ToList();
        Assert.True(floating.Count == 0, "not pinned: " + string.Join(", ", floating.Select(v => $"{v.Package} {v.Version}")));
    }

    [Fact]
    public void No_Package_Reference_Sets_Its_Own_Version()
    {
        // With central package management a Version (or VersionOverride) on a PackageReference bypasses the
        // single list of versions.
        var offenders = new List<string>();
        foreach (string project in ProjectFiles())
        {
            foreach (var reference in XDocument.Load(Path.Combine(Repository.Root, project)).Descendants("PackageReference"))
            {
                bool hasVersion = reference.Attribute("Version") is not null || reference.Attribute("VersionOverride") is not null
                    || reference.Element("Version") is not null || reference.Element("VersionOverride") is not null;
                if (hasVersion)
                {
                    offenders.Add($"{project}: {reference.Attribute("Include")?.Value}");
                }
            }
        }
        Assert.True(offenders.Count == 0, "PackageReference with its own version: " + string.Join(", ", offenders));
    }
}

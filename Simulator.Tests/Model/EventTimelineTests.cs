using System.Globalization;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Network;
using Svcsim.Reports;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Model;

public class EventTimelineTests
{
    private static readonly FaultSpec[] Faults =
    [
        new LinkDegradation("w3", 10, 5, 0.015, 0.02),
        new NodeReboot("w2", 12, 8),
        new NetworkPartition(["w1"], ["cp1"], 14, 3),
        new PodCrash("deploy-nginx", 0, 16, 2),
    ];

    private static byte[] EventsCsv(string culture)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            var spec = TestScenarios.Seed(rate: 20, durationS: 40, faults: Faults);
            var rows = spec.Variants.SelectMany(v => new VariantRunner(spec, v, 0).Run().Events
                .Select(e => new EventRow("test", v.Name, 0, e.TimeS, e.Node, e.Kind, e.Detail))).ToList();
            using var dir = new TempDirectory();
            string path = dir.File(OutputFiles.Events);
            CsvFiles.Write(path, rows);
            return File.ReadAllBytes(path);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Events_Csv_Has_The_Same_Bytes_Under_German_And_Invariant_Culture()
    {
        // Given a run with faults whose details carry decimals (a 15 ms, 2 % link degradation) on every way
        // of access, written once under the invariant culture and once under de-DE
        byte[] invariant = EventsCsv("");
        byte[] german = EventsCsv("de-DE");

        // Then events.csv is byte for byte the same, with a decimal point in the details
        Assert.True(invariant.AsSpan().SequenceEqual(german), "events.csv differs under de-DE");
        string text = System.Text.Encoding.UTF8.GetString(german);
        Assert.Contains("+15.0 ms", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+15,0 ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Event_Written_Has_A_Kind_Of_The_Catalogue_And_Kind_Names_Are_Unique()
    {
        // Given the catalogue and a run with every fault on every way of access
        var names = EventKinds.All.Select(k => k.Name).ToList();
        var spec = TestScenarios.Seed(rate: 20, durationS: 40, faults: Faults);
        var written = spec.Variants.SelectMany(v => new VariantRunner(spec, v, 0).Run().Events).Select(e => e.Kind).Distinct().ToList();

        // Then names are unique lowercase words joined by '-', each has a meaning, and every kind written is one of them
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(EventKinds.All, k => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", k.Name));
        Assert.All(EventKinds.All, k => Assert.False(string.IsNullOrWhiteSpace(k.Meaning)));
        Assert.All(written, k => Assert.Contains(k, names));
        Assert.True(written.Count >= 10, string.Join(", ", written));
    }
}

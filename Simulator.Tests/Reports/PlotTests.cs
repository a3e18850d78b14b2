using System.Text.RegularExpressions;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

[Collection(WrittenReportsCollection.Name)]
public sealed class PlotTests(WrittenReports written)
{
    [Fact]
    public void Every_Run_Plot_Is_Written_As_Png_And_Svg()
    {
        string[] expected =
        [
            "availability", "latency", "summary_availability", "summary_longest_outage",
            "nodes_nodeport", "nodes_metallb-l2", "nodes_cloud-lb", "pods_nodeport", "pods_metallb-l2", "pods_cloud-lb",
        ];
        AssertPlots(written.RunDirectory, expected);
    }

    [Fact]
    public void Every_Sweep_Metric_Is_Plotted_Against_Every_Swept_Parameter()
    {
        var expected = SweepRow.Metrics.SelectMany(m => new[] { $"sweep_{m.Name}_vs_replicas", $"sweep_{m.Name}_vs_client_timeout_s" }).ToArray();
        AssertPlots(written.SweepDirectory, expected);
    }

    private static void AssertPlots(string directory, string[] names)
    {
        string plots = Path.Combine(directory, OutputFiles.PlotsDirectory);
        foreach (string name in names)
        {
            foreach (string ext in new[] { ".png", ".svg" })
            {
                var file = new FileInfo(Path.Combine(plots, name + ext));
                Assert.True(file.Exists, $"{file.Name} was not written");
                Assert.True(file.Length > 1000, $"{file.Name} has only {file.Length} bytes");
            }
        }

        Assert.Equal(names.Length * 2, Directory.GetFiles(plots).Length);
    }

    [Fact]
    public void Every_Text_In_The_Svg_Plots_Is_Set_In_DejaVu_Sans()
    {
        foreach (string svg in Directory.GetFiles(Path.Combine(written.RunDirectory, OutputFiles.PlotsDirectory), "*.svg"))
        {
            var families = Regex.Matches(File.ReadAllText(svg), "font-family=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Equal(["DejaVu Sans"], families);
        }
    }

    [Fact]
    public void Png_Plots_Have_The_Size_The_Page_Declares()
    {
        using var image = new ScottPlot.Image(File.ReadAllBytes(Path.Combine(written.RunDirectory, OutputFiles.PlotsDirectory, "availability.png")));
        Assert.Equal((1000, 560), (image.Width, image.Height));
    }
}

public sealed class FontTests
{
    [Fact]
    public void Fonts_Are_Installed_So_Plots_Have_Text()
    {
        // Without any font ScottPlot renders every plot with no text at all, and says nothing.
        Assert.True(SkiaSharp.SKFontManager.Default.FontFamilyCount > 0,
            "No fonts are installed, so every plot would be drawn without text. Install them: apt-get install -y fonts-dejavu-core");
    }

    [Fact]
    public void DejaVu_Sans_Is_Installed()
    {
        using var typeface = SkiaSharp.SKTypeface.FromFamilyName("DejaVu Sans");
        Assert.True(typeface?.FamilyName == "DejaVu Sans",
            $"The plots are set in DejaVu Sans, but the system gave '{typeface?.FamilyName}'. Install it: apt-get install -y fonts-dejavu-core");
    }
}

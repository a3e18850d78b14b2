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
            "outages", "availability", "failures_by_cause", "summary_availability", "summary_longest_outage", "latency", "nodes", "pods",
        ];
        AssertPlots(written.RunDirectory, expected);
        Assert.Equal(expected, written.RunImages.Select(i => i.Name));
    }

    [Fact]
    public void Availability_Axes_Stop_At_100_Percent_And_Are_Zoomed_To_The_Data()
    {
        // Over time: one panel per way of access, all on the same axis, which ends at 100 % and starts just below the
        // lowest window (the fake run's MetalLB-L2 loses every request for a while, so here it starts at 0)
        var overTime = written.RunImages.Single(i => i.Name == "availability");
        Assert.Equal(FakeResults.Variants, overTime.Panels.Select(p => p.Name));
        foreach (var panel in overTime.Panels)
        {
            Assert.True(panel.YMax <= 100, $"{panel.Name}: the availability axis runs to {panel.YMax} %");
            Assert.True(panel.DataYMax <= panel.YMax && panel.DataYMin >= panel.YMin, $"{panel.Name}: data outside the axis: {panel}");
        }

        // The summary: x is availability, capped at 100 %, starting below the lowest interval but not far below
        var summary = written.RunImages.Single(i => i.Name == "summary_availability").Panels.Single();
        Assert.True(summary.XMax <= 100, $"the summary availability axis runs to {summary.XMax} %");
        Assert.True(summary.XMin <= summary.DataXMin, "an interval starts left of the axis");
        Assert.True(summary.XMin >= summary.DataXMin - Math.Max(1, (100 - summary.DataXMin) * 0.5), $"the axis starts at {summary.XMin} %, far below the data ({summary.DataXMin} %)");
    }

    [Fact]
    public void A_Run_That_Loses_Little_Gets_A_Zoomed_Availability_Axis()
    {
        Assert.Equal(99.8, RunPlots.AvailabilityBottom(99.9), 6);
        Assert.Equal(99.8, RunPlots.AvailabilityBottom(99.95), 6);
        Assert.Equal(99.5, RunPlots.AvailabilityBottom(99.6), 6);
        Assert.Equal(96, RunPlots.AvailabilityBottom(96.3), 6);
        Assert.Equal(60, RunPlots.AvailabilityBottom(65.8));
        Assert.Equal(0, RunPlots.AvailabilityBottom(0));
    }

    [Fact]
    public void Utilisation_Axes_Are_Scaled_To_The_Busiest_Window()
    {
        foreach (var image in written.RunImages.Where(i => i.Name is "nodes" or "pods"))
        {
            Assert.Equal(FakeResults.Variants, image.Panels.Select(p => p.Name));
            double busiest = image.Panels.Max(p => p.DataYMax);
            foreach (var panel in image.Panels)
            {
                Assert.Equal(0, panel.YMin);
                Assert.True(panel.YMax >= busiest, $"{image.Name}/{panel.Name}: the axis ends at {panel.YMax} % below the busiest window ({busiest} %)");
                Assert.True(panel.YMax <= Math.Max(1, busiest * 1.6), $"{image.Name}/{panel.Name}: the axis runs to {panel.YMax} % for data up to {busiest} %");
            }
        }

        Assert.Equal(5, RunPlots.UtilisationTop(3.8));
        Assert.Equal(50, RunPlots.UtilisationTop(42));
        Assert.Equal(100, RunPlots.UtilisationTop(85));
        Assert.Equal(110, RunPlots.UtilisationTop(87));
        Assert.Equal(120, RunPlots.UtilisationTop(101));
    }

    [Fact]
    public void No_Two_Labels_Overlap_And_Every_Label_Is_Inside_Its_Image()
    {
        foreach (var image in written.RunImages)
        {
            AssertLabelsApart(image);
        }
    }

    [Fact]
    public void Crowded_Fault_Markers_Are_Numbered_Rather_Than_Drawn_On_Top_Of_Each_Other()
    {
        // Given twelve markers 12 s apart (a cascade of reactions), too close for their words to fit
        var markers = Enumerable.Range(0, 12).Select(i => new FaultMarker(FakeResults.CrashS + 12 * i, $"node-{i % 3} reaction number {i}")).ToList();
        var run = new FakeResults().WithMarkers(markers).Build();
        using var dir = new TempDirectory();

        // When the report is rendered
        var images = RunReportWriter.WriteReport(dir.Path, run);

        // Then no labels overlap, and the outage timeline numbers its markers and lists them in the caption
        foreach (var image in images)
        {
            AssertLabelsApart(image);
        }

        var outages = images.Single(i => i.Name == "outages");
        Assert.Equal(12, outages.Labels.Count);
        Assert.Contains("12: 252.0 s node-2 reaction number 11", outages.Caption, StringComparison.Ordinal);
    }

    private static void AssertLabelsApart(PlotImage image)
    {
        for (int i = 0; i < image.Labels.Count; i++)
        {
            var a = image.Labels[i];
            Assert.True(a.Left >= 0 && a.Top >= 0 && a.Right <= image.Width && a.Bottom <= image.Height,
                $"{image.Name}: label '{a.Text}' at ({a.Left}, {a.Top})-({a.Right}, {a.Bottom}) is outside the {image.Width}x{image.Height} image");
            for (int j = i + 1; j < image.Labels.Count; j++)
            {
                Assert.False(a.Overlaps(image.Labels[j]), $"{image.Name}: labels '{a.Text}' and '{image.Labels[j].Text}' overlap");
            }
        }
    }

    [Fact]
    public void Every_Sweep_Metric_Is_Plotted_Against_Every_Swept_Parameter()
    {
        var expected = SweepRow.Reported.SelectMany(m => new[] { $"sweep_{m.Name}_vs_replicas", $"sweep_{m.Name}_vs_client_timeout_s" }).ToArray();
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
    public void A_Reused_Output_Folder_Holds_No_Stale_Plots()
    {
        // Given a folder with a report and the plots of a way of access an earlier run had
        using var dir = new TempDirectory();
        var run = new FakeResults().Build();
        RunReportWriter.Write(dir.Path, run);
        string plots = Path.Combine(dir.Path, OutputFiles.PlotsDirectory);
        File.WriteAllText(Path.Combine(plots, "nodes_nodeport-old.png"), "stale");
        File.WriteAllText(Path.Combine(plots, "nodes_nodeport-old.svg"), "stale");
        File.WriteAllText(Path.Combine(plots, "notes.txt"), "not a plot");

        // When the report is written again
        var images = RunReportWriter.WriteReport(dir.Path, run);

        // Then only this render's plots are left (and files that are not plots are not touched)
        Assert.Equal(images.SelectMany(i => new[] { i.Name + ".png", i.Name + ".svg" }).Append("notes.txt").Order(StringComparer.Ordinal),
            Directory.GetFiles(plots).Select(Path.GetFileName).Order(StringComparer.Ordinal));
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
        foreach (var plot in written.RunImages)
        {
            using var image = new ScottPlot.Image(File.ReadAllBytes(Path.Combine(written.RunDirectory, OutputFiles.PlotsDirectory, plot.Name + ".png")));
            Assert.Equal((plot.Width, plot.Height), (image.Width, image.Height));
        }
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

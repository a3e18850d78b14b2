using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;
using SkiaSharp;

namespace Svcsim.Reports;

/// <summary>A rendered plot: the PNG that the page embeds, and where the PNG and SVG files went.</summary>
/// <param name="Name">The file name without extension, in the plots directory.</param>
/// <param name="Title">The plot's title.</param>
/// <param name="Caption">What the plot shows and how to read it.</param>
/// <param name="Png">The PNG bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record PlotImage(string Name, string Title, string Caption, byte[] Png, int Width, int Height);

/// <summary>One series of a grouped bar chart: a way of access and its value (with a symmetric error) per group.</summary>
internal sealed record BarSeries(string Name, Color Color, IReadOnlyList<double> Values, IReadOnlyList<double> Errors);

/// <summary>
/// The common setup of every plot: size, font, title and axis labels with units, one colour per way of access,
/// fault markers, grouped bars, and saving as PNG and SVG. Each plot function adds only its data.
/// </summary>
internal static partial class Figure
{
    public const string FontName = "DejaVu Sans";
    public const int Width = 1000;
    public const int Height = 560;

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>
    /// Fails when no font is installed: ScottPlot would then draw every plot without a single letter and say
    /// nothing.
    /// </summary>
    public static void EnsureFontsInstalled()
    {
        if (SKFontManager.Default.FontFamilyCount == 0)
        {
            throw new InvalidOperationException(
                "No fonts are installed, so the plots would have no text. Install DejaVu Sans (Debian: apt-get install -y fonts-dejavu-core).");
        }
    }

    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 20);
        plot.XLabel(xLabel, 16);
        plot.YLabel(yLabel, 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 14;
        return plot;
    }

    /// <summary>The colour of the <paramref name="index"/>-th way of access, the same in every plot.</summary>
    public static Color SeriesColor(int index) => Palette.GetColor(index);

    /// <summary>Renders <paramref name="plot"/> and writes NAME.png and NAME.svg into <paramref name="directory"/>.</summary>
    public static PlotImage Save(Plot plot, string directory, string name, string title, string caption)
    {
        // Set last: the font applies to the axes, legend and the labels of plottables added so far.
        plot.Font.Set(FontName);
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        string svg = NormalizeSvg(plot.GetSvgXml(Width, Height));
        AtomicFile.WriteAllBytes(Path.Combine(directory, name + ".png"), png);
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), svg);
        plot.Dispose();
        return new PlotImage(name, title, caption, png, Width, Height);
    }

    /// <summary>
    /// Numbers the SVG's clip paths from 1 in order of appearance. ScottPlot takes their ids (cl_ and a hexadecimal
    /// number) from a process-wide counter, so the same plot rendered twice in one process would otherwise differ.
    /// </summary>
    internal static string NormalizeSvg(string svg)
    {
        var ids = new List<string>();
        return ClipId().Replace(svg, m =>
        {
            int index = ids.IndexOf(m.Value);
            if (index < 0)
            {
                ids.Add(m.Value);
                index = ids.Count - 1;
            }

            return "cl_" + (index + 1).ToString(CultureInfo.InvariantCulture);
        });
    }

    [GeneratedRegex(@"\bcl_[0-9a-f]+\b")]
    private static partial Regex ClipId();

    /// <summary>
    /// Draws each marker as a dashed vertical line, labelled just inside the top of the data area (call it after the
    /// y limits are set). Labels are written out when they fit, otherwise numbered 1, 2... in time order and listed in
    /// the returned caption text.
    /// </summary>
    public static string AddFaultMarkers(Plot plot, IReadOnlyList<FaultMarker> markers, double xMin, double xMax)
    {
        if (markers.Count == 0)
        {
            return "";
        }

        var sorted = markers.OrderBy(m => m.TimeS).ToList();
        double span = Math.Max(xMax - xMin, 1e-9);
        bool spacious = sorted.Count <= 6;
        for (int i = 1; i < sorted.Count && spacious; i++)
        {
            spacious = (sorted[i].TimeS - sorted[i - 1].TimeS) / span >= 0.15;
        }

        double top = plot.Axes.GetLimits().Top;
        var color = Colors.DarkRed;
        var legend = new List<string>();
        for (int i = 0; i < sorted.Count; i++)
        {
            string number = (i + 1).ToString(CultureInfo.InvariantCulture);
            plot.Add.VerticalLine(sorted[i].TimeS, 1.5f, color.WithAlpha(0.8), LinePattern.Dashed);
            bool nearRightEdge = (sorted[i].TimeS - xMin) / span > 0.8;
            var label = plot.Add.Text(spacious ? sorted[i].Label : number, sorted[i].TimeS, top);
            label.Alignment = nearRightEdge ? Alignment.UpperRight : Alignment.UpperLeft;
            label.OffsetX = nearRightEdge ? -4 : 4;
            label.OffsetY = 4;
            label.LabelFontName = FontName; // Font.Set reaches only the plottables that exist when it is called
            label.LabelFontSize = 13;
            label.LabelFontColor = Colors.White;
            label.LabelBackgroundColor = color.WithAlpha(0.85);
            label.LabelPadding = 3;
            legend.Add($"{number}: {Text.Fixed(sorted[i].TimeS, 1)} s {sorted[i].Label}");
        }

        return spacious ? "" : " Markers: " + string.Join("; ", legend) + ".";
    }

    /// <summary>
    /// Bars grouped by <paramref name="groups"/> (the x axis) with one bar per series in each group, symmetric error
    /// bars, and each value written above its error bar.
    /// </summary>
    public static void AddGroupedBars(Plot plot, IReadOnlyList<string> groups, IReadOnlyList<BarSeries> series, Func<double, string> label)
    {
        int perGroup = series.Count + 1; // one empty slot between groups
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups.Count; g++)
            {
                double value = series[s].Values[g];
                if (!double.IsFinite(value))
                {
                    continue;
                }

                double error = double.IsFinite(series[s].Errors[g]) ? series[s].Errors[g] : 0;
                bars.Add(new Bar
                {
                    Position = g * perGroup + s,
                    Value = value,
                    Error = error,
                    FillColor = series[s].Color,
                    LineWidth = 1.5f, // the border and the error bar
                    LineColor = Colors.Black.WithAlpha(0.7),
                });
                var text = plot.Add.Text(label(value), g * perGroup + s, value + error);
                text.Alignment = Alignment.LowerCenter;
                text.LabelFontName = FontName;
                text.LabelFontSize = 13;
                text.OffsetY = -4;
            }

            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = series[s].Name;
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int g = 0; g < groups.Count; g++)
        {
            ticks.AddMajor(g * perGroup + (series.Count - 1) / 2.0, groups[g]);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.HideGrid();
        plot.ShowLegend(Edge.Right);
    }
}

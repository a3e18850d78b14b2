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
/// <param name="Panels">The axis limits of each panel (one for a simple plot, one per way of access for small multiples).</param>
/// <param name="Labels">The pixel box of every text label drawn in a data area (fault markers, values), as rendered.</param>
public sealed record PlotImage(string Name, string Title, string Caption, byte[] Png, int Width, int Height,
    IReadOnlyList<PanelAxes> Panels, IReadOnlyList<LabelBox> Labels);

/// <summary>The axis limits of one panel of a plot, in the units its axes show (percent for availability).</summary>
/// <param name="Name">What the panel shows (the way of access for small multiples, else the plot's name).</param>
/// <param name="XMin">Left end of the x axis.</param>
/// <param name="XMax">Right end of the x axis.</param>
/// <param name="YMin">Bottom of the y axis.</param>
/// <param name="YMax">Top of the y axis.</param>
/// <param name="DataXMin">Smallest x value drawn (NaN when the panel has no data).</param>
/// <param name="DataXMax">Largest x value drawn.</param>
/// <param name="DataYMin">Smallest y value drawn.</param>
/// <param name="DataYMax">Largest y value drawn.</param>
public sealed record PanelAxes(string Name, double XMin, double XMax, double YMin, double YMax,
    double DataXMin, double DataXMax, double DataYMin, double DataYMax);

/// <summary>Where a text label was drawn, in pixels of the whole image (y grows downwards).</summary>
/// <param name="Text">The label's text.</param>
/// <param name="Left">Left edge.</param>
/// <param name="Top">Top edge.</param>
/// <param name="Right">Right edge.</param>
/// <param name="Bottom">Bottom edge.</param>
public sealed record LabelBox(string Text, float Left, float Top, float Right, float Bottom)
{
    /// <summary>Whether the two boxes share any area (touching edges do not count).</summary>
    public bool Overlaps(LabelBox other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;
    }
}

/// <summary>One series of values with a symmetric error per group.</summary>
internal sealed record BarSeries(string Name, Color Color, IReadOnlyList<double> Values, IReadOnlyList<double> Errors);

/// <summary>
/// The common setup of every plot: size, font, title and axis labels with units, one colour per way of access and
/// per failure cause, fault markers, text labels that never overlap, small multiples, and saving as PNG and SVG.
/// Every line is solid: Skia's SVG backend cannot draw dash patterns (it drops them and prints "Unsupported path
/// effect in addPaint." to the process's stderr for each one), so the PNG and the SVG would differ.
/// </summary>
internal static partial class Figure
{
    public const string FontName = "DejaVu Sans";
    public const int Width = 1000;
    public const int Height = 560;
    public const float LabelFontSize = 13;

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    // Failure causes by their index in FailureCounts.Causes; a cause beyond the list repeats it from the start.
    private static readonly Color[] CausePalette =
    [
        Color.FromHex("#d62728"), Color.FromHex("#ff7f0e"), Color.FromHex("#9467bd"), Color.FromHex("#8c564b"),
        Color.FromHex("#e377c2"), Color.FromHex("#bcbd22"), Color.FromHex("#17becf"), Color.FromHex("#1f77b4"),
        Color.FromHex("#7f7f7f"), Color.FromHex("#2ca02c"), Color.FromHex("#393b79"), Color.FromHex("#ad494a"),
        Color.FromHex("#637939"), Color.FromHex("#843c39"), Color.FromHex("#7b4173"), Color.FromHex("#3182bd"),
    ];

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

    public static Plot Create(string title, string xLabel, string yLabel, float titleSize = 20)
    {
        var plot = new Plot();
        if (title.Length > 0)
        {
            plot.Title(title, titleSize);
        }

        plot.XLabel(xLabel, 16);
        plot.YLabel(yLabel, 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 14;
        plot.Legend.FontName = FontName;
        return plot;
    }

    /// <summary>The colour of the <paramref name="index"/>-th way of access, the same in every plot.</summary>
    public static Color SeriesColor(int index) => Palette.GetColor(index);

    /// <summary>The colour of a failure cause (its snake_case name), the same in every plot; grey when unknown.</summary>
    public static Color CauseColor(string cause)
    {
        for (int i = 0; i < FailureCounts.Causes.Count; i++)
        {
            if (FailureCounts.Causes[i] == cause)
            {
                return CausePalette[i % CausePalette.Length];
            }
        }

        return Colors.Gray;
    }

    /// <summary>Renders <paramref name="plot"/> and writes NAME.png and NAME.svg into <paramref name="directory"/>.</summary>
    public static PlotImage Save(Plot plot, string directory, string name, string title, string caption) =>
        SaveGrid([(plot, Height)], directory, name, "", title, caption);

    /// <summary>
    /// Renders <paramref name="panels"/> stacked top to bottom under a header line <paramref name="header"/> (none
    /// when empty), each as high as given (small multiples), and writes NAME.png and NAME.svg. Panels laid out with
    /// the same <see cref="PixelPadding"/> (see <see cref="Panel"/>) get the same data area width, so their x axes
    /// line up.
    /// </summary>
    public static PlotImage SaveGrid(IReadOnlyList<(Plot Plot, int Height)> panels, string directory, string name, string header, string title, string caption)
    {
        foreach (var (panel, _) in panels)
        {
            // Set last: the font applies to the axes, legend and the labels of plottables added so far.
            panel.Font.Set(FontName);
        }

        int headerHeight = header.Length > 0 ? HeaderHeight : 0;
        int width = Width;
        int height = headerHeight + panels.Sum(p => p.Height);
        var rects = new PixelRect[panels.Count];
        float y = headerHeight;
        for (int i = 0; i < panels.Count; i++)
        {
            rects[i] = new PixelRect(0, width, y + panels[i].Height, y);
            y += panels[i].Height;
        }

        void Draw(SKCanvas canvas)
        {
            canvas.Clear(SKColors.White);
            if (headerHeight > 0)
            {
                using var typeface = SKTypeface.FromFamilyName(FontName);
                using var font = new SKFont(typeface, 20);
                using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                canvas.DrawText(header, width / 2f, 28, SKTextAlign.Center, font, ink);
            }

            for (int i = 0; i < panels.Count; i++)
            {
                // Each plot fills its figure background over the whole canvas: clip it to its own rectangle.
                canvas.Save();
                canvas.ClipRect(new SKRect(rects[i].Left, rects[i].Top, rects[i].Right, rects[i].Bottom));
                panels[i].Plot.Render(canvas, rects[i]);
                canvas.Restore();
            }
        }

        byte[] png;
        using (var surface = SKSurface.Create(new SKImageInfo(width, height)))
        {
            Draw(surface.Canvas);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            png = data.ToArray();
        }

        // The label boxes and limits of the layout just drawn (the SVG below lays out the same way).
        var labels = new List<LabelBox>();
        var limits = new List<PanelAxes>();
        foreach (var (panel, _) in panels)
        {
            labels.AddRange(LabelBoxes(panel));
            limits.Add(Limits(panel, panels.Count == 1 ? name : PanelName(panel)));
        }

        string svg;
        using (var stream = new MemoryStream())
        {
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
            {
                Draw(canvas);
            }

            svg = NormalizeSvg(AtomicFile.Utf8.GetString(stream.ToArray()));
        }

        AtomicFile.WriteAllBytes(Path.Combine(directory, name + ".png"), png);
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), svg);
        foreach (var (panel, _) in panels)
        {
            panel.Dispose();
        }

        return new PlotImage(name, title, caption, png, width, height, limits, labels);
    }

    /// <summary>Height of the title line above small multiples.</summary>
    public const int HeaderHeight = 40;

    /// <summary>
    /// A plot whose data area sits at a fixed <paramref name="padding"/> inside whatever rectangle it is rendered in,
    /// so labels can be placed in pixels before rendering and panels of small multiples line up.
    /// </summary>
    public static Plot Panel(string title, string xLabel, string yLabel, PixelPadding padding, float titleSize = 15)
    {
        var plot = Create(title, xLabel, yLabel, titleSize);
        plot.Layout.Fixed(padding);
        return plot;
    }

    /// <summary>The name given to a panel with <see cref="NamePanel"/>.</summary>
    private static string PanelName(Plot plot) => PanelNames.TryGetValue(plot, out string? name) ? name : "";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Plot, string> PanelNames = [];

    /// <summary>Records what a panel of small multiples shows, for <see cref="PanelAxes.Name"/>.</summary>
    public static void NamePanel(Plot plot, string name) => PanelNames.AddOrUpdate(plot, name);

    private static PanelAxes Limits(Plot plot, string name)
    {
        var limits = plot.Axes.GetLimits();
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var plottable in plot.GetPlottables())
        {
            if (plottable is ScottPlot.Plottables.Text or ScottPlot.Plottables.VerticalLine or ScottPlot.Plottables.HorizontalLine)
            {
                continue; // annotations, not data
            }

            var data = plottable.GetAxisLimits();
            if (data.IsRealX)
            {
                xMin = Math.Min(xMin, data.Left);
                xMax = Math.Max(xMax, data.Right);
            }

            if (data.IsRealY)
            {
                yMin = Math.Min(yMin, data.Bottom);
                yMax = Math.Max(yMax, data.Top);
            }
        }

        static double Finite(double v) => double.IsFinite(v) ? v : double.NaN;
        return new PanelAxes(name, limits.Left, limits.Right, limits.Bottom, limits.Top, Finite(xMin), Finite(xMax), Finite(yMin), Finite(yMax));
    }

    /// <summary>The box of every visible text plottable of <paramref name="plot"/> as its last render drew it.</summary>
    public static List<LabelBox> LabelBoxes(Plot plot)
    {
        var boxes = new List<LabelBox>();
        using var paint = Paint.NewDisposablePaint();
        foreach (var text in plot.GetPlottables().OfType<ScottPlot.Plottables.Text>())
        {
            if (!text.IsVisible)
            {
                continue;
            }

            var pixel = plot.GetPixel(text.Location);
            var measured = text.LabelStyle.Measure(text.LabelText, paint);
            var rect = measured.Rect(text.Alignment);
            var padding = text.LabelStyle.PixelPadding;
            float left = pixel.X + text.OffsetX + rect.Left - padding.Left;
            float top = pixel.Y + text.OffsetY + rect.Top - padding.Top;
            boxes.Add(new LabelBox(text.LabelText, left, top, left + rect.Width + padding.Left + padding.Right, top + rect.Height + padding.Top + padding.Bottom));
        }

        return boxes;
    }

    /// <summary>The size in pixels of <paramref name="text"/> in the label font at <paramref name="size"/>, padding included.</summary>
    public static (float Width, float Height) Measure(string text, float size, float padding)
    {
        var style = new LabelStyle { FontName = FontName, FontSize = size };
        using var paint = Paint.NewDisposablePaint();
        var measured = style.Measure(text, paint);
        return (measured.Width + 2 * padding, measured.Height + 2 * padding);
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
    /// Draws each marker as a thin solid vertical line. With <paramref name="labelled"/>, each gets a label just
    /// inside the top of the data area: written out when every label fits on at most three rows without touching
    /// another, otherwise numbered 1, 2... in time order and listed in the returned caption text. Call it after the
    /// axis limits are set; <paramref name="dataWidthPx"/> is the data area's width in pixels.
    /// </summary>
    public static string AddFaultMarkers(Plot plot, IReadOnlyList<FaultMarker> markers, double xMin, double xMax, bool labelled, float dataWidthPx)
    {
        if (markers.Count == 0)
        {
            return "";
        }

        var sorted = markers.Where(m => m.TimeS >= xMin && m.TimeS <= xMax).OrderBy(m => m.TimeS).ToList();
        var color = Colors.DarkRed;
        foreach (var marker in sorted)
        {
            var line = plot.Add.VerticalLine(marker.TimeS, 1.2f, color.WithAlpha(0.55));
            line.LinePattern = LinePattern.Solid;
        }

        if (!labelled || sorted.Count == 0)
        {
            return "";
        }

        double span = Math.Max(xMax - xMin, 1e-9);
        float PixelOf(double t) => (float)((t - xMin) / span * dataWidthPx);
        const int MaxRows = 3;
        const float Padding = 3;
        var full = Place(sorted.Select(m => m.Label).ToList());
        bool spelled = full is not null;
        var placement = full ?? Place(sorted.Select((_, i) => (i + 1).ToString(CultureInfo.InvariantCulture)).ToList());

        List<(float Left, int Row, bool Right)>? Place(List<string> texts)
        {
            var rowsEnd = new List<float>(); // right edge of the last label on each row
            var rowsStart = new List<float>();
            var result = new List<(float, int, bool)>();
            for (int i = 0; i < texts.Count; i++)
            {
                var (w, _) = Measure(texts[i], LabelFontSize, Padding);
                float x = PixelOf(sorted[i].TimeS);
                bool right = x + 4 + w > dataWidthPx; // no room to the right of the line: put it to the left
                float left = right ? x - 4 - w : x + 4;
                if (left < 0)
                {
                    return null;
                }

                int row = -1;
                for (int r = 0; r < rowsEnd.Count; r++)
                {
                    if (left >= rowsEnd[r] + 2)
                    {
                        row = r;
                        break;
                    }
                }

                if (row < 0)
                {
                    if (rowsEnd.Count == MaxRows)
                    {
                        return null;
                    }

                    rowsEnd.Add(0);
                    rowsStart.Add(left);
                    row = rowsEnd.Count - 1;
                }

                rowsEnd[row] = left + w;
                result.Add((left, row, right));
            }

            return result;
        }

        if (placement is null)
        {
            return " Markers: " + string.Join("; ", sorted.Select((m, i) => $"{i + 1}: {Text.Fixed(m.TimeS, 1)} s {m.Label}")) + ".";
        }

        double top = plot.Axes.GetLimits().Top;
        var (_, rowHeight) = Measure("Ag", LabelFontSize, Padding);
        for (int i = 0; i < sorted.Count; i++)
        {
            string text = spelled ? sorted[i].Label : (i + 1).ToString(CultureInfo.InvariantCulture);
            var label = plot.Add.Text(text, sorted[i].TimeS, top);
            label.Alignment = placement[i].Right ? Alignment.UpperRight : Alignment.UpperLeft;
            label.OffsetX = placement[i].Right ? -4 : 4;
            label.OffsetY = 4 + placement[i].Row * (rowHeight + 3);
            label.LabelFontName = FontName; // Font.Set reaches only the plottables that exist when it is called
            label.LabelFontSize = LabelFontSize;
            label.LabelFontColor = Colors.White;
            label.LabelBackgroundColor = color.WithAlpha(0.85);
            label.LabelPadding = Padding;
        }

        return spelled ? "" : " Markers: " + string.Join("; ", sorted.Select((m, i) => $"{i + 1}: {Text.Fixed(m.TimeS, 1)} s {m.Label}")) + ".";
    }

    /// <summary>
    /// A text label in the data area in the plots' label style. Returns it so that callers can align it.
    /// </summary>
    public static ScottPlot.Plottables.Text AddLabel(Plot plot, string text, double x, double y, Alignment alignment, float offsetX = 0, float offsetY = 0)
    {
        var label = plot.Add.Text(text, x, y);
        label.Alignment = alignment;
        label.OffsetX = offsetX;
        label.OffsetY = offsetY;
        label.LabelFontName = FontName;
        label.LabelFontSize = LabelFontSize;
        label.LabelPadding = 2;
        return label;
    }
}

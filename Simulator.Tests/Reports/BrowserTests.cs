using System.Diagnostics;
using System.Text.RegularExpressions;
using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

/// <summary>
/// Opens the report in headless Chromium as a reader would. Chromium is required: when it is missing these tests
/// fail (xunit 2 has no run-time skip, and a silent pass would hide that nothing was checked).
/// </summary>
[Collection(WrittenReportsCollection.Name)]
public sealed class BrowserTests(WrittenReports written)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    internal sealed record BrowserRun(int ExitCode, string Stdout, string Stderr);

    internal static BrowserRun RunChromium(string profile, params string[] arguments)
    {
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing, so the report cannot be checked in a browser. Install it: apt-get install -y --no-install-recommends chromium fonts-dejavu-core"
            + (Environment.GetEnvironmentVariable("CI") == "true" ? " (CI must install it)" : ""));
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish within {Timeout.TotalSeconds} s");
        }

        return new BrowserRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    internal static string FileUrl(string path) => new Uri(path).AbsoluteUri;

    /// <summary>Lines in which Chromium reports a console message (errors, warnings, uncaught exceptions).</summary>
    internal static List<string> ConsoleMessages(string stderr) =>
        [.. stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal))];

    [Fact]
    public void Report_Renders_In_Chromium_With_Every_Plot_Decoded_And_No_Console_Message()
    {
        using var profile = new TempDirectory();
        string report = Path.Combine(written.RunDirectory, OutputFiles.ReportHtml);
        var run = RunChromium(profile.Path, "--dump-dom", "--enable-logging=stderr", "--v=0", FileUrl(report));

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(ConsoleMessages(run.Stderr));
        string dom = run.Stdout;
        Assert.Contains("<table id=\"comparison-table\">", dom, StringComparison.Ordinal);
        int plots = Directory.GetFiles(Path.Combine(written.RunDirectory, OutputFiles.PlotsDirectory), "*.png").Length;
        Assert.Equal(plots, Regex.Matches(dom, "<img ").Count);

        // The page's own script counted the images that decoded (naturalWidth > 0) once the page had loaded.
        var check = Regex.Match(dom, "<p id=\"image-check\"[^>]*>");
        Assert.True(check.Success, "the image check marker is missing from the DOM");
        Assert.Contains("data-state=\"done\"", check.Value, StringComparison.Ordinal);
        Assert.Contains($"data-images-ok=\"{plots}\"", check.Value, StringComparison.Ordinal);
        Assert.Contains("data-images-broken=\"0\"", check.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_Check_Catches_A_Broken_Plot()
    {
        // Given a copy of the report whose first plot is not a PNG
        using var dir = new TempDirectory();
        string html = File.ReadAllText(Path.Combine(written.RunDirectory, OutputFiles.ReportHtml));
        int at = html.IndexOf("base64,", StringComparison.Ordinal) + "base64,".Length;
        File.WriteAllText(dir.File("broken.html"), html[..at] + "AAAA" + html[(at + 4)..]);

        // When Chromium loads it
        using var profile = new TempDirectory();
        var run = RunChromium(profile.Path, "--dump-dom", FileUrl(dir.File("broken.html")));

        // Then the check marks one image as broken and shows a warning
        var check = Regex.Match(run.Stdout, "<p id=\"image-check\"[^>]*>[^<]*");
        Assert.Contains("data-images-broken=\"1\"", check.Value, StringComparison.Ordinal);
        Assert.Contains("plots could not be shown", check.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Screenshot_Of_The_Report_Shows_Content()
    {
        using var profile = new TempDirectory();
        using var dir = new TempDirectory();
        string shot = dir.File("report.png");
        var run = RunChromium(profile.Path, "--screenshot=" + shot, "--window-size=1280,2000", "--hide-scrollbars",
            FileUrl(Path.Combine(written.RunDirectory, OutputFiles.ReportHtml)));

        AssertScreenshotShowsContent(run, shot);
    }

    /// <summary>The screenshot exists, is 1280 x 2000 and is not a blank page.</summary>
    internal static void AssertScreenshotShowsContent(BrowserRun run, string shot)
    {
        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(shot), "no screenshot was written");
        using var image = new ScottPlot.Image(File.ReadAllBytes(shot));
        Assert.Equal((1280, 2000), (image.Width, image.Height));

        // Not a blank page: a fair share of the pixels is not background white, and there are many colours
        byte[,,] rgb = image.GetArrayRGB();
        int inked = 0;
        var colours = new HashSet<int>();
        for (int y = 0; y < image.Height; y += 2)
        {
            for (int x = 0; x < image.Width; x += 2)
            {
                int r = rgb[y, x, 0], g = rgb[y, x, 1], b = rgb[y, x, 2];
                inked += r + g + b < 720 ? 1 : 0;
                colours.Add((r << 16) | (g << 8) | b);
            }
        }

        double share = inked / (double)(image.Width / 2 * (image.Height / 2));
        Assert.True(share > 0.05, $"only {share:P1} of the screenshot is not white");
        Assert.True(colours.Count > 100, $"the screenshot has only {colours.Count} colours");
    }
}

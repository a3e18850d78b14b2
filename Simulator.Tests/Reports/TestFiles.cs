using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

/// <summary>A fresh directory under the system temp directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("svcsim-reports-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A browser that is still shutting down may hold a file; the temp directory is cleaned by the system later.
        }
    }
}

/// <summary>Paths of the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding Simulator.slnx, found by walking up from the test assembly.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Simulator.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Simulator.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// A run and a sweep written once for all the tests of a class that only read the output: rendering the plots is the
/// slow part of these tests.
/// </summary>
public sealed class WrittenReports : IDisposable
{
    private readonly TempDirectory _run = new();
    private readonly TempDirectory _sweep = new();

    public WrittenReports()
    {
        Run = new FakeResults().Build();
        RunImages = RunReportWriter.Write(_run.Path, Run);
        Sweep = FakeResults.Sweep();
        SweepReportWriter.Write(_sweep.Path, Sweep);

        // To look at the sample report and plots: SVCSIM_REPORT_SAMPLES=/some/dir dotnet test ...
        string? samples = Environment.GetEnvironmentVariable("SVCSIM_REPORT_SAMPLES");
        if (!string.IsNullOrEmpty(samples))
        {
            RunReportWriter.Write(System.IO.Path.Combine(samples, "run"), Run);
            SweepReportWriter.Write(System.IO.Path.Combine(samples, "sweep"), Sweep);
        }
    }

    internal RunResults Run { get; }

    /// <summary>The run's plots as rendered: their axis limits and label boxes.</summary>
    internal IReadOnlyList<PlotImage> RunImages { get; }

    internal SweepResults Sweep { get; }

    public string RunDirectory => _run.Path;

    public string SweepDirectory => _sweep.Path;

    public void Dispose()
    {
        _run.Dispose();
        _sweep.Dispose();
    }
}

/// <summary>The test classes that read the one written run and sweep of <see cref="WrittenReports"/>.</summary>
[CollectionDefinition(Name)]
public sealed class WrittenReportsCollection : ICollectionFixture<WrittenReports>
{
    public const string Name = "written reports";
}

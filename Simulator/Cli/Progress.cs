using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Svcsim.Cli;

/// <summary>
/// Progress while work runs: a bar with time left on an interactive terminal; elsewhere (a log, CI, a pipe) one plain
/// line on stderr every <see cref="Interval"/>, such as <c>points 12/40, ETA 1h05m</c>. Nothing with --quiet.
/// </summary>
internal static class Progress
{
    /// <summary>How often the plain line is printed; tests shorten it.</summary>
    internal static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> runs are done.</summary>
    public static T Run<T>(string label, int total, bool quiet, Func<Action<int>, T> work) => Run(label, total, quiet, "runs", work);

    /// <summary>
    /// Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> steps are done; the plain line
    /// counts <paramref name="unit"/>, each <paramref name="stepsPerUnit"/> steps.
    /// </summary>
    public static T Run<T>(string label, int total, bool quiet, string unit, Func<Action<int>, T> work, int stepsPerUnit = 1)
    {
        if (quiet)
        {
            return work(_ => { });
        }

        if (!CommonOptions.Interactive(quiet))
        {
            return Plain(total, unit, Math.Max(1, stepsPerUnit), work);
        }

        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: total);
                result = work(done => task.Value = done);
                task.Value = total;
            });
        return result;
    }

    private static T Plain<T>(int total, string unit, int stepsPerUnit, Func<Action<int>, T> work)
    {
        int done = 0;
        var clock = Stopwatch.StartNew();
        var error = Console.Error; // the writer of this command, even if a test swaps the console meanwhile
        var interval = Interval;
        using var finished = new ManualResetEventSlim();
        // A thread of its own, not a pool timer: the runs keep every pool thread busy, and a timer's callback then
        // waited for the pool to grow (half a second per thread) or for the work to end, printing nothing.
        var ticker = new Thread(() =>
        {
            while (!finished.Wait(interval))
            {
                error.WriteLine(Line(Volatile.Read(ref done), total, unit, stepsPerUnit, clock.Elapsed));
            }
        })
        { IsBackground = true, Name = "progress" };
        ticker.Start();
        try
        {
            return work(d => Volatile.Write(ref done, d));
        }
        finally
        {
            finished.Set();
            ticker.Join();
        }
    }

    /// <summary><c>points 12/40, ETA 1h05m</c>: done and total in units, and the time left at the pace so far.</summary>
    internal static string Line(int done, int total, string unit, int stepsPerUnit, TimeSpan elapsed)
    {
        string eta = done <= 0 ? "unknown" : Duration(TimeSpan.FromSeconds(elapsed.TotalSeconds / done * Math.Max(0, total - done)));
        return string.Create(CultureInfo.InvariantCulture, $"{unit} {done / stepsPerUnit}/{total / stepsPerUnit}, ETA {eta}");
    }

    /// <summary>1h05m, 3m20s, 45s.</summary>
    internal static string Duration(TimeSpan span)
    {
        long s = (long)Math.Ceiling(span.TotalSeconds);
        return s >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{s / 3600}h{s % 3600 / 60:D2}m")
            : s >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{s / 60}m{s % 60:D2}s") : string.Create(CultureInfo.InvariantCulture, $"{s}s");
    }
}

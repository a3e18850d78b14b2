using Spectre.Console;

namespace Svcsim.Cli;

/// <summary>A progress bar with time left on a terminal; nothing when output is redirected or in CI.</summary>
internal static class Progress
{
    /// <summary>Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> steps are done.</summary>
    public static T Run<T>(string label, int total, bool quiet, Func<Action<int>, T> work)
    {
        if (!CommonOptions.Interactive(quiet))
        {
            return work(_ => { });
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
}

using System.CommandLine;
using Svcsim.Reports;

namespace Svcsim.Cli;

/// <summary><c>svcsim report</c>: re-renders plots and report.html from a run's or a sweep's CSV files.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var dirs = new Argument<DirectoryInfo[]>("dir") { Description = "Run or sweep output folders.", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("report", "Re-render plots and report.html from the CSV files in a run or sweep folder.") { dirs };
        cmd.SetAction(parse =>
        {
            foreach (var dir in parse.GetValue(dirs)!)
            {
                if (!File.Exists(Path.Combine(dir.FullName, OutputFiles.Summary)) && !File.Exists(Path.Combine(dir.FullName, OutputFiles.Sweep)))
                {
                    Console.Error.WriteLine($"{dir.FullName}: no {OutputFiles.Summary} or {OutputFiles.Sweep} to report on");
                    return SvcsimCommand.ExitInvalidInput;
                }
                using var output = OutputFolder.Open(dir.FullName, "report");
                if (output is null)
                {
                    return SvcsimCommand.ExitInvalidInput;
                }
                var kind = ReportDirectory.Rerender(dir.FullName);
                Console.WriteLine($"re-rendered {kind.ToString().ToLowerInvariant()} report in {dir.FullName}");
            }
            return SvcsimCommand.ExitOk;
        });
        return cmd;
    }
}

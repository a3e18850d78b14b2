using System.CommandLine;

namespace Svcsim.Cli;

/// <summary><c>svcsim validate</c>: checks scenario files and their manifests without running them.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var scenarios = new Argument<string[]>("scenario") { Description = "Scenario files (globs work).", Arity = ArgumentArity.OneOrMore };
        var set = CommonOptions.Set();
        var external = CommonOptions.AllowExternalManifests();
        var cmd = new Command("validate", "Check scenario files and the manifests they name; exit 2 with file:line:column errors when invalid.")
        {
            scenarios, set, external,
        };
        cmd.SetAction(parse =>
        {
            var paths = CommonOptions.ExpandPaths(parse.GetValue(scenarios)!);
            if (paths is null)
            {
                return SvcsimCommand.ExitInvalidInput;
            }
            int code = SvcsimCommand.ExitOk;
            foreach (var path in paths)
            {
                if (StudyFile.IsStudy(path))
                {
                    code = Math.Max(code, ValidateStudy(path, parse.GetValue(set)!));
                    continue;
                }
                var file = CommonOptions.TryLoad(path, parse.GetValue(set)!, parse.GetValue(external));
                if (file is null)
                {
                    code = SvcsimCommand.ExitInvalidInput;
                    continue;
                }
                var s = file.Spec;
                var cost = Experiments.CostEstimate.Of(s);
                if (!CommonOptions.CheckCost(path, cost, force: true))
                {
                    code = SvcsimCommand.ExitInvalidInput;
                    continue;
                }
                if (cost.OverBudget() is { } over)
                {
                    Console.Error.WriteLine($"warning: {path}: svcsim run needs --force for this scenario: {over}");
                }
                Console.WriteLine($"ok: {path}: {s.Nodes.Count} nodes, {s.PodSources.Count} workloads, {s.Services.Count} services, " +
                    $"{s.Variants.Count} ways of access, {s.Faults.Count} faults, {s.Replications} replications");
            }
            return code;
        });
        return cmd;
    }

    /// <summary>Checks a study file and each of its scenarios (with the study's overrides, then the command line's).</summary>
    private static int ValidateStudy(string path, IReadOnlyList<string> overrides)
    {
        StudyFile study;
        try
        {
            study = StudyFile.Load(path);
        }
        catch (Scenarios.ScenarioException e)
        {
            foreach (var error in e.Errors)
            {
                Console.Error.WriteLine(error.ToString());
            }
            return SvcsimCommand.ExitInvalidInput;
        }
        bool ok = true;
        foreach (var entry in study.Entries)
        {
            ok &= CommonOptions.TryLoad(entry.File, [.. entry.Overrides, .. overrides]) is not null;
        }
        if (!ok)
        {
            return SvcsimCommand.ExitInvalidInput;
        }
        Console.WriteLine($"ok: {path}: study of {study.Count} scenarios ({string.Join(", ", study.Entries.Select(e => e.Fault))})");
        return SvcsimCommand.ExitOk;
    }
}

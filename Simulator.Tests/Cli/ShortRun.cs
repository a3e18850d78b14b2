using Svcsim.Faults;
using Svcsim.Scenarios;

namespace Svcsim.Tests.Cli;

/// <summary>The options that turn an example scenario into a run of a second or so.</summary>
internal static class ShortRun
{
    /// <summary>A 20 s run with a 2 s warm-up and two replications.</summary>
    public static readonly string[] Settings =
        ["--set", "duration=20s", "--set", "measurement.warmup=2s", "--set", "replications=2"];

    /// <summary>
    /// <see cref="Settings"/> plus <c>--set faults[i].at=8s</c> for each fault of <paramref name="scenario"/> that
    /// happens at a fixed time (the examples' faults happen at 60 s or later, after the end of a 20 s run).
    /// </summary>
    public static string[] For(string scenario)
    {
        var args = new List<string>(Settings);
        var faults = ScenarioLoader.Load(scenario).Spec.Faults;
        for (int i = 0; i < faults.Count; i++)
        {
            if (faults[i] is NodeCrash or NodeReboot or NodeIpChange or LinkDegradation or NetworkPartition or PodCrash or NodeDrain)
            {
                args.AddRange(["--set", $"faults[{i}].at=8s"]);
            }
        }
        return [.. args];
    }
}

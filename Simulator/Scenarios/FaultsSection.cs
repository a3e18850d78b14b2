using Svcsim.Faults;

namespace Svcsim.Scenarios;

/// <summary>Reads <c>faults</c>: what happens to the cluster, and when (durations from the start of the run), each by its kind's descriptor.</summary>
internal static class FaultsSection
{
    private static string KindNames => string.Join(", ", FaultKinds.All.Select(k => k.Name));

    public static List<FaultSpec> Read(Node? section, ScenarioContext ctx)
    {
        var faults = new List<FaultSpec>();
        foreach (var item in section?.AsList("a list of faults") ?? [])
        {
            var m = item.AsMap("a fault (kind, and the kind's settings)");
            string? name = m?.Required("kind", KindNames)?.Text("a fault kind")?.Trim();
            if (m is null || name is null)
            {
                continue;
            }
            if (FaultKinds.Named(name) is not { } kind)
            {
                m.Get("kind")!.Value.Error($"unknown fault kind '{name}'{Suggest.Hint(name, FaultKinds.All.Select(k => k.Name))}; expected one of: {KindNames}");
                continue;
            }
            m.Check(ScenarioKeys.Of(ScenarioKeys.FaultCommon, ScenarioKeys.FaultKinds, name), elsewhere: ScenarioKeys.BelongsElsewhere(ScenarioKeys.FaultKinds, name));
            if (kind.Read(new KindSettings(m, ctx)) is { } fault)
            {
                faults.Add(fault);
            }
        }
        return faults;
    }
}

using System.Globalization;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Scenarios;

/// <summary>
/// What the sections read so far know, for the sections after them: the run's duration, the nodes, the
/// Deployments and the Services. Sections are read in dependency order (duration, cluster, manifests,
/// pods, clients, variants, faults, measurement), so a reference is checked where it is written.
/// </summary>
internal sealed class ScenarioContext
{
    /// <summary>The run's duration in seconds; NaN while unknown (missing or invalid).</summary>
    public double DurationS { get; set; } = double.NaN;

    public List<NodeSpec> Nodes { get; } = [];

    public List<DeploymentManifest> DeploymentManifests { get; } = [];

    public List<DeploymentSpec> Deployments { get; } = [];

    public List<ResolvedService> Services { get; } = [];

    /// <summary>BGPPeer objects in the manifests.</summary>
    public int BgpPeers { get; set; }

    /// <summary>Manifest files outside the scenario's folder tree may be read (<c>--allow-external-manifests</c>).</summary>
    public bool AllowExternalManifests { get; init; }

    /// <summary>False when the manifests could not be read: reference checks against them are skipped.</summary>
    public bool ManifestsKnown { get; set; } = true;

    public string NodeNames => ManifestResolver.List(Nodes.Select(n => n.Name));

    public NodeSpec? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>The node named <paramref name="name"/>, or an error at <paramref name="at"/> naming the nodes there are.</summary>
    public NodeSpec? RequireNode(Node at, string name)
    {
        if (FindNode(name) is { } node)
        {
            return node;
        }
        if (Nodes.Count > 0)
        {
            at.Error($"no node named '{name}'{Suggest.Hint(name, Nodes.Select(n => n.Name))} (nodes: {NodeNames})");
        }
        return null;
    }

    public ResolvedService? FindService(string name) => Services.FirstOrDefault(s => s.Spec.Name == name);

    /// <summary>The Service named <paramref name="name"/>, or an error naming the Services there are.</summary>
    public ResolvedService? RequireService(Node at, string name)
    {
        if (FindService(name) is { } svc)
        {
            return svc;
        }
        if (ManifestsKnown)
        {
            var names = Services.Select(s => s.Spec.Name).ToArray();
            at.Error($"no Service named '{name}'{Suggest.Hint(name, names)} in the manifests (Services: {ManifestResolver.List(names)})");
        }
        return null;
    }

    public DeploymentSpec? RequireDeployment(Node at, string name)
    {
        if (Deployments.FirstOrDefault(d => d.Name == name) is { } d)
        {
            return d;
        }
        if (ManifestsKnown)
        {
            var names = Deployments.Select(x => x.Name).ToArray();
            at.Error($"no Deployment named '{name}'{Suggest.Hint(name, names)} (Deployments: {ManifestResolver.List(names)})");
        }
        return null;
    }

    /// <summary>Checks that a fault time falls inside the run.</summary>
    public string? WithinRun(double atS) =>
        !double.IsNaN(DurationS) && atS >= DurationS
            ? $"{Seconds(atS)} is not before the end of the run (duration {Seconds(DurationS)})"
            : null;

    /// <summary>Seconds written back as a duration (<c>90s</c>, <c>0.25s</c>).</summary>
    public static string Seconds(double s) =>
        double.IsPositiveInfinity(s) ? "never" : s.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}

using Svcsim.Dataplane;
using Svcsim.Access;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Measurement;
using Svcsim.Network;
using Svcsim.Workload;

namespace Svcsim.Scenarios;

/// <summary>
/// Everything one scenario states, after loading and validation: the cluster, what runs on it, the
/// clients, the ways of access to compare, the faults, the timings, and how to measure. The model is
/// built from this alone.
/// </summary>
public sealed record ScenarioSpec
{
    /// <summary>Scenario name (outputs are labelled with it).</summary>
    public required string Name { get; init; }
    /// <summary>One-line description.</summary>
    public string Description { get; init; } = "";
    /// <summary>Nodes of the cluster.</summary>
    public required IReadOnlyList<NodeSpec> Nodes { get; init; }
    /// <summary>Links.</summary>
    public NetworkSpec Network { get; init; } = NetworkSpec.Default;
    /// <summary>Pod sources: Deployments, ReplicaSets, StatefulSets, DaemonSets, bare Pods, hand-written EndpointSlices.</summary>
    public required IReadOnlyList<PodSourceSpec> PodSources { get; init; }
    /// <summary>Services.</summary>
    public required IReadOnlyList<ServiceSpec> Services { get; init; }
    /// <summary>PodDisruptionBudgets: what a drain's evictions must keep healthy.</summary>
    public IReadOnlyList<DisruptionBudgetSpec> DisruptionBudgets { get; init; } = [];
    /// <summary>kube-proxy on every node.</summary>
    public KubeProxySpec KubeProxy { get; init; } = KubeProxySpec.Default;
    /// <summary>Control-plane timings.</summary>
    public ControlPlaneSpec ControlPlane { get; init; } = ControlPlaneSpec.Default;
    /// <summary>Client groups.</summary>
    public required IReadOnlyList<ClientGroupSpec> Clients { get; init; }
    /// <summary>Ways of access to compare; each is a variant run on the same workload and faults.</summary>
    public required IReadOnlyList<AccessSpec> Variants { get; init; }
    /// <summary>Faults.</summary>
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];
    /// <summary>Measurement settings.</summary>
    public MeasurementSpec Measurement { get; init; } = MeasurementSpec.Default;
    /// <summary>Simulated duration in seconds, warm-up included.</summary>
    public required double DurationS { get; init; }
    /// <summary>Master seed.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>Independent replications.</summary>
    public int Replications { get; init; } = 1;
}

using Svcsim.Dataplane;

namespace Svcsim.Access;

/// <summary>A way of access: how clients reach the Service. Each is run as its own variant.</summary>
/// <param name="Name">The variant's name in outputs (for example <c>nodeport</c>, <c>metallb-l2</c>).</param>
public abstract record AccessSpec(string Name)
{
    /// <summary>Its kind: how it is read, checked and built.</summary>
    public abstract FrontDoorKind Kind { get; }

    /// <summary>The service proxy this variant runs on every node (<c>variants[].kubeProxy</c>); null: the scenario's <c>kubeProxy</c>.</summary>
    public KubeProxySpec? KubeProxy { get; init; }
}

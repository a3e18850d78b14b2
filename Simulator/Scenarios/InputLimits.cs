namespace Svcsim.Scenarios;

/// <summary>
/// The budgets every input is checked against before anything is built from it, so that no file, however
/// written, can exhaust the stack, the memory or the user's patience. Each limit is far above what a real
/// cluster description needs (a 5,000-node scenario with its manifests is a few MB, nested about ten levels,
/// with a handful of anchors). Scenarios/README.md lists them; a test keeps that table equal to these values.
/// </summary>
public static class InputLimits
{
    /// <summary>Largest scenario or manifest file read, in bytes (16 MiB).</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists in one file (Kubernetes objects need about ten).</summary>
    public const int MaxDepth = 100;

    /// <summary>Most YAML nodes in one file, counting each alias as the nodes it stands for.</summary>
    public const long MaxNodes = 2_000_000;

    /// <summary>Most nodes that aliases (<c>*name</c>) may add to one file in all: a "billion laughs" stops here.</summary>
    public const long MaxAliasNodes = 100_000;

    /// <summary>Most errors reported for one load; the rest are counted.</summary>
    public const int MaxErrors = 100;

    /// <summary>Longest error message; longer ones (a huge value quoted back) are shortened in the middle.</summary>
    public const int MaxMessageChars = 600;

    /// <summary>Kubernetes' limit for object and node names (a DNS-1123 subdomain).</summary>
    public const int MaxNameChars = 253;

    /// <summary>Kubernetes' limit for a label value, a label key's name part and a Service name (a DNS-1123 label).</summary>
    public const int MaxLabelChars = 63;

    /// <summary>Most points of one sweep grid.</summary>
    public const int MaxSweepPoints = 10_000;
}

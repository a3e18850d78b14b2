using Svcsim.Engine;

namespace Svcsim.Kinds;

/// <summary>
/// One key a kind reads from its entry in a scenario file, documented where the kind is: the scenario
/// reference (Scenarios/README.md) and the schema are checked against these by a test.
/// </summary>
/// <param name="Name">The key as users write it.</param>
/// <param name="Value">What it takes, in words (for example "duration &gt; 0").</param>
/// <param name="Default">Its default as the reference shows it (in backticks there), or "required", or "—".</param>
/// <param name="Notes">What it does, and where the default comes from.</param>
public sealed record KindKey(string Name, string Value, string Default, string Notes);

/// <summary>A kind of thing users name in a scenario (a way of access, a fault): the single place that names it.</summary>
public abstract class KindDescriptor
{
    /// <summary>The name users write (<c>kind: ...</c>).</summary>
    public abstract string Name { get; }

    /// <summary>One sentence: what it is.</summary>
    public abstract string Summary { get; }

    /// <summary>Every key it takes besides <c>kind</c> (and <c>name</c> for variants).</summary>
    public abstract IReadOnlyList<KindKey> Keys { get; }
}

/// <summary>A node of the scenario, as kinds may need to know it when they read their settings.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Ip">Its address at the start.</param>
/// <param name="Zone">Its failure domain, or empty.</param>
public sealed record NodeFact(string Name, string Ip, string Zone);

/// <summary>
/// A kind's settings as the scenario gives them: typed readers that check values and report every problem at
/// the place of the key (file, line, column, field path), as for every other part of a scenario. A reader
/// that finds a problem reports it and returns its fallback (or null), so reading goes on and every error is
/// found in one pass.
/// </summary>
public interface IKindSettings
{
    /// <summary>Whether <paramref name="key"/> is given.</summary>
    bool Has(string key);

    /// <summary>A text, or <paramref name="fallback"/>.</summary>
    string String(string key, string fallback);

    /// <summary>A required text; null (reported) when missing.</summary>
    string? RequiredString(string key, string expected);

    /// <summary>A duration in seconds (or infinity for <c>never</c> where allowed).</summary>
    double Duration(string key, double fallback, bool positive = false, bool allowNever = false);

    /// <summary>A required duration; 0 (reported) when missing.</summary>
    double RequiredDuration(string key, string expected, bool positive = true, bool allowNever = false);

    /// <summary>A required time from the start of the run, before its end (seconds).</summary>
    double TimeInRun(string key);

    /// <summary>true or false.</summary>
    bool Bool(string key, bool fallback);

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    int Int(string key, int fallback, int min, int max = int.MaxValue);

    /// <summary>A fraction in [0, 1) (or [0, 1] with <paramref name="oneAllowed"/>).</summary>
    double Fraction(string key, double fallback, bool oneAllowed = false);

    /// <summary>One of <paramref name="words"/>, with a suggestion when misspelt.</summary>
    T Choice<T>(string key, T fallback, IReadOnlyDictionary<string, T> words);

    /// <summary>A required distribution of durations with a positive mean.</summary>
    Distribution? RequiredDurations(string key, string expected);

    /// <summary>The name of a node of the cluster (required).</summary>
    string? Node(string key);

    /// <summary>Names of nodes of the cluster; null (reported) when required and missing or empty.</summary>
    IReadOnlyList<string>? Nodes(string key, bool required);

    /// <summary>Node names or node IPs, as the node IPs they stand for.</summary>
    IReadOnlyList<string> NodeAddresses(string key);

    /// <summary>A node's new IPv4 address, which no other node or Service has; empty when not given.</summary>
    string NewIp(string key, string? node, bool required);

    /// <summary>
    /// A workload of the manifests (required; a Deployment, StatefulSet, DaemonSet, bare Pod...): its key and
    /// how many pods it starts with; a workload with none is reported.
    /// </summary>
    (string Key, int Pods)? Workload(string key);

    /// <summary>
    /// A workload of the manifests (required), whatever its pods: its key and its kind as the manifests write it
    /// (<c>Deployment</c>, <c>StatefulSet</c>, <c>DaemonSet</c>, <c>ReplicaSet</c>, <c>Pod</c>...).
    /// </summary>
    (string Key, string Kind)? WorkloadKind(string key);

    /// <summary>
    /// A workload of the manifests (required), as the cluster runs it: its pod source (labels, ports, placement,
    /// resources) and how many pods it starts with (a DaemonSet: the nodes it fits).
    /// </summary>
    (Kubernetes.PodSourceSpec Source, int Pods)? PodSource(string key);

    /// <summary>A list of words (a single word counts as a list of one); empty when not given.</summary>
    IReadOnlyList<string> Words(string key, string expected);

    /// <summary>The settings under <paramref name="key"/>, a mapping of <paramref name="keys"/>; null when not given.</summary>
    IKindSettings? Section(string key, IReadOnlyList<string> keys, string expected);

    /// <summary>Reports an error at <paramref name="key"/>'s value (or at the whole entry when null).</summary>
    void Error(string? key, string message);

    /// <summary>Reports a warning at <paramref name="key"/>'s value (or at the whole entry when null).</summary>
    void Warn(string? key, string message);

    /// <summary>The cluster's nodes.</summary>
    IReadOnlyList<NodeFact> ClusterNodes { get; }

    /// <summary>" (did you mean 'x'?)" when <paramref name="text"/> looks like a misspelling of one of <paramref name="candidates"/>, else empty.</summary>
    string Hint(string text, IEnumerable<string> candidates);
}

using System.Globalization;

namespace Svcsim.Engine;

/// <summary>One line of a run's timeline: what happened, when, to what.</summary>
/// <param name="Time">Simulated time, nanoseconds.</param>
/// <param name="Subject">What it happened to (a machine, a component).</param>
/// <param name="Kind">A short stable tag, the <see cref="TraceKind.Name"/> of its kind.</param>
/// <param name="Detail">A sentence for people.</param>
public readonly record struct TraceEntry(long Time, string Subject, string Kind, string Detail);

/// <summary>A kind of timeline entry: its stable name in outputs and what it means (for the output documentation).</summary>
/// <param name="Name">The name written to the <c>kind</c> column (lowercase words joined by '-').</param>
/// <param name="Meaning">What an entry of this kind says happened.</param>
public sealed record TraceKind(string Name, string Meaning);

/// <summary>
/// The timeline of a run: components append what they do so that a user can see why an outage lasted
/// as long as it did. Appends happen on rare events only (faults and reactions), never per request.
/// </summary>
public sealed class Trace
{
    private readonly List<TraceEntry> _entries = [];

    /// <summary>Entries in the order they were added (which is time order).</summary>
    public IReadOnlyList<TraceEntry> Entries => _entries;

    /// <summary>
    /// Appends an entry. The detail is formatted with the invariant culture, so a run's events read the same
    /// bytes whatever the machine's culture.
    /// </summary>
    public void Add(long time, string subject, TraceKind kind, FormattableString detail)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(detail);
        _entries.Add(new(time, subject, kind.Name, detail.ToString(CultureInfo.InvariantCulture)));
    }
}

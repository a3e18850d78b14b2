namespace Svcsim.Engine;

/// <summary>One line of a run's timeline: what happened, when, to what.</summary>
/// <param name="Time">Simulated time, nanoseconds.</param>
/// <param name="Subject">What it happened to (a machine, a component).</param>
/// <param name="Kind">A short stable tag (for example <c>crash</c>, <c>sync</c>).</param>
/// <param name="Detail">A sentence for people.</param>
public readonly record struct TraceEntry(long Time, string Subject, string Kind, string Detail);

/// <summary>
/// The timeline of a run: components append what they do so that a user can see why an outage lasted
/// as long as it did. Appends happen on rare events only (faults and reactions), never per request.
/// </summary>
public sealed class Trace
{
    private readonly List<TraceEntry> _entries = [];

    /// <summary>Entries in the order they were added (which is time order).</summary>
    public IReadOnlyList<TraceEntry> Entries => _entries;

    /// <summary>Appends an entry.</summary>
    public void Add(long time, string subject, string kind, string detail) => _entries.Add(new(time, subject, kind, detail));
}

using System.Globalization;

namespace Svcsim.Engine;

/// <summary>One line of a run's timeline: what happened, when, to what.</summary>
/// <param name="Time">Simulated time, nanoseconds.</param>
/// <param name="Subject">What it happened to (a machine, a component).</param>
/// <param name="Kind">A short stable tag (for example <c>crash</c>, <c>sync</c>).</param>
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
    private readonly Dictionary<(string Kind, long Burst), Burst> _bursts = [];

    /// <summary>
    /// Whether each member of a burst gets its own row (<see cref="AddToBurst"/>); otherwise a burst is one
    /// summary row. On by default.
    /// </summary>
    public bool EachMember { get; init; } = true;

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

    /// <summary>
    /// Records that <paramref name="subject"/> did <paramref name="kind"/> as part of burst
    /// <paramref name="burst"/>: the same reaction of many members to one cause (thousands of machines applying
    /// one change). With <see cref="EachMember"/> this is an ordinary entry; otherwise the burst is one row,
    /// at its first member's time under <paramref name="summarySubject"/>, whose detail
    /// <paramref name="summary"/> writes from (members, first time, last time) as members are added.
    /// </summary>
    public void AddToBurst(long time, string subject, TraceKind trace, FormattableString detail, long burst, string summarySubject,
        Func<int, long, long, string> summary)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(summary);
        if (EachMember)
        {
            Add(time, subject, trace, detail);
            return;
        }
        string kind = trace.Name;
        if (!_bursts.TryGetValue((kind, burst), out var b))
        {
            b = new Burst(_entries.Count, time);
            _bursts.Add((kind, burst), b);
            _entries.Add(new(time, summarySubject, kind, ""));
        }
        b.Members++;
        b.Last = time;
        _entries[b.Row] = _entries[b.Row] with { Detail = summary(b.Members, b.First, b.Last) };
    }

    private sealed class Burst(int row, long first)
    {
        public int Row { get; } = row;
        public long First { get; } = first;
        public long Last { get; set; } = first;
        public int Members { get; set; }
    }
}

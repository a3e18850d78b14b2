using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Svcsim.Network;

/// <summary>What became of a segment handed to a hop.</summary>
public enum Fate : byte
{
    /// <summary>Answered: the answer (a SYN-ACK) reaches the sender at <see cref="Delivery.At"/>.</summary>
    Answered,
    /// <summary>A request's data is held by the server, which answers later through <see cref="Connection.Return"/>.</summary>
    Accepted,
    /// <summary>Refused or reset: an RST (or ICMP port unreachable) reaches the sender at <see cref="Delivery.At"/>.</summary>
    Refused,
    /// <summary>Nothing comes back: dropped, or sent to a host that is gone. <see cref="Delivery.Cause"/> says where.</summary>
    Lost,
    /// <summary>
    /// The server had closed the (idle) connection and its FIN reached the sender before the sender sent: the
    /// sender knew, and sends the request on a new connection instead.
    /// </summary>
    Closed,
}

/// <summary>
/// What a hop did with a segment: the answer and when it reaches the sender, or why nothing comes back.
/// Hops return it synchronously: a segment's walk through the hops is booked when it is sent (see
/// docs/architecture.md, "Approximations").
/// </summary>
// Auto layout puts the time first and the two bytes after it: 16 bytes, returned in two registers, not 24 through memory.
[StructLayout(LayoutKind.Auto)]
public readonly record struct Delivery
{
    /// <summary>A delivery of <paramref name="fate"/> at <paramref name="at"/>, for <paramref name="cause"/>.</summary>
    /// <param name="fate">What happened.</param>
    /// <param name="at">When the answer reaches the hop that asked (for <see cref="Fate.Answered"/> and
    /// <see cref="Fate.Refused"/>), or when the data reached the server (<see cref="Fate.Accepted"/>).</param>
    /// <param name="cause">Why, for <see cref="Fate.Refused"/> and <see cref="Fate.Lost"/>.</param>
    // Inlined by force: a walk's hops are inlined into the sender's method, which exhausts the inliner's budget
    // before it reaches these three stores.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Delivery(Fate fate, long at, FailureCause cause)
    {
        Fate = fate;
        At = at;
        Cause = cause;
    }

    /// <summary>What happened.</summary>
    public Fate Fate { get; }

    /// <summary>When the answer reaches the hop that asked, or when the data reached the server; -1 when lost.</summary>
    public long At { get; init; }

    /// <summary>Why, for <see cref="Fate.Refused"/> and <see cref="Fate.Lost"/>.</summary>
    public FailureCause Cause { get; }

    /// <summary>Answered; the answer leaves the answering hop at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Delivery Answer(long at) => new(Fate.Answered, at, default);

    /// <summary>The server holds the data from <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Delivery Accept(long at) => new(Fate.Accepted, at, default);

    /// <summary>Refused or reset; the RST leaves the refusing hop at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Delivery Refuse(long at, FailureCause cause) => new(Fate.Refused, at, cause);

    /// <summary>No answer will come.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Delivery Lose(FailureCause cause) => new(Fate.Lost, -1, cause);

    /// <summary>Whether an answer travels back towards the sender (and each hop above adds its way back).</summary>
    public bool Travels => Fate is Fate.Answered or Fate.Refused;

    /// <summary>This answer, reaching the next hop up at <paramref name="at"/>; lost on the way if <paramref name="at"/> is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Delivery Back(long at) => at < 0 ? Lose(FailureCause.InFlightLost) : this with { At = at };
}

/// <summary>
/// One hop of a connection's path (a front door, a node's service proxy, a pod): it receives a segment,
/// decides from its own state where it goes next, forwards it over the right link and tells what became of
/// it. Each hop keeps its own per-connection state (keyed by <see cref="Connection.Id"/>); no hop writes
/// another's. On the way back, <see cref="Back"/> carries an answer from the hop below to the hop above.
/// An abstract class rather than an interface: a path holds hops of several kinds, and a virtual call at such a
/// site costs less than an interface call's dispatch stub.
/// </summary>
public abstract class Hop
{
    /// <summary>
    /// A segment of <paramref name="connection"/> reaches this hop at <paramref name="at"/>, <paramref name="depth"/>
    /// hops from the sender: the connection's SYN when <paramref name="request"/> is null, else that request's data.
    /// </summary>
    public abstract Delivery Receive(Connection connection, Request? request, int depth, long at);

    /// <summary>
    /// An answer of <paramref name="bytes"/> bytes for <paramref name="connection"/> reaches this hop from the hop
    /// below at <paramref name="at"/>: returns when it reaches the hop above (or the sender), or -1 when it is lost here.
    /// </summary>
    public abstract long Back(Connection connection, long at, long bytes);

    /// <summary>The connection closed (FIN): release what this hop holds for it.</summary>
    public abstract void Closed(Connection connection);
}

namespace Svcsim.Network;

/// <summary>
/// The sender's side of a request, as the server sees it: the pod calls these and knows nothing else
/// about clients.
/// </summary>
public interface IRequestOwner
{
    /// <summary>Service started now and will end at <paramref name="end"/>.</summary>
    void OnServiceStarted(Request request, long end);

    /// <summary>The request waits in the pod's backlog.</summary>
    void OnQueued(Request request);

    /// <summary>The pod finished serving (or rejected with 503) <paramref name="request"/> now; the answer goes back on its connection.</summary>
    void OnServed(Request request, bool rejected);

    /// <summary>
    /// The pod holding <paramref name="request"/> stopped. <paramref name="reset"/>: its node is still up, so
    /// the pod's network namespace answers the connection with an RST now; otherwise nothing will answer.
    /// </summary>
    void OnLost(Request request, bool reset);
}

/// <summary>
/// One request (an HTTP exchange) on a <see cref="Connection"/>, as it travels to a pod and waits there.
/// Senders derive their own kind and keep their own fields in it; the fields here are the ones the server
/// side uses. Instances are pooled by their owner, so memory stays bounded by requests in flight.
/// </summary>
public class Request
{
    /// <summary>The sender that owns it.</summary>
    public IRequestOwner Owner { get; init; } = null!;

    /// <summary>The connection it is sent on.</summary>
    public Connection Connection { get; set; } = null!;

    /// <summary>Bumped when the sender is done with it; events carry the value they were scheduled with.</summary>
    public long Generation { get; set; }

    /// <summary>When the sender sent it (its latest transmission).</summary>
    public long SentAt { get; set; }

    /// <summary>Request size, bytes.</summary>
    public long RequestBytes { get; set; }

    /// <summary>Response size, bytes.</summary>
    public long ResponseBytes { get; set; }

    /// <summary>A pod holds it (on its way, queued or in service): it cannot be reused yet.</summary>
    public bool InPod { get; set; }

    /// <summary>Slot in the serving pod's in-service table, -1 when not in service.</summary>
    public int ServiceSlot { get; set; } = -1;

    /// <summary>Work the server does for this request on top of its own service time (a proxy's TLS handshake), nanoseconds.</summary>
    public long ExtraService { get; set; }

    /// <summary>Why a rejected answer failed, as the sender records it: a full queue (503) unless a proxy said otherwise.</summary>
    public FailureCause RejectCause { get; set; } = FailureCause.Overloaded;
}

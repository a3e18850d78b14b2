namespace Svcsim.Network;

/// <summary>
/// The client side of a request, as the server side sees it: the pod calls these, and knows nothing
/// else about clients.
/// </summary>
public interface IRequestOwner
{
    /// <summary>Service started now and will end at <paramref name="end"/>.</summary>
    void OnServiceStarted(Request request, long end);

    /// <summary>The request waits in the pod's backlog.</summary>
    void OnQueued(Request request);

    /// <summary>The pod finished serving (or rejected with 503) <paramref name="request"/> now.</summary>
    void OnServed(Request request, bool rejected);

    /// <summary>The pod or node holding <paramref name="request"/> died: nothing will answer.</summary>
    void OnLost(Request request);
}

/// <summary>
/// One attempt of a client request: a TCP connection carrying one HTTP exchange. Instances are pooled
/// and reused, so memory stays bounded by requests in flight; <see cref="Generation"/> changes whenever
/// the attempt ends, which is how events for a finished attempt are recognised and ignored (lazy
/// cancellation).
/// </summary>
public sealed class Request
{
    /// <summary>Bumped when the attempt ends; events carry the value they were scheduled with.</summary>
    public long Generation;
    /// <summary>The client side that owns it.</summary>
    public IRequestOwner Owner = null!;
    /// <summary>Client machine index within its group.</summary>
    public int Client;
    /// <summary>Closed loop: the user that sent it (users share the group's client machines); -1 in open loop.</summary>
    public int User = -1;
    /// <summary>Attempt number, 0 for the first.</summary>
    public int Attempt;
    /// <summary>When the logical request started (its first attempt).</summary>
    public long FirstStart;
    /// <summary>When this attempt started.</summary>
    public long AttemptStart;
    /// <summary>When the client gives up on this attempt.</summary>
    public long Deadline;
    /// <summary>Request size, bytes.</summary>
    public long RequestBytes;
    /// <summary>Response size, bytes.</summary>
    public long ResponseBytes;
    /// <summary>Node the request entered the cluster through.</summary>
    public Node? Entry;
    /// <summary>Node of the serving pod.</summary>
    public Node? Target;
    /// <summary>How the front door routed this connection: the ECMP flow hash (BGP), the index of the address the client used (NodePort).</summary>
    public ulong RouteKey;
    /// <summary>Routing epoch of the front door when the connection was made.</summary>
    public int RouteEpoch;
    /// <summary>Came through a load balancer rather than straight from the client.</summary>
    public bool ViaFrontDoor;
    /// <summary>The attempt has ended at the client (success or failure).</summary>
    public bool ClientDone;
    /// <summary>A pod holds it (queued or in service): it cannot be reused yet.</summary>
    public bool InPod;
    /// <summary>Slot in the serving pod's in-service table, -1 when not in service.</summary>
    public int ServiceSlot = -1;
    /// <summary>Index of the pod connection counter to release (entry node index), -1 when none.</summary>
    public int CountedConnection = -1;
    /// <summary>A failure already known for this attempt (a cause code of the client side), -1 when none.</summary>
    public int PendingCause = -1;
    /// <summary>The pod serving it, when any (typed loosely: the network layer knows no pods).</summary>
    public object? Pod;
}

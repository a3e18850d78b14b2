namespace Svcsim.Network;

/// <summary>
/// A hop's own state for each connection, indexed by <see cref="Connection.Id"/>. Ids are dense (bounded by
/// the connections open at once), so this is an array that grows, not a dictionary: O(1) per packet and
/// nothing allocated once it has grown.
/// </summary>
public sealed class FlowTable<T>
    where T : struct
{
    private T[] _items = new T[16];

    /// <summary>The state kept for connection <paramref name="id"/> (default until set).</summary>
    public ref T this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_items.Length)
            {
                Grow(id);
            }
            return ref _items[id];
        }
    }

    private void Grow(int id) => Array.Resize(ref _items, Math.Max(id + 1, _items.Length * 2));
}

/// <summary>Sizes of the control segments a connection exchanges, bytes on the wire.</summary>
public static class Segments
{
    /// <summary>A SYN, SYN-ACK, RST or FIN with its IP and TCP headers and options.</summary>
    public const long Control = 60;
}

/// <summary>Observes connections from the sender's side; the measurement layer attaches one, the model never reads it.</summary>
public interface IConnectionProbe
{
    /// <summary>A connection was established (the SYN-ACK reached the sender).</summary>
    void Opened(Connection connection);

    /// <summary>A connection attempt gave up without ever being established.</summary>
    void ConnectFailed(Connection connection);

    /// <summary>An established connection was reset (an RST reached the sender).</summary>
    void Reset(Connection connection);

    /// <summary>An established connection was given up by its sender after a request on it got no answer at all.</summary>
    void Hung(Connection connection);
}

/// <summary>Observes traffic as it enters the cluster; front doors report it, the measurement layer counts it.</summary>
public interface IEntryProbe
{
    /// <summary>A request entered the cluster through <paramref name="node"/>.</summary>
    void Entered(Node node);
}

/// <summary>Probes that observe nothing: what a world without measurement attaches.</summary>
public sealed class NoProbe : IConnectionProbe, IEntryProbe
{
    /// <summary>The one instance.</summary>
    public static NoProbe Instance { get; } = new();

    /// <inheritdoc />
    public void Opened(Connection connection)
    {
    }

    /// <inheritdoc />
    public void ConnectFailed(Connection connection)
    {
    }

    /// <inheritdoc />
    public void Reset(Connection connection)
    {
    }

    /// <inheritdoc />
    public void Hung(Connection connection)
    {
    }

    /// <inheritdoc />
    public void Entered(Node node)
    {
    }
}

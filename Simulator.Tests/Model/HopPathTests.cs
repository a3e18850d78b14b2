using Svcsim.Network;

namespace Svcsim.Tests.Model;

/// <summary>
/// A connection's recorded path: which hops are told that the connection left them or closed, as a pooled
/// connection object is used again and again (its hops stay in place between uses).
/// </summary>
public sealed class HopPathTests
{
    [Fact]
    public void A_Closed_Connection_Tells_Each_Hop_Once_And_Its_Next_Use_Tells_None_Of_The_Old_Ones()
    {
        // Given a connection that went through hops a, b, c and was closed
        var a = new RecordingHop("a");
        var b = new RecordingHop("b");
        var c = new RecordingHop("c");
        var d = new RecordingHop("d");
        var connection = new Connection(0);
        connection.Record(0, a);
        connection.Record(1, b);
        connection.Record(2, c);
        connection.Close();
        Assert.Equal(1, a.Closes);
        Assert.Equal(1, b.Closes);
        Assert.Equal(1, c.Closes);

        // When it is used again through a, then d in b's place, and lost before reaching a third hop
        connection.Record(0, a);
        connection.Record(1, d);

        // Then no hop of the earlier use is told anything more (b closed already), and the path is a, d
        Assert.Equal(1, a.Closes);
        Assert.Equal(1, b.Closes);
        Assert.Equal(1, c.Closes);
        Assert.Same(a, connection.HopAt(0));
        Assert.Same(d, connection.HopAt(1));
        Assert.Null(connection.HopAt(2));

        // And closing it tells a and d only, not c, which this use never reached
        connection.Close();
        Assert.Equal(2, a.Closes);
        Assert.Equal(1, d.Closes);
        Assert.Equal(1, c.Closes);
    }

    [Fact]
    public void A_Hop_Replaced_Within_One_Use_Is_Told_The_Connection_Left_It()
    {
        // Given a connection through a and b
        var a = new RecordingHop("a");
        var b = new RecordingHop("b");
        var b2 = new RecordingHop("b2");
        var connection = new Connection(1);
        connection.Record(0, a);
        connection.Record(1, b);

        // When a later segment of the same use reaches b2 in b's place (a rehash, a new leader)
        connection.Record(0, a);
        connection.Record(1, b2);

        // Then b is told once, at once; a is not
        Assert.Equal(1, b.Closes);
        Assert.Equal(0, a.Closes);

        // And closing tells a and b2, and b no more
        connection.Close();
        Assert.Equal(1, a.Closes);
        Assert.Equal(1, b2.Closes);
        Assert.Equal(1, b.Closes);
    }

    private sealed class RecordingHop(string name) : Hop
    {
        public int Closes { get; private set; }

        public override Delivery Receive(Connection connection, Request? request, int depth, long at) => Delivery.Answer(at);

        public override long Back(Connection connection, long at, long bytes) => at;

        public override void Closed(Connection connection) => Closes++;

        public override string ToString() => name;
    }
}

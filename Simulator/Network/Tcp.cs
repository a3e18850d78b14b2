namespace Svcsim.Network;

/// <summary>Linux TCP's retransmission behaviour (kubernetes-behaviour.md, "Connections: TCP, conntrack and keep-alive").</summary>
public static class Tcp
{
    /// <summary>tcp_syn_retries: SYNs resent after the first before the kernel gives up.</summary>
    public const int SynRetries = 6;

    /// <summary>tcp_retries2: data retransmissions before the kernel gives up on an established connection.</summary>
    public const int DataRetries = 15;

    /// <summary>TCP_RTO_MAX: the retransmission timeout stops doubling here, nanoseconds (120 s).</summary>
    public const long MaxRto = 120 * Engine.Time.Second;

    /// <summary>
    /// When the <paramref name="k"/>-th SYN is sent, after the first (k = 0): the initial timeout of 1 s doubles
    /// at every resend, so SYNs leave at 0, 1, 3, 7, 15, 31, 63 s and the kernel gives up at 127 s (k = 7).
    /// </summary>
    public static long SynSentAt(int k) => ((1L << k) - 1) * Engine.Time.Second;
}

using Svcsim.Engine;

namespace Svcsim.Access;

/// <summary>
/// How long memberlist (hashicorp/memberlist, as MetalLB's speakers run it with the LAN defaults) takes to
/// declare a crashed member dead, drawn per crash: every live member probes one member per probe interval, going
/// round its shuffled list of the others, so each first probes the dead one at a uniform moment within
/// (n - 1) intervals; the first whose probe times out suspects it and gossips the suspicion. Its suspicion
/// timer starts at suspicionMaxTimeoutMult x min, where min = suspicionMult x max(1, log10(n)) x probeInterval
/// (memberlist's <c>suspicionTimeout</c>), and shrinks with each other member's independent suspicion
/// (a confirmation) to max - log(c + 1) / log(k + 1) x (max - min), reaching min after k = suspicionMult - 2
/// confirmations; with fewer than k members left to confirm, k is 0 and the timer is min
/// (memberlist <c>state.go</c> suspectNode, <c>suspicion.go</c>). Members are counted when the node crashes.
/// </summary>
internal sealed class MemberlistDetection(Func<int> members, MetalLbL2Access spec, Random random) : Sampler
{
    private double[] _probes = [];

    /// <summary>memberlist's <c>suspicionTimeout</c>: the shortest suspicion in a group of <paramref name="n"/> members, seconds.</summary>
    public static double MinSuspicionS(int n, int suspicionMult, double probeIntervalS) =>
        suspicionMult * Math.Max(1.0, Math.Log10(Math.Max(1, n))) * probeIntervalS;

    /// <summary>The confirmations memberlist waits for (k) in a group of <paramref name="n"/> members.</summary>
    public static int ExpectedConfirmations(int n, int suspicionMult)
    {
        int k = suspicionMult - 2;
        return n - 2 < k ? 0 : Math.Max(k, 0);
    }

    /// <inheritdoc />
    public override double Next()
    {
        int n = Math.Max(2, members()); // the dead member still counts: it is only suspected so far
        int probers = n - 1;
        double round = probers * spec.ProbeIntervalS;
        if (_probes.Length < probers)
        {
            _probes = new double[probers];
        }
        var probes = _probes.AsSpan(0, probers);
        for (int i = 0; i < probers; i++)
        {
            probes[i] = random.NextDouble() * round + spec.ProbeTimeoutS; // when member i suspects the dead one
        }
        int k = ExpectedConfirmations(n, spec.SuspicionMult);
        double min = MinSuspicionS(n, spec.SuspicionMult, spec.ProbeIntervalS);
        double max = spec.SuspicionMaxTimeoutMult * min;
        if (k < 1)
        {
            return Smallest(probes) + min;
        }
        // The earliest suspicion and the next k (the confirmations), in order.
        probes.Sort();
        double start = probes[0];
        double fire = start + max;
        for (int c = 1; c <= k && c < probers; c++)
        {
            double confirmed = probes[c];
            if (confirmed >= fire)
            {
                break;
            }
            double timeout = max - Math.Log(c + 1) / Math.Log(k + 1) * (max - min);
            fire = Math.Max(confirmed, start + Math.Max(timeout, min));
        }
        return fire;
    }

    private static double Smallest(Span<double> values)
    {
        double m = double.PositiveInfinity;
        foreach (double v in values)
        {
            m = Math.Min(m, v);
        }
        return m;
    }
}

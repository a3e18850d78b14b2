using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public class NeighbourTests
{
    [Fact]
    public void A_Client_On_The_Segment_Gets_Ehostunreach_Only_After_Its_Neighbour_Entry_Goes_Stale_And_Fails_Its_Probes()
    {
        // Given one client machine on the nodes' segment sending 20 requests/s by NodePort to w1 (a new connection
        // each; connect timeout 60 s, so the kernel's answer comes first), and w1 crashing at 10 s
        const double Crash = 10;
        var np = new NodePortAccess("np", [TestScenarios.WorkerIp(1)]);
        var clients = TestScenarios.Clients(20, clients: 1, timeoutS: 60) with { ConnectTimeoutS = 60, SameSegment = true };
        var spec = TestScenarios.Seed(durationS: 100, variants: [np], faults: [new NodeCrash("w1", Crash)]) with { Clients = [clients] };

        // When it runs in 20 replications
        var firsts = new List<double>();
        for (int r = 0; r < 20; r++)
        {
            var ledger = OutcomeLedger.Run(spec, np, r, drainS: 70);
            // (the requests in flight at the crash are lost with it; the connections opened after it are the subject)
            var failed = ledger.Outcomes.Where(o => !o.Success && o.Start > Time.FromSeconds(Crash)).OrderBy(o => o.End).ToList();
            Assert.All(failed, o => Assert.Equal(FailureCause.NodeDown, o.Cause));

            // Then (ip-sysctl, neigh parameters) the entry, confirmed by the last answer just before the crash, stays
            // REACHABLE for the machine's reachable time R, uniform on [15, 45) s: the SYNs are lost and resent, and
            // nothing fails. The first SYN after that finds it STALE: DELAY 5 s, 3 unicast probes 1 s apart, FAILED,
            // and every connection waiting fails with EHOSTUNREACH together, 8 s later (a SYN leaves every 50 ms
            // on average, so within a fraction of a second after R)
            double first = Time.ToSeconds(failed[0].End) - Crash;
            Assert.InRange(first, 15 + 8 - 0.2, 45 + 8 + 1);
            firsts.Add(first - 8);
            // And from then on the next packet resolves the FAILED address afresh (INCOMPLETE: 3 broadcast probes,
            // 1 s apart), and the connections queued on it fail together when it gives up: each within 3 s of its
            // start, one such ending every 3 s
            var late = failed.Where(o => Time.ToSeconds(o.Start) > Crash + 60 && Time.ToSeconds(o.Start) < spec.DurationS - 5).ToList();
            Assert.NotEmpty(late);
            Assert.All(late, o => Assert.InRange(Time.ToSeconds(o.End - o.Start), 0, 3.0 + 1e-6));
            var ends = late.Select(o => o.End).Distinct().Order().ToList();
            Assert.All(ends.Zip(ends.Skip(1)), p => Assert.True(p.Second - p.First >= Time.FromSeconds(3), $"{p.First} {p.Second}"));
            Assert.Contains(late, o => Time.ToSeconds(o.End - o.Start) > 2.9); // the one that started each resolution
        }

        // And R is uniform on [15, 45) across replications: a Kolmogorov-Smirnov test at the 99 % level
        // (D < 1.628 / sqrt(n), the asymptotic critical value), with what the SYN spacing adds (under 0.3 s) ignored
        var u = firsts.Select(f => Math.Clamp((f - 15) / 30, 0, 1)).Order().ToArray();
        double ks = u.Select((x, i) => Math.Max((i + 1.0) / u.Length - x, x - (double)i / u.Length)).Max();
        Assert.True(ks < 1.628 / Math.Sqrt(u.Length), $"KS {ks:F3} over {string.Join(", ", firsts.Select(f => f.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
    }
}

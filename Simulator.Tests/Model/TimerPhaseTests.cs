using Svcsim.Access;
using Svcsim.Experiments;
using Svcsim.Faults;
using Svcsim.Kubernetes;

namespace Svcsim.Tests.Model;

public class TimerPhaseTests
{
    private const int Replications = 40;

    [Fact]
    public void Gce_Ejection_Time_Is_Uniform_Over_Seventeen_To_Twenty_Five_Seconds_Across_Replications()
    {
        // Given GCE's health check (every 8 s, 1 s timeout, 3 failures eject) and w2 crashing at 20 s.
        // The first check after the crash starts U seconds later, U uniform on [0, 8) when the checker's
        // phase is random; its third failure is reported one timeout after the third check: 17 + U s.
        var gce = HealthCheckSpec.Presets["gce"];
        var spec = TestScenarios.Seed(rate: 10, durationS: 50, variants: [new CloudLbAccess("lb", gce)],
            faults: [new NodeCrash("w2", 20)]) with { ControlPlane = new ControlPlaneSpec(NodeMonitorGracePeriodS: 1000) };

        // When it runs in 40 replications
        var delays = Enumerable.Range(0, Replications).Select(r =>
        {
            var run = new VariantRunner(spec, spec.Variants[0], r).Run();
            return Assert.Single(run.Events, e => e.Kind == "lb-unhealthy" && e.Node == "w2").TimeS - 20;
        }).ToList();

        // Then every delay lies in [17, 25) s (with the check's link time on top), and (delay - 17) / 8 passes a
        // Kolmogorov-Smirnov test of uniformity on [0, 1) at the 99 % level: D < 1.628 / sqrt(n), the
        // asymptotic critical value (0.257 for n = 40; the exact one is slightly smaller, so this is lenient only
        // by that margin). A fixed phase puts every replication on the same value: D near 1.
        Assert.All(delays, d => Assert.InRange(d, 17.0, 25.01));
        var u = delays.Select(d => Math.Clamp((d - 17) / 8, 0, 1)).Order().ToArray();
        double ks = u.Select((x, i) => Math.Max((i + 1.0) / u.Length - x, x - (double)i / u.Length)).Max();
        Assert.True(ks < 1.628 / Math.Sqrt(u.Length), $"KS statistic {ks:F3} over delays {string.Join(", ", delays.Select(d => d.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Node_Not_Ready_Time_Varies_Across_Replications_And_Is_The_Same_For_Every_Way_Of_Access()
    {
        // Given a crash at 20 s under the default lease (10 s) and monitor period (5 s), grace 50 s: the
        // controller notices at the first tick more than 50 s after the last lease, i.e. 40 to 55 s after the crash
        var spec = TestScenarios.Seed(rate: 10, durationS: 90, faults: [new NodeCrash("w2", 20)],
            variants: [TestScenarios.NodePortTo("192.168.1.101"), new CloudLbAccess("lb", HealthCheckSpec.Presets["gce"])]);

        // When each of 12 replications runs both ways of access
        var times = Enumerable.Range(0, 12).Select(r => spec.Variants.Select(v =>
            Assert.Single(new VariantRunner(spec, v, r).Run().Events, e => e.Kind == "node-not-ready").TimeS).ToArray()).ToList();

        // Then both ways see the node marked NotReady at the same moment (common random numbers), the moment
        // lies within the window the timers allow (lease age L in [0, 10) s at the crash: 50 - L to 55 - L s), and it is not the same in every replication
        Assert.All(times, t => Assert.Equal(t[0], t[1]));
        Assert.All(times, t => Assert.InRange(t[0] - 20, 40.0, 55.0));
        Assert.True(times.Select(t => t[0]).Distinct().Count() >= 6, string.Join(", ", times.Select(t => t[0])));
    }
}

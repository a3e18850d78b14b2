using MathNet.Numerics.Distributions;
using Svcsim.Access;
using Svcsim.Engine;
using Svcsim.Faults;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Tests.Model;

public class ContainerCrashTests
{
    [Fact]
    public void A_Crashed_Container_Resets_Its_In_Flight_Requests_At_Once_And_Refuses_New_Connections()
    {
        // Given three pods that each take exactly 2 s per request (workers enough for all), 30 requests/s,
        // a 10 s client timeout, and pod 0's container crashing at 20 s (restarted 5 s later)
        const double Crash = 20;
        var capacity = new PodCapacity(1000, 1000, Distribution.Constant(2));
        var spec = TestScenarios.Seed(rate: 30, durationS: 40, variants: [TestScenarios.NodePortTo(TestScenarios.WorkerIp(1))], capacity: capacity,
            faults: [new PodCrash("deploy-nginx", 0, Crash, 5)]) with
        { Clients = [TestScenarios.Clients(30, timeoutS: 10)] };

        // When it runs
        var ledger = OutcomeLedger.Run(spec, spec.Variants[0], 0, drainS: 20);

        // Then the requests pod 0 was serving fail with a reset at the crash (within the way back: under
        // 50 ms), not at their deadline; about a third of the 2 s of arrivals before it were there:
        // Poisson(30 x 2 / 3 = 20), inside its 99.9 % region
        var failed = ledger.Outcomes.Where(o => !o.Success).ToList();
        var resets = failed.Where(o => o.Cause == FailureCause.Reset).ToList();
        Assert.All(resets, o => Assert.InRange(Time.ToSeconds(o.End), Crash, Crash + 0.05));
        Assert.InRange(resets.Count, PoissonQuantile(20, 0.0005), PoissonQuantile(20, 0.9995));
        // And new connections reaching the dead container before the endpoint is withdrawn are refused at once;
        // nothing waits for a timeout
        Assert.All(failed, o => Assert.True(o.Cause is FailureCause.Reset or FailureCause.Refused, $"{o.Cause} at {Time.ToSeconds(o.End):F3} s"));
        Assert.All(failed.Where(o => o.Cause == FailureCause.Refused), o => Assert.True(o.End - o.Start < Time.FromSeconds(0.05)));
    }

    /// <summary>The smallest k with P(X ≤ k) ≥ p for X ~ Poisson(<paramref name="mean"/>).</summary>
    private static int PoissonQuantile(double mean, double p)
    {
        int k = 0;
        while (Poisson.CDF(mean, k) < p)
        {
            k++;
        }
        return k;
    }
}

using Svcsim.Reports;
using System.Globalization;
using Svcsim.Engine;
using Svcsim.Queueing;
using Xunit.Abstractions;

namespace Svcsim.Tests.Engine;

/// <summary>
/// The engine against queueing theory: M/M/c and M/M/c/K stations simulated over independent replications,
/// each statistic's Student-t confidence interval (from the replication means) must contain the closed form.
/// </summary>
/// <remarks>
/// How the tolerance is derived: each replication gives one estimate of each statistic; the R estimates are
/// independent (replication r uses stream set r of the same master seed) and, each being the mean of a long
/// run, close to normal, so mean +- t_{0.9995, R-1} s/sqrt(R) is a 99.9% interval. A correct simulation puts
/// the theory outside it with probability 0.001 per check; the seed is fixed, so the outcome is
/// deterministic, and it was not chosen by trying seeds. So that a check cannot pass merely because its
/// interval is wide, each test also demands the interval be narrow (half-width at most
/// <see cref="MaxRelativeHalfWidth"/> of the theory): an error of that size would then be caught.
/// Warm-up deletion: every replication starts empty, the first tenth of its length is simulated and then
/// forgotten (<see cref="MmcQueue.Start"/>); that is hundreds of relaxation times (about
/// 1 / (c mu (1 - sqrt rho)^2), 1,600 mean service times for M/M/1 at rho = 0.95) at every load tested.
/// </remarks>
public sealed class MmcValidationTests(ITestOutputHelper output)
{
    private const long Seed = 20_240_601;
    private const double Level = 0.999;
    private const double Mu = 1.0;
    private const double MaxRelativeHalfWidth = 0.10;

    private sealed record Replication(
        double MeanWait,
        double MeanResponse,
        double Utilisation,
        double WaitProbability,
        double NumberInSystem,
        double Blocking);

    private static Replication Run(int servers, double lambda, int backlog, int replication, long customers)
    {
        var sim = new Simulation(new RandomStreams(Seed, replication));
        var q = new MmcQueue(sim, Distribution.Exponential(1 / lambda), Distribution.Exponential(1 / Mu), servers, backlog);
        long measured = Time.FromSeconds(customers / lambda);
        long warmup = measured / 10;
        q.Start(warmup);
        sim.Run(warmup + measured);
        long now = sim.Now;
        var pool = q.Pool;
        return new Replication(
            MeanWait: pool.Wait.Mean,
            MeanResponse: q.Response.Mean,
            Utilisation: pool.BusyServers.Mean(now) / servers,
            WaitProbability: (double)q.StartedAfterQueueing / pool.Wait.Count,
            NumberInSystem: pool.BusyServers.Mean(now) + pool.QueueLength.Mean(now),
            Blocking: (double)pool.Rejected / q.Arrivals);
    }

    private static Replication[] Replicate(int replications, int servers, double lambda, int backlog, long customers)
    {
        var runs = new Replication[replications];
        for (int r = 0; r < replications; r++)
        {
            runs[r] = Run(servers, lambda, backlog, r, customers);
        }
        return runs;
    }

    /// <summary>Checks one statistic; collects a failure instead of throwing so that a test reports every miss at once.</summary>
    private void Check(List<string> failures, string what, IEnumerable<double> perReplication, double theory, double scale)
    {
        var ci = ConfidenceIntervals.Of(perReplication.ToList(), Level);
        string line = string.Create(CultureInfo.InvariantCulture, $"{what,-28} theory {theory,-12:G6} simulated {ci}");
        output.WriteLine(line);
        if (!ci.Contains(theory))
        {
            failures.Add("outside the interval: " + line);
        }
        if (ci.HalfWidth > MaxRelativeHalfWidth * scale)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"interval too wide to test anything (> {MaxRelativeHalfWidth:P0} of {scale:G4}): {line}"));
        }
    }

    // Ten replications per case. The customers per replication grow with the load because the variance of a
    // run's mean wait grows like 1/(1 - rho)^4: they are what keeps each interval within 10% of the theory.
    // Run time for all twelve cases is about 7 s in Release on one core, half of it at rho = 0.95.
    [Theory]
    [InlineData(1, 0.5, 100_000)]
    [InlineData(2, 0.5, 100_000)]
    [InlineData(4, 0.5, 100_000)]
    [InlineData(8, 0.5, 200_000)]
    [InlineData(1, 0.8, 200_000)]
    [InlineData(2, 0.8, 200_000)]
    [InlineData(4, 0.8, 200_000)]
    [InlineData(8, 0.8, 200_000)]
    [InlineData(1, 0.95, 1_000_000)]
    [InlineData(2, 0.95, 1_000_000)]
    [InlineData(4, 0.95, 1_000_000)]
    [InlineData(8, 0.95, 1_000_000)]
    public void Mmc_Station_Matches_Erlang_C_Theory_And_Littles_Law(int servers, double rho, long customers)
    {
        // Given an M/M/c station at load rho per server (unbounded backlog)
        double lambda = rho * servers * Mu;
        double offered = lambda / Mu;

        // When it is simulated over ten independent replications
        var runs = Replicate(10, servers, lambda, int.MaxValue, customers);

        // Then mean wait, mean response, utilisation and P(wait > 0) agree with Erlang C
        var failures = new List<string>();
        double wait = QueueingTheory.MmcMeanWait(servers, lambda, Mu);
        double response = QueueingTheory.MmcMeanResponse(servers, lambda, Mu);
        double pWait = QueueingTheory.ErlangC(servers, offered);
        Check(failures, "mean wait (s)", runs.Select(r => r.MeanWait), wait, wait);
        Check(failures, "mean response (s)", runs.Select(r => r.MeanResponse), response, response);
        Check(failures, "utilisation", runs.Select(r => r.Utilisation), rho, rho);
        Check(failures, "P(wait > 0)", runs.Select(r => r.WaitProbability), pWait, pWait);

        // Then Little's law holds on the same runs: the time-average number in system L (from the pool's
        // time-weighted busy servers and backlog) equals lambda x W (mean response). The difference L - lambda W
        // per replication has mean zero up to an O(1/run length) edge effect (customers present at the
        // warm-up cut and at the end), far below its noise, so its interval must contain 0.
        Check(failures, "L - lambda W", runs.Select(r => r.NumberInSystem - lambda * r.MeanResponse), 0, lambda * response);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Theory]
    [InlineData(1, 1, 0.5)]   // M/M/1/1: no backlog, B = rho / (1 + rho)
    [InlineData(1, 5, 0.9)]   // M/M/1/5
    [InlineData(2, 2, 0.75)]  // M/M/2/2: Erlang B
    [InlineData(4, 10, 1.2)]  // overloaded: a finite system is stable at any load
    [InlineData(8, 12, 0.9)]
    public void Mmck_Station_Blocks_As_Theory_Says(int servers, int capacity, double rho)
    {
        // Given an M/M/c/K station: c servers and K places in all, so the pool's backlog holds K - c
        double lambda = rho * servers * Mu;
        double blocking = QueueingTheory.MmcKBlocking(servers, capacity, lambda, Mu);

        // When it is simulated over ten independent replications of 200,000 arrivals
        var runs = Replicate(10, servers, lambda, capacity - servers, 200_000);

        // Then the share of arrivals turned away is P(N = K) (Poisson arrivals see time averages), the servers
        // carry the admitted load lambda (1 - B) / (c mu), and Little's law holds for the admitted customers
        var failures = new List<string>();
        double carried = lambda * (1 - blocking) / (servers * Mu);
        Check(failures, "blocking probability", runs.Select(r => r.Blocking), blocking, blocking);
        Check(failures, "utilisation", runs.Select(r => r.Utilisation), carried, carried);
        Check(failures, "L - lambda (1 - B) W", runs.Select(r => r.NumberInSystem - lambda * (1 - r.Blocking) * r.MeanResponse), 0,
            runs.Average(r => r.NumberInSystem));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}

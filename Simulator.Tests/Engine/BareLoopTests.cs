using Svcsim.Reports;
using Svcsim.Queueing;

namespace Svcsim.Tests.Engine;

/// <summary>
/// The benchmarks' baselines must simulate the same queue as the engine, or the ratio compares different
/// work. Same method as <see cref="MmcValidationTests"/>: a 99.9% Student-t interval over independent runs
/// (here ten master seeds) must contain the theory and be narrower than 10% of it.
/// </summary>
public sealed class BareLoopTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void The_Bare_Mmc_Baseline_Has_The_Theoretical_Mean_Response(int servers)
    {
        // Given an M/M/c queue at load 0.8 written on PriorityQueue, started empty (no warm-up: the start-up
        // bias over 100,000 customers is about a hundred service times' worth, far inside the interval)
        const double mu = 1, rho = 0.8;
        double lambda = rho * servers * mu;

        // When it runs for ten seeds
        var responses = Enumerable.Range(1, 10).Select(seed => BareLoop.Mmc(100_000, servers, lambda, mu, seed)).ToList();

        // Then its mean response time agrees with Erlang C
        double theory = QueueingTheory.MmcMeanResponse(servers, lambda, mu);
        var ci = ConfidenceIntervals.Of(responses, 0.999);
        Assert.True(ci.Contains(theory), $"theory {theory}, simulated {ci}");
        Assert.True(ci.HalfWidth <= 0.1 * theory, $"interval too wide: {ci}");
    }
}

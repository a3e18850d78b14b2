using Svcsim.Engine;
using Svcsim.Queueing;

namespace Svcsim.Tests.Engine;

/// <summary>
/// Allocation counted, not timed: GC.GetAllocatedBytesForCurrentThread is exact for the calling thread, so
/// these tests are deterministic. The smallest .NET object is 24 bytes, so anything allocated per event or
/// per customer would show up as at least 24 bytes per event.
/// </summary>
public sealed class SteadyStateAllocationTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void The_Hold_Model_Allocates_Nothing_Per_Event_Once_Running(int pending)
    {
        // Given a hold model that has run long enough for every code path to be compiled and warmed
        var sim = new Simulation(new RandomStreams(1, 0), pending);
        _ = new HoldModel(sim, pending);
        long slice = Time.Second * 1_000 / pending; // about 1,000 events
        while (sim.EventsProcessed < 300_000)
        {
            sim.Run(sim.Now + slice);
        }

        // When it runs 300,000 more events
        long events = sim.EventsProcessed;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (sim.EventsProcessed < events + 300_000)
        {
            sim.Run(sim.Now + slice);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then nothing at all was allocated: the number of pending events is constant, so no array grows
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(1, 0.9)]
    [InlineData(4, 0.9)]
    public void An_Mmc_Station_Allocates_Nothing_Per_Customer_Once_Running(int servers, double rho)
    {
        // Given an M/M/c station past its warm-up
        double lambda = rho * servers;
        var sim = new Simulation(new RandomStreams(1, 0));
        var q = new MmcQueue(sim, Distribution.Exponential(1 / lambda), Distribution.Exponential(1.0), servers);
        q.Start();
        long slice = Time.FromSeconds(1_000 / lambda);
        while (q.Arrivals < 300_000)
        {
            sim.Run(sim.Now + slice);
        }

        // When 300,000 more customers pass
        long before = GC.GetAllocatedBytesForCurrentThread();
        long arrivals = q.Arrivals;
        while (q.Arrivals < arrivals + 300_000)
        {
            sim.Run(sim.Now + slice);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then less than one byte per customer was allocated. Not exactly zero: when the number in system
        // reaches a new peak, a customer object is created and the event set, backlog or free list may
        // double; that is bounded by the peak, not by the customers simulated. Any per-customer allocation
        // would cost at least 24 bytes each.
        Assert.True(allocated < 300_000, $"{allocated} bytes for 300,000 customers");
    }
}

using Svcsim.Experiments;

namespace Svcsim.Tests.Model;

/// <summary>Memory counted, not timed: GC.GetAllocatedBytesForCurrentThread is exact for this thread.</summary>
public class MemoryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Simulated_Requests_Allocate_Less_Than_One_Small_Object_Each_Once_Running(int variant)
    {
        // Given the origin's cluster under each way of access, run long enough that request objects are
        // pooled, arrays have grown and every path is compiled
        var spec = TestScenarios.Seed(rate: 200, durationS: 100_000, warmupS: 0);
        var runner = new VariantRunner(spec, spec.Variants[variant], 0);
        long done = runner.RunUntilRequests(100_000);

        // When 500,000 more requests run
        long before = GC.GetAllocatedBytesForCurrentThread();
        long after = runner.RunUntilRequests(done + 500_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then what was allocated per request is far below the smallest object (24 bytes): requests are
        // recycled, memory grows with requests in flight and with time windows, not with requests
        double perRequest = (double)allocated / (after - done);
        Assert.True(perRequest < 8, $"{perRequest:F2} bytes per request");
    }
}

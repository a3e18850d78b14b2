using Svcsim.Experiments;

namespace Svcsim.Tests.Model;

public class SmokeTests
{
    [Fact]
    public void Seed_Cluster_Serves_Every_Request_With_No_Faults()
    {
        var results = ExperimentRunner.Run(TestScenarios.Seed());
        foreach (var r in results.Runs)
        {
            Assert.True(r.Summary.Requests > 9000, $"{r.Variant}: {r.Summary.Requests}");
            Assert.Equal(r.Summary.Requests, r.Summary.Succeeded);
        }
    }
}

using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class SweepParametersTests
{
    [Fact]
    public void Parameters_Text_Round_Trips_In_Order()
    {
        RunParameter[] parameters = [new("replicas", "3"), new("client_timeout_s", "2.5"), new("policy", "Local")];
        string text = SweepParameters.Format(parameters);
        Assert.Equal("replicas=3;client_timeout_s=2.5;policy=Local", text);
        Assert.Equal(parameters, SweepParameters.Parse(text));
    }

    [Fact]
    public void Separators_In_Names_Or_Values_Are_Refused()
    {
        Assert.Throws<ArgumentException>(() => SweepParameters.Format([new("a;b", "1")]));
        Assert.Throws<ArgumentException>(() => SweepParameters.Format([new("a", "x=y")]));
        Assert.Throws<FormatException>(() => SweepParameters.Parse("novalue"));
    }
}

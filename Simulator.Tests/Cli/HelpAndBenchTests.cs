using System.Text.RegularExpressions;
using Svcsim.Cli;

namespace Svcsim.Tests.Cli;

/// <summary>--help and --version answer with exit code 0; bench prints its one line in the documented format.</summary>
[Collection(CliCollection.Name)]
public sealed partial class HelpAndBenchTests
{
    public static TheoryData<string> Commands() => new("", "run", "sweep", "validate", "report", "merge", "bench");

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_Of_Every_Command_Exits_0_And_Shows_Its_Usage(string command)
    {
        string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];

        var result = SvcsimCli.Run(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        Assert.Contains(command.Length == 0 ? "Commands:" : "Options:", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void Version_Prints_Svcsims_Version()
    {
        var result = SvcsimCli.Run("--version");

        Assert.Equal(0, result.ExitCode);
        // 0.1.0, or 0.1.0+<commit> when the build knows its commit
        Assert.Matches($@"^{Regex.Escape(SvcsimCommand.Version)}(\+[0-9a-f]+)?\r?\n$", result.Out);
    }

    [Fact]
    public void Svcsim_Without_A_Command_Shows_Help_And_Exits_2()
    {
        var result = SvcsimCli.Run();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Commands:", result.Out, StringComparison.Ordinal);
        Assert.Contains("Required command was not provided", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_Of_An_Engine_Model_Ends_In_Customers_Per_Second()
    {
        var result = SvcsimCli.Run("bench", "--model", "mm1", "--customers", "200000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(CustomersPerSecond(), result.Out);
    }

    [Fact]
    public void Bench_Of_A_Scenario_Ends_In_Requests_Per_Second()
    {
        var result = SvcsimCli.Run("bench", "--scenario", CliPaths.InRepo("Scenarios/seed.yaml"), "--requests", "200000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(RequestsPerSecond(), result.Out);
    }

    // One line of key=value pairs; the speed itself is never asserted (shared machines are noisy).
    [GeneratedRegex(@"^model=mm1 (\S+=\S+ )*customers_per_s=\d+(\.\d+)?\r?\n$")]
    private static partial Regex CustomersPerSecond();

    [GeneratedRegex(@"^scenario=seed (\S+=\S+ )*requests_per_s=\d+(\.\d+)?\r?\n$")]
    private static partial Regex RequestsPerSecond();
}

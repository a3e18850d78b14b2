namespace Svcsim.Tests.Cli;

/// <summary>docs/cli.md shows each command's --help as svcsim prints it today, and documents every exit code.</summary>
public sealed class DocsTests
{
    private static string Docs => File.ReadAllText(CliPaths.InRepo("docs/cli.md")).ReplaceLineEndings("\n");

    public static TheoryData<string> Commands() => new("", "run", "sweep", "study", "validate", "report", "merge", "bench", "generate");

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_Docs_Hold_The_Current_Help_Of_Every_Command(string command)
    {
        // As a user sees it: svcsim as its own process (in-process, the usage lines would name the test host).
        var help = SvcsimCli.RunChild(AppContext.BaseDirectory, [SvcsimCli.Dll, .. command.Length == 0 ? Array.Empty<string>() : [command], "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        string text = help.Out.ReplaceLineEndings("\n").TrimEnd('\n');
        Assert.True(Docs.Contains("```\n" + text + "\n```", StringComparison.Ordinal),
            $"docs/cli.md does not hold the current 'svcsim {command} --help'; paste it in:\n{text}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_Docs_Explain_Every_Exit_Code(int code) =>
        Assert.Contains($"\n| {code} | ", Docs, StringComparison.Ordinal);
}

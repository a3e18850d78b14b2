using System.Text.RegularExpressions;
using System.Xml.Linq;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>
/// deploy/Containerfile and the build context .containerignore gives it. No image can be built on this machine kind:
/// Docker's client is there without a daemon, and podman and buildah (in Debian's archive) would have no registry to
/// pull the .NET base images from (none is reachable). So the tests check the file's layers, labels and user, and run its
/// build stage's steps as the builder would (its COPY, WORKDIR and RUN instructions, in a copy of the build context),
/// then run what it published as the image's non-root user.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ContainerImageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>One instruction of the Containerfile, its continuation lines joined.</summary>
    private sealed record Instruction(string Keyword, string Arguments, int Stage);

    private static List<Instruction> Instructions()
    {
        var list = new List<Instruction>();
        string pending = "";
        int stage = -1;
        foreach (string raw in File.ReadAllLines(CliPaths.InRepo("deploy/Containerfile")))
        {
            string line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }
            pending += (pending.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (line.EndsWith('\\'))
            {
                continue;
            }
            int space = pending.IndexOf(' ', StringComparison.Ordinal);
            string keyword = pending[..space].ToUpperInvariant();
            stage += keyword == "FROM" ? 1 : 0;
            list.Add(new Instruction(keyword, pending[(space + 1)..].Trim(), stage));
            pending = "";
        }
        return list;
    }

    /// <summary>The project files of Simulator.csproj and every project it references, transitively, from the root.</summary>
    private static SortedSet<string> ProjectClosure()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>(["Simulator/Simulator.csproj"]);
        while (todo.TryPop(out var project))
        {
            if (!found.Add(project))
            {
                continue;
            }
            string dir = Path.GetDirectoryName(project)!;
            foreach (var reference in XDocument.Load(CliPaths.InRepo(project)).Descendants("ProjectReference"))
            {
                string relative = reference.Attribute("Include")!.Value.Replace('\\', '/');
                todo.Push(Path.GetRelativePath(CliPaths.Repo, Path.GetFullPath(Path.Combine(CliPaths.Repo, dir, relative))).Replace('\\', '/'));
            }
        }
        return found;
    }

    [Fact]
    public void The_Image_Restores_From_The_Project_Files_Before_The_Sources_And_Runs_As_A_Non_Root_User()
    {
        var all = Instructions();
        var build = all.Where(i => i.Stage == 0).ToList();
        var run = all.Where(i => i.Stage == 1).ToList();
        Assert.Equal(2, all.Count(i => i.Keyword == "FROM"));
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", build[0].Arguments);
        Assert.Equal("mcr.microsoft.com/dotnet/runtime:10.0", run[0].Arguments);

        // The restore layer: before it, only project, props and global.json files are copied, every project of the
        // build among them, and it restores for the platform the publish is for
        int restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore ", StringComparison.Ordinal));
        Assert.True(restore > 0, "no RUN dotnet restore in the build stage");
        var copiedFirst = build.Take(restore).Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToList();
        Assert.All(copiedFirst, f => Assert.Matches(@"(\.csproj|\.props|^global\.json)$", f));
        Assert.Subset(copiedFirst.ToHashSet(), ProjectClosure().ToHashSet());
        Assert.Contains("-r linux-x64", build[restore].Arguments, StringComparison.Ordinal);
        // then the sources, and a publish for linux-x64 alone that restores nothing
        var publish = Assert.Single(build, i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish ", StringComparison.Ordinal));
        Assert.True(build.IndexOf(publish) > restore);
        Assert.All(["-c Release", "-r linux-x64", "--no-restore", "-o /app"], o => Assert.Contains(o, publish.Arguments, StringComparison.Ordinal));
        Assert.Contains(build.Skip(restore), i => i.Keyword == "COPY" && i.Arguments.StartsWith("Simulator/ ", StringComparison.Ordinal));

        // OCI labels, the version the one of Directory.Build.props
        string labels = string.Join(' ', run.Where(i => i.Keyword == "LABEL").Select(i => i.Arguments));
        foreach (string key in new[] { "title", "description", "version", "revision", "base.name" })
        {
            Assert.Matches($@"org\.opencontainers\.image\.{Regex.Escape(key)}=""[^""]*""", labels);
        }
        string version = XDocument.Load(CliPaths.InRepo("Directory.Build.props")).Descendants("Version").Single().Value;
        Assert.Contains(run, i => i.Keyword == "ARG" && i.Arguments == $"VERSION={version}");

        // the last user is the images' numeric non-root one, after every RUN; the entry point is svcsim
        var user = run.Last(i => i.Keyword == "USER");
        Assert.Equal("$APP_UID", user.Arguments);
        Assert.True(run.FindLastIndex(i => i.Keyword == "RUN") < run.IndexOf(user));
        Assert.Equal("[\"svcsim\"]", Assert.Single(run, i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.Contains(run, i => i.Keyword == "COPY" && i.Arguments == "--from=build /app /app");
        // with the font the plots need (without one svcsim refuses to draw them)
        Assert.Contains(run, i => i.Keyword == "RUN" && i.Arguments.Contains("apt-get install -y --no-install-recommends fonts-dejavu-core", StringComparison.Ordinal));
    }

    /// <summary>
    /// The .containerignore rules as builders apply them: each line a pattern of the path from the context's root
    /// (* and ? within a name, ** across folders), a leading ! takes a path back in, the last matching line decides,
    /// and a pattern that matches a folder matches everything in it.
    /// </summary>
    private static Func<string, bool> Ignored()
    {
        var rules = IgnoreLines().Select(l => (Keep: l.StartsWith('!'), Pattern: new Regex("^" + GlobToRegex(l.TrimStart('!').Trim('/')) + "$"))).ToList();
        return path =>
        {
            var parts = path.Split('/');
            var prefixes = Enumerable.Range(1, parts.Length).Select(n => string.Join('/', parts[..n])).ToList();
            bool ignored = false;
            foreach (var (keep, pattern) in rules)
            {
                if (prefixes.Any(p => pattern.IsMatch(p)))
                {
                    ignored = !keep;
                }
            }
            return ignored;
        };
    }

    private static IEnumerable<string> IgnoreLines() =>
        File.ReadAllLines(CliPaths.InRepo(".containerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static string GlobToRegex(string glob) =>
        Regex.Escape(glob).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal).Replace(@"/\*\*", "(/.*)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal);

    /// <summary>The files of the repository's folder (as it is on disk, build output included) that go into the build context.</summary>
    private static List<string> Context()
    {
        var ignored = Ignored();
        var keeps = IgnoreLines().Where(l => l.StartsWith('!')).Select(l => l[1..].Trim('/')).ToList();
        var files = new List<string>();
        void Walk(string relative)
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(Path.Combine(CliPaths.Repo, relative)))
            {
                string path = Path.GetRelativePath(CliPaths.Repo, entry).Replace('\\', '/');
                if (Directory.Exists(entry))
                {
                    // an ignored folder that no ! line reaches into is not walked (node_modules, bin, .git)
                    if (!ignored(path) || keeps.Any(k => k.StartsWith(path + "/", StringComparison.Ordinal)))
                    {
                        Walk(path);
                    }
                }
                else if (!ignored(path))
                {
                    files.Add(path);
                }
            }
        }
        Walk("");
        return files.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void The_Build_Context_Holds_The_Sources_And_Scenarios_But_No_Build_Output_Tests_Or_Git()
    {
        var ignored = Ignored();

        // Build output, git, results and everything else that is no input of the image stay out
        Assert.All(new[] { ".git/HEAD", "Simulator/bin/Release/net10.0/svcsim.dll", "Reports/obj/project.assets.json", "out/seed/summary.csv",
            "Simulator.Tests/Cli/SweepTests.cs", "Benchmarks/Program.cs", "docs/cli.md", "deploy/Containerfile", "README.md", "Simulator/out/x.csv" },
            p => Assert.True(ignored(p), p + " would be in the build context"));
        // and what the Containerfile copies is in, whole
        var context = Context();
        Assert.All(new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "Simulator/Simulator.csproj", "Reports/Reports.csproj",
            "Simulator/Cli/SweepCommand.cs", "Scenarios/worker-crash.yaml", "Scenarios/manifests/seed.yaml" },
            p => Assert.Contains(p, context));
        Assert.DoesNotContain(context, p => p.Contains("/bin/", StringComparison.Ordinal) || p.Contains("/obj/", StringComparison.Ordinal));
        foreach (var copy in Instructions().Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            foreach (string source in copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            {
                string s = source.TrimEnd('/');
                Assert.True(context.Any(p => p == s || p.StartsWith(s + "/", StringComparison.Ordinal)), $"COPY {source}: not in the build context");
            }
        }
    }

    [Fact]
    public void The_Build_Stage_Publishes_A_Small_Linux_X64_App_That_Runs_As_The_Images_User()
    {
        // Given the build context, and the build stage's instructions run in it as a builder would (its absolute
        // folders /src and /app made folders of the test)
        string context = Directory.CreateDirectory(_temp.File("context")).FullName;
        foreach (string file in Context())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(context, file))!);
            File.Copy(CliPaths.InRepo(file), Path.Combine(context, file));
        }
        var roots = new Dictionary<string, string> { ["/src"] = _temp.File("src"), ["/app"] = _temp.File("app") };
        string Local(string path) => roots.Aggregate(path, (p, r) => p == r.Key || p.StartsWith(r.Key + "/", StringComparison.Ordinal) ? r.Value + p[r.Key.Length..] : p);
        string workdir = "/";
        var args = new Dictionary<string, string>();
        foreach (var step in Instructions().Where(i => i.Stage == 0).Skip(1))
        {
            switch (step.Keyword)
            {
                case "WORKDIR":
                    workdir = step.Arguments;
                    Directory.CreateDirectory(Local(workdir));
                    break;
                case "ARG":
                    var (name, value) = step.Arguments.Split('=', 2) is [var n, var v] ? (n, v) : (step.Arguments, "");
                    args[name] = value;
                    break;
                case "COPY":
                    var parts = step.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    string target = Local(parts[^1].StartsWith('/') ? parts[^1] : workdir.TrimEnd('/') + "/" + parts[^1]);
                    foreach (string source in parts[..^1])
                    {
                        string from = Path.Combine(context, source.TrimEnd('/'));
                        if (Directory.Exists(from))
                        {
                            foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
                            {
                                string to = Path.Combine(target, Path.GetRelativePath(from, file));
                                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                                File.Copy(file, to, overwrite: true);
                            }
                        }
                        else
                        {
                            Directory.CreateDirectory(target);
                            File.Copy(from, Path.Combine(target, Path.GetFileName(source)), overwrite: true);
                        }
                    }
                    break;
                case "RUN":
                    string command = roots.Aggregate(step.Arguments, (c, r) => Regex.Replace(c, $@"(?<=\s){Regex.Escape(r.Key)}(?=[\s/]|$)", r.Value));
                    var env = new Dictionary<string, string>(args) { ["MSBUILDDISABLENODEREUSE"] = "1", ["UseSharedCompilation"] = "false", ["DOTNET_NOLOGO"] = "1" };
                    // (a restore and a Release compile: minutes when the machine is busy)
                    var result = SvcsimCli.RunProgram("/bin/sh", Local(workdir), ["-c", command], env, TimeSpan.FromMinutes(10));
                    Assert.True(result.ExitCode == 0, $"RUN {step.Arguments}\n{result}");
                    break;
                default:
                    throw new InvalidOperationException($"the test does not know how to run {step.Keyword} {step.Arguments}");
            }
        }

        // Then /app holds svcsim for linux-x64 alone: no other platform's native libraries, a fraction of the size of
        // a build for every platform
        string app = roots["/app"];
        Assert.True(File.Exists(Path.Combine(app, "svcsim.dll")));
        Assert.False(Directory.Exists(Path.Combine(app, "runtimes")), "native libraries of other platforms were published");
        var natives = Directory.GetFiles(app, "*.so").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["libHarfBuzzSharp.so", "libSkiaSharp.so", "libe_sqlite3.so"], natives);
        Assert.All(Directory.GetFiles(app, "*.so"), f => Assert.Equal(0x3E, BitConverter.ToUInt16(File.ReadAllBytes(f), 18))); // ELF e_machine: x86-64
        Assert.DoesNotContain(Directory.GetFiles(app, "*", SearchOption.AllDirectories), f => f.Contains("win-", StringComparison.Ordinal) || f.Contains("osx", StringComparison.Ordinal));
        long Size(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        long published = Size(app);
        Assert.True(published < 40L << 20, $"published {published >> 20} MB");
        Assert.True(published * 4 < Size(AppContext.BaseDirectory), $"published {published >> 20} MB against {Size(AppContext.BaseDirectory) >> 20} MB for every platform");

        // and it runs as the images' user app (uid 1654), which owns nothing of it, with the scenarios beside it
        foreach (string dir in new[] { _temp.Path, app, context })
        {
            File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var validate = SvcsimCli.RunProgram("setpriv", _temp.Path,
            ["--reuid=1654", "--regid=1654", "--clear-groups", SvcsimCli.Dotnet, Path.Combine(app, "svcsim.dll"), "validate", Path.Combine(context, "Scenarios", "worker-crash.yaml")],
            new Dictionary<string, string> { ["HOME"] = _temp.Path });
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Contains("ok: ", validate.Out, StringComparison.Ordinal);
    }
}

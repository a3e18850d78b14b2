using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Svcsim.Tests.Reports;

namespace Svcsim.Tests.Cli;

/// <summary>One Slurm job as <c>scontrol show job</c> tells it: an array task, a pending range of tasks, or a plain job.</summary>
internal sealed record SlurmJob(long JobId, long? ArrayJobId, string? ArrayTask, string State, string ExitCode)
{
    private static readonly string[] Unfinished = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED", "STAGE_OUT"];

    /// <summary>The job has ended, one way or another.</summary>
    public bool Ended => !Unfinished.Contains(State, StringComparer.Ordinal);
}

/// <summary>
/// A real one-node Slurm cluster of Debian's packages (munge, slurmctld, slurmd), private to the tests that use it: its
/// own munge key and socket, configuration, ports, state and spool folders in a temporary folder, so that it leaves
/// the machine's /etc alone and two test runs on one machine do not meet. It runs as root, the way CI runs. The
/// daemons run in the foreground as children of the tests and are stopped, by their process ids, on dispose.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class SlurmCluster : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Programs = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/scontrol", "/usr/bin/sinfo"];

    private readonly TempDirectory _temp = new();
    private readonly List<Process> _daemons = [];

    public SlurmCluster()
    {
        var missing = Programs.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Slurm is not installed ({string.Join(", ", missing)} missing): apt-get install slurm-wlm munge, as bash .ci/run does");
        }
        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The folder holding the cluster's files (configuration, logs, state).</summary>
    public string Folder => _temp.Path;

    /// <summary>The configuration file that every Slurm command of this cluster is pointed at.</summary>
    public string Config => _temp.File("slurm.conf");

    /// <summary>A new empty folder under the cluster's temporary folder, for one test's work.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(_temp.File($"{name}-{Guid.NewGuid():N}")).FullName;

    private void Start()
    {
        // munge: a fresh key, and a socket in the cluster's folder (execute permission on the folder for the socket)
        File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        string key = _temp.File("munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        string socket = _temp.File("munge.socket");
        Daemon("munged", "/usr/sbin/munged", "-F", "--force", $"--socket={socket}", $"--key-file={key}",
            $"--log-file={_temp.File("munged.log")}", $"--pid-file={_temp.File("munged.pid")}", $"--seed-file={_temp.File("munged.seed")}");
        WaitFor(() => File.Exists(socket), "munged to create its socket", "munged.out");

        // Slurm: this machine as controller and only node, on ports nothing else uses
        string host = Run("hostname", "-s").Out.Trim();
        int cpus = Math.Max(2, System.Environment.ProcessorCount); // the batch script asks for 2 CPUs per task
        long memoryMb = Math.Max(4096, MemoryMb() - 1024);
        Directory.CreateDirectory(_temp.File("state"));
        Directory.CreateDirectory(_temp.File("spool"));
        File.WriteAllText(Config, string.Join('\n',
        [
            "ClusterName=svcsimtest",
            $"SlurmctldHost={host}(127.0.0.1)",
            $"SlurmctldPort={FreePort()}",
            $"SlurmdPort={FreePort()}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            $"AuthInfo=socket={socket}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "ReturnToService=2",
            // the node's size comes from this file, not from what slurmd finds (a 1-core machine still runs 2-CPU tasks)
            "SlurmdParameters=config_overrides",
            $"StateSaveLocation={_temp.File("state")}",
            $"SlurmdSpoolDir={_temp.File("spool")}",
            $"SlurmctldPidFile={_temp.File("slurmctld.pid")}",
            $"SlurmdPidFile={_temp.File("slurmd.pid")}",
            $"SlurmctldLogFile={_temp.File("slurmctld.log")}",
            $"SlurmdLogFile={_temp.File("slurmd.log")}",
            $"NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memoryMb} State=UNKNOWN",
            $"PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP",
            "",
        ]));
        // No cgroup.conf: Slurm 22.05 refuses CgroupPlugin=disabled, and without the file it needs no cgroups.
        Daemon("slurmctld", "/usr/sbin/slurmctld", "-D", "-f", Config);
        Daemon("slurmd", "/usr/sbin/slurmd", "-D", "-f", Config, "-N", host);
        WaitFor(() => Run("sinfo", "-h", "-o", "%T").Out.Trim() == "idle", "the node to be idle in sinfo", "slurmctld.log", "slurmd.log");
    }

    /// <summary>Starts a daemon in the foreground, its output into NAME.out in the cluster's folder.</summary>
    private void Daemon(string name, string program, params string[] args)
    {
        // sh -c 'exec ...' gives the daemon the process id of the Process object: it is stopped by that id.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Folder };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$OUT\" 2>&1 </dev/null");
        start.ArgumentList.Add(program);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["OUT"] = _temp.File(name + ".out");
        start.Environment["SLURM_CONF"] = Config;
        _daemons.Add(Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start"));
    }

    private void WaitFor(Func<bool> condition, string what, params string[] logs)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_daemons.FirstOrDefault(d => d.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"a Slurm daemon (pid {dead.Id}) exited with {dead.ExitCode} while waiting for {what}\n{Logs(logs)}");
            }
            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"waited {StartTimeout} for {what}\n{Logs(logs)}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>The ends of the cluster's logs, for failure messages.</summary>
    public string Logs(params string[] names)
    {
        var text = new StringBuilder();
        foreach (string name in names.Length > 0 ? names : ["slurmctld.log", "slurmd.log"])
        {
            string path = Path.IsPathRooted(name) ? name : _temp.File(name);
            text.Append("--- ").AppendLine(path);
            if (File.Exists(path))
            {
                string content = File.ReadAllText(path);
                text.AppendLine(content.Length > 4000 ? content[^4000..] : content);
            }
        }
        return text.ToString();
    }

    /// <summary>The environment added to every command given to this cluster: its configuration, then <paramref name="more"/>.</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? more = null)
    {
        var env = new Dictionary<string, string> { ["SLURM_CONF"] = Config };
        foreach (var (name, value) in more ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }
        return env;
    }

    /// <summary>Runs a program (a Slurm command, bash...) against this cluster, from <paramref name="workingDirectory"/>.</summary>
    public CliResult RunIn(string workingDirectory, string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        // Tests run inside a Slurm job must not pass that job's variables on (the script would take itself for a task).
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("SLURM_", StringComparison.Ordinal) || k.StartsWith("SBATCH_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in Environment(environment))
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private CliResult Run(string program, params string[] args) => RunIn(Folder, program, args);

    /// <summary>Every job record of <paramref name="jobId"/> (an array job gives one per task, and one per pending range).</summary>
    public IReadOnlyList<SlurmJob> Jobs(long jobId)
    {
        var show = Run("scontrol", "show", "job", "-o", jobId.ToString(CultureInfo.InvariantCulture));
        if (show.ExitCode != 0)
        {
            throw new InvalidOperationException($"scontrol show job {jobId}: {show}");
        }
        return show.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            string? Field(string name) => Regex.Match(line, $@"(?:^|\s){name}=(\S+)") is { Success: true } m ? m.Groups[1].Value : null;
            return new SlurmJob(long.Parse(Field("JobId")!, CultureInfo.InvariantCulture),
                Field("ArrayJobId") is { } a ? long.Parse(a, CultureInfo.InvariantCulture) : null,
                Field("ArrayTaskId"), Field("JobState")!, Field("ExitCode")!);
        }).ToList();
    }

    /// <summary>Waits until every job of <paramref name="jobIds"/> has ended, and returns their records.</summary>
    public IReadOnlyList<SlurmJob> WaitForEnd(TimeSpan timeout, params long[] jobIds)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var jobs = jobIds.SelectMany(Jobs).ToList();
            if (jobs.All(j => j.Ended))
            {
                return jobs;
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"jobs still running after {timeout}: {string.Join("; ", jobs)}\n{Logs()}");
            }
            Thread.Sleep(250);
        }
    }

    /// <summary>The job id of task <paramref name="task"/> of array job <paramref name="arrayJobId"/>, once it has one of its own.</summary>
    public long TaskJobId(long arrayJobId, int task) =>
        Jobs(arrayJobId).Single(j => j.ArrayTask == task.ToString(CultureInfo.InvariantCulture)).JobId;

    /// <summary>The processes Slurm started for a job (its batch script, and what that runs).</summary>
    public IReadOnlyList<int> Processes(long jobId)
    {
        var pids = Run("scontrol", "listpids", jobId.ToString(CultureInfo.InvariantCulture));
        return pids.Out.Split('\n').Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault())
            .Where(p => p is not null && p != "-1" && int.TryParse(p, CultureInfo.InvariantCulture, out _))
            .Select(p => int.Parse(p!, CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>Cancels what is left, then stops the daemons it started (TERM, then KILL), by their process ids.</summary>
    public void Dispose()
    {
        if (_daemons.Count == 3 && _daemons.All(d => !d.HasExited))
        {
            try
            {
                Run("scancel", "--user=root", "--full");
                WaitFor(() => Run("squeue", "-h").Out.Trim().Length == 0, "the cancelled jobs to end");
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // Stopping the daemons matters more; jobs still running end with slurmd.
            }
        }
        foreach (var daemon in Enumerable.Reverse(_daemons))
        {
            if (!daemon.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)]);
                term.WaitForExit();
                if (!daemon.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    daemon.Kill();
                    daemon.WaitForExit();
                }
            }
            daemon.Dispose();
        }
        _temp.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long MemoryMb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(MemTotal().Match(line).Groups[1].Value, CultureInfo.InvariantCulture) / 1024;
    }

    [GeneratedRegex(@"(\d+)")]
    private static partial Regex MemTotal();
}

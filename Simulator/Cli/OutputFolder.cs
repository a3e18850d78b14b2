using System.Globalization;
using System.Runtime.InteropServices;

namespace Svcsim.Cli;

/// <summary>
/// An output folder (<c>--out</c>) held by this process: created and tested for writing before anything runs,
/// locked so that a second svcsim writing there stops at once, and able to swap a freshly written run folder in
/// whole, so that a run killed while replacing an older one leaves the older one, never a mix of both.
/// </summary>
internal sealed partial class OutputFolder : IDisposable
{
    /// <summary>The lock file (held with an exclusive lock while a process writes) and the note of who holds it.</summary>
    public const string LockName = ".svcsim.lock";
    private const string HolderName = ".svcsim.lock.pid";

    /// <summary>Linux's PATH_MAX less room for the longest name svcsim writes below an output folder.</summary>
    private const int MaxFolderPathChars = 4096 - 200;

    private readonly FileStream _lock;

    private OutputFolder(string path, FileStream @lock)
    {
        Path = path;
        _lock = @lock;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates <paramref name="path"/> if needed, checks it is a folder svcsim can write in, and takes its lock.
    /// Returns null after printing one line (<c>--out PATH: why</c>, or "another svcsim is writing here, pid N").
    /// </summary>
    public static OutputFolder? Open(string path, string option = "--out")
    {
        string full = System.IO.Path.GetFullPath(path);
        string? problem = Problem(full);
        if (problem is not null)
        {
            Console.Error.WriteLine($"{option} {full}: {problem}");
            return null;
        }
        string lockPath = System.IO.Path.Combine(full, LockName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"{option} {full}: cannot write there ({e.Message})");
            return null;
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            Console.Error.WriteLine($"{full}: another svcsim is writing here, pid {Holder(full)}; wait for it to finish or give another {option}");
            return null;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"{option} {full}: cannot write there ({e.Message})");
            return null;
        }
        try
        {
            File.WriteAllText(System.IO.Path.Combine(full, HolderName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            Console.Error.WriteLine($"{option} {full}: cannot write there ({e.Message})");
            return null;
        }
        return new OutputFolder(full, stream);
    }

    /// <summary>Why svcsim cannot use <paramref name="full"/> as an output folder; null when it can (the folder is then created).</summary>
    private static string? Problem(string full)
    {
        if (full.Length > MaxFolderPathChars)
        {
            return $"the path is {full.Length} characters long; output paths below it would pass the system's limit of 4096";
        }
        if (full.Split(System.IO.Path.DirectorySeparatorChar).FirstOrDefault(part => System.Text.Encoding.UTF8.GetByteCount(part) > 255) is { } longPart)
        {
            return $"the name '{longPart[..40]}...' is longer than 255 bytes, the system's limit for one name";
        }
        if (File.Exists(full))
        {
            return Scenarios.InputFiles.KindOf(full) is { } kind ? $"is {kind}, not a folder" : "is a file, not a folder";
        }
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot create the folder ({e.Message})";
        }
        return null;
    }

    private static string Holder(string full)
    {
        try
        {
            return File.ReadAllText(System.IO.Path.Combine(full, HolderName)).Trim() is { Length: > 0 and < 20 } pid ? pid : "unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// A new empty hidden folder beside <c>NAME</c> to write a run into, after clearing what a killed run left: an
    /// unfinished new folder is deleted; an old folder set aside during a swap is put back if <c>NAME</c> is gone.
    /// </summary>
    public string Fresh(string name)
    {
        string target = System.IO.Path.Combine(Path, name);
        foreach (string stale in Directory.EnumerateDirectories(Path, $".{name}.old-*"))
        {
            if (!Directory.Exists(target))
            {
                Directory.Move(stale, target); // a swap was cut between its two renames: the old run is whole
            }
            else
            {
                Directory.Delete(stale, recursive: true);
            }
        }
        foreach (string stale in Directory.EnumerateDirectories(Path, $".{name}.new-*"))
        {
            Directory.Delete(stale, recursive: true);
        }
        string fresh = System.IO.Path.Combine(Path, $".{name}.new-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(fresh);
        return fresh;
    }

    /// <summary>
    /// Writes <c>NAME</c> whole: <paramref name="write"/> fills a <see cref="Fresh"/> folder, which is then swapped in;
    /// if it throws, the unfinished folder is deleted and the previous <c>NAME</c> stays as it was.
    /// </summary>
    public void WriteWhole(string name, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string fresh = Fresh(name);
        try
        {
            write(fresh);
        }
        catch
        {
            Directory.Delete(fresh, recursive: true);
            throw;
        }
        SwapIn(fresh, name);
    }

    /// <summary>
    /// Puts the finished folder <paramref name="fresh"/> in place of <c>NAME</c>: one atomic exchange on Linux
    /// (renameat2 RENAME_EXCHANGE), else the old one set aside, the new one moved in, the old one deleted.
    /// </summary>
    public void SwapIn(string fresh, string name)
    {
        string target = System.IO.Path.Combine(Path, name);
        if (!Directory.Exists(target))
        {
            if (File.Exists(target))
            {
                File.Delete(target);
            }
            Directory.Move(fresh, target);
            return;
        }
        if (TryExchange(fresh, target))
        {
            Directory.Delete(fresh, recursive: true); // it now holds the previous run
            return;
        }
        string aside = System.IO.Path.Combine(Path, $".{name}.old-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        Directory.Move(target, aside);
        Directory.Move(fresh, target);
        Directory.Delete(aside, recursive: true);
    }

    private static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            return RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // an older C library: the two-rename fallback
        }
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>Releases the lock (a killed process releases it too: the kernel drops the lock with the file).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(System.IO.Path.Combine(Path, HolderName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a note left behind is harmless: the lock, not the note, says who writes
        }
        _lock.Dispose();
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Svcsim.Scenarios;

/// <summary>
/// Reads scenario and manifest files within <see cref="InputLimits"/>: a regular file (not a FIFO, which would
/// block forever, nor a device such as <c>/dev/zero</c>, which never ends), at most
/// <see cref="InputLimits.MaxFileBytes"/>, and never more than that read into memory whatever the file claims.
/// </summary>
public static partial class InputFiles
{
    /// <summary>The text of <paramref name="path"/>, or why it cannot be read (without the path itself).</summary>
    public static Parsed<string> ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (Directory.Exists(path))
            {
                return Parsed<string>.Fail("is a folder, not a file");
            }
            if (!File.Exists(path))
            {
                return Parsed<string>.Fail("no such file");
            }
            if (KindOf(path) is { } kind)
            {
                return Parsed<string>.Fail($"is {kind}, not a regular file");
            }
            long length = new FileInfo(path).Length;
            if (length > InputLimits.MaxFileBytes)
            {
                return Parsed<string>.Fail(TooLarge(length));
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            // Read at most one byte past the limit: a file that grows, or reports no length (/proc), cannot make us read more.
            var buffer = new byte[Math.Min(Math.Max(length, 4096), InputLimits.MaxFileBytes) + 1];
            int total = 0;
            int n;
            while ((n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
                if (total == buffer.Length)
                {
                    if (total > InputLimits.MaxFileBytes)
                    {
                        return Parsed<string>.Fail(TooLarge(total));
                    }
                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, InputLimits.MaxFileBytes + 1));
                }
            }
            using var reader = new StreamReader(new MemoryStream(buffer, 0, total), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return Parsed<string>.Of(reader.ReadToEnd());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Parsed<string>.Fail($"cannot be read: {e.Message}");
        }
    }

    private static string TooLarge(long bytes) => string.Create(CultureInfo.InvariantCulture,
        $"is larger than {InputLimits.MaxFileBytes / (1024 * 1024)} MiB, the limit for scenario and manifest files ({bytes} bytes or more)");

    /// <summary>
    /// True when <paramref name="path"/> lies in <paramref name="folder"/> or below it, compared as full paths after
    /// resolving a symbolic link at <paramref name="path"/> itself (so <c>ok.yaml -> /etc/passwd</c> is outside).
    /// </summary>
    public static bool IsWithin(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(path);
        try
        {
            if (new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                full = Path.GetFullPath(target.FullName);
            }
        }
        catch (IOException)
        {
            return false; // a link loop: not a file of the tree
        }
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return full.StartsWith(root, comparison);
    }

    /// <summary>
    /// "a FIFO", "a character device"... when <paramref name="path"/> is known not to be a regular file; null when it
    /// is one or when this system cannot tell (only Linux's statx is asked; elsewhere the size limit still holds).
    /// </summary>
    public static string? KindOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        int mode;
        try
        {
            mode = StatxMode(path);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return mode < 0 ? null : (mode & 0xF000) switch
        {
            0x8000 => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a folder",
            _ => "not a regular file",
        };
    }

    // struct statx is the same on every Linux architecture: stx_mode is the 16-bit field at byte 28 of 256.
    private const int AtFdCwd = -100;
    private const uint StatxType = 1;

    private static unsafe int StatxMode(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return -1;
        }
        return *(ushort*)(buffer + 28);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}

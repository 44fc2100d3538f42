using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// A folder of real files for one test (links, device nodes, FIFOs, other owners), made with the system's own tools
/// (ln, chown, mknod, mkfifo), and snapshots of it taken with GNU find, so a test can assert that nothing changed:
/// no entry added or removed, and each keeps its type, owner, group, mode, size, inode, time, link target and bytes.
/// The folder is traversable by every user (0755), for tests that run a process as another user inside it.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class FileScene : IDisposable
{
    private const string Prefix = "oneflex-scene-";

    public FileScene()
    {
        Root = Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
    }

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    public string Folder(string relative, uint? owner = null)
    {
        var path = Directory.CreateDirectory(this[relative]).FullName;
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        if (owner is { } uid)
        {
            Run("chown", $"{uid}:{uid}", path);
        }

        return path;
    }

    public string Write(string relative, string text, uint? owner = null, uint? group = null, UnixFileMode? mode = null) =>
        WriteBytes(relative, Encoding.UTF8.GetBytes(text), owner, group, mode);

    public string WriteBytes(string relative, byte[] bytes, uint? owner = null, uint? group = null, UnixFileMode? mode = null)
    {
        var path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        if (mode is { } m)
        {
            File.SetUnixFileMode(path, m);
        }

        Chown(path, owner, group);
        return path;
    }

    /// <summary>A symbolic link at <paramref name="relative"/> to <paramref name="target"/>, owned (the link itself) by <paramref name="owner"/>.</summary>
    public string Link(string relative, string target, uint? owner = null)
    {
        var path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Run("ln", "-s", target, path);
        if (owner is { } uid)
        {
            Run("chown", "-h", $"{uid}:{uid}", path);
        }

        return path;
    }

    /// <summary>A character device node, e.g. (1, 3) for a copy of /dev/null or (1, 5) for /dev/zero. Needs root.</summary>
    public string CharacterDevice(string relative, int major, int minor)
    {
        var path = this[relative];
        Run("mknod", path, "c", major.ToString(), minor.ToString());
        return path;
    }

    public string Fifo(string relative)
    {
        var path = this[relative];
        Run("mkfifo", path);
        return path;
    }

    /// <summary>Every entry under the scene (and under <paramref name="more"/>), one line each, sorted.</summary>
    public string Snapshot(params string[] more) => Take(true, new[] { Root }.Concat(more).ToArray());

    /// <summary>Type, inode, owner, group and mode of system files such as /dev/null, whose times change under other programs.</summary>
    public static string SnapshotWithoutTimes(params string[] paths) => Take(false, paths);

    public static (uint Owner, uint Group, UnixFileMode Mode) OwnerOf(string path)
    {
        var fields = Run("stat", "-c", "%u %g %a", path).Trim().Split(' ');
        return (uint.Parse(fields[0]), uint.Parse(fields[1]), (UnixFileMode)Convert.ToInt32(fields[2], 8));
    }

    public static void Chown(string path, uint? owner, uint? group)
    {
        if (owner is not null || group is not null)
        {
            Run("chown", "-h", $"{owner?.ToString() ?? string.Empty}:{group?.ToString() ?? string.Empty}", path);
        }
    }

    public static string Run(string program, params string[] args) => Programs.Run(program, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left to the OS's temp cleanup.
        }
    }

    private static string Take(bool withTimes, string[] roots)
    {
        var format = withTimes ? "%p|%y|%U|%G|%m|%s|%i|%T@|%l\\n" : "%p|%y|%U|%G|%m|%i\\n";
        var args = new List<string>(roots);
        if (!withTimes)
        {
            args.AddRange(new[] { "-maxdepth", "0" });
        }

        args.AddRange(new[] { "-printf", format });
        var lines = Run("find", args.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line);
            var fields = line.Split('|');
            if (withTimes && fields[1] == "f" && long.Parse(fields[5]) <= 16 << 20)
            {
                text.Append('|').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(fields[0]))));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}

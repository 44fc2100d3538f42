namespace OneFlexTokens.EnvFiles;

/// <summary>
/// A .env file that <see cref="EnvFileAccess"/>'s policy lets the module read or write, resolved once: <see cref="Path"/>
/// as the user named it (what messages and results show) and <see cref="File"/>, the full path of the file itself
/// (the final target when Path is a symbolic link). Only <see cref="EnvFileAccess.Resolve"/> makes one.
/// </summary>
internal sealed class EnvTarget
{
    internal EnvTarget(string path, string file, bool viaLink)
    {
        Path = path;
        File = file;
        ViaLink = viaLink;
    }

    public string Path { get; }

    public string File { get; }

    /// <summary>Path is a symbolic link (or a chain of them) to File.</summary>
    public bool ViaLink { get; }

    /// <summary>The folder File is in: where the save's temp file goes, and what its lock locks.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(File)!;

    public override string ToString() => Path;
}

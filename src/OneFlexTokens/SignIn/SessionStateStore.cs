using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Serialization;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.SignIn;

/// <summary>A browser cookie as kept between runs. Expires is Unix seconds, or -1 for a session-only cookie.</summary>
internal sealed record SavedCookie(
    string Name,
    string Value,
    string Domain,
    string Path,
    double Expires,
    bool HttpOnly,
    bool Secure,
    string? SameSite);

/// <summary>
/// The SSO session cookies, kept in an owner-only file inside the profile. Chromium drops session-only cookies
/// when it exits, and an SSO without "stay signed in" has only those: without this a later -Headless run could
/// never reuse the session. The app's own cookies (the tokens) are never written here.
/// </summary>
internal sealed class SessionStateStore
{
    public const string FileName = "oneflex-session.json";

    /// <summary>A few SSO cookies take a few kilobytes.</summary>
    private const int MaxStateBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public SessionStateStore(string profileDirectory)
    {
        ProfileDirectory = profileDirectory;
    }

    public string ProfileDirectory { get; }

    public string FilePath => Path.Combine(ProfileDirectory, FileName);

    /// <summary>
    /// Creates the profile folder when it is missing, owner-only on Unix (missing parents too). An existing folder keeps
    /// its mode, even a shared one like /tmp: only folders the module creates are made owner-only.
    /// </summary>
    public void EnsureProfileDirectory()
    {
        if (Directory.Exists(ProfileDirectory))
        {
            return;
        }

        try
        {
            PlatformFiles.CreateFolders(ProfileDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw File.Exists(ProfileDirectory)
                ? IsAFile()
                : new OneFlexException(ErrorIds.ProfilePathInvalid, e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
                    Messages.ProfileFolderNotCreated(ProfileDirectory, e.Message), ProfileDirectory, e);
        }
    }

    /// <summary>
    /// Checks the profile path before a browser starts: ProfilePathInvalid when it or a folder on its way is a file;
    /// a warning (else null) when it is an existing folder other users can write, since it keeps the SSO session.
    /// </summary>
    public string? CheckProfilePath()
    {
        if (File.Exists(ProfileDirectory))
        {
            throw IsAFile();
        }

        for (var folder = Path.GetDirectoryName(Path.GetFullPath(ProfileDirectory)); folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                throw new OneFlexException(ErrorIds.ProfilePathInvalid, ErrorCategory.InvalidArgument,
                    Messages.ProfileFolderNotCreated(ProfileDirectory, $"'{folder}' is a file, not a folder."), ProfileDirectory);
            }
        }

        if (OperatingSystem.IsWindows() || !Directory.Exists(ProfileDirectory))
        {
            return null;
        }

        var mode = File.GetUnixFileMode(ProfileDirectory);
        return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
            ? Messages.ProfileFolderShared(ProfileDirectory, Convert.ToString((int)mode, 8))
            : null;
    }

    private OneFlexException IsAFile() =>
        new(ErrorIds.ProfilePathInvalid, ErrorCategory.InvalidArgument, Messages.ProfilePathIsFile(ProfileDirectory), ProfileDirectory);

    /// <summary>The cookies saved by the last successful sign-in that have not expired; none when the file is missing or unreadable.</summary>
    public IReadOnlyList<SavedCookie> Load(DateTimeOffset now)
    {
        try
        {
            if (ReadOwnState() is not { } state)
            {
                return Array.Empty<SavedCookie>();
            }

            var cookies = JsonSerializer.Deserialize<SavedCookie[]>(state.Span, Json) ?? Array.Empty<SavedCookie>();
            var nowSeconds = now.ToUnixTimeMilliseconds() / 1000.0;
            return cookies.Where(c => !string.IsNullOrEmpty(c.Name) && !string.IsNullOrEmpty(c.Domain) && (c.Expires < 0 || c.Expires > nowSeconds)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Array.Empty<SavedCookie>();
        }
    }

    /// <summary>
    /// The state file's bytes when it is a regular file of this user, not too large; else null. In a profile folder
    /// others can write (a shared one is used as it is), another user could plant a link, a FIFO or cookies of theirs there.
    /// </summary>
    private ReadOnlyMemory<byte>? ReadOwnState()
    {
        if (PlatformFiles.Inspect(FilePath).Kind != FileKind.Regular)
        {
            return null;
        }

        using var handle = PlatformFiles.OpenExisting(FilePath, FileAccess.Read, FileShare.Read, out var facts);
        var ownedByAnother = facts.OwnerId is { } owner && owner != PlatformFiles.EffectiveUserId;
        return facts.Kind != FileKind.Regular || ownedByAnother ? null : PlatformFiles.ReadAtMost(handle, facts.Size, MaxStateBytes);
    }

    /// <summary>Replaces the saved state atomically, in an owner-only file (<see cref="AtomicFile"/>).</summary>
    public void Save(IEnumerable<SavedCookie> cookies)
    {
        EnsureProfileDirectory();
        var state = cookies.ToArray();
        AtomicFile.Write(FilePath, stream => JsonSerializer.Serialize(stream, state, Json));
    }
}

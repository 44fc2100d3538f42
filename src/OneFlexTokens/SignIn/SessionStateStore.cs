using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneFlexTokens.SignIn;

/// <summary>A browser cookie as kept between runs. Expires is Unix seconds, or -1 for a session-only cookie.</summary>
public sealed record SavedCookie(
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
public sealed class SessionStateStore
{
    public const string FileName = "oneflex-session.json";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public SessionStateStore(string profileDirectory)
    {
        ProfileDirectory = profileDirectory;
    }

    public string ProfileDirectory { get; }

    public string FilePath => Path.Combine(ProfileDirectory, FileName);

    /// <summary>Creates the profile folder if needed and makes it owner-only on Unix.</summary>
    public void EnsureProfileDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(ProfileDirectory);
            return;
        }

        Directory.CreateDirectory(ProfileDirectory, OwnerOnlyDirectory);
        File.SetUnixFileMode(ProfileDirectory, OwnerOnlyDirectory);
    }

    /// <summary>The cookies saved by the last successful sign-in that have not expired; none when the file is missing or unreadable.</summary>
    public IReadOnlyList<SavedCookie> Load(DateTimeOffset now)
    {
        try
        {
            if (!File.Exists(FilePath))
            {
                return Array.Empty<SavedCookie>();
            }

            var cookies = JsonSerializer.Deserialize<SavedCookie[]>(File.ReadAllBytes(FilePath), Json) ?? Array.Empty<SavedCookie>();
            var nowSeconds = now.ToUnixTimeMilliseconds() / 1000.0;
            return cookies.Where(c => !string.IsNullOrEmpty(c.Name) && !string.IsNullOrEmpty(c.Domain) && (c.Expires < 0 || c.Expires > nowSeconds)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Array.Empty<SavedCookie>();
        }
    }

    /// <summary>Replaces the saved state atomically: an owner-only temp file renamed over the old one.</summary>
    public void Save(IEnumerable<SavedCookie> cookies)
    {
        EnsureProfileDirectory();
        var temp = Path.Combine(ProfileDirectory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, cookies.ToArray(), Json);
                stream.Flush(true);
            }

            File.Move(temp, FilePath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public void Delete()
    {
        if (File.Exists(FilePath))
        {
            File.Delete(FilePath);
        }
    }
}

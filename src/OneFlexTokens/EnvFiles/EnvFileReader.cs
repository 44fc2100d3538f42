using System.Management.Automation;
using System.Text.Unicode;
using OneFlexTokens.Errors;

namespace OneFlexTokens.EnvFiles;

/// <summary>The tokens a .env file holds; null when the file does not set one.</summary>
internal sealed record EnvTokens(string? AccessToken, string? RefreshToken)
{
    /// <summary>
    /// The token key that the file sets on its first line right after a UTF-8 byte order mark, which python-dotenv (and so
    /// the bot) reads as part of the key's name: the file does not set that token for the bot. Null when no key is hidden so.
    /// </summary>
    public string? KeyBehindByteOrderMark { get; init; }
}

/// <summary>
/// The one .env reader: the keys and values the bot gets from a file, by python-dotenv's rules
/// (<c>export </c>, blanks around '=', single quotes literal, double quotes with escapes, inline
/// <c> #</c> comments, the last duplicate wins, a key without '=' unsets it). <c>${VAR}</c> is not expanded.
/// Files are opened under <see cref="EnvFileAccess"/>'s policy and must be UTF-8 text.
/// </summary>
internal static class EnvFileReader
{
    private const string ByteOrderMark = "\uFEFF";

    /// <param name="path">A full file-system path (cmdlets resolve it first); EnvFileNotFound when the file does not exist.</param>
    public static IReadOnlyDictionary<string, string> ReadValues(string path) =>
        TryReadValues(path) ?? throw new OneFlexException(ErrorIds.EnvFileNotFound, ErrorCategory.ObjectNotFound, Messages.EnvFileNotFound(path), path);

    /// <summary>How long a read waits for a file the bot is rewriting to be whole (<see cref="EnvFileStableRead"/>), as a save does.</summary>
    public static readonly TimeSpan StableReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The values of <paramref name="path"/>, or null when the file does not exist.</summary>
    public static IReadOnlyDictionary<string, string>? TryReadValues(string path)
    {
        var target = EnvFileAccess.Resolve(path);
        return EnvFileStableRead.Read(target, StableReadTimeout) is { } content ? ParseValues(content.Bytes.Span, target.Path) : null;
    }

    public static EnvTokens ReadTokens(string path)
    {
        var values = ReadValues(path);
        string? Token(string key) => values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        return new EnvTokens(Token(EnvKeys.AccessToken), Token(EnvKeys.RefreshToken))
        {
            KeyBehindByteOrderMark = new[] { EnvKeys.AccessToken, EnvKeys.RefreshToken }
                .FirstOrDefault(key => Token(key) is null && values.ContainsKey(ByteOrderMark + key)),
        };
    }

    /// <summary>Parses file content; <paramref name="path"/> only names the file in errors.</summary>
    public static IReadOnlyDictionary<string, string> ParseValues(ReadOnlySpan<byte> content, string path = "")
    {
        EnsureUtf8(content, path);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var binding in DotenvSyntax.Parse(content))
        {
            if (binding.Key is null)
            {
                continue;
            }

            var value = DotenvSyntax.ValueOf(content, binding);
            if (value is null)
            {
                values.Remove(binding.Key);
            }
            else
            {
                values[binding.Key] = value;
            }
        }

        return values;
    }

    /// <summary>
    /// The bot reads .env files as UTF-8 and fails on anything else; so do we, with a clearer message. NUL bytes count as
    /// not text: they are valid UTF-8, but a .env file never has them, and a UTF-16 file without byte order mark is full of them.
    /// </summary>
    internal static void EnsureUtf8(ReadOnlySpan<byte> content, string path)
    {
        RejectUtf16(content, path);
        if (content.IndexOf((byte)0) >= 0)
        {
            throw new OneFlexException(ErrorIds.EnvFileUnreadable, ErrorCategory.InvalidData,
                LooksLikeUtf16(content) ? Messages.EnvFileUtf16(path) : Messages.EnvFileHasNul(path), path);
        }

        if (!Utf8.IsValid(content))
        {
            throw new OneFlexException(ErrorIds.EnvFileUnreadable, ErrorCategory.InvalidData,
                Messages.EnvFileNotUtf8(path), path);
        }
    }

    /// <summary>UTF-16 and UTF-32 files (as Windows PowerShell 5's redirections write) cannot be read or edited as bytes of UTF-8.</summary>
    private static void RejectUtf16(ReadOnlySpan<byte> content, string path)
    {
        if (content.StartsWith(stackalloc byte[] { 0xFF, 0xFE }) || content.StartsWith(stackalloc byte[] { 0xFE, 0xFF })
            || content.StartsWith(stackalloc byte[] { 0x00, 0x00, 0xFE, 0xFF }))
        {
            throw new OneFlexException(ErrorIds.EnvFileUnreadable, ErrorCategory.InvalidData,
                Messages.EnvFileUtf16(path), path);
        }
    }

    /// <summary>Text in UTF-16 without byte order mark: in its first bytes, NULs sit at even or at odd offsets only, in most of those places.</summary>
    private static bool LooksLikeUtf16(ReadOnlySpan<byte> content)
    {
        var sample = content[..Math.Min(content.Length & ~1, 1024)];
        int even = 0, odd = 0;
        for (var i = 0; i < sample.Length; i += 2)
        {
            even += sample[i] == 0 ? 1 : 0;
            odd += sample[i + 1] == 0 ? 1 : 0;
        }

        var pairs = sample.Length / 2;
        return pairs > 0 && (even == 0 || odd == 0) && Math.Max(even, odd) * 2 >= pairs;
    }
}

using System.Collections;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// The keys and values a save sets, checked once, when made: each key a name a .env file can hold, each value one
/// that <see cref="TokenValueRules"/> allows. The editor and the writer take only this, so nothing unchecked reaches a file.
/// </summary>
internal sealed class EnvSettings : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly KeyValuePair<string, string>[] _settings;

    private EnvSettings(KeyValuePair<string, string>[] settings) => _settings = settings;

    public int Count => _settings.Length;

    public KeyValuePair<string, string> this[int index] => _settings[index];

    /// <summary>UnsafeTokenValue (naming the key, never the value) for a value that could break the file.</summary>
    /// <exception cref="ArgumentException">A key that is not a .env key name: a programming error, not user input.</exception>
    public static EnvSettings Create(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var checkedSettings = settings.ToArray();
        foreach (var (key, value) in checkedSettings)
        {
            if (!IsKeyName(key))
            {
                throw new ArgumentException($"'{key}' is not a .env key name.", nameof(settings));
            }

            TokenValueRules.Validate(key, value);
        }

        return new EnvSettings(checkedSettings);
    }

    public static bool IsKeyName(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_settings).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

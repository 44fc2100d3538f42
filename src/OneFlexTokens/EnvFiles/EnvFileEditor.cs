using System.Buffers;

namespace OneFlexTokens.EnvFiles;

/// <summary>What setting keys in a file's bytes gives: the new bytes and which keys were updated or appended.</summary>
internal sealed record EnvEdit(ReadOnlyMemory<byte> Bytes, bool Changed, string[] KeysUpdated, string[] KeysAdded);

/// <summary>
/// Sets keys in .env content without touching any other byte. Every statement python-dotenv reads as one of
/// the keys gets the new value in place of its old one (quotes, <c>export </c>, blanks, inline comment and
/// line ending kept), so duplicates all agree and the last one, which wins, is right. Keys the file does not
/// set are appended, in the file's first line-ending style.
/// </summary>
internal static class EnvFileEditor
{
    /// <param name="original">The file's bytes, edited as bytes: only the keys' values change, whatever the other bytes are. The writer
    /// refuses files that are not UTF-8 text before it edits (<see cref="EnvFileReader.EnsureUtf8"/>): UTF-16 would come out broken.</param>
    public static EnvEdit Apply(ReadOnlySpan<byte> original, EnvSettings settings)
    {
        var bindings = DotenvSyntax.Parse(original);
        var found = new bool[settings.Count];
        var updated = new bool[settings.Count];
        var keyed = 0;
        var exported = 0;
        var output = new ArrayBufferWriter<byte>(original.Length + 256);
        var copied = 0;

        foreach (var binding in bindings)
        {
            if (binding.Key is null)
            {
                continue;
            }

            keyed++;
            exported += binding.Export ? 1 : 0;
            var index = IndexOf(settings, binding.Key);
            if (index < 0)
            {
                continue;
            }

            found[index] = true;
            var value = settings[index].Value;
            if (binding.ValueKind == DotenvValueKind.None)
            {
                Copy(original[copied..binding.KeyEnd]);
                copied = binding.KeyEnd;
                Ascii("=");
                Ascii(value);
                if (binding.KeyEnd < original.Length && original[binding.KeyEnd] == (byte)'#')
                {
                    Ascii(" ");
                }

                updated[index] = true;
                continue;
            }

            if (AsciiEquals(original[binding.ValueStart..binding.ValueEnd], value))
            {
                continue;
            }

            Copy(original[copied..binding.ValueStart]);
            Ascii(value);
            copied = binding.ValueEnd;
            updated[index] = true;
        }

        Copy(original[copied..]);

        if (found.Contains(false))
        {
            var newline = FirstNewline(original);
            var endsWithNewline = original.IsEmpty || original[^1] is (byte)'\n' or (byte)'\r';
            var useExport = keyed > 0 && exported == keyed;
            if (!endsWithNewline)
            {
                Ascii(newline);
            }

            var missing = Enumerable.Range(0, settings.Count).Where(i => !found[i]).ToArray();
            for (var m = 0; m < missing.Length; m++)
            {
                if (useExport)
                {
                    Ascii("export ");
                }

                Ascii(settings[missing[m]].Key);
                Ascii("=");
                Ascii(settings[missing[m]].Value);
                if (m < missing.Length - 1 || endsWithNewline)
                {
                    Ascii(newline);
                }
            }
        }

        var content = output.WrittenMemory;
        return new EnvEdit(
            content,
            !content.Span.SequenceEqual(original),
            Enumerable.Range(0, settings.Count).Where(i => updated[i]).Select(i => settings[i].Key).ToArray(),
            Enumerable.Range(0, settings.Count).Where(i => !found[i]).Select(i => settings[i].Key).ToArray());

        void Copy(ReadOnlySpan<byte> bytes) => output.Write(bytes);

        void Ascii(string text)
        {
            var span = output.GetSpan(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = (byte)text[i];
            }

            output.Advance(text.Length);
        }
    }

    private static int IndexOf(EnvSettings settings, string key)
    {
        for (var i = 0; i < settings.Count; i++)
        {
            if (string.Equals(settings[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string FirstNewline(ReadOnlySpan<byte> text)
    {
        var index = text.IndexOfAny((byte)'\n', (byte)'\r');
        if (index < 0 || text[index] == (byte)'\n')
        {
            return "\n";
        }

        return index + 1 < text.Length && text[index + 1] == (byte)'\n' ? "\r\n" : "\r";
    }
}

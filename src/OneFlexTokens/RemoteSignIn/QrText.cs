using System.Text;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>
/// A QR code drawn with characters for a terminal: two module rows per line with the half blocks ▀ ▄ █ and space,
/// inside a quiet zone of <see cref="QuietZone"/> modules. A phone camera needs dark modules on light, and a terminal's
/// colours are unknown: the light modules (and the quiet zone) are the glyphs, the dark ones the background. With
/// <c>colours</c> each line sets white on black itself (ANSI), so it reads dark on light on a dark or a light terminal;
/// without (a log, a host with no colours) it reads right on a dark terminal, the usual one, and inverted on a light one.
/// </summary>
internal static class QrText
{
    public const int QuietZone = 4;

    /// <summary>Bright white glyphs on a black background, then back to the terminal's own colours before the line ends.</summary>
    public const string LightOnDark = "\u001b[97;40m";

    public const string Reset = "\u001b[0m";

    /// <summary>The lines of <paramref name="code"/>, quiet zone included; the last line's lower half is light when the rows are odd.</summary>
    public static IReadOnlyList<string> Lines(QrCode code, bool colours)
    {
        var width = code.Size + 2 * QuietZone;
        var lines = new List<string>();
        for (var row = 0; row < width; row += 2)
        {
            var line = new StringBuilder(width + LightOnDark.Length + Reset.Length);
            if (colours)
            {
                line.Append(LightOnDark);
            }

            for (var column = 0; column < width; column++)
            {
                var top = !code.IsDark(column - QuietZone, row - QuietZone);
                var bottom = row + 1 >= width || !code.IsDark(column - QuietZone, row + 1 - QuietZone);
                line.Append((top, bottom) switch
                {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    _ => ' ',
                });
            }

            if (colours)
            {
                line.Append(Reset);
            }

            lines.Add(line.ToString());
        }

        return lines;
    }
}

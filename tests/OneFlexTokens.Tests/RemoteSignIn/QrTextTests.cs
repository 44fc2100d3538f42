using System.Text;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.RemoteSignIn;

/// <summary>The terminal QR code, read back by a real decoder (zbar's zbarimg) from an image of the drawn characters.</summary>
public sealed class QrTextTests : IDisposable
{
    private const int PixelsPerModule = 4;
    private const string Blocks = " ▀▄█";

    private readonly string folder = Directory.CreateTempSubdirectory("oneflex-qr-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly string ShortLink = "https://nas.example.ts.net/#" + new string('k', 43);

    // 200 characters: a long public path, the way a reverse proxy may serve it.
    private static readonly string LongLink = "https://nas.example.com:5001/" + new string('p', 200 - 29 - 44) + "/#" + new string('S', 42);

    public static TheoryData<string> Links() => new() { ShortLink, LongLink, "http://127.0.0.1:8765/#Aé_-z" };

    [SkippableTheory]
    [MemberData(nameof(Links))]
    public void Zbar_reads_exactly_the_link_from_the_drawn_characters(string link)
    {
        var zbarimg = Zbarimg();
        var code = QrCode.TryEncode(link);
        Assert.NotNull(code);

        var lines = QrText.Lines(code, colours: false);
        Assert.Equal(Decode(zbarimg, lines, glyphIsLight: true), link);
    }

    /// <summary>
    /// Block layouts and alignment patterns of versions that differ in both (version information from 7 on), each at its
    /// full byte capacity at level M (the standard's table 7), so one byte more would take the next version.
    /// </summary>
    [SkippableTheory]
    [InlineData(7, 122)]
    [InlineData(14, 362)]
    [InlineData(27, 1125)]
    [InlineData(32, 1538)]
    [InlineData(39, 2213)]
    public void Zbar_reads_larger_versions_too(int version, int length)
    {
        var zbarimg = Zbarimg();
        var text = string.Concat(Enumerable.Range(0, length).Select(i => "ABCdef0123456789-_/#:."[i * 7 % 22]));
        var code = QrCode.TryEncode(text)!;
        Assert.Equal(version, code.Version);
        Assert.Equal(version + 1, QrCode.TryEncode(text + "x")!.Version);
        Assert.Equal(text, Decode(zbarimg, QrText.Lines(code, colours: false), glyphIsLight: true));
    }

    [Fact]
    public void The_long_link_is_200_characters()
    {
        Assert.Equal(200, LongLink.Length);
    }

    [SkippableFact]
    public void Read_the_other_way_round_an_uncoloured_code_is_inverted_so_colours_make_it_dark_on_light()
    {
        var zbarimg = Zbarimg();
        var link = ShortLink;
        var code = QrCode.TryEncode(link)!;

        // On a light terminal the glyphs are dark: the uncoloured code reads as its negative, which zbar does not take.
        Assert.Equal("", Decode(zbarimg, QrText.Lines(code, colours: false), glyphIsLight: false, mustDecode: false));

        // With colours every line paints its glyphs white on black, whatever the terminal's theme, and resets at its end.
        var coloured = QrText.Lines(code, colours: true);
        Assert.All(coloured, line =>
        {
            Assert.StartsWith(QrText.LightOnDark, line);
            Assert.EndsWith(QrText.Reset, line);
        });
        Assert.Equal(QrText.LightOnDark, "\u001b[97;40m");
        var stripped = coloured.Select(line => line[QrText.LightOnDark.Length..^QrText.Reset.Length]).ToList();
        Assert.Equal(QrText.Lines(code, colours: false), stripped);
        Assert.Equal(link, Decode(zbarimg, stripped, glyphIsLight: true));
    }

    [Fact]
    public void The_drawing_is_half_blocks_with_a_quiet_zone_of_four_light_modules()
    {
        var code = QrCode.TryEncode("https://nas.example/#x")!;
        var lines = QrText.Lines(code, colours: false);
        var modules = Modules(lines, glyphIsLight: true);
        var width = code.Size + 2 * QrText.QuietZone;
        Assert.All(lines, line => Assert.Equal(width, line.Length));
        Assert.All(lines, line => Assert.All(line, c => Assert.Contains(c, Blocks)));
        Assert.Equal((width + 1) / 2, lines.Count);

        for (var y = 0; y < width; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var inQuietZone = x < QrText.QuietZone || y < QrText.QuietZone || x >= width - QrText.QuietZone || y >= width - QrText.QuietZone;
                Assert.Equal(inQuietZone || !code.IsDark(x - QrText.QuietZone, y - QrText.QuietZone), modules[y][x]);
            }
        }

        // The finder's corner module sits right inside the quiet zone, dark.
        Assert.False(modules[QrText.QuietZone][QrText.QuietZone]);
        Assert.True(modules[QrText.QuietZone - 1][QrText.QuietZone - 1]);
    }

    [Fact]
    public void The_smallest_version_is_chosen_and_a_text_beyond_version_40_has_no_code()
    {
        Assert.Equal(1, QrCode.TryEncode(new string('a', 14))!.Version);  // version 1-M holds 14 bytes
        Assert.Equal(2, QrCode.TryEncode(new string('a', 15))!.Version);
        Assert.Equal(10, QrCode.TryEncode(new string('a', 200))!.Version); // 10-M holds 213
        Assert.Equal(40, QrCode.TryEncode(new string('a', 2331))!.Version); // 40-M holds 2331
        Assert.Null(QrCode.TryEncode(new string('a', 2332)));
        Assert.Equal(1, QrCode.TryEncode(new string('é', 6))!.Version);  // 12 bytes and the 12-bit UTF-8 ECI
        Assert.Equal(2, QrCode.TryEncode(new string('é', 7))!.Version);
    }

    /// <summary>One line per two module rows; true where a module is light.</summary>
    private static List<bool[]> Modules(IReadOnlyList<string> lines, bool glyphIsLight)
    {
        var rows = new List<bool[]>();
        foreach (var line in lines)
        {
            var indexes = line.Select(c => Blocks.IndexOf(c)).ToArray();
            Assert.DoesNotContain(-1, indexes);
            rows.Add(indexes.Select(i => ((i & 1) != 0) == glyphIsLight).ToArray());
            rows.Add(indexes.Select(i => ((i & 2) != 0) == glyphIsLight).ToArray());
        }

        return rows;
    }

    /// <summary>The drawing as a black-and-white PBM, <see cref="PixelsPerModule"/> pixels a module, decoded by zbarimg.</summary>
    private string Decode(string zbarimg, IReadOnlyList<string> lines, bool glyphIsLight, bool mustDecode = true)
    {
        var modules = Modules(lines, glyphIsLight);
        var width = modules[0].Length * PixelsPerModule;
        var height = modules.Count * PixelsPerModule;
        var image = new StringBuilder($"P1\n{width} {height}\n");
        foreach (var row in modules)
        {
            var pixels = string.Concat(row.Select(light => new string(light ? '0' : '1', PixelsPerModule)));
            for (var i = 0; i < PixelsPerModule; i++)
            {
                image.Append(pixels).Append('\n');
            }
        }

        var path = Path.Combine(folder, $"qr-{Guid.NewGuid():N}.pbm");
        File.WriteAllText(path, image.ToString());
        if (!mustDecode)
        {
            // zbarimg exits 4 when it finds no code: read that as nothing decoded.
            var start = new System.Diagnostics.ProcessStartInfo(zbarimg, new[] { "--raw", "-q", path }) { RedirectStandardOutput = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "zbarimg did not finish");
            Assert.True(process.ExitCode is 0 or 4, $"zbarimg exited with {process.ExitCode}");
            return output.TrimEnd('\n');
        }

        return Programs.Run(zbarimg, "--raw", "-q", path).TrimEnd('\n');
    }

    private static string Zbarimg()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "zbarimg"))
            .FirstOrDefault(File.Exists);
        Requirements.Require(found is not null, "zbarimg (apt-get install zbar-tools) is not installed.");
        return found!;
    }
}

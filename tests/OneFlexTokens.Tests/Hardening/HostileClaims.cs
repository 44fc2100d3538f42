using System.Globalization;
using System.Text;

namespace OneFlexTokens.Tests.Hardening;

/// <summary>
/// Generates access tokens whose claims (sub, email, exp, iat, nbf, unknown ones) and header hold arbitrary Unicode and
/// bytes: lone surrogates as JSON escapes, invalid and overlong UTF-8, raw control characters, numbers out of range or
/// of the wrong type, deep nesting, broken JSON and broken base64url. Seeded, so a failure names its case.
/// </summary>
public sealed class HostileClaims
{
    private static readonly string[] KnownClaims = { "sub", "email", "exp", "iat", "nbf" };

    private static readonly byte[][] BadBytes =
    {
        new byte[] { 0xFF },
        new byte[] { 0xC0, 0x80 },             // overlong NUL
        new byte[] { 0xED, 0xA0, 0x80 },       // a surrogate encoded in UTF-8
        new byte[] { 0xF4, 0x90, 0x80, 0x80 }, // above U+10FFFF
        new byte[] { 0xE2, 0x82 },             // cut short
        new byte[] { 0x80 },
        new byte[] { 0x00 },
        new byte[] { 0x1F },
        new byte[] { 0xEF, 0xBB, 0xBF },       // a BOM in the middle
    };

    private static readonly string[] Escapes =
    {
        "\\ud800", "\\udc00", "\\udbff\\udbff", "\\ud800x", "\\udfff\\ud800", "\\u0000", "\\uZZZZ", "\\u12", "\\x41", "\\", "\\\"", "\\n", "\\ud83d\\ude00",
    };

    private static readonly string[] Texts = { "jane.doe@example.com", "é", "👩‍💻", "ﷺ", "\u202Eevil", "𝔘𝔫𝔦", "a b", "", "用户", "\u0600\u0601" };

    private static readonly string[] Numbers =
    {
        "1", "0", "-1", "1e400", "-1e400", "1e-400", "99999999999999999999999", "253402300800", "-62135596801", "1.5", "-0", "1E3", "0x10", "01", "NaN", "Infinity", "1.", ".5", "+1",
    };

    private readonly Random _random;

    public HostileClaims(int seed)
    {
        _random = new Random(seed);
    }

    public string Token()
    {
        var header = Pick(4) == 0 ? Value() : Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        var signature = Encoding.UTF8.GetBytes("sig-" + _random.Next());
        var token = $"{Base64Url(header)}.{Base64Url(Payload())}.{Base64Url(signature)}";
        return Pick(12) switch
        {
            0 => token.Insert(_random.Next(token.Length), Pick(new[] { "=", "+", "/", "%", ".", "\u00e9", "\ud800", " " })),
            1 => token[..Math.Max(1, _random.Next(token.Length))],
            _ => token,
        };
    }

    /// <summary>A JSON string value (quotes included) as a hostile server would write it: any bytes, any escapes.</summary>
    public byte[] JsonString() => String();

    private byte[] Payload()
    {
        var json = new List<byte>();
        if (Pick(20) == 0)
        {
            json.AddRange(new byte[] { 0xEF, 0xBB, 0xBF });
        }

        json.Add((byte)'{');
        var members = 1 + Pick(7);
        for (var i = 0; i < members; i++)
        {
            if (i > 0)
            {
                json.Add((byte)',');
            }

            var key = Pick(3) == 0 ? String() : Encoding.UTF8.GetBytes($"\"{Pick(KnownClaims)}\"");
            json.AddRange(key);
            json.Add((byte)':');
            json.AddRange(Value());
        }

        json.Add((byte)'}');
        return Pick(15) switch
        {
            0 => json.Take(_random.Next(json.Count)).ToArray(),
            1 => json.Concat(Value()).ToArray(),
            _ => json.ToArray(),
        };
    }

    private byte[] Value() => Pick(10) switch
    {
        < 4 => String(),
        < 6 => Encoding.UTF8.GetBytes(Pick(Numbers)),
        6 => Encoding.UTF8.GetBytes(Pick(new[] { "null", "true", "false", "[]", "{}", "[1,2", "{\"a\":" })),
        7 => Nested(),
        8 => Encoding.UTF8.GetBytes(new string('[', 1 + Pick(200)) + new string(']', 1 + Pick(200))),
        _ => RandomBytes(),
    };

    private byte[] String()
    {
        var text = new List<byte> { (byte)'"' };
        var parts = Pick(6);
        for (var i = 0; i < parts; i++)
        {
            switch (Pick(5))
            {
                case 0: text.AddRange(Pick(BadBytes)); break;
                case 1: text.AddRange(Encoding.UTF8.GetBytes(Pick(Escapes))); break;
                case 2: text.AddRange(Encoding.UTF8.GetBytes(Pick(Texts))); break;
                case 3: text.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(RandomScalar()))); break;
                default: text.AddRange(Encoding.UTF8.GetBytes(new string('x', Pick(3) == 0 ? Pick(5000) : Pick(20)))); break;
            }
        }

        if (Pick(25) != 0)
        {
            text.Add((byte)'"');
        }

        return text.ToArray();
    }

    private byte[] Nested()
    {
        var inner = String();
        return Encoding.UTF8.GetBytes("{\"a\":[").Concat(inner).Concat(Encoding.UTF8.GetBytes(",{\"b\":" + Pick(Numbers) + "}]}")).ToArray();
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[1 + Pick(40)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private int RandomScalar()
    {
        while (true)
        {
            var value = _random.Next(0x110000);
            if (value is < 0xD800 or > 0xDFFF)
            {
                return value;
            }
        }
    }

    private int Pick(int count) => _random.Next(count);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Describe(string token) => token.Length <= 200 ? token : token[..200] + "…(" + token.Length.ToString(CultureInfo.InvariantCulture) + " chars)";
}

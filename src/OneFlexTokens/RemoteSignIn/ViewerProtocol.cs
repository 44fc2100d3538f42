using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>
/// The phone's first message on a connection: the link's secret (hello), or, when <paramref name="Resume"/>, the token the
/// listener gave the phone that claimed (its connection was lost); and its viewport in CSS pixels.
/// </summary>
internal sealed record ViewerHello(string Secret, int Width, int Height, bool Resume = false);

/// <summary>
/// The messages between the viewer page and the listener. What the phone sends is parsed strictly into a closed set:
/// any unknown type, missing or extra field, wrong JSON type, non-finite number or value out of range makes the whole
/// message invalid (null), and the listener closes that client without applying anything.
/// </summary>
internal static class ViewerProtocol
{
    public const int MaxMessageBytes = 4 * 1024;
    public const int MaxTextLength = 1000;
    public const int MinWidth = 200;
    public const int MaxWidth = 1200;
    public const int MinHeight = 200;
    public const int MaxHeight = 2000;

    // A wheel or drag never scrolls further in one message; a bigger delta is not a phone's.
    private const double MaxScrollDelta = 10_000;

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 2, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>{"t":"hello","secret","w","h"} or {"t":"resume","token","w","h"}; anything else is null.</summary>
    public static ViewerHello? ParseHello(ReadOnlySpan<byte> utf8)
    {
        using var document = Parse(utf8, null, out var fields);
        if (document is null)
        {
            return null;
        }

        var resume = fields["t"].GetString() == "resume";
        var name = resume ? "token" : "secret";
        if ((!resume && fields["t"].GetString() != "hello") || !Has(fields, name, "w", "h"))
        {
            return null;
        }

        return fields[name].ValueKind == JsonValueKind.String && Size(fields, out var width, out var height)
            ? new ViewerHello(fields[name].GetString()!, width, height, resume)
            : null;
    }

    /// <summary>One input of the session; coordinates must lie inside <paramref name="viewportWidth"/>×<paramref name="viewportHeight"/>.</summary>
    public static ViewerInput? ParseInput(ReadOnlySpan<byte> utf8, double viewportWidth, double viewportHeight)
    {
        using var document = Parse(utf8, null, out var fields);
        if (document is null)
        {
            return null;
        }

        bool Inside(out double x, out double y)
        {
            y = 0;
            return Number(fields, "x", out x) && Number(fields, "y", out y) && x >= 0 && x <= viewportWidth && y >= 0 && y <= viewportHeight;
        }

        switch (fields["t"].GetString())
        {
            case "tap" when Has(fields, "x", "y") && Inside(out var x, out var y):
                return new TapInput(x, y);
            case "text" when Has(fields, "s") && fields["s"].ValueKind == JsonValueKind.String
                && fields["s"].GetString() is { Length: > 0 and <= MaxTextLength } text:
                return new TextInput(text);
            case "key" when Has(fields, "k") && fields["k"].ValueKind == JsonValueKind.String
                && fields["k"].GetString() is { } key && ViewerKeys.Allowed.Contains(key):
                return new KeyInput(key);
            case "scroll" when Has(fields, "x", "y", "dx", "dy") && Inside(out var x, out var y)
                && Number(fields, "dx", out var dx) && Number(fields, "dy", out var dy)
                && Math.Abs(dx) <= MaxScrollDelta && Math.Abs(dy) <= MaxScrollDelta:
                return new ScrollInput(x, y, dx, dy);
            case "dialog" when (Has(fields, "id", "accept") || Has(fields, "id", "accept", "s")) && fields["id"].TryGetInt32(out var id)
                && fields["accept"].ValueKind is JsonValueKind.True or JsonValueKind.False:
                var answer = fields.TryGetValue("s", out var s) ? s : default;
                if (answer.ValueKind == JsonValueKind.Undefined || answer.ValueKind == JsonValueKind.Null)
                {
                    return new DialogAnswer(id, fields["accept"].GetBoolean(), null);
                }

                return answer.ValueKind == JsonValueKind.String && answer.GetString() is { Length: <= MaxTextLength } reply
                    ? new DialogAnswer(id, fields["accept"].GetBoolean(), reply)
                    : null;
            case "resize" when Has(fields, "w", "h") && Size(fields, out var width, out var height):
                return new ResizeInput(width, height);
            default:
                return null;
        }
    }

    /// <summary>A frame as the page reads it: 4-byte big-endian length N, N bytes of JSON {w,h,cw,ch,ts}, then the JPEG.</summary>
    public static byte[] FrameMessage(ScreenFrame frame)
    {
        var header = Json(writer =>
        {
            writer.WriteNumber("w", frame.Width);
            writer.WriteNumber("h", frame.Height);
            writer.WriteNumber("cw", frame.CssWidth);
            writer.WriteNumber("ch", frame.CssHeight);
            writer.WriteNumber("ts", frame.PaintedAt);
        });
        var message = new byte[4 + header.Length + frame.Jpeg.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, header.Length);
        header.CopyTo(message, 4);
        frame.Jpeg.CopyTo(message, 4 + header.Length);
        return message;
    }

    public static byte[] Status(string text) => Json(w => { w.WriteString("t", "status"); w.WriteString("s", text); });

    public static byte[] Focus(bool editable, string? inputType) => Json(w =>
    {
        w.WriteString("t", "focus");
        w.WriteBoolean("editable", editable);
        w.WriteString("type", inputType);
    });

    public static byte[] Dialog(RemoteDialog dialog) => Json(w =>
    {
        w.WriteString("t", "dialog");
        w.WriteNumber("id", dialog.Id);
        w.WriteString("kind", dialog.Kind switch
        {
            RemoteDialogKind.Alert => "alert",
            RemoteDialogKind.Confirm => "confirm",
            RemoteDialogKind.Prompt => "prompt",
            _ => "beforeunload",
        });
        w.WriteString("message", dialog.Message);
        w.WriteString("default", dialog.DefaultValue);
    });

    /// <summary>To the phone that claimed: the token it rejoins the session with when its connection is lost.</summary>
    public static byte[] Session(string resumeToken) => Json(w => { w.WriteString("t", "session"); w.WriteString("resume", resumeToken); });

    public static byte[] Done(string message) => Json(w => { w.WriteString("t", "done"); w.WriteString("s", message); });

    public static byte[] Ended(string reason) => Json(w => { w.WriteString("t", "ended"); w.WriteString("reason", reason); });

    public static byte[] Refused(string reason) => Json(w => { w.WriteString("t", "refused"); w.WriteString("reason", reason); });

    private static JsonDocument? Parse(ReadOnlySpan<byte> utf8, string? type, out Dictionary<string, JsonElement> fields)
    {
        fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (utf8.Length > MaxMessageBytes)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), Strict);
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return null;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            // A duplicate field is as invalid as an unknown one: which of the two would count is the parser's whim.
            if (!fields.TryAdd(property.Name, property.Value))
            {
                document.Dispose();
                return null;
            }
        }

        if (!fields.TryGetValue("t", out var t) || t.ValueKind != JsonValueKind.String || (type is not null && t.GetString() != type))
        {
            document.Dispose();
            return null;
        }

        return document;
    }

    /// <summary>Exactly these fields besides "t": none missing, none extra.</summary>
    private static bool Has(Dictionary<string, JsonElement> fields, params string[] names) =>
        fields.Count == names.Length + 1 && names.All(fields.ContainsKey);

    private static bool Number(Dictionary<string, JsonElement> fields, string name, out double value)
    {
        value = 0;
        return fields[name].ValueKind == JsonValueKind.Number && fields[name].TryGetDouble(out value) && double.IsFinite(value);
    }

    private static bool Size(Dictionary<string, JsonElement> fields, out int width, out int height)
    {
        height = 0;
        return fields["w"].TryGetInt32Strict(out width) && fields["h"].TryGetInt32Strict(out height)
            && width is >= MinWidth and <= MaxWidth && height is >= MinHeight and <= MaxHeight;
    }

    private static bool TryGetInt32Strict(this JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

/// <summary>At most <see cref="Rate"/> messages a second sustained, <see cref="Burst"/> at once: a flooding client runs dry.</summary>
internal sealed class TokenBucket(TimeProvider clock)
{
    public const double Rate = 60;
    public const double Burst = 120;

    private double tokens = Burst;
    private long last = clock.GetTimestamp();

    public bool TryTake()
    {
        var now = clock.GetTimestamp();
        tokens = Math.Min(Burst, tokens + (clock.GetElapsedTime(last, now).TotalSeconds * Rate));
        last = now;
        if (tokens < 1)
        {
            return false;
        }

        tokens--;
        return true;
    }
}

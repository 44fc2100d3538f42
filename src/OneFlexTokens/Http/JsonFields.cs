using System.Text.Json;

namespace OneFlexTokens.Http;

/// <summary>
/// Fields of JSON that any server may have sent: a field that is missing, of another type, or not text (invalid UTF-8,
/// a lone surrogate) reads as null, never as an exception.
/// </summary>
internal static class JsonFields
{
    /// <summary>The string field <paramref name="name"/> of <paramref name="element"/> when it is an object that has one.</summary>
    public static string? String(JsonElement element, string name)
    {
        if (Field(element, name) is not { ValueKind: JsonValueKind.String } value)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The number field <paramref name="name"/> when it is a finite double.</summary>
    public static double? Number(JsonElement element, string name) =>
        Field(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var number) && double.IsFinite(number) ? number : null;

    /// <summary>The object field <paramref name="name"/>.</summary>
    public static JsonElement? Object(JsonElement element, string name) =>
        Field(element, name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    private static JsonElement? Field(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;
}

using System.Text.Json;
using OneFlexTokens.Http;
using Xunit;

namespace OneFlexTokens.Tests.Common;

public sealed class JsonFieldsTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("{\"a\":\"text\"}", "text")]
    [InlineData("{\"a\":\"\"}", "")]
    [InlineData("{\"a\":1}", null)]
    [InlineData("{\"a\":null}", null)]
    [InlineData("{\"a\":{\"b\":\"c\"}}", null)]
    [InlineData("{\"b\":\"text\"}", null)]
    [InlineData("[\"a\"]", null)]
    [InlineData("\"a\"", null)]
    [InlineData("{\"a\":\"\\ud800\"}", null)]
    public void A_string_field_is_read_only_when_it_is_text(string json, string? expected) =>
        Assert.Equal(expected, JsonFields.String(Parse(json), "a"));

    [Fact]
    public void Numbers_and_objects_are_read_only_when_they_are_of_that_kind()
    {
        Assert.Equal(0.3, JsonFields.Number(Parse("{\"retry_after\":0.3}"), "retry_after"));
        Assert.Null(JsonFields.Number(Parse("{\"retry_after\":\"0.3\"}"), "retry_after"));
        Assert.Null(JsonFields.Number(Parse("{\"retry_after\":1e999}"), "retry_after"));
        Assert.Equal("x", JsonFields.String(JsonFields.Object(Parse("{\"data\":{\"me\":\"x\"}}"), "data")!.Value, "me"));
        Assert.Null(JsonFields.Object(Parse("{\"data\":[1]}"), "data"));
    }
}

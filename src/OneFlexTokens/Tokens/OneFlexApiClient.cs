using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OneFlexTokens.Tokens;

/// <summary>The outcome of asking the service who a token belongs to.</summary>
public sealed record ProbeResult(TokenValidity Validity, string Message, string? FullName = null, string? Email = null);

/// <summary>Talks to the OneFlex API: the GraphQL 'me' probe that proves a token works.</summary>
public static class OneFlexApiClient
{
    private const string MeQuery =
        """{"query":"query { me(languages: [\"fr-FR\", \"fr\"], defaultTimezone: \"Europe/Paris\") { id email firstName lastName fullName } }"}""";

    public static async Task<ProbeResult> ProbeMeAsync(Uri baseUrl, string accessToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/api/gql"))
        {
            Content = new StringContent(MeQuery, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        try
        {
            using var response = await Common.SharedHttp.Client.SendAsync(request, timeoutSource.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new ProbeResult(TokenValidity.Rejected, string.Format(Common.Messages.TokenRejected, baseUrl));
            }

            if (!response.IsSuccessStatusCode)
            {
                return new ProbeResult(TokenValidity.ServiceError, string.Format(Common.Messages.ServiceError, baseUrl, (int)response.StatusCode));
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeoutSource.Token).ConfigureAwait(false);
            return ReadMe(body, baseUrl);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(TokenValidity.Unreachable, string.Format(Common.Messages.ServiceUnreachable, baseUrl, $"no answer within {timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException failure)
        {
            return new ProbeResult(TokenValidity.Unreachable, string.Format(Common.Messages.ServiceUnreachable, baseUrl, failure.HttpRequestError));
        }
    }

    private static ProbeResult ReadMe(byte[] body, Uri baseUrl)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("me", out var me)
                && me.ValueKind == JsonValueKind.Object)
            {
                return new ProbeResult(TokenValidity.Valid, Common.Messages.TokenValid, StringOf(me, "fullName"), StringOf(me, "email"));
            }

            // GraphQL may report an unauthenticated call as errors with no data and HTTP 200.
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("errors", out _)
                ? new ProbeResult(TokenValidity.Rejected, string.Format(Common.Messages.TokenRejected, baseUrl))
                : new ProbeResult(TokenValidity.ServiceError, string.Format(Common.Messages.ServiceBadAnswer, baseUrl));
        }
        catch (JsonException)
        {
            return new ProbeResult(TokenValidity.ServiceError, string.Format(Common.Messages.ServiceBadAnswer, baseUrl));
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

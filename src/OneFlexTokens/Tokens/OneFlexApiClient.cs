using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Tokens;

/// <summary>The outcome of asking the service who a token belongs to.</summary>
internal sealed record ProbeResult(TokenValidity Validity, string Message, string? FullName = null, string? Email = null);

/// <summary>Talks to the OneFlex API: the GraphQL 'me' probe that proves a token works.</summary>
internal static partial class OneFlexApiClient
{
    private const string MeQuery =
        """{"query":"query { me(languages: [\"fr-FR\", \"fr\"], defaultTimezone: \"Europe/Paris\") { id email firstName lastName fullName } }"}""";

    /// <summary>
    /// Asks /api/gql 'me' with the token; <paramref name="timeout"/> bounds the whole exchange, retries and reply
    /// included. HTTP 401/403 and a GraphQL authentication error are a rejection; a GraphQL error of another kind is the
    /// service's (ServiceError); anything else that is not the API's answer (no connection, no answer in time, HTTP 5xx
    /// or 429 after retries, another status, a reply that is not its JSON) means the service was not reached, and says
    /// nothing about the token (Unreachable).
    /// </summary>
    public static async Task<ProbeResult> ProbeMeAsync(OneFlexBaseUrl baseUrl, string accessToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var shown = baseUrl.Text;
        var retry = new RetryPolicy(maxAttempts: 3, firstBackoff: TimeSpan.FromMilliseconds(500), timeout);
        try
        {
            return await retry.RunAsync(
                attempt => ProbeOnceAsync(baseUrl, accessToken, attempt),
                _ => Unreachable(shown, Messages.NoAnswerWithin(retry.Timeout).TrimEnd('.')),
                onRetry: null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OneFlexException failure) when (failure.ErrorId == ErrorIds.ServiceUnreachable)
        {
            return new ProbeResult(TokenValidity.Unreachable, failure.Message);
        }
    }

    private static async Task<AttemptOutcome<ProbeResult>> ProbeOnceAsync(OneFlexBaseUrl baseUrl, string accessToken, RetryAttempt attempt)
    {
        var shown = baseUrl.Text;
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.Endpoint("api/gql"))
        {
            Content = new StringContent(MeQuery, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        try
        {
            using var response = await SharedHttp.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return AttemptOutcome<ProbeResult>.Success(new ProbeResult(TokenValidity.Rejected, Messages.TokenRejected(shown, status)));
            }

            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return AttemptOutcome<ProbeResult>.Retry(
                    Unreachable(shown, Messages.ServiceAnsweredStatus(status, attempt.Number)), $"HTTP {status}", RetryAfter.Of(response));
            }

            if (!response.IsSuccessStatusCode)
            {
                // 404, 405, a redirect...: what answers there is not the OneFlex API.
                throw Unreachable(shown, Messages.ServiceAnsweredNotAsTheApi(status));
            }

            var body = await ReplyLimits.ReadBodyAsync(response, ReplyLimits.Json, attempt.Token).ConfigureAwait(false);
            return AttemptOutcome<ProbeResult>.Success(ReadMe(body, shown, accessToken));
        }
        catch (Exception e) when (ReplyLimits.Find(e) is { } tooLarge)
        {
            throw Unreachable(shown, Messages.ServiceReplyTooLarge(tooLarge.Limit));
        }
        catch (HttpRequestException failure)
        {
            return AttemptOutcome<ProbeResult>.Retry(Unreachable(shown, failure.HttpRequestError.ToString()), failure.HttpRequestError.ToString());
        }
    }

    /// <summary>ServiceUnreachable, naming the base URL's origin and why.</summary>
    private static OneFlexException Unreachable(string shown, string reason) =>
        new(ErrorIds.ServiceUnreachable, TokenCheck.CategoryOf(TokenValidity.Unreachable), Messages.ServiceUnreachable(shown, reason), shown);

    private static ProbeResult ReadMe(byte[] body, string shown, string accessToken)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (JsonFields.Object(root, "data") is { } data && JsonFields.Object(data, "me") is { } me)
            {
                return new ProbeResult(TokenValidity.Valid, Messages.TokenValid, DisplayText.Escape(JsonFields.String(me, "fullName")), DisplayText.Escape(JsonFields.String(me, "email")));
            }

            // GraphQL reports failures as 'errors' with HTTP 200: an unauthenticated call is a rejection, anything else the service's problem.
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors))
            {
                var (said, isAuthError) = DescribeErrors(errors, accessToken);
                return isAuthError
                    ? new ProbeResult(TokenValidity.Rejected, Messages.TokenRejectedByGraphQl(shown, said))
                    : new ProbeResult(TokenValidity.ServiceError, Messages.ServiceGraphQlError(shown, said));
            }

            return new ProbeResult(TokenValidity.Unreachable, Messages.ServiceUnreachable(shown, Messages.ServiceNotTheMeAnswer));
        }
        catch (JsonException)
        {
            return new ProbeResult(TokenValidity.Unreachable, Messages.ServiceUnreachable(shown, Messages.ServiceNotTheMeAnswer));
        }
    }

    /// <summary>What the first errors say (bounded, secrets masked) and whether one of them is about authentication.</summary>
    private static (string Said, bool IsAuthError) DescribeErrors(JsonElement errors, string accessToken)
    {
        var messages = new List<string>();
        var isAuthError = false;
        foreach (var error in errors.ValueKind == JsonValueKind.Array ? errors.EnumerateArray().Take(3) : Enumerable.Empty<JsonElement>())
        {
            if (error.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var message = JsonFields.String(error, "message");
            var code = JsonFields.Object(error, "extensions") is { } extensions ? JsonFields.String(extensions, "code") : null;
            isAuthError |= (code is not null && AuthCodePattern().IsMatch(code)) || (message is not null && AuthMessagePattern().IsMatch(message));
            if (message is not null)
            {
                messages.Add(code is null ? message : $"{message} ({code})");
            }
        }

        var said = messages.Count == 0 ? "no message" : string.Join("; ", messages);
        return (SecretScrubber.Quote(said, 300, accessToken), isAuthError);
    }

    // What GraphQL servers (Apollo, Hot Chocolate, graphql-java...) say when the caller's token is not accepted.
    [GeneratedRegex(@"^(UNAUTHENTICATED|UNAUTHORIZED|UNAUTHORISED|FORBIDDEN|AUTH_NOT_AUTHENTICATED|AUTH_NOT_AUTHORIZED|INVALID_TOKEN|TOKEN_EXPIRED)$", RegexOptions.IgnoreCase)]
    private static partial Regex AuthCodePattern();

    [GeneratedRegex(@"unauthori[sz]ed|unauthenticated|not authenticated|not authori[sz]ed|forbidden|invalid (access )?token|(token|jwt) (is )?(expired|invalid|malformed)|invalid jwt", RegexOptions.IgnoreCase)]
    private static partial Regex AuthMessagePattern();
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OneFlexTokens.Tests.Notifications;

/// <summary>A webhook on 127.0.0.1 that records what it receives and answers with scripted statuses (then 204).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, string? Body)> _answers = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public static async Task<WebhookReceiver> StartAsync(string path = "/api/webhooks/123456/s3cr3t-webhook-token-abcdef")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**rest}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), path);
        return receiver;
    }

    public void Answer(int status, string? retryAfter = null, string? body = null) => _answers.Enqueue((status, retryAfter, body));

    public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                return _received.Count >= count;
            }
        }

        return true;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _received.Enqueue(new ReceivedWebhook(context.Request.Path, context.Request.ContentType ?? "", body, DateTimeOffset.UtcNow));
        _arrived.Release();
        if (_answers.TryDequeue(out var answer))
        {
            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is not null)
            {
                context.Response.Headers["Retry-After"] = answer.RetryAfter;
            }

            if (answer.Body is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer.Body);
            }

            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Path, string ContentType, string Body, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

using System.Buffers.Binary;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.SignIn;
using Xunit;
using static OneFlexTokens.Tests.RemoteSignIn.Viewer;

namespace OneFlexTokens.Tests.RemoteSignIn;

public sealed class ViewerServerTests
{
    private static readonly string[] SecurityHeaders = { "Cache-Control", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy" };

    private static async Task<(int Status, string Head)> RawAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var text = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();
        var head = text.Split("\r\n\r\n")[0];
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        await using var server = Start();
        using var http = new HttpClient();
        var page = await http.GetAsync($"http://127.0.0.1:{server.Port}/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'sha256-", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain(" href=", html);

        foreach (var (request, status) in new[]
        {
            ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200),
            ("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n", 200),
            ("GET /other HTTP/1.1\r\nHost: x\r\n\r\n", 404),
            ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
            ("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            ("nonsense\r\n\r\n", 400),
        })
        {
            var (actual, head) = await RawAsync(server.Port, request);
            Assert.Equal(status, actual);
            foreach (var header in SecurityHeaders)
            {
                Assert.Contains(header + ": ", head);
            }
        }
    }

    [Fact]
    public async Task The_page_served_before_the_claim_is_signalled_once_until_rearmed_and_not_after_the_claim()
    {
        await using var server = Start();
        using var http = new HttpClient();
        Assert.False(server.PageServed.IsCompleted);
        await http.GetStringAsync(server.Link.PublicUrl);
        await server.PageServed.WaitAsync(TimeSpan.FromSeconds(10));

        server.RearmPageServed();
        Assert.False(server.PageServed.IsCompleted);
        await http.GetStringAsync(server.Link.PublicUrl);
        await server.PageServed.WaitAsync(TimeSpan.FromSeconds(10));

        server.RearmPageServed();
        using var phone = await ClaimAsync(server);
        await http.GetStringAsync(server.Link.PublicUrl);
        Assert.False(server.PageServed.IsCompleted);
    }

    [Fact]
    public async Task A_link_preview_consumes_nothing_then_the_first_client_owns_the_session_and_later_ones_are_refused()
    {
        await using var server = Start();
        using (var http = new HttpClient())
        {
            // What a chat app's preview does: fetch the address, which never carries the fragment.
            Assert.Contains("<canvas", await http.GetStringAsync(server.Link.PublicUrl.AbsoluteUri.Replace("http://127.0.0.1:", "http://127.0.0.1:", StringComparison.Ordinal)));
        }

        Assert.False(server.Claimed.IsCompleted);
        using var phone = await ClaimAsync(server);
        Assert.Equal((390, 700), server.PhoneViewport);

        using var again = await ConnectAsync(server);
        await SendAsync(again, new { t = "hello", secret = SecretOf(server), w = 390, h = 700 });
        var refused = await ReceiveTextAsync(again);
        Assert.Equal("refused", refused.GetProperty("t").GetString());
        Assert.Equal("claimed", refused.GetProperty("reason").GetString());

        using var other = await ConnectAsync(server);
        await SendAsync(other, new { t = "hello", secret = "not-it", w = 390, h = 700 });
        Assert.Equal("claimed", (await ReceiveTextAsync(other)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Five_wrong_secrets_lock_the_link_and_stop_the_listener_and_nothing_said_holds_the_secret()
    {
        var said = new List<string>();
        await using var server = Start(said: said);
        for (var i = 1; i <= SignInLink.MaxBadSecrets; i++)
        {
            using var guesser = await ConnectAsync(server);
            await SendAsync(guesser, new { t = "hello", secret = "guess" + i, w = 390, h = 700 });
            Assert.Equal(i < SignInLink.MaxBadSecrets ? "wrong" : "locked", (await ReceiveTextAsync(guesser)).GetProperty("reason").GetString());
        }

        var failure = await Assert.ThrowsAsync<OneFlexException>(() => server.Claimed);
        Assert.Equal(ErrorIds.RemoteSignInLocked, failure.ErrorId);
        Assert.Equal(ErrorCategory.SecurityError, failure.Category);
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, server.Port);
        });
        Assert.Contains(said, s => s.Contains("wrong secret (2 of 5)", StringComparison.Ordinal));
        Assert.DoesNotContain(said, s => s.Contains(SecretOf(server), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_link_fails_Claimed_refuses_and_stops_listening()
    {
        var clock = new ManualClock(StartTime);
        await using var server = Start(clock, new RemoteSignInSettings { ListenAddress = "127.0.0.1:0", LinkLifetime = TimeSpan.FromMinutes(10) });
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.False(server.Claimed.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        var failure = await Assert.ThrowsAsync<OneFlexException>(() => server.Claimed);
        Assert.Equal(ErrorIds.RemoteSignInExpired, failure.ErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, failure.Category);
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, server.Port);
        });
    }

    [Fact]
    public async Task The_session_ends_at_its_cap_after_the_claim()
    {
        var clock = new ManualClock(StartTime);
        await using var server = Start(clock);
        using var phone = await ClaimAsync(server);
        clock.Advance(SignInLink.SessionCap);
        var failure = await Assert.ThrowsAsync<OneFlexException>(() => server.SessionOver);
        Assert.Equal(ErrorIds.RemoteSessionTimeout, failure.ErrorId);
        var ended = await ReceiveTextAsync(phone);
        Assert.Equal("ended", ended.GetProperty("t").GetString());
        Assert.Equal("timeout", ended.GetProperty("reason").GetString());
        Assert.True(await ClosedByServerAsync(phone));
    }

    [Fact]
    public async Task A_foreign_origin_gets_403()
    {
        await using var server = Start();
        var (status, head) = await RawAsync(server.Port,
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: https://evil.example\r\n\r\n");
        Assert.Equal(403, status);
        Assert.Contains("Content-Security-Policy: ", head);
        using var noOrigin = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => noOrigin.ConnectAsync(WebSocketUri(server), CancellationToken.None));
        Assert.False(server.Claimed.IsCompleted);
    }

    [Fact]
    public async Task The_first_connection_sizes_the_remote_page_to_the_phone_before_anything_it_sends()
    {
        // A browser started before the phone came (an interactive sign-in) has a viewport of its own.
        await using var server = Start();
        var control = new RecordingControl(keepSizing: true);
        server.Attach(control);
        using var phone = await ClaimAsync(server);
        await SendAsync(phone, new { t = "tap", x = 1, y = 2 });
        Assert.Equal(new ViewerInput[] { new ResizeInput(390, 700), new TapInput(1, 2) }, await control.WaitForAsync(2));
    }

    [Fact]
    public async Task Inputs_are_applied_in_order_once_attached_and_frames_status_and_focus_reach_the_phone()
    {
        await using var server = Start();
        using var phone = await ClaimAsync(server);
        await SendAsync(phone, new { t = "tap", x = 10.5, y = 20 });
        await SendAsync(phone, new { t = "text", s = "Grüße 🙂" });
        var control = new RecordingControl();
        server.Attach(control);
        await SendAsync(phone, new { t = "key", k = "Enter" });
        await SendAsync(phone, new { t = "scroll", x = 1, y = 2, dx = 0, dy = 300 });
        await SendAsync(phone, new { t = "dialog", id = 3, accept = true, s = "yes" });
        await SendAsync(phone, new { t = "dialog", id = 4, accept = false });
        await SendAsync(phone, new { t = "resize", w = 400, h = 800 });
        var inputs = await control.WaitForAsync(7);
        Assert.Equal(new ViewerInput[]
        {
            new TapInput(10.5, 20), new TextInput("Grüße 🙂"), new KeyInput("Enter"), new ScrollInput(1, 2, 0, 300),
            new DialogAnswer(3, true, "yes"), new DialogAnswer(4, false, null), new ResizeInput(400, 800),
        }, inputs);
        Assert.Equal((400, 800), server.PhoneViewport);

        server.Status("Loading");
        server.Focus(true, "password");
        server.Frame(new ScreenFrame(new byte[] { 0xFF, 0xD8, 1, 2, 0xFF, 0xD9 }, 780, 1400, 390, 700, 1234.5));
        Assert.Equal("Loading", (await ReceiveTextAsync(phone)).GetProperty("s").GetString());
        Assert.Equal("password", (await ReceiveTextAsync(phone)).GetProperty("type").GetString());
        var frame = (await ReceiveAsync(phone))!.Value;
        Assert.Equal(WebSocketMessageType.Binary, frame.Type);
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.Data);
        var header = JsonDocument.Parse(frame.Data.AsMemory(4, length)).RootElement;
        Assert.Equal(780, header.GetProperty("w").GetInt32());
        Assert.Equal(390, header.GetProperty("cw").GetDouble());
        Assert.Equal(1234.5, header.GetProperty("ts").GetDouble());
        Assert.Equal(new byte[] { 0xFF, 0xD8, 1, 2, 0xFF, 0xD9 }, frame.Data[(4 + length)..]);
    }

    [Fact]
    public async Task A_phone_that_lost_its_connection_rejoins_with_its_token_and_nobody_else_can()
    {
        var said = new List<string>();
        await using var server = Start(said: said);
        var control = new RecordingControl();
        server.Attach(control);
        var (phone, token) = await ClaimWithTokenAsync(server);
        Assert.NotEqual(SecretOf(server), token);
        phone.Abort();
        phone.Dispose();

        using var stranger = await ConnectAsync(server);
        await SendAsync(stranger, new { t = "resume", token = token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), w = 390, h = 700 });
        Assert.Equal("claimed", (await ReceiveTextAsync(stranger)).GetProperty("reason").GetString());

        using var back = await ConnectAsync(server);
        await SendAsync(back, new { t = "resume", token, w = 400, h = 700 });
        Assert.Equal("session", (await ReceiveTextAsync(back)).GetProperty("t").GetString());
        await SendAsync(back, new { t = "tap", x = 5, y = 6 });
        Assert.Equal(new ViewerInput[] { new ResizeInput(400, 700), new TapInput(5, 6) }, await control.WaitForAsync(2));
        Assert.Equal(new ResizeInput(390, 700), control.FirstSizing);
        server.Status("still here");
        Assert.Equal("still here", (await ReceiveTextAsync(back)).GetProperty("s").GetString());
        Assert.DoesNotContain(said, s => s.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_phone_that_broke_the_protocol_cannot_rejoin()
    {
        await using var server = Start();
        var (phone, token) = await ClaimWithTokenAsync(server);
        await SendTextAsync(phone, """{"t":"navigate","url":"https://evil.example"}""");
        Assert.True(await ClosedByServerAsync(phone));
        using var back = await ConnectAsync(server);
        await SendAsync(back, new { t = "resume", token, w = 390, h = 700 });
        Assert.Equal("refused", (await ReceiveTextAsync(back)).GetProperty("t").GetString());
    }

    public static TheoryData<string> Malformed => new()
    {
        """{"t":"launch","url":"file:///etc/passwd"}""",
        """{"t":"tap","x":1,"y":2,"z":3}""",
        """{"t":"tap","x":1}""",
        """{"t":"tap","x":1,"y":1e400}""",
        """{"t":"tap","x":"1","y":2}""",
        """{"t":"tap","x":-1,"y":2}""",
        """{"t":"tap","x":5000,"y":2}""",
        """{"t":"tap","t":"tap","x":1,"y":2}""",
        """{"t":"key","k":"Control+L"}""",
        """{"t":"key","k":"F5"}""",
        """{"t":"resize","w":100,"h":800}""",
        """{"t":"resize","w":400.5,"h":800}""",
        """{"t":"dialog","id":1,"accept":"yes"}""",
        """[{"t":"tap","x":1,"y":2}]""",
        """{"t":"tap","x":1,"y":2} trailing""",
        "binary",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_message_outside_the_protocol_closes_the_phone_and_nothing_is_applied(string message)
    {
        await using var server = Start();
        var control = new RecordingControl();
        server.Attach(control);
        using var phone = await ClaimAsync(server);
        if (message == "binary")
        {
            await phone.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        else
        {
            await SendTextAsync(phone, message);
        }

        Assert.True(await ClosedByServerAsync(phone));
        Assert.Empty(control.Inputs);
    }

    [Fact]
    public async Task Text_over_a_thousand_characters_and_a_message_over_4_KB_close_the_phone()
    {
        foreach (var message in new[] { JsonSerializer.Serialize(new { t = "text", s = new string('a', 1001) }), JsonSerializer.Serialize(new { t = "text", s = new string('a', 5000) }) })
        {
            await using var server = Start();
            var control = new RecordingControl();
            server.Attach(control);
            using var phone = await ClaimAsync(server);
            await SendTextAsync(phone, message);
            Assert.True(await ClosedByServerAsync(phone));
            Assert.Empty(control.Inputs);
        }
    }

    [Fact]
    public async Task A_flooding_phone_is_closed()
    {
        await using var server = Start();
        var control = new RecordingControl();
        server.Attach(control);
        using var phone = await ClaimAsync(server);
        var sent = 0;
        try
        {
            for (; sent < 2000; sent++)
            {
                await SendAsync(phone, new { t = "key", k = "Tab" });
            }
        }
        catch (WebSocketException)
        {
        }
        catch (IOException)
        {
        }

        Assert.True(await ClosedByServerAsync(phone));
        Assert.InRange(control.Inputs.Count, (int)TokenBucket.Burst - 1, sent - 1);
    }

    [Fact]
    public async Task A_slow_request_head_is_cut_off()
    {
        await using var server = Start(limits: new ViewerLimits { HeadTimeout = TimeSpan.FromSeconds(1) });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        var started = DateTime.UtcNow;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var rest = await new StreamReader(stream).ReadToEndAsync(timeout.Token);
        Assert.Equal("", rest);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_oversized_head_gets_400()
    {
        await using var server = Start();
        var (status, _) = await RawAsync(server.Port, "GET / HTTP/1.1\r\nX-Big: " + new string('a', 9000) + "\r\n\r\n");
        Assert.Equal(400, status);
        var many = string.Concat(Enumerable.Range(0, 120).Select(i => $"X-{i}: 1\r\n"));
        Assert.Equal(400, (await RawAsync(server.Port, "GET / HTTP/1.1\r\n" + many + "\r\n")).Status);
    }

    [Fact]
    public async Task A_slow_phone_never_makes_the_server_hold_more_than_the_newest_frame()
    {
        await using var server = Start();
        using var phone = await ClaimAsync(server);
        const int frames = 60;
        var jpeg = new byte[1024 * 1024];
        for (var i = 0; i < frames; i++)
        {
            server.Frame(new ScreenFrame(jpeg, 100, 100, 390, 700, i));
        }

        var received = 0;
        while (true)
        {
            var message = (await ReceiveAsync(phone))!.Value;
            received++;
            var length = BinaryPrimitives.ReadInt32BigEndian(message.Data);
            if (JsonDocument.Parse(message.Data.AsMemory(4, length)).RootElement.GetProperty("ts").GetDouble() == frames - 1)
            {
                break;
            }
        }

        Assert.InRange(received, 1, frames / 2);
        Assert.Equal(received, server.FramesSent);
    }

    [Fact]
    public async Task Finish_tells_the_phone_closes_the_session_and_stops_listening()
    {
        await using var server = Start();
        using var phone = await ClaimAsync(server);
        server.Finish("Signed in — the token is valid until 18:00; the bot restarts now.");
        var done = await ReceiveTextAsync(phone);
        Assert.Equal("done", done.GetProperty("t").GetString());
        Assert.StartsWith("Signed in", done.GetProperty("s").GetString());
        Assert.True(await ClosedByServerAsync(phone));
        await server.SessionOver.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, server.Port);
        });
    }

    [Fact]
    public async Task A_path_of_the_public_address_is_served_with_and_without_it()
    {
        await using var server = Start(settings: new RemoteSignInSettings { ListenAddress = "127.0.0.1:0", PublicUrl = "https://nas.example.com/oneflex" });
        Assert.Equal("/oneflex/", server.Link.PublicUrl.AbsolutePath);
        using var http = new HttpClient();
        Assert.Contains("<canvas", await http.GetStringAsync($"http://127.0.0.1:{server.Port}/oneflex/"));
        Assert.Contains("<canvas", await http.GetStringAsync($"http://127.0.0.1:{server.Port}/"));
        using var phone = await ClaimAsync(server);
        Assert.True(server.Claimed.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nas.local:8765")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("::1:8765")]
    [InlineData("[127.0.0.1]:8765")]
    [InlineData("[::1]")]
    [InlineData("http://127.0.0.1:8765")]
    public void Bad_listen_addresses_are_refused(string address)
    {
        var failure = Assert.Throws<OneFlexException>(() => Start(settings: new RemoteSignInSettings { ListenAddress = address }));
        Assert.Equal(ErrorIds.ListenAddressInvalid, failure.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, failure.Category);
    }

    [Fact]
    public void Listen_addresses_parse()
    {
        Assert.Equal(new ListenEndpoint(IPAddress.Loopback, 8765), ListenEndpoint.Parse("8765"));
        Assert.Equal(new ListenEndpoint(IPAddress.IPv6Loopback, 8765), ListenEndpoint.Parse("[::1]:8765"));
        Assert.Equal(new ListenEndpoint(IPAddress.Any, 80), ListenEndpoint.Parse("0.0.0.0:80"));
        Assert.Equal("http://[::1]:8765/", ListenEndpoint.Parse("[::1]:8765").DefaultPublicUrl(false, 8765, "nas"));
        Assert.Equal("https://nas:8765/", ListenEndpoint.Parse("0.0.0.0:8765").DefaultPublicUrl(true, 8765, "nas"));
    }

    [Fact]
    public async Task A_port_in_use_is_ListenAddressInUse()
    {
        await using var first = Start();
        var failure = Assert.Throws<OneFlexException>(() => Start(settings: new RemoteSignInSettings { ListenAddress = $"127.0.0.1:{first.Port}" }));
        Assert.Equal(ErrorIds.ListenAddressInUse, failure.ErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, failure.Category);
    }

    [Fact]
    public async Task Plain_http_on_the_network_is_refused_unless_allowed_and_then_warned_about()
    {
        var refused = Assert.Throws<OneFlexException>(() => Start(settings: new RemoteSignInSettings { ListenAddress = "0.0.0.0:0" }));
        Assert.Equal(ErrorIds.InsecureListenAddress, refused.ErrorId);
        Assert.Equal(ErrorCategory.SecurityError, refused.Category);

        var said = new List<string>();
        await using var server = Start(settings: new RemoteSignInSettings { ListenAddress = "0.0.0.0:0", AllowHttp = true }, said: said);
        Assert.Contains(said, s => s.Contains("unencrypted", StringComparison.Ordinal));
        Assert.Equal(Dns.GetHostName().ToLowerInvariant(), server.Link.PublicUrl.Host);
        Assert.Equal($"0.0.0.0:{server.Port} (http)", server.ListenDisplay);
        Assert.DoesNotContain(said, s => s.Contains(SecretOf(server), StringComparison.Ordinal));
    }

    private static X509Certificate2 TestCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task Https_with_a_pem_or_pfx_certificate(string kind)
    {
        using var certificate = TestCertificate();
        var folder = Directory.CreateTempSubdirectory("oneflex-cert-").FullName;
        try
        {
            var path = Path.Combine(folder, "viewer." + kind);
            if (kind == "pem")
            {
                await File.WriteAllTextAsync(path, certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            }
            else
            {
                await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12));
            }

            await using var server = Start(settings: new RemoteSignInSettings { ListenAddress = "127.0.0.1:0", CertificatePath = path });
            Assert.StartsWith("https://127.0.0.1:", server.Link.Link);
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert!.Thumbprint == certificate.Thumbprint };
            using var http = new HttpClient(handler);
            var page = await http.GetAsync($"https://127.0.0.1:{server.Port}/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

            using var phone = new ClientWebSocket();
            phone.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert!.GetCertHashString() == certificate.Thumbprint;
            phone.Options.SetRequestHeader("Origin", Origin(server));
            await phone.ConnectAsync(new Uri($"wss://127.0.0.1:{server.Port}/ws"), CancellationToken.None);
            await SendAsync(phone, new { t = "hello", secret = SecretOf(server), w = 390, h = 700 });
            await server.Claimed.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task Certificate_files_that_cannot_serve_https_are_refused_with_their_ids()
    {
        using var certificate = TestCertificate();
        var folder = Directory.CreateTempSubdirectory("oneflex-cert-").FullName;
        try
        {
            var noKey = Path.Combine(folder, "nokey.pem");
            await File.WriteAllTextAsync(noKey, certificate.ExportCertificatePem());
            var garbage = Path.Combine(folder, "garbage.pfx");
            await File.WriteAllBytesAsync(garbage, RandomNumberGenerator.GetBytes(2000));
            var huge = Path.Combine(folder, "huge.pem");
            await File.WriteAllBytesAsync(huge, new byte[ViewerCertificate.MaxFileBytes + 1]);
            var withPassword = Path.Combine(folder, "password.pfx");
            await File.WriteAllBytesAsync(withPassword, certificate.Export(X509ContentType.Pkcs12, "secret"));
            foreach (var (path, id, category) in new[]
            {
                (Path.Combine(folder, "missing.pem"), ErrorIds.CertificateNotFound, ErrorCategory.ObjectNotFound),
                (noKey, ErrorIds.CertificateHasNoKey, ErrorCategory.InvalidData),
                (garbage, ErrorIds.CertificateUnreadable, ErrorCategory.InvalidData),
                (huge, ErrorIds.CertificateUnreadable, ErrorCategory.InvalidData),
                (withPassword, ErrorIds.CertificateUnreadable, ErrorCategory.InvalidData),
                (folder, ErrorIds.CertificateUnreadable, ErrorCategory.InvalidData),
            })
            {
                var failure = Assert.Throws<OneFlexException>(() => Start(settings: new RemoteSignInSettings { ListenAddress = "127.0.0.1:0", CertificatePath = path }));
                Assert.Equal((id, category), (failure.ErrorId, failure.Category));
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Only_Windows_needs_the_key_stored_and_the_reimport_keeps_the_key()
    {
        var windows = new HostPlatform(OSKind.Windows, _ => null, @"C:\Users\me");
        var linux = new HostPlatform(OSKind.Linux, _ => null, "/home/me");
        Assert.True(windows.TlsNeedsStoredKey);
        Assert.False(linux.TlsNeedsStoredKey);
        Assert.False(new HostPlatform(OSKind.MacOS, _ => null, "/Users/me").TlsNeedsStoredKey);
        Assert.Equal(X509KeyStorageFlags.EphemeralKeySet, ViewerCertificate.PfxKeyStorage(linux));
        Assert.Equal(X509KeyStorageFlags.DefaultKeySet, ViewerCertificate.PfxKeyStorage(windows));

        using var certificate = TestCertificate();
        using var reimported = ViewerCertificate.ForTls(X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()), windows);
        Assert.True(reimported.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, reimported.Thumbprint);
    }
}

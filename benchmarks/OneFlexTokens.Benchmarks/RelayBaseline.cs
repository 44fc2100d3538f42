using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.SignIn;
using OneFlexTokens.TestSupport;

namespace OneFlexTokens.Benchmarks;

/// <summary>
/// The baseline for the phone figures: a minimal relay of the kind issue 19 gives for scale, in one Node script on
/// playwright-core (the driver's version, from npm, as <see cref="NodeBaseline"/>): one HTTP server that serves the
/// module's own viewer page (so the same scripted phone drives both, and the difference is the relay's), one hand-made
/// WebSocket, the CDP screencast of the page with the same Chromium, flags, scale and JPEG quality, every frame acked,
/// the newest frame sent when the socket is free, and taps, text and keys relayed with Playwright's mouse and keyboard.
/// It checks only that the secret is equal, keeps no state and saves nothing: once the app's page loads after the SSO's
/// it says "Signed in." and stops.
/// </summary>
public sealed class RelayBaseline : IAsyncDisposable
{
    private static readonly Regex LinkLine = new(@"^link (\S+)$", RegexOptions.CultureInvariant);
    private readonly Process _process;

    private RelayBaseline(Process process, string link)
    {
        _process = process;
        Link = link;
    }

    /// <summary>The link the phone opens: the page, with a secret in the fragment as the module's.</summary>
    public string Link { get; }

    public static string Prepare()
    {
        var folder = NodeBaseline.Prepare().Folder;
        File.WriteAllText(Path.Combine(folder, "relay.js"), Script);
        File.WriteAllText(Path.Combine(folder, "viewer.html"), ViewerPage.Html);
        return folder;
    }

    /// <summary>
    /// Starts the relay. <paramref name="coldStart"/>: the browser starts when the phone fetches the page (the scheduled
    /// case; Node and playwright-core are loaded already); otherwise it starts now and the link is given once the remote
    /// SSO page has loaded (the interactive case).
    /// </summary>
    public static async Task<RelayBaseline> StartAsync(string folder, string profile, string appUrl, string ssoOrigin, bool coldStart, TimeSpan bound)
    {
        var process = Exec.Start("node", new[]
        {
            Path.Combine(folder, "relay.js"), profile, appUrl, ssoOrigin, ScriptedPhone.ChromiumPath,
            JsonSerializer.Serialize(BrowserSignIn.LaunchArguments(Platform.HostPlatform.Current)), Path.Combine(folder, "viewer.html"),
            coldStart ? "cold" : "running", RemoteScreen.DeviceScaleFactor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RemoteScreen.JpegQuality.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RemoteScreen.DefaultWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), RemoteScreen.DefaultHeight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, folder);
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(bound);
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (LinkLine.Match(line) is { Success: true } m)
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new RelayBaseline(process, m.Groups[1].Value);
                }
            }

            await process.WaitForExitAsync(timeout.Token);
            lock (errors)
            {
                throw new InvalidOperationException("The relay baseline ended before giving its link: " + errors);
            }
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private const string Script = """
        'use strict';
        const { chromium } = require('playwright-core');
        const http = require('http');
        const crypto = require('crypto');
        const fs = require('fs');
        const [profile, appUrl, ssoOrigin, executablePath, argsJson, pagePath, mode, scaleText, qualityText, widthText, heightText] = process.argv.slice(2);
        const scale = Number(scaleText), quality = Number(qualityText);
        const html = fs.readFileSync(pagePath);
        const secret = crypto.randomBytes(32).toString('base64url');
        const appOrigin = new URL(appUrl).origin;

        let client = null, sending = false, pending = null, lastFrame = null, lastStatus = null, page = null, starting = null, inputs = Promise.resolve();

        // ---- the WebSocket, by hand: unfragmented frames, as a browser sends its small messages ----
        const wsSend = (socket, opcode, payload, done) => {
          const n = payload.length;
          const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255]) : Buffer.alloc(10);
          if (n >= 65536) { head[0] = 0x80 | opcode; head[1] = 127; head.writeBigUInt64BE(BigInt(n), 2); }
          socket.cork(); socket.write(head); socket.write(payload, done); socket.uncork();
        };
        const sendText = message => { if (client) wsSend(client, 1, Buffer.from(JSON.stringify(message))); };
        const pump = () => {
          if (!client || sending || !pending) return;
          const message = pending; pending = null; sending = true;
          wsSend(client, 2, message, () => { sending = false; pump(); });
        };
        const onMessage = text => {
          const m = JSON.parse(text);
          if (m.t === 'hello') {
            if (m.secret !== secret) { sendText({ t: 'refused', reason: 'wrong' }); return; }
            sendText({ t: 'session', resume: crypto.randomBytes(16).toString('base64url') });
            if (lastStatus) sendText(lastStatus);
            if (lastFrame) { pending = lastFrame; pump(); }
            inputs = inputs.then(async () => { const p = await starting; const v = p.viewportSize(); if (v.width !== m.w || v.height !== m.h) await p.setViewportSize({ width: m.w, height: m.h }); });
            return;
          }
          inputs = inputs.then(async () => {
            const p = await starting;
            switch (m.t) {
              case 'tap': {
                await p.mouse.click(m.x, m.y);
                const focus = await p.evaluate(() => { const e = document.activeElement; const editable = !!e && (e.isContentEditable || ['INPUT', 'TEXTAREA'].includes(e.tagName)); return { editable, type: editable && e.tagName === 'INPUT' ? e.type : null }; }).catch(() => ({ editable: false, type: null }));
                sendText({ t: 'focus', ...focus });
                break;
              }
              case 'text': await p.keyboard.insertText(m.s); break;
              case 'key': await p.keyboard.press(m.k); break;
              case 'scroll': await p.mouse.move(m.x, m.y); await p.mouse.wheel(m.dx, m.dy); break;
              case 'resize': await p.setViewportSize({ width: m.w, height: m.h }); break;
            }
          }).catch(() => { });
        };
        const accept = (request, socket) => {
          if (client) { socket.destroy(); return; }
          const key = crypto.createHash('sha1').update(request.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
          socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' + key + '\r\n\r\n');
          socket.setNoDelay(true);
          client = socket;
          let buffer = Buffer.alloc(0);
          socket.on('data', chunk => {
            buffer = Buffer.concat([buffer, chunk]);
            while (buffer.length >= 6) {
              let length = buffer[1] & 127, offset = 2;
              if (length === 126) { length = buffer.readUInt16BE(2); offset = 4; } else if (length === 127) { length = Number(buffer.readBigUInt64BE(2)); offset = 10; }
              if (buffer.length < offset + 4 + length) return;
              const mask = buffer.subarray(offset, offset + 4), payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
              for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
              const opcode = buffer[0] & 15;
              buffer = buffer.subarray(offset + 4 + length);
              if (opcode === 1) onMessage(payload.toString());
              else if (opcode === 8) socket.end();
            }
          });
          socket.on('error', () => { });
          socket.on('close', () => { if (client === socket) client = null; });
        };

        // ---- the browser: the module's Chromium and flags, its first page streamed ----
        const status = (what, url) => { const origin = new URL(url).origin; if (origin === 'null') return; lastStatus = { t: 'status', s: what + ' ' + origin }; sendText(lastStatus); };
        const start = async () => {
          const context = await chromium.launchPersistentContext(profile, {
            headless: true, executablePath, args: [...JSON.parse(argsJson), '--force-device-scale-factor=' + scaleText], ignoreDefaultArgs: ['--enable-automation'],
            chromiumSandbox: false, acceptDownloads: false, viewport: { width: Number(widthText), height: Number(heightText) }, deviceScaleFactor: scale,
          });
          const p = context.pages()[0] || await context.newPage();
          const cdp = await context.newCDPSession(p);
          cdp.on('Page.screencastFrame', frame => {
            cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => { });
            if (p.url() === 'about:blank') return;
            const m = frame.metadata;
            const header = Buffer.from(JSON.stringify({ w: Math.round(m.deviceWidth * scale), h: Math.round(m.deviceHeight * scale), cw: m.deviceWidth, ch: m.deviceHeight, ts: m.timestamp * 1000 }));
            const jpeg = Buffer.from(frame.data, 'base64');
            const message = Buffer.alloc(4 + header.length + jpeg.length);
            message.writeUInt32BE(header.length, 0); header.copy(message, 4); jpeg.copy(message, 4 + header.length);
            lastFrame = message; pending = message; pump();
          });
          p.on('request', r => { if (r.isNavigationRequest() && r.frame() === p.mainFrame()) status('Loading', r.url()); });
          p.on('load', () => {
            status('Showing', p.url());
            const origin = new URL(p.url()).origin;
            if (origin === ssoOrigin) { sawSso = true; if (!announced) { announced = true; console.log('link ' + link); } }
            else if (origin === appOrigin && sawSso) { sendText({ t: 'done', s: 'Signed in.' }); setTimeout(() => process.exit(0), 200); }
          });
          await cdp.send('Page.startScreencast', { format: 'jpeg', quality, everyNthFrame: 1 });
          p.goto(appUrl, { waitUntil: 'commit', timeout: 0 }).catch(() => { });
          return p;
        };

        let link = null, announced = false, sawSso = false;
        const server = http.createServer((request, response) => {
          if (!starting) starting = start();
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          response.end(html);
        });
        server.on('upgrade', (request, socket) => { if (new URL(request.url, 'http://x').pathname === '/ws') accept(request, socket); else socket.destroy(); });
        server.listen(0, '127.0.0.1', () => {
          link = 'http://127.0.0.1:' + server.address().port + '/#' + secret;
          if (mode === 'running') starting = start(); else { announced = true; console.log('link ' + link); }
        });
        """;
}

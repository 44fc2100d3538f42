using System.Text.Json;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.Benchmarks;

/// <summary>
/// The baseline for a headless renewal: a minimal Node script on playwright-core (the version the module's driver
/// carries, installed from npm under the temp folder, no browser download) doing what the module does: the same
/// Chromium and flags, the persistent profile, the kept SSO session restored, old token cookies dropped, the
/// sign-in-form guard, one navigation, cookies read on every response, the session kept, the browser closed.
/// </summary>
public sealed class NodeBaseline
{
    private readonly string _folder;

    private NodeBaseline(string folder) => _folder = folder;

    /// <summary>Where playwright-core is installed (its node_modules), for the other Node baselines.</summary>
    public string Folder => _folder;

    public static NodeBaseline Prepare()
    {
        var version = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.ModuleDirectory, ".playwright", "package", "package.json")))
            .RootElement.GetProperty("version").GetString()!;
        var folder = Path.Combine(Path.GetTempPath(), "oneflex-bench-node", version);
        Directory.CreateDirectory(folder);
        var installed = Path.Combine(folder, "node_modules", "playwright-core", "package.json");
        if (!File.Exists(installed) || JsonDocument.Parse(File.ReadAllText(installed)).RootElement.GetProperty("version").GetString() != version)
        {
            File.WriteAllText(Path.Combine(folder, "package.json"), "{\"private\":true}");
            Exec.Run("npm", new[] { "install", "--no-audit", "--no-fund", "--silent", "playwright-core@" + version }, new Dictionary<string, string?> { ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1" }, folder, TimeSpan.FromMinutes(5));
        }

        File.WriteAllText(Path.Combine(folder, "renew.js"), Script);
        return new NodeBaseline(folder);
    }

    /// <summary>Runs the script once; returns the whole node process's time in ms.</summary>
    public double Run(string profile, string appUrl, string executablePath, IReadOnlyList<string> args)
    {
        var appOrigin = new Uri(appUrl).GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        var guard = Path.Combine(_folder, "guard.js");
        File.WriteAllText(guard, SignInWatch.FormGuardScript(appOrigin));
        var (stdout, ms) = Exec.Run("node", new[] { Path.Combine(_folder, "renew.js"), profile, appUrl, executablePath, JsonSerializer.Serialize(args), guard }, workingDirectory: _folder);
        if (!stdout.Contains("tokens", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The node baseline did not get the tokens: " + stdout);
        }

        LastPhases = stdout.Trim().Split('\n').Last() + $", process ended after {ms:0} ms";

        return ms;
    }

    /// <summary>The phases of the last run, as the script saw them (ms since the script started).</summary>
    public string LastPhases { get; private set; } = "";

    private const string Script = """
        const started = Date.now();
        const phases = [];
        const mark = name => phases.push(`${name} after ${Date.now() - started} ms`);
        const { chromium } = require('playwright-core');
        mark('playwright-core loaded');
        const fs = require('fs');
        const path = require('path');

        (async () => {
          const [profile, appUrl, executablePath, argsJson, guardFile] = process.argv.slice(2);
          const context = await chromium.launchPersistentContext(profile, {
            headless: true, executablePath, args: JSON.parse(argsJson), ignoreDefaultArgs: ['--enable-automation'],
            chromiumSandbox: false, acceptDownloads: false, timeout: 60000,
          });
          mark('browser ready');
          try {
            const stateFile = path.join(profile, 'oneflex-session.json');
            const now = Date.now() / 1000;
            let saved = [];
            try { saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')); } catch { }
            for (const c of saved.filter(c => c.Name && c.Domain && (c.Expires < 0 || c.Expires > now))) {
              try {
                await context.addCookies([{
                  name: c.Name, value: c.Value, domain: c.Domain, path: c.Path || '/', expires: c.Expires < 0 ? undefined : c.Expires,
                  httpOnly: c.HttpOnly, secure: c.Secure, sameSite: c.SameSite === 'Strict' ? 'Strict' : c.SameSite === 'None' ? 'None' : 'Lax',
                }]);
              } catch { }
            }
            const isToken = c => c.name === 'access_token' || c.name === 'refresh_token';
            for (const c of (await context.cookies([appUrl])).filter(isToken)) {
              await context.clearCookies({ name: c.name, domain: c.domain, path: c.path });
            }

            let resolve, reject;
            const outcome = new Promise((res, rej) => { resolve = res; reject = rej; });
            await context.exposeFunction('__oneflexTokensSignInForm', origin => reject(new Error('interactive login required at ' + origin)));
            await context.addInitScript({ content: fs.readFileSync(guardFile, 'utf8') });

            let running = false, again = false, done = false;
            const check = async () => {
              again = true;
              if (running || done) return;
              running = true;
              try {
                while (again && !done) {
                  again = false;
                  const cookies = await context.cookies([appUrl]);
                  const access = cookies.find(c => c.name === 'access_token' && c.value);
                  const refresh = cookies.find(c => c.name === 'refresh_token' && c.value);
                  if (access && refresh) { done = true; resolve(); }
                }
              } catch { } finally { running = false; if (again && !done) check(); }
            };
            context.on('response', check);
            context.on('requestfinished', check);
            context.on('request', check);
            const page = context.pages()[0] || await context.newPage();
            page.on('load', check);
            page.on('framenavigated', frame => { if (!frame.parentFrame()) check(); });
            page.goto(appUrl, { waitUntil: 'commit', timeout: 0 }).catch(() => { });
            await outcome;
            mark('tokens');

            const appKeys = new Set((await context.cookies([appUrl])).map(c => `${c.name}|${c.domain}|${c.path}`));
            const session = (await context.cookies()).filter(c => !appKeys.has(`${c.name}|${c.domain}|${c.path}`)).map(c => ({
              Name: c.name, Value: c.value, Domain: c.domain, Path: c.path, Expires: c.expires, HttpOnly: c.httpOnly, Secure: c.secure, SameSite: c.sameSite,
            }));
            const temp = path.join(profile, `.oneflex-session.json.${process.pid}.tmp`);
            fs.writeFileSync(temp, JSON.stringify(session), { mode: 0o600 });
            fs.renameSync(temp, stateFile);
          } finally {
            await context.close();
          }
          mark('browser closed');
          console.log('tokens');
          console.log(phases.join(', '));
        })().catch(e => { console.error(e.message); process.exit(1); });
        """;
}

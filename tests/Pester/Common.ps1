# Shared set-up for the Pester 5 files: the laid-out module, the standalone simulator, the real parts (Xvfb, a private
# Docker engine) through tests/OneFlexTokens.Fixtures, the skip rule, and the captures for the secret checks.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$script:ModuleManifest = Join-Path $RepoRoot 'out' 'OneFlexTokens' 'OneFlexTokens.psd1'

function Import-OneFlexTokensForTest {
    if (-not (Test-Path -LiteralPath $script:ModuleManifest)) {
        throw "Build first: dotnet build $(Join-Path $script:RepoRoot 'OneFlexTokens.sln')"
    }
    Import-Module $script:ModuleManifest -Force
}

# The pwsh a user's script would start: the one in $PSHOME (a .NET tool's pwsh runs as 'dotnet', so the current
# process's path is no answer), else the first on PATH.
function Get-PwshPath {
    $name = if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }
    $inHome = Join-Path $PSHOME $name
    if (Test-Path -LiteralPath $inHome) { return $inHome }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}

# Runs a script file in a fresh pwsh with only the environment given (as cron or a new login would), optionally as
# another account; returns its exit code and output. A run that outlives its bound is killed with its children.
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $File,
        [string[]] $Arguments = @(),
        [Parameter(Mandatory)] [hashtable] $Environment,
        [string] $Pwsh = (Get-PwshPath),
        [int] $UserId = -1,
        [int] $GroupId = -1,
        [TimeSpan] $Bound = [TimeSpan]::FromMinutes(4)
    )
    $null = $PSBoundParameters.Remove('Bound')
    Wait-FreshPwsh (Start-FreshPwsh @PSBoundParameters) -Bound $Bound
}

# Starts a script file in a fresh pwsh as Invoke-FreshPwsh does, without waiting for it: for what a test does while it
# runs, as a user would (open the link it prints). Read-FreshPwshLine reads its output as it comes; Wait-FreshPwsh ends it.
function Start-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $File,
        [string[]] $Arguments = @(),
        [Parameter(Mandatory)] [hashtable] $Environment,
        [string] $Pwsh = (Get-PwshPath),
        [int] $UserId = -1,
        [int] $GroupId = -1
    )
    $pwshArguments = @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments
    $start = if ($UserId -ge 0) {
        $info = [Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in @("--reuid=$UserId", "--regid=$GroupId", '--clear-groups', '--', $Pwsh) + $pwshArguments) { $info.ArgumentList.Add($a) }
        $info
    }
    else {
        $info = [Diagnostics.ProcessStartInfo]::new($Pwsh)
        foreach ($a in $pwshArguments) { $info.ArgumentList.Add($a) }
        $info
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.WorkingDirectory = $Environment.HOME
    $start.Environment.Clear()
    foreach ($name in $Environment.Keys) { $start.Environment[$name] = [string] $Environment[$name] }
    $process = [Diagnostics.Process]::Start($start)
    [pscustomobject]@{ File = $File; Process = $process; Lines = [Collections.Generic.List[string]]::new(); Errors = $process.StandardError.ReadToEndAsync() }
}

# The first line of a started fresh pwsh's output that matches $Pattern, read as it comes (the lines before it are kept
# for Wait-FreshPwsh). A run that ends or outlives $Bound without one is killed with its children, and this throws.
function Read-FreshPwshLine($Run, [Parameter(Mandatory)] [regex] $Pattern, [TimeSpan] $Bound = [TimeSpan]::FromMinutes(2)) {
    $deadline = [DateTime]::UtcNow + $Bound
    while ($true) {
        $read = $Run.Process.StandardOutput.ReadLineAsync()
        $left = $deadline - [DateTime]::UtcNow
        if ($left -le [TimeSpan]::Zero -or -not $read.Wait($left)) {
            $Run.Process.Kill($true)
            throw "$($Run.File) printed no line matching $Pattern within $Bound. Output so far: $($Run.Lines -join "`n") $($Run.Errors.Result)"
        }
        if ($null -eq $read.Result) {
            throw "$($Run.File) ended without printing a line matching $Pattern. Output: $($Run.Lines -join "`n") $($Run.Errors.Result)"
        }
        $Run.Lines.Add($read.Result)
        if ($read.Result -match $Pattern) { return $read.Result }
    }
}

# Waits for a started fresh pwsh to end; returns its exit code and all its output. A run that outlives its bound is killed with its children.
function Wait-FreshPwsh($Run, [TimeSpan] $Bound = [TimeSpan]::FromMinutes(4)) {
    $process = $Run.Process
    $read = ($Run.Lines | ForEach-Object { "$_`n" }) -join ''
    $stdout = $process.StandardOutput.ReadToEndAsync()
    if (-not $process.WaitForExit([int] $Bound.TotalMilliseconds)) {
        $process.Kill($true)
        throw "$($Run.File) did not end within $Bound. Output so far: $read$($stdout.Result) $($Run.Errors.Result)"
    }
    $process.WaitForExit()
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $read + $stdout.Result + $Run.Errors.Result }
}

# The environment of a new login or a cron job for Invoke-FreshPwsh: HOME, a minimal PATH, and what -More adds.
function New-CleanEnvironment([string] $HomeFolder, [hashtable] $More = @{}) {
    $environment = @{
        HOME                        = $HomeFolder
        PATH                        = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        LANG                        = 'C.UTF-8'
        POWERSHELL_TELEMETRY_OPTOUT = '1'
        POWERSHELL_UPDATECHECK      = 'Off'
    }
    if ($env:DOTNET_ROOT) { $environment.DOTNET_ROOT = $env:DOTNET_ROOT }
    foreach ($name in $More.Keys) { $environment[$name] = $More[$name] }
    $environment
}

# The newest build of a project under tests/ (dotnet build OneFlexTokens.sln builds them all).
function Get-BuiltAssembly([string] $Project) {
    $dll = Get-ChildItem -Path (Join-Path $script:RepoRoot 'tests' $Project 'bin') -Recurse -Filter "$Project.dll" -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $dll) { throw "Build first: dotnet build $(Join-Path $script:RepoRoot 'OneFlexTokens.sln')" }
    $dll.FullName
}

function Start-OneFlexSimulator {
    param([string[]] $Arguments = @())
    $log = New-TemporaryFile
    # The built simulator itself, not 'dotnet run', so that stopping this process stops the simulator.
    $process = Start-Process -FilePath 'dotnet' -PassThru -RedirectStandardOutput $log -ArgumentList (@(Get-BuiltAssembly 'OneFlex.Simulator') + $Arguments)
    $deadline = [DateTime]::UtcNow.AddMinutes(2)
    while ([DateTime]::UtcNow -lt $deadline) {
        $lines = Get-Content -LiteralPath $log -ErrorAction SilentlyContinue
        $app = $lines | Where-Object { $_ -like 'App: *' } | Select-Object -First 1
        $sso = $lines | Where-Object { $_ -like 'SSO: *' } | Select-Object -First 1
        if ($app -and $sso) {
            return [pscustomobject]@{ Process = $process; AppUrl = $app.Substring(5); SsoUrl = $sso.Substring(5) }
        }
        if ($process.HasExited) { throw "The simulator exited: $(Get-Content -Raw -LiteralPath $log)" }
        Start-Sleep -Milliseconds 200
    }
    $process | Stop-Process -Force
    throw 'The simulator did not print its URLs within 2 minutes.'
}

# Real parts (an Xvfb display, a private Docker engine, a scripted phone) from tests/OneFlexTokens.Fixtures, the C#
# fixtures the xunit tests and the demo use. Returns its ready line: Display (Linux only: elsewhere there is a desktop),
# XvfbMissing, DockerHost, DockerMissing, PhoneMissing (a reason when a part is missing here). Stop it with
# Stop-TestFixture: it then removes its containers and stops dockerd and Xvfb.
function Start-TestFixture {
    param([Parameter(Mandatory)] [ValidateSet('xvfb', 'docker', 'phone')] [string[]] $Part)
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $start.ArgumentList.Add((Get-BuiltAssembly 'OneFlexTokens.Fixtures'))
    foreach ($name in $Part) { $start.ArgumentList.Add($name) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([TimeSpan]::FromMinutes(2)) -or -not $line.Result) {
        $process.Kill($true)
        throw "The test fixture ($($Part -join ', ')) did not get ready within 2 minutes."
    }
    $ready = $line.Result | ConvertFrom-Json
    $ready | Add-Member -NotePropertyName Process -NotePropertyValue $process -PassThru
}

# One request to the fixture (see tests/OneFlexTokens.Fixtures/Program.cs): CreateBot, StartedAt, Stop, WaitForLog, SignIn.
function Invoke-TestFixture($Fixture, [hashtable] $Request) {
    $Fixture.Process.StandardInput.WriteLine(($Request | ConvertTo-Json -Compress))
    $answer = $Fixture.Process.StandardOutput.ReadLine() | ConvertFrom-Json
    if (-not $answer -or $answer.Error) { throw "The test fixture answered $($Request.Command) with: $($answer.Error)" }
    $answer
}

function Stop-TestFixture($Fixture) {
    if (-not $Fixture) { return }
    $Fixture.Process.StandardInput.Close()
    if (-not $Fixture.Process.WaitForExit([TimeSpan]::FromMinutes(1))) {
        $Fixture.Process.Kill($true)
        throw 'The test fixture did not stop within a minute after its input closed; it was killed.'
    }
    if ($Fixture.Process.ExitCode -ne 0) { throw "The test fixture failed to clean up (exit $($Fixture.Process.ExitCode))." }
}

# The browser the module's own discovery picks (BrowserLocator.Locate), or its error (import the module first).
function Find-ModuleBrowser {
    # Internal types: reached by reflection, as PowerShell names only the module's public surface.
    $assembly = [OneFlexTokens.Commands.GetOneFlexTokenCommand].Assembly
    $platform = $assembly.GetType('OneFlexTokens.Platform.HostPlatform', $true).GetProperty('Current').GetValue($null)
    $locator = [Activator]::CreateInstance($assembly.GetType('OneFlexTokens.SignIn.BrowserLocator', $true), [object[]] @($platform, $null))
    $locator.GetType().GetMethod('Locate').Invoke($locator, [object[]] @([OneFlexTokens.SignIn.BrowserKind]::Auto, $null))
}

# Why no browser can sign in here, or $null.
function Get-BrowserMissingReason {
    try { $null = Find-ModuleBrowser; $null }
    catch {
        $failure = $_.Exception
        while ($failure.InnerException) { $failure = $failure.InnerException }
        "No browser to sign in with: $($failure.Message)"
    }
}

# The browser's executable, or $null when there is none.
function Get-BrowserPath {
    try { (Find-ModuleBrowser).ExecutablePath }
    catch { $null }
}

# The one skip rule: a test whose real part (browser, Xvfb, Docker engine) is missing here is skipped with the
# reason, except with CI=true, where it fails instead. Call it first thing in the It block.
function Assert-RealPart([string[]] $MissingReason) {
    $reasons = @($MissingReason | Where-Object { $_ })
    if ($reasons.Count -eq 0) { return }
    if ($env:CI -eq 'true') { throw "CI=true and a required part is missing: $($reasons -join ' ')" }
    Set-ItResult -Skipped -Because ($reasons -join ' ')
}

# Runs a script in a fresh runspace of this pwsh, with the module imported and every stream on (verbose, debug,
# information), and returns its Output objects, its Errors, its Information and Progress records, and Text: all that a
# user could see (the output formatted, errors, warnings, verbose, debug, information and progress records), for the secret checks.
function Invoke-Captured([scriptblock] $Script, [hashtable] $Parameters = @{}, [string] $Location = $PWD.ProviderPath) {
    $shell = [powershell]::Create()
    try {
        $null = $shell.AddScript("Import-Module '$($script:ModuleManifest)'; Set-Location -LiteralPath '$Location'; " +
            "`$VerbosePreference = `$DebugPreference = `$InformationPreference = 'Continue'").AddStatement().AddScript($Script.ToString()).AddParameters($Parameters)
        $output = $shell.Invoke()
        $streams = $shell.Streams
        $text = @(
            $output | Out-String -Width 4096
            $streams.Error | ForEach-Object { $_ | Out-String -Width 4096; $_.Exception.ToString() }
            $streams.Warning, $streams.Verbose, $streams.Debug | ForEach-Object { $_ } | ForEach-Object Message
            $streams.Information | ForEach-Object { "$($_.MessageData)" }
            $streams.Progress | ForEach-Object { $_.Activity; $_.StatusDescription; $_.CurrentOperation }
        ) -join "`n"
        [pscustomobject]@{ Output = $output; Errors = @($streams.Error); Information = @($streams.Information); Progress = @($streams.Progress); Text = $text }
    }
    finally {
        $shell.Dispose()
    }
}

# A bot folder as users have one: .env and config/.env (the same bytes) with the tokens among the bot's other
# settings (French comments, quotes, export). Returns the file text.
function New-BotFolder([string] $Path, [string] $AccessToken, [string] $RefreshToken = '00000000000000000000') {
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $Path 'config')
    $content = @(
        '# Configuration du bot OneFlex — réservation automatique des bureaux'
        "ONEFLEX_TOKEN=$AccessToken"
        "ONEFLEX_REFRESH_TOKEN=$RefreshToken"
        ''
        '# Bureaux préférés (étage 3, près de la fenêtre)'
        'DESK_IDS=3-014,3-015'
        'BOOKING_DAYS="lundi,mardi,jeudi"'
        "export SMTP_FROM='bot@example.com'  # expéditeur des alertes"
        ''
    ) -join "`n"
    foreach ($file in (Join-Path $Path '.env'), (Join-Path $Path 'config' '.env')) {
        [IO.File]::WriteAllText($file, $content)
    }
    $content
}

# The value of a key in a .env file (the last KEY=value line, quotes and 'export ' removed).
function Get-EnvValue([string] $Path, [string] $Key) {
    $line = Get-Content -LiteralPath $Path | Where-Object { $_ -match "^\s*(export\s+)?$Key\s*=" } | Select-Object -Last 1
    if ($line -match '=\s*[''"]?([^''"\s#]*)') { $Matches[1] }
}

# Fails when any of the secrets appears in the text; never shows the secret itself.
function Assert-NoSecret([string] $Text, [string[]] $Secret) {
    foreach ($value in $Secret | Where-Object { $_ }) {
        if ($Text.Contains($value)) {
            throw "A secret ($($value.Length) characters) appears in the captured text."
        }
    }
}

function New-TestJwt {
    param([datetimeoffset] $ExpiresAt, [datetimeoffset] $NotBefore = [datetimeoffset]::UtcNow)
    $encode = { param($text) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($text)).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    $payload = '{{"sub":"user-1","email":"jane.doe@example.com","nbf":{0},"exp":{1}}}' -f $NotBefore.ToUnixTimeSeconds(), $ExpiresAt.ToUnixTimeSeconds()
    '{0}.{1}.{2}' -f (& $encode '{"alg":"HS256","typ":"JWT"}'), (& $encode $payload), (& $encode 'signature')
}

# A webhook on 127.0.0.1 in its own runspace: records each body in $receiver.Received and answers with the statuses
# queued in $receiver.Answers (then 204). Stop it with Stop-WebhookReceiver.
function Start-WebhookReceiver {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $listener = [System.Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $received = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
    $answers = [System.Collections.Concurrent.ConcurrentQueue[int]]::new()
    $worker = [powershell]::Create()
    $null = $worker.AddScript({
        param($listener, $received, $answers)
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $reader = [System.IO.StreamReader]::new($context.Request.InputStream)
            $null = $received.Add($reader.ReadToEnd())
            $status = 0
            if (-not $answers.TryDequeue([ref] $status)) { $status = 204 }
            $context.Response.StatusCode = $status
            if ($status -eq 429) { $context.Response.Headers.Add('Retry-After', '1') }
            $context.Response.Close()
        }
    }).AddArgument($listener).AddArgument($received).AddArgument($answers)
    $handle = $worker.BeginInvoke()
    [pscustomobject]@{
        Url      = "http://127.0.0.1:$port/api/webhooks/42/pester-webhook-secret"
        Received = $received
        Answers  = $answers
        Listener = $listener
        Worker   = $worker
        Handle   = $handle
    }
}

function Stop-WebhookReceiver($Receiver) {
    $Receiver.Listener.Stop()
    $Receiver.Listener.Close()
    $null = $Receiver.Handle.AsyncWaitHandle.WaitOne(5000)
    $Receiver.Worker.Dispose()
}

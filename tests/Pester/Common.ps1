# Shared set-up for the Pester 5 files: imports the laid-out module and starts the standalone simulator.
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

# A display for a headed browser: the session's own (Windows, macOS, a Linux desktop), else an Xvfb of its own
# (-displayfd makes Xvfb pick a free display and print its number). $null when Linux has neither. Stop it with
# Stop-TestDisplay.
function Start-TestDisplay {
    if (-not $IsLinux -or $env:DISPLAY -or $env:WAYLAND_DISPLAY) {
        return [pscustomobject]@{ Process = $null; Display = $env:DISPLAY }
    }
    if (-not (Get-Command Xvfb -CommandType Application -ErrorAction SilentlyContinue)) { return $null }
    $info = [Diagnostics.ProcessStartInfo]::new('Xvfb')
    foreach ($a in '-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp') { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($info)
    $null = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000) -or $line.Result -notmatch '^\d+$') {
        $process.Kill()
        throw 'Xvfb did not report a display within 15 seconds.'
    }
    [pscustomobject]@{ Process = $process; Display = ":$($line.Result)" }
}

function Stop-TestDisplay($TestDisplay) {
    if ($TestDisplay.Process -and -not $TestDisplay.Process.HasExited) {
        $TestDisplay.Process.Kill()
        $null = $TestDisplay.Process.WaitForExit(5000)
    }
}

function Start-OneFlexSimulator {
    param([string[]] $Arguments = @())
    $log = New-TemporaryFile
    # The built simulator itself, not 'dotnet run', so that stopping this process stops the simulator.
    $dll = Get-ChildItem -Path (Join-Path $script:RepoRoot 'tests' 'OneFlex.Simulator' 'bin') -Recurse -Filter 'OneFlex.Simulator.dll' |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $dll) { throw "Build first: dotnet build $(Join-Path $script:RepoRoot 'OneFlexTokens.sln')" }
    $process = Start-Process -FilePath 'dotnet' -PassThru -RedirectStandardOutput $log -ArgumentList (@($dll.FullName) + $Arguments)
    $deadline = [DateTime]::UtcNow.AddMinutes(2)
    while ([DateTime]::UtcNow -lt $deadline) {
        $lines = Get-Content -LiteralPath $log -ErrorAction SilentlyContinue
        $app = $lines | Where-Object { $_ -like 'App: *' } | Select-Object -First 1
        if ($app) {
            return [pscustomobject]@{ Process = $process; AppUrl = $app.Substring(5) }
        }
        if ($process.HasExited) { throw "The simulator exited: $(Get-Content -Raw -LiteralPath $log)" }
        Start-Sleep -Milliseconds 200
    }
    $process | Stop-Process -Force
    throw 'The simulator did not print its URLs within 2 minutes.'
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

# Shared set-up for the Pester 5 files: imports the laid-out module and starts the standalone simulator.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$script:ModuleManifest = Join-Path $RepoRoot 'out' 'OneFlexTokens' 'OneFlexTokens.psd1'

function Import-OneFlexTokensForTest {
    if (-not (Test-Path -LiteralPath $script:ModuleManifest)) {
        throw "Build first: dotnet build $(Join-Path $script:RepoRoot 'OneFlexTokens.sln')"
    }
    Import-Module $script:ModuleManifest -Force
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

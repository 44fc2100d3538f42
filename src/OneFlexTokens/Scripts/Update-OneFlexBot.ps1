<#
.SYNOPSIS
Renews the OneFlex bot's tokens when they are due: the script to schedule (Windows Task Scheduler, cron, Synology).
.DESCRIPTION
Run it every 10 minutes. It imports the module it ships in and runs Invoke-OneFlexRenewal, which decides and does
everything (Get-Help Invoke-OneFlexRenewal -Full): the lock, the due check (nothing due: one log line, no browser),
the refresh grant then a headless browser, saving .env and config/.env, restarting the bot, the log and the alerts.
The script prints one summary line and exits with the run's exit code: 0 renewed or nothing due; 2 a human must sign
in again (the SSO session has ended; the log, the alert and the summary give the command to run); 1 anything else.
When even the module cannot run (a damaged install), it still exits 1 and appends one line saying why to the log.
.PARAMETER BotFolder
The bot's folder: .env and config/.env are there.
.PARAMETER MinimumValidity
Renew when the token has less than this left: the interval between runs, so that it outlasts the next run. Default: 10 minutes.
.PARAMETER BaseUrl
The OneFlex address. Default: ONEFLEX_BASE_URL, else https://oneflex.myworldline.com.
.PARAMETER ProfilePath
The browser profile holding the SSO session of the last interactive sign-in. Default: Get-OneFlexToken's default.
.PARAMETER NoBrowser
Never start a browser: renew with the refresh grant only (a NAS without Chromium). When the service refuses the
refresh token, the run exits 2 (RefreshTokenRejected) and alerts: a human must sign in again.
.PARAMETER DockerHost
The Docker engine running the bot. Default: DOCKER_HOST, else the local engine.
.PARAMETER BotName
The bot's container name. Default: oneflex-bot.
.PARAMETER ProjectDirectory
Restart the containers of the Compose project in this folder instead of -BotName.
.PARAMETER StatePath
Folder for the lock and the alert state. Default: .oneflextokens in -BotFolder.
.PARAMETER LogPath
The log file. Default: renewal.log in -StatePath.
.PARAMETER WebhookUrl
Discord or Slack webhook for alerts. Default: NOTIFICATION_WEBHOOK_URL from config/.env.
.PARAMETER LockTimeout
How long to wait for another run to finish: seconds or a TimeSpan. Default: 300 seconds.
.PARAMETER ModulePath
The OneFlexTokens module (folder or .psd1) to import instead of the one this script ships in.
.EXAMPLE
pwsh -NoProfile -NonInteractive -File (Join-Path (Get-Module OneFlexTokens -ListAvailable)[0].ModuleBase 'Scripts' 'Update-OneFlexBot.ps1') -BotFolder /volume1/docker/oneflex
#>
#Requires -Version 7.4
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $BotFolder,
    $MinimumValidity,
    [string] $BaseUrl,
    [string] $ProfilePath,
    [switch] $NoBrowser,
    [string] $DockerHost,
    [string] $BotName,
    [string] $ProjectDirectory,
    [string] $StatePath,
    [string] $LogPath,
    [string] $WebhookUrl,
    [Alias('LockTimeoutSeconds')] $LockTimeout,
    [string] $ModulePath
)

# Cheap when nothing is due, since this pwsh compiles each piece of PowerShell it uses on first use: the module's
# binary is imported directly (the manifest's processing and its display formats cost about a tenth of a bare pwsh
# start, and a script shows no objects; #Requires keeps the manifest's version rule); no cmdlet of another module (each
# would be loaded first), no loop, and the summary goes to the host, not through formatting.
$null = $PSBoundParameters.Remove('ModulePath')
$null = $PSBoundParameters.Remove('ErrorAction')
$null = $PSBoundParameters.Remove('WarningAction')
$null = $PSBoundParameters.Remove('ProgressAction')
try {
    Import-Module -Name $(if ($ModulePath) { $ModulePath } else { "$PSScriptRoot/../OneFlexTokens.dll" }) -ErrorAction Stop
    # The log has every warning and error; the summary line below says how the run ended.
    $result = Invoke-OneFlexRenewal @PSBoundParameters -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -ProgressAction SilentlyContinue
    if (-not $result) { throw 'Invoke-OneFlexRenewal returned no result.' }
    $Host.UI.WriteLine("$result")
    exit $result.ExitCode
}
catch {
    # The module could not run at all: one line in its log format, where the module would have written it.
    $errorId = ($_.FullyQualifiedErrorId -split ',')[0]
    $message = $_.Exception.Message -replace '\s+', ' '
    if (-not $LogPath) { $LogPath = Join-Path ($StatePath ? $StatePath : (Join-Path $BotFolder '.oneflextokens')) 'renewal.log' }
    try {
        $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $LogPath) -ErrorAction Stop
        Add-Content -LiteralPath $LogPath -Value ('{0} RESULT Failed exit=1 error={1} {2}' -f (Get-Date -Format 'yyyy-MM-ddTHH:mm:sszzz'), $errorId, $message) -ErrorAction Stop
    }
    catch { }
    $Host.UI.WriteLine("Failed (exit 1): $errorId`: $message")
    exit 1
}

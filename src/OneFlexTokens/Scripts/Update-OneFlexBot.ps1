<#
.SYNOPSIS
Renews the OneFlex bot's tokens when they are due: the script to schedule (Windows Task Scheduler, cron, Synology).
.DESCRIPTION
Run it every 10 minutes. Each run:
1. takes a lock in -StatePath, so overlapping runs wait for each other instead of writing the files together;
2. reads the token in the bot's config/.env: with more than -MinimumValidity left, it logs "nothing due" and exits 0
   without starting a browser;
3. otherwise gets new tokens (the refresh grant with the refresh token from config/.env, then, if the service refuses
   it, a headless browser on the SSO session saved in -ProfilePath), checks them, saves them to .env and config/.env
   and restarts the bot container.
Exit codes: 0 renewed or nothing due; 2 a human must sign in again (the SSO session has ended); 1 anything else.
Each run appends timestamped lines to -LogPath; no token is ever written there (only masked values and error ids).
On failure it posts one alert per problem with Send-OneFlexNotification (to -WebhookUrl, else NOTIFICATION_WEBHOOK_URL
from config/.env): the same problem on the next runs is only logged; a success clears it and says so once.
The script ships inside the module (its Scripts folder): it imports the module it sits in, unless -ModulePath names
another one.
.PARAMETER BotFolder
The bot's folder: .env and config/.env are there.
.PARAMETER MinimumValidity
Renew when the token has less than this left: the interval between runs, so that it outlasts the next run. Default: 10 minutes.
.PARAMETER BaseUrl
The OneFlex address. Default: the module's (ONEFLEX_BASE_URL, else https://oneflex.myworldline.com).
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
Folder for the lock and the last alerted problem. Default: .oneflextokens in -BotFolder.
.PARAMETER LogPath
The log file. Default: renewal.log in -StatePath.
.PARAMETER WebhookUrl
Discord or Slack webhook for alerts. Default: NOTIFICATION_WEBHOOK_URL from config/.env.
.PARAMETER LockTimeoutSeconds
How long to wait for another run to finish. Default: 300.
.PARAMETER ModulePath
The OneFlexTokens module (folder or .psd1) to import instead of the one this script ships in.
.EXAMPLE
pwsh -NoProfile -NonInteractive -File (Join-Path (Get-Module OneFlexTokens -ListAvailable)[0].ModuleBase 'Scripts' 'Update-OneFlexBot.ps1') -BotFolder /volume1/docker/oneflex
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $BotFolder,
    [TimeSpan] $MinimumValidity = '00:10:00',
    [string] $BaseUrl,
    [string] $ProfilePath,
    [switch] $NoBrowser,
    [string] $DockerHost,
    [string] $BotName = 'oneflex-bot',
    [string] $ProjectDirectory,
    [string] $StatePath,
    [string] $LogPath,
    [string] $WebhookUrl,
    [ValidateRange(1, 3600)] [int] $LockTimeoutSeconds = 300,
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$BotFolder = [IO.Path]::GetFullPath($BotFolder)
if (-not $StatePath) { $StatePath = Join-Path $BotFolder '.oneflextokens' }
if (-not $LogPath) { $LogPath = Join-Path $StatePath 'renewal.log' }
$null = New-Item -ItemType Directory -Force -Path $StatePath, (Split-Path -Parent $LogPath)
$configEnv = Join-Path $BotFolder 'config' '.env'
$envFiles = (Join-Path $BotFolder '.env'), $configEnv
$problemFile = Join-Path $StatePath 'last-alert.txt'

function Write-RenewalLog([string] $Level, [string] $Message) {
    $line = '{0} {1} {2}' -f (Get-Date -Format 'yyyy-MM-ddTHH:mm:ssK'), $Level.PadRight(5), $Message
    Add-Content -LiteralPath $LogPath -Value $line -Encoding utf8
    Write-Information $line
}

function Send-RenewalAlert([string] $Problem, [string] $Level, [string] $Title, [string] $Message) {
    $last = if (Test-Path -LiteralPath $problemFile) { (Get-Content -LiteralPath $problemFile -Raw).Trim() } else { '' }
    if ($last -eq $Problem) {
        Write-RenewalLog INFO "Already alerted about $Problem; no new alert."
        return
    }
    $target = if ($WebhookUrl) { @{ WebhookUrl = $WebhookUrl } } else { @{ EnvPath = $configEnv } }
    try {
        Send-OneFlexNotification @target -Level $Level -Title $Title -Message $Message -ErrorAction Stop
        if ($Problem) { Set-Content -LiteralPath $problemFile -Value $Problem -Encoding utf8 -NoNewline }
        else { Remove-Item -LiteralPath $problemFile -Force -ErrorAction SilentlyContinue }
        Write-RenewalLog INFO "Alert sent: $Title"
    }
    catch {
        Write-RenewalLog WARN "Alert not sent ($($_.FullyQualifiedErrorId)): $($_.Exception.Message)"
    }
}

function Open-RenewalLock {
    $lockFile = Join-Path $StatePath 'renewal.lock'
    $deadline = [DateTime]::UtcNow.AddSeconds($LockTimeoutSeconds)
    $waited = $false
    while ($true) {
        try {
            return [IO.File]::Open($lockFile, 'OpenOrCreate', 'ReadWrite', 'None')
        }
        catch [IO.IOException] {
            if ([DateTime]::UtcNow -ge $deadline) { return $null }
            if (-not $waited) { Write-RenewalLog INFO 'Another renewal is running; waiting for it.'; $waited = $true }
            Start-Sleep -Milliseconds 500
        }
    }
}

$exitCode = 1
$lock = $null
try {
    Import-Module $(if ($ModulePath) { $ModulePath } else { Join-Path $PSScriptRoot '..' 'OneFlexTokens.psd1' })

    $lock = Open-RenewalLock
    if (-not $lock) {
        throw [TimeoutException]::new("Another renewal held the lock in $StatePath for more than $LockTimeoutSeconds seconds.")
    }

    $status = Test-OneFlexToken -EnvPath $configEnv -MinimumValidity $MinimumValidity -Detailed
    if ($status.IsValid) {
        Write-RenewalLog INFO ('Nothing due: the token in config/.env is valid until {0:u} (more than {1} left).' -f $status.ExpiresAt, $MinimumValidity)
        $exitCode = 0
    }
    else {
        Write-RenewalLog INFO "Renewal due: $($status.Reason)."
        $signIn = if ($NoBrowser) { @{ EnvPath = $configEnv; NoBrowser = $true } } else { @{ EnvPath = $configEnv; Headless = $true } }
        if ($BaseUrl) { $signIn.BaseUrl = $BaseUrl }
        if ($ProfilePath -and -not $NoBrowser) { $signIn.ProfilePath = $ProfilePath }
        $restart = if ($ProjectDirectory) { @{ ProjectDirectory = $ProjectDirectory } } else { @{ Name = $BotName } }
        if ($DockerHost) { $restart.DockerHost = $DockerHost }

        $warnings = $null
        try {
            $token = Get-OneFlexToken @signIn -WarningVariable warnings -WarningAction SilentlyContinue | Test-OneFlexToken -PassThru
        }
        finally {
            foreach ($warning in $warnings) { Write-RenewalLog WARN $warning.Message }
        }
        Write-RenewalLog INFO ('New token {0} from {1}, valid until {2:u}.' -f $token.AccessTokenMasked, $token.Source, $token.ExpiresAt)
        foreach ($saved in ($token | Save-OneFlexEnv -Path $envFiles -PassThru)) {
            Write-RenewalLog INFO "Saved $saved"
        }
        foreach ($bot in ($token | Restart-OneFlexBot @restart)) {
            Write-RenewalLog INFO "Restarted container $($bot.Name): $($bot.State)."
        }
        $exitCode = 0
    }

    if ($exitCode -eq 0 -and (Test-Path -LiteralPath $problemFile)) {
        Send-RenewalAlert -Problem '' -Level Success -Title 'OneFlex bot tokens renewed again' -Message 'The previous problem is solved: the bot has a valid token.'
    }
}
catch {
    $errorId = ($_.FullyQualifiedErrorId -split ',')[0]
    if ($_.Exception -is [TimeoutException]) { $errorId = 'RenewalLockTimeout' }
    $exitCode = if ($errorId -in 'InteractiveLoginRequired', 'RefreshTokenRejected', 'NoDisplay') { 2 } else { 1 }
    Write-RenewalLog ERROR "$errorId (exit $exitCode): $($_.Exception.Message)"
    if ($exitCode -eq 2) {
        Send-RenewalAlert -Problem $errorId -Level Error -Title 'OneFlex bot: sign in again' -Message (
            "The bot's token could not be renewed unattended: the SSO session has ended ($errorId). " +
            "Sign in again: run Get-OneFlexToken interactively on a desktop with the same -ProfilePath " +
            "(Get-OneFlexToken | Save-OneFlexEnv -Path .env, config/.env), then the scheduled renewal carries on by itself. " +
            "Log: $LogPath")
    }
    else {
        Send-RenewalAlert -Problem $errorId -Level Error -Title 'OneFlex bot: token renewal failed' -Message (
            "$errorId on $([Environment]::MachineName): $($_.Exception.Message) The next scheduled run tries again. Log: $LogPath")
    }
}
finally {
    if ($lock) { $lock.Dispose() }
}

exit $exitCode

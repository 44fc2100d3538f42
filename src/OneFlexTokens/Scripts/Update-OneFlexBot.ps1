<#
.SYNOPSIS
Renews the OneFlex bot's tokens when they are due: the script to schedule (Windows Task Scheduler, cron, Synology).
.DESCRIPTION
Run it every 10 minutes. It runs the renewal of Invoke-OneFlexRenewal on the module it ships in (without importing
it, which keeps a nothing-due run cheap), with the same parameters and the same decisions (Get-Help
Invoke-OneFlexRenewal -Full): the lock, the due check (nothing due: one log line, no browser),
the refresh grant then a headless browser, saving .env and config/.env, restarting the bot, the log and the alerts.
The script prints one summary line and exits with the run's exit code: 0 renewed or nothing due; 2 a human must sign
in again (the SSO session has ended; the log, the alert and the summary give the command to run); 1 anything else.
When even the module cannot run (a damaged install), it still exits 1 and appends one line saying why to the log
(error ModuleNotLoadable), unless the log or its folder is a link, another account's or writable by others. Get-OneFlexRenewal -BotFolder <folder> shows the last runs.
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
Discord or Slack webhook for alerts. Default: the webhook.url Register-OneFlexRenewal saved in -StatePath, else NOTIFICATION_WEBHOOK_URL from config/.env.
.PARAMETER LockTimeout
How long to wait for another run to finish: seconds or a TimeSpan. Default: 300 seconds.
.PARAMETER RemoteSignIn
When a run needs a human (the SSO session has ended), it waits for a sign-in from a phone: the alert carries a one-time
link that opens this machine's headless browser on the phone; signing in there saves the tokens and restarts the bot.
Later runs end at once while it waits (exit 2, outcome SignInWaiting), without a browser or a second alert.
.PARAMETER ListenAddress
Where the waiting sign-in listens: host:port, [v6]:port or a port alone (loopback). Default: 127.0.0.1:8765. Needs -RemoteSignIn.
.PARAMETER PublicUrl
The address the phone opens (through Tailscale Serve or a reverse proxy, e.g. https://nas.example.ts.net/), without
user info, query or fragment. Default: derived from -ListenAddress. Needs -RemoteSignIn.
.PARAMETER CertificatePath
A PEM certificate with its key, or a PFX: the listener serves HTTPS itself. Needs -RemoteSignIn.
.PARAMETER LinkLifetime
How long the alert's link works: seconds or a TimeSpan, at most a day. Default: 12 hours. Needs -RemoteSignIn.
.PARAMETER AllowHttp
Allow plain http on an address other than loopback: the password typed on the phone would cross the network
unencrypted. Needs -RemoteSignIn.
.PARAMETER ModulePath
The OneFlexTokens module (folder or .psd1) to import instead of the one this script ships in.
.PARAMETER Check
Only check that a run could start: the module loads, the options are valid, the bot folder and config/.env can be
read and the state folder written. Renews, writes, locks and alerts nothing; exits 0 when ready, else 1 with the
reason on one line. Register-OneFlexRenewal runs the registered command with -Check before writing it.
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
    [switch] $RemoteSignIn,
    [string] $ListenAddress,
    [string] $PublicUrl,
    [string] $CertificatePath,
    $LinkLifetime,
    [switch] $AllowHttp,
    [string] $ModulePath,
    [switch] $Check
)

# Cheap when nothing is due: a fresh pwsh pays for each kind of PowerShell operation the first time it meets one, so
# this does as few as it can. It loads the module's binary without importing the module (no cmdlet discovery, format
# file or help) and makes one call (ScheduledRenewal.RunScript: the same options and run as Invoke-OneFlexRenewal, the
# summary line to the host, the exit code back). No cmdlet is used (each would load its module first). #Requires keeps
# the manifest's version rule.
try {
    # The binary sits above this script's folder, or in -ModulePath (the module's folder or its manifest).
    $binary = if (-not $ModulePath) { "$PSScriptRoot/../OneFlexTokens.dll" }
        else {
            $folder = [IO.Path]::GetFullPath($ModulePath, $PWD.ProviderPath)
            if (-not [IO.Directory]::Exists($folder)) { $folder = [IO.Path]::GetDirectoryName($folder) }
            [IO.Path]::Combine($folder, 'OneFlexTokens.dll')
        }
    try { $null = [Reflection.Assembly]::LoadFrom($binary) }
    catch {
        # -Check writes nothing, not even the fallback log line below.
        if (-not $Check) { throw }
        $Host.UI.WriteLine('NotReady (exit 1): ModuleNotLoadable: ' + ($_.Exception.GetBaseException().Message -replace '\s+', ' '))
        exit 1
    }
    exit [OneFlexTokens.Renewal.ScheduledRenewal]::RunScript($PSBoundParameters, $binary, $PWD, $Host)
}
catch {
    # The module could not run at all (a damaged install): one line in its log format, where the module would have written it,
    # under the module's trust rule (TrustedPath) with what PowerShell alone has: the log's folder and the log must be this
    # user's or root's, not writable by group or others, and not links; otherwise nothing is written there.
    $message = ($_.Exception.GetBaseException().Message -replace '\s+', ' ') + ' Reinstall the module (Install-PSResource OneFlexTokens -Reinstall) or give -ModulePath.'
    if (-not $LogPath) { $LogPath = Join-Path ($StatePath ? $StatePath : (Join-Path $BotFolder '.oneflextokens')) 'renewal.log' }
    function Get-Distrust([string] $path) {
        # Why $path must not be used, or nothing; a missing entry passes (it is created owner-only).
        $entry = Get-Item -Force -LiteralPath $path -ErrorAction Ignore
        if (-not $entry) { return }
        if ($entry.LinkType) { return "'$path' is a link" }
        if ($IsWindows) { return }
        $uid = $entry.UnixStat.UserId
        if ($entry.User -cne [Environment]::UserName -and $uid -ne 0) { return "'$path' is owned by uid $uid ($($entry.User)), not by you or root" }
        if ($entry.UnixStat.Mode -band 0x12) { return "its group or others may write '$path'" }
    }
    try {
        $LogPath = [IO.Path]::GetFullPath($LogPath, $PWD.ProviderPath)
        $folder = [IO.Path]::GetDirectoryName($LogPath)
        if ($why = Get-Distrust $folder) { throw $why }
        if (-not [IO.Directory]::Exists($folder)) {
            if ($IsWindows) { $null = [IO.Directory]::CreateDirectory($folder) }
            else { $null = [IO.Directory]::CreateDirectory($folder, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute') }
            if ($why = Get-Distrust $folder) { throw $why }
        }
        if ($why = Get-Distrust $LogPath) { throw $why }
        $options = [IO.FileStreamOptions]@{ Mode = 'Append'; Access = 'Write'; Share = 'ReadWrite, Delete' }
        if (-not $IsWindows) { $options.UnixCreateMode = [IO.UnixFileMode]'UserRead, UserWrite' }
        $log = [IO.StreamWriter]::new($LogPath, [Text.UTF8Encoding]::new($false), $options)
        try { $log.Write(('{0} RESULT Failed exit=1 error=ModuleNotLoadable {1}' -f (Get-Date -Format 'yyyy-MM-ddTHH:mm:sszzz'), $message) + "`n") }
        finally { $log.Dispose() }
    }
    catch { $message += " (Not logged: $($_.Exception.Message -replace '\s+', ' ').)" }
    $Host.UI.WriteLine("Failed (exit 1): ModuleNotLoadable: $message")
    exit 1
}

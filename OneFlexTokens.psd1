@{
    RootModule           = 'OneFlexTokens.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f1c3e-8d1a-4f57-9a43-2c6f0e7d9b14'
    Author               = 'OneFlexTokens contributors'
    CompanyName          = 'OneFlexTokens'
    Copyright            = '(c) OneFlexTokens contributors. MIT License.'
    Description          = 'Renews the OneFlex desk-booking bot tokens: signs in with a real browser or the refresh grant, checks the token, saves it to the bot .env files without touching anything else, and restarts the bot container through the Docker Engine API.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('OneFlexTokens.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-OneFlexToken'
        'Test-OneFlexToken'
        'Save-OneFlexEnv'
        'Restart-OneFlexBot'
        'Send-OneFlexNotification'
        'Invoke-OneFlexRenewal'
        'Get-OneFlexRenewal'
        'Register-OneFlexRenewal'
        'Unregister-OneFlexRenewal'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OneFlex', 'Token', 'SSO', 'Playwright', 'Docker', 'dotenv', 'Bot', 'Linux', 'Windows', 'MacOS', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/oneflextokens/OneFlexTokens'
            LicenseUri   = 'https://github.com/oneflextokens/OneFlexTokens/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0
- Get-OneFlexToken, Test-OneFlexToken, Save-OneFlexEnv, Restart-OneFlexBot and Send-OneFlexNotification: the renewal pipeline.
- One package for Windows x64, Linux x64 and arm64, macOS x64 and arm64: it carries the Playwright driver of each and uses an installed Chrome, Edge or Chromium (never a browser download).
- The driver works right after Install-PSResource: its lost execute bit is restored, or a per-user copy is run when the module belongs to another account (AllUsers) or sits on a read-only folder.
- The scheduled renewal script ships in the module: Scripts/Update-OneFlexBot.ps1. Get-Help about_OneFlexTokens says how to schedule it on Windows, Linux and Synology.
- One timeout convention: -Timeout is the whole wait of every cmdlet, in seconds or as a TimeSpan (-TimeoutSeconds, -WaitTimeoutSeconds and -WaitTimeout still bind to it).
- Changed: Restart-OneFlexBot -Timeout used to be the stop grace period in seconds; it is now the whole wait until the containers run again, and the grace period is -StopGracePeriod (default 10 s).
- Restart-OneFlexBot -Service completes the service names of the compose file (of -ProjectDirectory, the current folder, or the project's folder as the engine knows it).
- Invoke-OneFlexRenewal: one run of the scheduled renewal (due check, renewal, both files, restart, log, alerts), returning the outcome, the exit code and the command that signs in again; the script only calls it.
- One trust rule for the state folder, its files, the log, the webhook file and the per-user driver copy: owned by you or root, not writable by others, never reached through another account's link (StateNotTrusted, DriverCopyNotTrusted); the driver copy is checked by its SHA-256.
- Register-OneFlexRenewal runs the command it registers the way the scheduler will before writing it (ScheduledCommandNotRunnable), refuses values a scheduler line cannot carry (ScheduledValueNotAllowed, ScheduledBaseUrlHasQuery) and carries % and \ exactly through cron.
- Save-OneFlexEnv and every read of a .env act only on a stable read beside the bot's own in-place writer (EnvFileUnstable); control characters from files, logs and replies are shown as visible escapes.
- Restart-OneFlexBot and the scheduled renewal share one restart; Test-OneFlexToken and the renewal share one token check. The registration's output type is OneFlexTokens.Renewal.RenewalRegistration.
'@
        }
    }
}

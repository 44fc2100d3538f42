# The shipped scheduled script (out/OneFlexTokens/Scripts/Update-OneFlexBot.ps1) started the way cron starts it:
# 'env -i' with a minimal PATH and HOME, the pwsh a user's crontab names, -NoProfile -NonInteractive -File. Checked:
# its exit code, its log line, the bot's files and container, and that no token shows in its output, log or alerts.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:Simulator = Start-OneFlexSimulator -Arguments '--auto-sign-in'
    $script:Parts = Start-TestFixture -Part xvfb, docker
    $script:Receiver = Start-WebhookReceiver
    $script:BrowserMissing = Get-BrowserMissingReason
    $script:Pwsh = Get-PwshPath
    $script:RenewalScript = Join-Path (Split-Path $ModuleManifest) 'Scripts' 'Update-OneFlexBot.ps1'
    $script:CronHome = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')).FullName
    $script:LogLine = '(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d (INFO |WARN |ERROR|RESULT) '

    # The SSO session a human left in the browser profile: one window sign-in under Xvfb, as on a desktop.
    $script:ProfilePath = Join-Path $TestDrive 'profile'
    $script:SignedIn = $null
    if (-not ($BrowserMissing -or $Parts.XvfbMissing)) {
        $display = $env:DISPLAY
        $env:DISPLAY = $Parts.Display
        try { $script:SignedIn = Get-OneFlexToken -BaseUrl $Simulator.AppUrl -ProfilePath $ProfilePath -Timeout '00:01:00' }
        finally { $env:DISPLAY = $display }
    }

    # A bot folder whose token has expired, optionally with its bot container running on the folder's config.
    function New-DueBotFolder([string] $Name, [string] $RefreshToken, [switch] $WithBot) {
        $folder = Join-Path $TestDrive $Name
        $null = New-BotFolder -Path $folder -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(-1))) -RefreshToken $RefreshToken
        if ($WithBot) {
            $null = Invoke-TestFixture $Parts @{ Command = 'CreateBot'; Name = $Name; ConfigDirectory = (Join-Path $folder 'config') }
        }
        $folder
    }

    # One scheduled run as cron starts it; returns its exit code, everything it printed and its log (one text).
    function Invoke-CronRun([string] $BotFolder, [hashtable] $Parameters = @{}) {
        $arguments = @('-BotFolder', $BotFolder, '-WebhookUrl', $Receiver.Url)
        foreach ($name in $Parameters.Keys) {
            $arguments += if ($Parameters[$name] -is [switch]) { "-$name" } else { "-$name", $Parameters[$name] }
        }
        $printed = & /usr/bin/env -i PATH=/usr/bin:/bin "HOME=$CronHome" $Pwsh -NoProfile -NonInteractive -File $RenewalScript @arguments 2>&1 | Out-String
        $logPath = Join-Path $BotFolder '.oneflextokens' 'renewal.log'
        [pscustomobject]@{
            ExitCode = $LASTEXITCODE
            Printed  = $printed
            Log      = if (Test-Path -LiteralPath $logPath) { Get-Content -Raw -LiteralPath $logPath } else { '' }
        }
    }

    # A run that renewed: exit 0, the log says where the token came from and that the bot restarted, both files and the
    # restarted bot have the new token, and no token is in what it printed or logged.
    function Assert-CronRenewal($Run, [string] $BotFolder, [string] $Source, [datetime] $StartedBefore) {
        $bot = Split-Path -Leaf $BotFolder
        $Run.ExitCode | Should -Be 0 -Because ($Run.Log + $Run.Printed)
        $Run.Log | Should -Match "$($LogLine)New token .+ from $Source, valid until "
        $Run.Log | Should -Match "$($LogLine)Restarted container ${bot}: running\."
        $access = Get-EnvValue (Join-Path $BotFolder 'config' '.env') ONEFLEX_TOKEN
        $refresh = Get-EnvValue (Join-Path $BotFolder 'config' '.env') ONEFLEX_REFRESH_TOKEN
        Test-OneFlexToken -AccessToken $access -MinimumValidity '00:05:00' | Should -BeTrue
        Get-EnvValue (Join-Path $BotFolder '.env') ONEFLEX_TOKEN | Should -BeExactly $access
        (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = $bot }).StartedAt | Should -BeGreaterThan $StartedBefore
        (Invoke-TestFixture $Parts @{ Command = 'WaitForLog'; Name = $bot; Text = "ONEFLEX_TOKEN=$access"; Seconds = 20 }).Found | Should -BeTrue
        Assert-NoSecret ($Run.Printed + $Run.Log) $access, $refresh, $SignedIn.AccessToken, $SignedIn.RefreshToken
    }
}

AfterAll {
    Stop-TestFixture $script:Parts
    if ($script:Receiver) { Stop-WebhookReceiver $script:Receiver }
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
}

Describe 'Scripts/Update-OneFlexBot.ps1 started by cron (env -i, minimal PATH and HOME)' -Tag Cron {
    BeforeEach {
        $Receiver.Received.Clear()
    }

    It 'exits 0 and logs "Nothing due" when the token has time left' {
        $bot = Join-Path $TestDrive 'fresh'
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(1))
        $null = New-BotFolder -Path $bot -AccessToken $token
        $run = Invoke-CronRun $bot
        $run.ExitCode | Should -Be 0 -Because ($run.Log + $run.Printed)
        $run.Log.TrimEnd().Split("`n") | Should -HaveCount 1
        $run.Log | Should -Match "$($LogLine)NothingDue exit=0 error=- Nothing due: the token in config/\.env is valid until "
        $run.Printed.Trim() | Should -Match '^NothingDue \(exit 0\): Nothing due: '
        Get-ChildItem -LiteralPath (Join-Path $bot '.oneflextokens') -Name | Sort-Object | Should -Be @('renewal.lock', 'renewal.log')
        Assert-NoSecret ($run.Printed + $run.Log) $token
    }

    It 'with nothing due, still refuses a state folder others may write: exit 1, one alert, nothing read or written there (issue 16)' {
        $bot = Join-Path $TestDrive 'nothing due, shared state'
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(1))
        $null = New-BotFolder -Path $bot -AccessToken $token
        $state = (New-Item -ItemType Directory -Path (Join-Path $bot '.oneflextokens')).FullName
        chmod 777 $state
        $run = Invoke-CronRun $bot
        $run.ExitCode | Should -Be 1
        $run.Printed.Trim() | Should -Match "^Failed \(exit 1\): The renewal does not use '.+/\.oneflextokens' for its state, log or webhook: its group or other users may write it "
        Get-ChildItem -Force -LiteralPath $state | Should -BeNullOrEmpty
        $Receiver.Received.Count | Should -Be 1
        $Receiver.Received[0] | Should -Match 'StateNotTrusted'
        Assert-NoSecret ($run.Printed + ($Receiver.Received -join "`n")) $token
    }

    It 'with nothing due after a problem it alerted, says once that it works again, then only logs' {
        $bot = Join-Path $TestDrive 'nothing due, recovered'
        $null = New-Item -ItemType Directory -Force -Path $bot
        (Invoke-CronRun $bot).ExitCode | Should -Be 1 -Because 'config/.env is missing'
        $null = New-BotFolder -Path $bot -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(1)))
        $recovered = Invoke-CronRun $bot
        $recovered.ExitCode | Should -Be 0 -Because ($recovered.Log + $recovered.Printed)
        $recovered.Printed.Trim() | Should -Match '^NothingDue \(exit 0\): '
        $Receiver.Received.Count | Should -Be 2 -Because 'one alert for the problem, one saying it works again'
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens' 'last-alert.txt') | Should -BeFalse
        $quiet = Invoke-CronRun $bot
        $quiet.ExitCode | Should -Be 0
        $Receiver.Received.Count | Should -Be 2
        ($quiet.Log -split "`n" | Where-Object { $_ -match ' RESULT NothingDue ' }) | Should -HaveCount 2
    }

    It 'reads durations in seconds or as a TimeSpan, and logs a duration that is none with its error id' {
        $bot = Join-Path $TestDrive 'durations'
        $null = New-BotFolder -Path $bot -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(30)))
        (Invoke-CronRun $bot @{ MinimumValidity = '1200'; LockTimeout = '00:00:30' }).ExitCode | Should -Be 0
        $due = Invoke-CronRun $bot @{ MinimumValidity = '3600'; NoBrowser = [switch]::Present; BaseUrl = $Simulator.AppUrl }
        $due.ExitCode | Should -Be 2 -Because 'with an hour asked for, a token with 30 minutes left is due, and the service refuses its refresh token'
        $due.Log | Should -Match "$($LogLine)Renewal due: "
        $bad = Invoke-CronRun $bot @{ LockTimeout = 'soon' }
        $bad.ExitCode | Should -Be 1
        $bad.Log | Should -Match "$($LogLine)Failed exit=1 error=InvalidTimeout -LockTimeout: 'soon' is not a duration\."
        $bad.Printed.Trim() | Should -Match "^Failed \(exit 1\): -LockTimeout: 'soon' is not a duration\."
    }

    It 'exits 1 and logs ModuleNotLoadable when the module''s binary cannot be loaded' {
        $bot = Join-Path $TestDrive 'damaged install'
        $null = New-BotFolder -Path $bot -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(1)))
        $run = Invoke-CronRun $bot @{ ModulePath = (Join-Path $TestDrive 'no module here') }
        $run.ExitCode | Should -Be 1
        $run.Log | Should -Match "$($LogLine)Failed exit=1 error=ModuleNotLoadable .+ Reinstall the module "
        $run.Printed.Trim() | Should -Match '^Failed \(exit 1\): ModuleNotLoadable: '
    }

    It 'with a damaged install, never appends through a linked log nor in a state folder others may write (issue 16, finding 4)' {
        $bot = Join-Path $TestDrive 'damaged, linked log'
        $null = New-BotFolder -Path $bot -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(1)))
        $target = Join-Path $TestDrive 'a file of root''s'
        Set-Content -LiteralPath $target -Value 'keep me' -NoNewline
        $state = (New-Item -ItemType Directory -Path (Join-Path $bot '.oneflextokens')).FullName
        chmod 700 $state
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $state 'renewal.log') -Target $target
        $damaged = @{ ModulePath = (Join-Path $TestDrive 'no module here') }

        $linked = Invoke-CronRun $bot $damaged
        $linked.ExitCode | Should -Be 1
        $linked.Printed | Should -Match "ModuleNotLoadable: .+ \(Not logged: '.+/renewal\.log' is a link\.\)"
        Get-Content -Raw -LiteralPath $target | Should -BeExactly 'keep me'

        Remove-Item -LiteralPath (Join-Path $state 'renewal.log')
        chmod 777 $state
        $shared = Invoke-CronRun $bot $damaged
        $shared.ExitCode | Should -Be 1
        $shared.Printed | Should -Match "\(Not logged: its group or others may write '.+/\.oneflextokens'\.\)"
        Get-ChildItem -Force -LiteralPath $state | Should -BeNullOrEmpty
    }

    It 'exits 1 and alerts once when config/.env is missing' {
        $bot = Join-Path $TestDrive 'missing'
        $null = New-Item -ItemType Directory -Force -Path $bot
        (Invoke-CronRun $bot).ExitCode | Should -Be 1
        $run = Invoke-CronRun $bot
        $run.ExitCode | Should -Be 1
        $run.Log | Should -Match "$($LogLine)Already alerted about "
        $run.Log | Should -Match "$($LogLine)Failed exit=1 error=EnvFileNotFound "
        $run.Printed.Trim() | Should -Match '^Failed \(exit 1\): '
        $Receiver.Received.Count | Should -Be 1
    }

    It 'renews with the refresh grant, saves .env and config/.env and restarts the bot' -Tag Docker {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        $bot = New-DueBotFolder 'cron-refresh-bot' -RefreshToken $SignedIn.RefreshToken -WithBot
        $startedBefore = (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = 'cron-refresh-bot' }).StartedAt
        $run = Invoke-CronRun $bot @{ BaseUrl = $Simulator.AppUrl; DockerHost = $Parts.DockerHost; BotName = 'cron-refresh-bot'; NoBrowser = [switch]::Present }
        Assert-CronRenewal $run $bot -Source Refresh -StartedBefore $startedBefore

        $status = Get-OneFlexRenewal $bot
        $status.LastRun.Outcome | Should -Be 'Renewed'
        $status.LastRun.ExitCode | Should -Be 0
        $status.TokenExpiresAt | Should -Be (Test-OneFlexToken -EnvPath (Join-Path $bot 'config' '.env') -Detailed).ExpiresAt
        $status.SignInRequired | Should -BeFalse
        ($status | Out-String -Width 300) | Should -Match '(?m)^LastRun\s+: .+ Renewed$'
    }

    It 'exits 1 with DockerUnreachable when the engine is down, keeps the new token, and restarts the bot on the next run' -Tag Docker {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        $bot = New-DueBotFolder 'cron-engine-down' -RefreshToken '0123456789abcdef0123' -WithBot
        $down = 'unix://' + (Join-Path $TestDrive 'no-engine.sock')
        $run = Invoke-CronRun $bot @{ BaseUrl = $Simulator.AppUrl; DockerHost = $down; BotName = 'cron-engine-down'; ProfilePath = $ProfilePath }
        $run.ExitCode | Should -Be 1 -Because ($run.Log + $run.Printed)
        $run.Log | Should -Match "$($LogLine)Failed exit=1 error=DockerUnreachable "
        $access = Get-EnvValue (Join-Path $bot 'config' '.env') ONEFLEX_TOKEN
        Test-OneFlexToken -AccessToken $access -MinimumValidity '00:05:00' | Should -BeTrue

        $status = Get-OneFlexRenewal $bot
        $status.LastRun.Outcome | Should -Be 'Failed'
        $status.LastRun.ErrorId | Should -Be 'DockerUnreachable'
        $status.TokenExpiresAt | Should -Be (Test-OneFlexToken -AccessToken $access -Detailed).ExpiresAt
        $status.SignInRequired | Should -BeFalse
        ($status | Out-String -Width 300) | Should -Match '(?m)^LastRun\s+: .+ Failed \(DockerUnreachable\)$'
        Assert-NoSecret (($status | Out-String -Width 300) + $run.Printed + $run.Log) $access
        # The scrubber masks secrets only (issue 18): the socket path comes through whole, the new token masked.
        $run.Log | Should -Match "$($LogLine)Failed exit=1 error=DockerUnreachable .*$([regex]::Escape($down))"
        $run.Log | Should -Match "$($LogLine)New token eyJ\w*…\(\d+ chars\) from \w+, valid until "
        $run.Log | Should -Not -Match 'unix:/…'
        $status.LastRun.Message | Should -Match ([regex]::Escape($down))
        ($status.Runs | Format-List | Out-String -Width 400) | Should -Match ([regex]::Escape($down))

        $startedBefore = (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = 'cron-engine-down' }).StartedAt
        $next = Invoke-CronRun $bot @{ BaseUrl = $Simulator.AppUrl; DockerHost = $Parts.DockerHost; BotName = 'cron-engine-down'; ProfilePath = $ProfilePath }
        $next.ExitCode | Should -Be 0 -Because ($next.Log + $next.Printed)
        (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = 'cron-engine-down' }).StartedAt | Should -BeGreaterThan $startedBefore
        (Get-OneFlexRenewal $bot).LastRun.Outcome | Should -Be 'Renewed'
    }

    It 'renews in a headless browser on the saved SSO session when the refresh token is refused' -Tag Docker {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        $bot = New-DueBotFolder 'cron-headless-bot' -RefreshToken '0123456789abcdef0123' -WithBot
        $startedBefore = (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = 'cron-headless-bot' }).StartedAt
        $run = Invoke-CronRun $bot @{ BaseUrl = $Simulator.AppUrl; DockerHost = $Parts.DockerHost; BotName = 'cron-headless-bot'; ProfilePath = $ProfilePath }
        Assert-CronRenewal $run $bot -Source Browser -StartedBefore $startedBefore
    }

    It 'exits 2 with a "sign in again" alert whose command, run by a human, signs in, saves and restarts the bot' -Tag Docker {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        $refresh = '0123456789abcdef0123'
        $bot = New-DueBotFolder 'cron-signed-out' -RefreshToken $refresh -WithBot
        $expired = Get-EnvValue (Join-Path $bot 'config' '.env') ONEFLEX_TOKEN
        $before = [IO.File]::ReadAllText((Join-Path $bot 'config' '.env'))
        $profileFolder = Join-Path $TestDrive "never signed in, l'été"
        $parameters = @{ BaseUrl = $Simulator.AppUrl; ProfilePath = $profileFolder; DockerHost = $Parts.DockerHost; BotName = 'cron-signed-out' }
        $run = Invoke-CronRun $bot $parameters
        $run.ExitCode | Should -Be 2 -Because ($run.Log + $run.Printed)
        $run.Log | Should -Match "$($LogLine)InteractiveLoginRequired \(exit 2\): "
        $run.Log | Should -Match "$($LogLine)SignInRequired exit=2 error=InteractiveLoginRequired "
        $Receiver.Received.Count | Should -Be 1
        $alert = ($Receiver.Received[0] | ConvertFrom-Json).embeds[0]
        $alert.title | Should -Be 'OneFlex bot: sign in again'
        $status = Get-OneFlexRenewal $bot
        $status.SignInRequired | Should -BeTrue
        $status.LastRun.ErrorId | Should -Be 'InteractiveLoginRequired'
        [IO.File]::ReadAllText((Join-Path $bot 'config' '.env')) | Should -BeExactly $before
        Assert-NoSecret ($run.Printed + $run.Log + ($Receiver.Received -join "`n")) $expired, $refresh

        # The human runs the alert's command on this machine, on a desktop (here Xvfb; the simulator signs itself in).
        $alert.description -match '(?s)```\n(?<command>[^\n]+)\n```$' | Should -BeTrue -Because $alert.description
        $command = $Matches.command
        # Not registered here: Get-OneFlexRenewal makes the command from its own options; the alert's is the run's.
        $status.SignInCommand | Should -BeLike "Get-OneFlexToken -ProfilePath '*' | Save-OneFlexEnv -Path * | Restart-OneFlexBot -Name 'oneflex-bot'"
        $command | Should -BeLike "*Get-OneFlexToken -ProfilePath '*'* | Save-OneFlexEnv -Path * | Restart-OneFlexBot -Name 'cron-signed-out' -DockerHost *"
        $startedBefore = (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = 'cron-signed-out' }).StartedAt
        $signedIn = & /usr/bin/env -i PATH=/usr/bin:/bin "HOME=$CronHome" "DISPLAY=$($Parts.Display)" $Pwsh -NoProfile -NonInteractive -Command $command 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $signedIn
        Test-Path -LiteralPath $profileFolder | Should -BeTrue
        $access = Get-EnvValue (Join-Path $bot 'config' '.env') ONEFLEX_TOKEN
        Get-EnvValue (Join-Path $bot '.env') ONEFLEX_TOKEN | Should -BeExactly $access
        Test-OneFlexToken -AccessToken $access -MinimumValidity '00:05:00' | Should -BeTrue
        (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = 'cron-signed-out' }).StartedAt | Should -BeGreaterThan $startedBefore

        # The next scheduled run finds nothing due and says once that all is well again.
        $next = Invoke-CronRun $bot $parameters
        $next.ExitCode | Should -Be 0 -Because ($next.Log + $next.Printed)
        $next.Log | Should -Match "$($LogLine)NothingDue exit=0 error=- "
        $Receiver.Received.Count | Should -Be 2
        ($Receiver.Received[1] | ConvertFrom-Json).embeds[0].title | Should -Be 'OneFlex bot tokens renewed again'
        $status = Get-OneFlexRenewal $bot
        $status.SignInRequired | Should -BeFalse
        $status.SignInCommand | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens' 'sign-in-command.txt') | Should -BeFalse
        Assert-NoSecret ($signedIn + $next.Printed + $next.Log + ($Receiver.Received -join "`n")) $access
    }
}

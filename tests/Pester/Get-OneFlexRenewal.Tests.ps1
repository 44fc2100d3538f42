# Get-OneFlexRenewal as a pwsh user reads it: the status after real runs of Invoke-OneFlexRenewal (nothing due, a
# refused refresh token, no token yet), how it reads at a glance, its pipeline binding and its errors. The status after
# a renewal, after a run whose Docker engine is down, and after a human signed in again is checked where those runs
# happen with a real browser and engine: Update-OneFlexBot.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:Simulator = Start-OneFlexSimulator

    function New-TestBot([string] $Name, [timespan] $Left, [string] $RefreshToken = '0123456789abcdef0123') {
        $folder = Join-Path $TestDrive $Name
        $null = New-BotFolder -Path $folder -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow + $Left)) -RefreshToken $RefreshToken
        $folder
    }
}

AfterAll {
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
}

Describe 'Get-OneFlexRenewal' {
    It 'after a nothing-due run shows that run, the token''s expiry from config/.env and that no sign-in is needed' {
        $bot = New-TestBot 'fresh' -Left '02:00:00'
        $token = Get-EnvValue (Join-Path $bot 'config' '.env') ONEFLEX_TOKEN
        $run = Invoke-OneFlexRenewal -BotFolder $bot

        $status = Get-OneFlexRenewal -BotFolder $bot

        $status.BotFolder | Should -Be $bot
        $status.Runs | Should -HaveCount 1
        $status.LastRun.Outcome | Should -Be 'NothingDue'
        $status.LastRun.ExitCode | Should -Be 0
        $status.LastRun.ErrorId | Should -BeNullOrEmpty
        $status.LastRun.Time | Should -BeGreaterOrEqual $run.StartedAt.AddSeconds(-1)
        $status.TokenExpiresAt | Should -Be (Test-OneFlexToken -EnvPath (Join-Path $bot 'config' '.env') -Detailed).ExpiresAt
        $status.TokenExpiresIn | Should -BeGreaterThan ([timespan]'01:55:00')
        $status.SignInRequired | Should -BeFalse
        $status.SignInCommand | Should -BeNullOrEmpty
        $status.LogPath | Should -Be $run.LogPath

        $shown = $status | Out-String -Width 300
        $shown | Should -Match '(?m)^Token\s+: expires \d{4}-\d\d-\d\d \d\d:\d\d \(in \d+ (min|h|d)( \d+ (s|min|h))?\)$'
        $shown | Should -Match '(?m)^LastRun\s+: \d{4}-\d\d-\d\d \d\d:\d\d NothingDue$'
        $shown | Should -Match '(?m)^SignInRequired\s+: no$'
        $shown | Should -Not -Match 'SignInCommand'
        ($status.Runs | Format-Table | Out-String -Width 300) | Should -Match 'Time\s+Outcome\s+Exit\s+ErrorId\s+Message'
        Assert-NoSecret ($shown + ($status | ConvertTo-Json -Depth 4)) $token
    }

    It 'after a refused refresh token says a human must sign in, with a command made from its own options, never read from disk' {
        $bot = New-TestBot "signed out, l'été" -Left '-01:00:00'
        $profileFolder = Join-Path $TestDrive "profile d'été"
        $run = Invoke-OneFlexRenewal -BotFolder $bot -BaseUrl $Simulator.AppUrl -ProfilePath $profileFolder -NoBrowser -ErrorAction SilentlyContinue
        $run.Outcome | Should -Be 'SignInRequired'

        $status = Get-OneFlexRenewal $bot

        $status.LastRun.Outcome | Should -Be 'SignInRequired'
        $status.LastRun.ExitCode | Should -Be 2
        $status.LastRun.ErrorId | Should -Be 'RefreshTokenRejected'
        $status.SignInRequired | Should -BeTrue
        # Not registered here: the command is made from this call's options (the default profile and address), not the run's.
        $run.SignInCommand | Should -BeLike "*Get-OneFlexToken -ProfilePath '*profile d''été' -BaseUrl '$($Simulator.AppUrl)'*"
        $status.SignInCommand | Should -BeLike "Get-OneFlexToken -ProfilePath '*' | Save-OneFlexEnv -Path '*.env', '*config*.env' -PassThru | Restart-OneFlexBot -Name 'oneflex-bot'"
        $status.SignInCommand | Should -Not -BeLike '*profile d*'
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens' 'sign-in-command.txt') | Should -BeFalse -Because 'no command is kept on disk'
        $status.TokenExpiresIn | Should -BeLessThan ([timespan]::Zero)
        $shown = $status | Out-String -Width 1000
        $shown | Should -Match '(?m)^Token\s+: expires .+ \(expired \d+ (min|h)( \d+ (s|min))? ago\)$'
        $shown | Should -Match '(?m)^LastRun\s+: .+ SignInRequired \(RefreshTokenRejected\)$'
        $shown | Should -Match '(?m)^SignInRequired\s+: YES: run SignInCommand in pwsh on this machine$'
        $shown | Should -Match '(?m)^SignInCommand\s+: Get-OneFlexToken '
    }

    It 'for a bot without a token yet says the first sign-in is needed and gives its command' {
        $bot = Join-Path $TestDrive 'new bot'
        $null = New-Item -ItemType Directory -Path (Join-Path $bot 'config')
        Set-Content -LiteralPath (Join-Path $bot 'config' '.env') -Value 'DESK_IDS=3-014'

        $status = Get-OneFlexRenewal $bot

        $status.Runs | Should -HaveCount 0
        $status.LastRun | Should -BeNullOrEmpty
        $status.TokenExpiresAt | Should -BeNullOrEmpty
        $status.TokenProblem | Should -BeLike '*has no ONEFLEX_TOKEN yet*'
        $status.SignInRequired | Should -BeTrue
        $status.SignInCommand | Should -BeLike "Get-OneFlexToken -ProfilePath '*' | Save-OneFlexEnv -Path '$bot$([IO.Path]::DirectorySeparatorChar).env', '*config*.env' -PassThru | Restart-OneFlexBot -Name 'oneflex-bot'"
        ($status | Out-String -Width 300) | Should -Match '(?m)^LastRun\s+: none logged yet$'
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse -Because 'Get-OneFlexRenewal only reads'
    }

    It 'keeps the last -Last runs, from the log and its older file, oldest first' {
        $bot = New-TestBot 'many runs' -Left '02:00:00'
        1..4 | ForEach-Object { $null = Invoke-OneFlexRenewal -BotFolder $bot }
        $log = Join-Path $bot '.oneflextokens' 'renewal.log'
        Move-Item -LiteralPath $log -Destination "$log.1"
        $null = Invoke-OneFlexRenewal -BotFolder $bot -LockTimeout '00:00:00' -ErrorAction SilentlyContinue

        $runs = (Get-OneFlexRenewal $bot -Last 3).Runs

        $runs | Should -HaveCount 3
        $runs.Outcome | Should -Be @('NothingDue', 'NothingDue', 'Failed')
        $runs[2].ErrorId | Should -Be 'InvalidTimeout'
        (Get-OneFlexRenewal $bot -Last 1000).Runs | Should -HaveCount 5
    }

    It 'shows the escape sequences a hostile value wrote into the log as visible text, never raw (issue 16, finding 9)' {
        $bot = New-TestBot 'hostile log' -Left '02:00:00'
        $null = Invoke-OneFlexRenewal -BotFolder $bot
        $log = Join-Path $bot '.oneflextokens' 'renewal.log'
        $esc = [char]27
        $bel = [char]7
        $time = [datetimeoffset]::Now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", [cultureinfo]::InvariantCulture)
        [IO.File]::AppendAllText($log, "$time RESULT Failed exit=1 error=Boom$esc]0;pwned$bel $esc]0;new title$bel$esc[2J$esc[31mred`n")

        $status = Get-OneFlexRenewal -BotFolder $bot

        $status.LastRun.Outcome | Should -Be 'Failed'
        $status.LastRun.ErrorId | Should -BeExactly 'Boom\e]0;pwned\x07'
        $status.LastRun.Message | Should -BeExactly '\e]0;new title\x07\e[2J\e[31mred'
        # As a terminal gets it: PowerShell's own styling on, so only our text could bring a title, a bell or a clear.
        $rendering = $PSStyle.OutputRendering
        try {
            $PSStyle.OutputRendering = 'Ansi'
            $shown = ($status | Out-String -Width 300) + ($status.Runs | Format-Table | Out-String -Width 300)
        }
        finally {
            $PSStyle.OutputRendering = $rendering
        }

        $shown.Contains($bel) | Should -BeFalse
        $shown.Contains("$esc]") | Should -BeFalse
        $shown.Contains("$esc[2J") | Should -BeFalse
        $shown | Should -Match ([regex]::Escape('Boom\e]0;pwned\x07'))
    }

    It 'binds bot folders by value and by property name, and reports a missing folder without stopping the others' {
        $one = New-TestBot 'one' -Left '02:00:00'
        $two = New-TestBot 'two' -Left '02:00:00'
        $missing = Join-Path $TestDrive 'no such bot'

        $statuses = $one, $missing, $two | Get-OneFlexRenewal -ErrorVariable failures -ErrorAction SilentlyContinue

        $statuses.BotFolder | Should -Be @($one, $two)
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'RenewalBotFolderNotFound,OneFlexTokens.Commands.GetOneFlexRenewalCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Test-Path -LiteralPath $missing | Should -BeFalse
        ([pscustomobject]@{ BotFolder = $one } | Get-OneFlexRenewal).BotFolder | Should -Be $one
        (Invoke-OneFlexRenewal -BotFolder $two | Get-OneFlexRenewal).LastRun.Outcome | Should -Be 'NothingDue'
    }

    It 'refuses a path of another provider with PathNotFileSystem, as Invoke-OneFlexRenewal and Get-OneFlexToken do' {
        { Get-OneFlexRenewal -BotFolder 'Env:\PATH' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFileSystem,OneFlexTokens.Commands.GetOneFlexRenewalCommand'
        { Invoke-OneFlexRenewal -BotFolder 'Function:\prompt' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFileSystem,OneFlexTokens.Commands.InvokeOneFlexRenewalCommand'
        { Get-OneFlexToken -ProfilePath 'Variable:\PWD' -Headless -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFileSystem,OneFlexTokens.Commands.GetOneFlexTokenCommand'
        { Get-OneFlexRenewal -BotFolder 'NoSuchDrive:\bot' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFileSystem,OneFlexTokens.Commands.GetOneFlexRenewalCommand'
        $failure = try { Get-OneFlexRenewal -BotFolder 'Env:\PATH' -ErrorAction Stop } catch { $_ }
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -BeLike "*'Env:\PATH' is a path of the PowerShell Environment provider, not of the file system.*"
    }
}

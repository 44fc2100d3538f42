# The README's pipeline as a user types it in pwsh, against the simulator with a real browser and the test Docker
# engine: Get-OneFlexToken | Test-OneFlexToken -PassThru | Save-OneFlexEnv -Path .env, config/.env -PassThru | Restart-OneFlexBot
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:Simulator = Start-OneFlexSimulator -Arguments '--auto-sign-in'
    $script:Parts = Start-TestFixture -Part xvfb, docker
    $script:BrowserMissing = Get-BrowserMissingReason
    $script:BotName = 'pester-pipeline-bot'
    $script:BotFolder = Join-Path $TestDrive 'oneflex'
    $script:ProfilePath = Join-Path $TestDrive 'profile'
    $script:Arguments = @{ BaseUrl = $Simulator.AppUrl; ProfilePath = $ProfilePath; DockerHost = $Parts.DockerHost; BotName = $BotName }
    $null = New-BotFolder -Path $BotFolder -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(-1)))
    if ($Parts.DockerHost) {
        $null = Invoke-TestFixture $Parts @{ Command = 'CreateBot'; Name = $BotName; ConfigDirectory = (Join-Path $BotFolder 'config') }
    }

    # Runs the pipeline in a fresh runspace in the bot folder (so '.env, config/.env' are the bot's files) and checks
    # what a user relies on: both files hold the same new, valid token and every other byte as before, the bot
    # restarted and read it, no browser is left, and no token shows in any stream. Returns the run.
    function Invoke-RenewalPipeline([scriptblock] $Pipeline) {
        $configEnv = Join-Path $BotFolder 'config' '.env'
        $before = [IO.File]::ReadAllText($configEnv)
        $oldAccess, $oldRefresh = (Get-EnvValue $configEnv ONEFLEX_TOKEN), (Get-EnvValue $configEnv ONEFLEX_REFRESH_TOKEN)
        $startedBefore = (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = $BotName }).StartedAt

        $run = Invoke-Captured -Script $Pipeline -Parameters $Arguments -Location $BotFolder

        $run.Errors | Out-String | Should -BeNullOrEmpty
        $run.Output.Name | Should -Be $BotName
        $run.Output.State | Should -Be 'running'
        $access, $refresh = (Get-EnvValue $configEnv ONEFLEX_TOKEN), (Get-EnvValue $configEnv ONEFLEX_REFRESH_TOKEN)
        $access | Should -Not -Be $oldAccess
        Test-OneFlexToken -AccessToken $access -MinimumValidity '00:05:00' | Should -BeTrue
        $after = [IO.File]::ReadAllText($configEnv)
        $after | Should -BeExactly $before.Replace("ONEFLEX_TOKEN=$oldAccess", "ONEFLEX_TOKEN=$access").Replace("ONEFLEX_REFRESH_TOKEN=$oldRefresh", "ONEFLEX_REFRESH_TOKEN=$refresh")
        [IO.File]::ReadAllText((Join-Path $BotFolder '.env')) | Should -BeExactly $after

        (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = $BotName }).StartedAt | Should -BeGreaterThan $startedBefore
        (Invoke-TestFixture $Parts @{ Command = 'WaitForLog'; Name = $BotName; Text = "ONEFLEX_TOKEN=$access"; Seconds = 20 }).Found |
            Should -BeTrue -Because 'the restarted bot prints the config/.env it reads'
        Get-Process | Where-Object { $_.CommandLine -and $_.CommandLine.Contains($ProfilePath) } | Should -BeNullOrEmpty -Because 'the browser is closed'
        Assert-NoSecret $run.Text $access, $refresh
        $run
    }
}

AfterAll {
    Stop-TestFixture $script:Parts
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
}

Describe 'The renewal pipeline in pwsh' -Tag Docker {
    It 'signs in in a browser window (under Xvfb), saves .env and config/.env and restarts the bot' {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        $display = $env:DISPLAY
        $env:DISPLAY = $Parts.Display
        try {
            $null = Invoke-RenewalPipeline {
                param($BaseUrl, $ProfilePath, $DockerHost, $BotName)
                Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Timeout '00:01:00' |
                    Test-OneFlexToken -PassThru |
                    Save-OneFlexEnv -Path .env, config/.env -PassThru |
                    Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost
            }
        }
        finally {
            $env:DISPLAY = $display
        }
    }

    It 'renews with the refresh token from config/.env, checked online, and starts the bot that had stopped' {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        (Invoke-TestFixture $Parts @{ Command = 'Stop'; Name = $BotName }).Status | Should -Be 'exited'
        $run = Invoke-RenewalPipeline {
            param($BaseUrl, $ProfilePath, $DockerHost, $BotName)
            Get-OneFlexToken -BaseUrl $BaseUrl -EnvPath config/.env -NoBrowser |
                Test-OneFlexToken -Online -PassThru |
                Save-OneFlexEnv -Path .env, config/.env -PassThru |
                Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost
        }
        $run.Output.PreviousState | Should -Be 'exited'
    }

    It 'renews headless, with no display, on the SSO session the window sign-in left in the profile' {
        Assert-RealPart $BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing
        Test-Path -LiteralPath $ProfilePath | Should -BeTrue -Because 'the window sign-in above made the profile'
        $display = $env:DISPLAY
        $env:DISPLAY = $null
        try {
            $null = Invoke-RenewalPipeline {
                param($BaseUrl, $ProfilePath, $DockerHost, $BotName)
                Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Headless |
                    Test-OneFlexToken -PassThru |
                    Save-OneFlexEnv -Path .env, config/.env -PassThru |
                    Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost
            }
        }
        finally {
            $env:DISPLAY = $display
        }
    }
}

Describe 'A typo in a path stops the pipeline' -Tag Docker {
    It 'refuses the save before Restart-OneFlexBot acts: no file changed, no folder created, the bot not restarted' {
        Assert-RealPart $Parts.DockerMissing
        $bot = Join-Path $TestDrive 'typo'
        $before = New-BotFolder -Path $bot -AccessToken 'old.token.value'
        $startedBefore = (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = $BotName }).StartedAt
        $token = [pscustomobject]@{ AccessToken = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15)); RefreshToken = '0123456789abcdef0123' }

        $run = Invoke-Captured -Location $bot -Parameters @{ Token = $token; DockerHost = $Parts.DockerHost; BotName = $BotName } -Script {
            param($Token, $DockerHost, $BotName)
            try {
                $Token | Save-OneFlexEnv -Path .env, confg/.env -PassThru | Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost
                'the pipeline went on'
            }
            catch { "stopped: $($_.FullyQualifiedErrorId)" }
        }

        $run.Output | Should -Be @('stopped: EnvFolderNotFound,OneFlexTokens.Commands.SaveOneFlexEnvCommand')
        $run.Text | Should -Not -Match 'Docker engine:'
        [IO.File]::ReadAllText((Join-Path $bot '.env')) | Should -BeExactly $before
        Test-Path -LiteralPath (Join-Path $bot 'confg') | Should -BeFalse
        (Invoke-TestFixture $Parts @{ Command = 'StartedAt'; Name = $BotName }).StartedAt | Should -Be $startedBefore
        Assert-NoSecret $run.Text $token.AccessToken
    }
}

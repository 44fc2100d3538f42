# Invoke-OneFlexRenewal as a pwsh user calls it: the object it returns and how it reads, its errors and exit codes,
# -WhatIf, its parameters, and what a nothing-due run loads in a fresh pwsh (no browser driver, Docker or HTTP client).
# The scheduled script that calls it is tested the way cron runs it in Update-OneFlexBot.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:Simulator = Start-OneFlexSimulator
    $script:Pwsh = Get-PwshPath

    function New-TestBot([string] $Name, [timespan] $Left, [string] $RefreshToken = '0123456789abcdef0123') {
        $folder = Join-Path $TestDrive $Name
        $null = New-BotFolder -Path $folder -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow + $Left)) -RefreshToken $RefreshToken
        $folder
    }
}

AfterAll {
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
}

Describe 'Invoke-OneFlexRenewal' {
    It 'finds nothing due, says until when, and in a fresh pwsh loads no browser driver, Docker client or HTTP client for it' {
        $bot = New-TestBot 'fresh' -Left '01:00:00'
        $token = Get-EnvValue (Join-Path $bot 'config' '.env') ONEFLEX_TOKEN

        $result = Invoke-OneFlexRenewal -BotFolder $bot

        $result.Outcome | Should -Be 'NothingDue'
        $result.ExitCode | Should -Be 0
        $result.ErrorId | Should -BeNullOrEmpty
        $result.ExpiresAt | Should -Be (Test-OneFlexToken -EnvPath (Join-Path $bot 'config' '.env') -Detailed).ExpiresAt
        $result.LogPath | Should -Be (Join-Path $bot '.oneflextokens' 'renewal.log')
        $shown = $result | Out-String -Width 300
        $shown | Should -Match '(?m)^Outcome\s+: NothingDue$'
        $shown | Should -Match '(?m)^Message\s+: Nothing due: the token in config/\.env is valid until '
        $shown | Should -Not -Match 'SignInCommand|ErrorId|FilesSaved'
        ($result | Format-Table | Out-String -Width 300) | Should -Match 'StartedAt\s+Outcome\s+Exit\s+ErrorId\s+ExpiresAt\s+Message'
        Assert-NoSecret ($shown + ($result | ConvertTo-Json -Depth 3)) $token

        $probe = Join-Path $TestDrive 'probe.ps1'
        Set-Content -LiteralPath $probe -Value @'
param($Manifest, $Bot)
Import-Module $Manifest
$run = Invoke-OneFlexRenewal -BotFolder $Bot
$loaded = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name
$http = [OneFlexTokens.Commands.GetOneFlexTokenCommand].Assembly.GetType('OneFlexTokens.Http.SharedHttp', $true).GetProperty('IsCreated', [Reflection.BindingFlags]'NonPublic, Static').GetValue($null)
[pscustomobject]@{ Outcome = "$($run.Outcome)"; Playwright = $loaded -contains 'Microsoft.Playwright'; Docker = $loaded -contains 'Docker.DotNet'; HttpClient = $http } | ConvertTo-Json -Compress
'@
        $fresh = & $Pwsh -NoProfile -NonInteractive -File $probe $ModuleManifest $bot | ConvertFrom-Json
        $fresh.Outcome | Should -Be 'NothingDue'
        $fresh.Playwright | Should -BeFalse
        $fresh.Docker | Should -BeFalse
        $fresh.HttpClient | Should -BeFalse
    }

    It 'binds -BotFolder by property name from the pipeline' {
        $bot = New-TestBot 'piped' -Left '01:00:00'
        ([pscustomobject]@{ BotFolder = $bot } | Invoke-OneFlexRenewal).Outcome | Should -Be 'NothingDue'
    }

    It 'with -WhatIf says what it would do and takes no lock, reads nothing and writes nothing' {
        $bot = New-TestBot 'what-if' -Left '-01:00:00'
        $before = Get-Content -Raw -LiteralPath (Join-Path $bot 'config' '.env')
        $printed = & $Pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModuleManifest'; Invoke-OneFlexRenewal -BotFolder '$bot' -BaseUrl '$($Simulator.AppUrl)' -WhatIf" 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        $printed | Should -Match 'What if: Performing the operation "Renew the tokens in .+ when due \(refresh grant, then a headless browser\), and restart the bot" on target ".+what-if"'
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse
        Get-Content -Raw -LiteralPath (Join-Path $bot 'config' '.env') | Should -BeExactly $before
    }

    It 'ends Failed with the error id of what failed, writes that error, and -ErrorAction Stop makes it terminating' {
        $bot = Join-Path $TestDrive 'no-config'
        $null = New-Item -ItemType Directory -Path $bot

        $result = Invoke-OneFlexRenewal -BotFolder $bot -ErrorVariable failures -ErrorAction SilentlyContinue

        $result.Outcome | Should -Be 'Failed'
        $result.ExitCode | Should -Be 1
        $result.ErrorId | Should -Be 'EnvFileNotFound'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'EnvFileNotFound,OneFlexTokens.Commands.InvokeOneFlexRenewalCommand'
        { Invoke-OneFlexRenewal -BotFolder $bot -ErrorAction Stop } | Should -Throw -ErrorId 'EnvFileNotFound,OneFlexTokens.Commands.InvokeOneFlexRenewalCommand'
        (Get-Content -LiteralPath $result.LogPath) -match ' RESULT Failed exit=1 error=EnvFileNotFound ' | Should -HaveCount 2
        ($result | Out-String -Width 300) | Should -Match '(?m)^ErrorId\s+: EnvFileNotFound$'
    }

    It 'shows a failed run once, and says once, in its own parameters, where an alert webhook can come from' {
        $bot = Join-Path $TestDrive 'no-webhook'
        $null = New-Item -ItemType Directory -Path $bot

        $shown = Invoke-OneFlexRenewal -BotFolder $bot -ErrorAction Continue *>&1 | Out-String -Width 2000
        $second = Invoke-OneFlexRenewal -BotFolder $bot -WarningVariable later -WarningAction SilentlyContinue -ErrorAction SilentlyContinue

        $second.ErrorId | Should -Be 'EnvFileNotFound'
        # The error view wraps its message under '|' margins: compare the text as one line.
        $flat = $shown -replace '\s*\r?\n\s*(\|\s*)?', ' '
        [regex]::Matches($flat, [regex]::Escape($second.Message)).Count | Should -Be 1 -Because "the message is the error's, not repeated by the result: $shown"
        $shown | Should -Match '(?m)^ErrorId\s+: EnvFileNotFound$'
        $shown | Should -Not -Match '(?m)^Message\s+:'
        $shown | Should -Match ([regex]::Escape('Alert not sent (NotificationWebhookMissing): This renewal has no webhook'))
        $shown | Should -Match ([regex]::Escape("Register-OneFlexRenewal -BotFolder '$bot' -WebhookUrl <url> saves it"))
        $shown | Should -Match ([regex]::Escape('NOTIFICATION_WEBHOOK_URL in ' + (Join-Path $bot 'config' '.env')))
        $shown | Should -Not -Match '-EnvPath'
        $later | Should -BeNullOrEmpty -Because 'where a webhook can come from is said once'
        (Get-Content -LiteralPath $second.LogPath) -match 'INFO  Alert not sent \(NotificationWebhookMissing\): This renewal still has no webhook' | Should -HaveCount 1
    }

    It 'ends SignInRequired (exit 2) for a refused refresh token without a browser, and shows the command that signs in again' {
        $bot = New-TestBot "sign in again, l'été" -Left '-01:00:00'
        $before = Get-Content -Raw -LiteralPath (Join-Path $bot 'config' '.env')
        $profileFolder = Join-Path $TestDrive "profile d'été"

        $result = Invoke-OneFlexRenewal -BotFolder $bot -BaseUrl $Simulator.AppUrl -ProfilePath $profileFolder -NoBrowser -ErrorAction SilentlyContinue

        $result.Outcome | Should -Be 'SignInRequired'
        $result.ExitCode | Should -Be 2
        $result.ErrorId | Should -Be 'RefreshTokenRejected'
        Get-Content -Raw -LiteralPath (Join-Path $bot 'config' '.env') | Should -BeExactly $before
        ($result | Out-String -Width 1000) | Should -Match '(?m)^SignInCommand\s+: Import-Module '
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($result.SignInCommand, [ref] $null, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        $commands = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true))
        $commands | ForEach-Object { $_.GetCommandName() } | Should -Be @('Import-Module', 'Get-OneFlexToken', 'Save-OneFlexEnv', 'Restart-OneFlexBot')
        $commands[1].CommandElements[2].Value | Should -BeExactly $profileFolder
        $commands[2].CommandElements[2].Elements.Value | Should -Be @((Join-Path $bot '.env'), (Join-Path $bot 'config' '.env'))
        "$result" | Should -BeLike '*Sign in again, in pwsh on this machine: Import-Module *'
    }

    It 'with -RemoteSignIn ends SignInWaiting (exit 2) at once while a sign-in from a phone waits, shown by Get-OneFlexRenewal, and refuses a listener parameter without it' {
        $bot = New-TestBot 'a phone signs in' -Left '-01:00:00'
        $state = New-Item -ItemType Directory -Path (Join-Path $bot '.oneflextokens')
        if (-not $IsWindows) { $state.UnixFileMode = [IO.UnixFileMode] 'UserRead, UserWrite, UserExecute' }
        # Held as the waiting run holds it (an exclusive lock), with the file it writes beside it.
        $held = [IO.File]::Open((Join-Path $state 'sign-in.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            $waiting = Join-Path $state 'sign-in-waiting.json'
            [IO.File]::WriteAllText($waiting, '{"started":"2026-12-08T02:00:00.0000000+00:00","linkExpiresAt":"2026-12-08T14:00:00.0000000+00:00","listening":"0.0.0.0:8765","publicUrl":"https://nas.example.ts.net/","pid":4242}')
            if (-not $IsWindows) { (Get-Item -LiteralPath $waiting).UnixFileMode = [IO.UnixFileMode] 'UserRead, UserWrite' }

            $result = Invoke-OneFlexRenewal -BotFolder $bot -RemoteSignIn -BaseUrl $Simulator.AppUrl -NoBrowser -ErrorVariable failures -ErrorAction SilentlyContinue

            $result.Outcome | Should -Be 'SignInWaiting'
            $result.ExitCode | Should -Be 2
            $result.ErrorId | Should -BeNullOrEmpty
            $failures | Should -HaveCount 0
            "$result" | Should -BeLike 'SignInWaiting (exit 2): A sign-in from a phone is waiting (listening on 0.0.0.0:8765, link valid until 2026-12-08 14:00:00Z)*'
            (Get-Content -LiteralPath $result.LogPath) -match ' RESULT SignInWaiting exit=2 error=- A sign-in from a phone is waiting ' | Should -HaveCount 1

            $status = Get-OneFlexRenewal -BotFolder $bot
            $status.SignInWaitingUntil | Should -Be ([datetimeoffset] '2026-12-08T14:00:00Z')
            $status.SignInListening | Should -Be '0.0.0.0:8765'
            $status.SignInRequired | Should -BeTrue
            ($status | Out-String -Width 300) | Should -Match '(?m)^SignInWaiting\s+: a sign-in from a phone, listening on 0\.0\.0\.0:8765; its link works until '
        }
        finally {
            $held.Dispose()
        }

        # The waiting process is gone: its file counts for nothing.
        (Get-OneFlexRenewal -BotFolder $bot).SignInWaitingUntil | Should -BeNullOrEmpty
        $refused = Invoke-OneFlexRenewal -BotFolder $bot -LinkLifetime 600 -ErrorVariable failures -ErrorAction SilentlyContinue
        $refused.ErrorId | Should -Be 'RemoteSignInParameterWithoutSwitch'
        $failures[0].FullyQualifiedErrorId | Should -Be 'RemoteSignInParameterWithoutSwitch,OneFlexTokens.Commands.InvokeOneFlexRenewalCommand'
    }

    It 'with -RemoteSignIn shows the waiting sign-in''s link and its QR code in the information stream, as Get-OneFlexToken -RemoteSignIn does, and the secret nowhere but there and in progress' {
        $bot = New-TestBot 'a phone is asked' -Left '-01:00:00'

        # No browser until the link is opened: nobody opens it, and it ends after its short lifetime.
        $run = Invoke-Captured {
            param($Bot, $BaseUrl)
            Invoke-OneFlexRenewal -BotFolder $Bot -BaseUrl $BaseUrl -NoBrowser -RemoteSignIn -ListenAddress 127.0.0.1:0 -LinkLifetime 2 -ErrorAction SilentlyContinue
        } @{ Bot = $bot; BaseUrl = $Simulator.AppUrl }

        $result = $run.Output | Select-Object -Last 1
        $result.ErrorId | Should -Be 'RemoteSignInExpired'
        $result.ExitCode | Should -Be 2
        $shown = @($run.Information | Where-Object { $_.Tags -contains 'OneFlexRemoteSignIn' })
        $shown | Should -HaveCount 1
        $shown[0].Tags | Should -Contain 'PSHOST' -Because 'the host shows it without -InformationAction'
        $lines = "$($shown[0].MessageData)" -split '\r?\n'
        $lines[0] | Should -BeLike 'Sign in from your phone: open this link (it works once, until *'
        $lines[1] -match '^http://127\.0\.0\.1:(\d+)/#[A-Za-z0-9_-]{22,}$' | Should -BeTrue -Because 'the link is the second line'
        $port = [int] $Matches[1]
        $lines[2] | Should -Be "or scan this code with the phone's camera:"
        $lines.Count | Should -BeGreaterThan 12 -Because 'the QR code follows, two module rows a line'
        $secret = ($lines[1] -split '#')[1]

        # Shown once as a record, and in progress (the status of the wait); never in verbose, warnings, errors, the result, the log or the state.
        $elsewhere = $run.Text.Replace("$($shown[0].MessageData)", '')
        foreach ($record in $run.Progress) { $elsewhere = $elsewhere.Replace("$($record.StatusDescription)", '') }
        Assert-NoSecret $elsewhere $secret
        Assert-NoSecret (Get-Content -Raw -LiteralPath $result.LogPath) $secret
        Get-ChildItem -LiteralPath (Join-Path $bot '.oneflextokens') -File | ForEach-Object { Assert-NoSecret ([IO.File]::ReadAllText($_.FullName)) $secret }

        # The run has ended: nothing listens on the link's port any more.
        $client = [System.Net.Sockets.TcpClient]::new()
        try { { $client.Connect('127.0.0.1', $port) } | Should -Throw }
        finally { $client.Dispose() }
    }

    It 'takes -LockTimeout in seconds (alias -LockTimeoutSeconds) and ends RenewalLockTimeout while another run holds the lock' {
        $bot = New-TestBot 'locked' -Left '01:00:00'
        $state = Join-Path $bot '.oneflextokens'
        $null = New-Item -ItemType Directory -Path $state
        $held = [IO.File]::Open((Join-Path $state 'renewal.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            $result = Invoke-OneFlexRenewal -BotFolder $bot -LockTimeoutSeconds 1 -ErrorAction SilentlyContinue
        }
        finally { $held.Dispose() }
        $result.ErrorId | Should -Be 'RenewalLockTimeout'
        $result.ExitCode | Should -Be 1
        $result.Duration | Should -BeGreaterOrEqual ([timespan]::FromSeconds(1))
        (Invoke-OneFlexRenewal -BotFolder $bot -LockTimeout '00:00:00' -ErrorAction SilentlyContinue).ErrorId | Should -Be 'InvalidTimeout'
        (Invoke-OneFlexRenewal -BotFolder $bot -LockTimeout 30).Outcome | Should -Be 'NothingDue'
    }
}

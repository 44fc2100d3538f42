BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
}

Describe 'Test-OneFlexToken' {
    It 'returns $true for a token with time left and $false for an expired one' {
        Test-OneFlexToken -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))) | Should -BeTrue
        Test-OneFlexToken -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(-1))) | Should -BeFalse
    }

    It 'honours -MinimumValidity' {
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(3))
        Test-OneFlexToken -AccessToken $token -MinimumValidity '00:05:00' | Should -BeFalse
        (Test-OneFlexToken -AccessToken $token -MinimumValidity '00:05:00' -Detailed).Reason | Should -Be 'ExpiresTooSoon'
    }

    It 'refuses a -MinimumValidity below 0 or above 24 h with InvalidTimeout, before any token is read' {
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
        foreach ($value in '-00:05:00', '1.00:00:01') {
            $failure = { Test-OneFlexToken -AccessToken $token -MinimumValidity $value } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidTimeout,*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -Match '^-MinimumValidity is .*; it must be from 0 and at most 1 d\.'
        }
        Test-OneFlexToken -AccessToken $token -MinimumValidity '1.00:00:00' | Should -BeFalse
    }

    It 'writes an error with a specific id for a bad token with -PassThru' {
        $out = Test-OneFlexToken -AccessToken '0123456789abcdef0123' -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TokenNotJwt,*'
    }

    It 'reads the token from an env file' {
        $file = Join-Path $TestDrive '.env'
        Set-Content -LiteralPath $file -Value "ONEFLEX_TOKEN=$(New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15)))"
        Test-OneFlexToken -EnvPath $file | Should -BeTrue
    }

    It 'reads the files Get-Item and Get-ChildItem output, bound through PSPath' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'piped')
        Set-Content -LiteralPath (Join-Path $folder 'good.env') -Value "ONEFLEX_TOKEN=$(New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15)))"
        Set-Content -LiteralPath (Join-Path $folder 'old.env') -Value "ONEFLEX_TOKEN=$(New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(-5)))"
        Get-Item -LiteralPath (Join-Path $folder 'good.env') | Test-OneFlexToken | Should -BeTrue
        (Get-ChildItem -LiteralPath $folder | Test-OneFlexToken -Detailed).Reason | Should -Be @('Valid', 'Expired')
    }

    It 'says when a byte order mark hides ONEFLEX_TOKEN from the bot' {
        $file = Join-Path $TestDrive 'bom.env'
        [IO.File]::WriteAllText($file, "ONEFLEX_TOKEN=$(New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15)))`n", [Text.UTF8Encoding]::new($true))
        $status = Test-OneFlexToken -EnvPath $file -Detailed
        $status.Reason | Should -Be 'Empty'
        $status.Message | Should -Match 'byte order mark'
    }

    It 'never shows the whole token' {
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
        (Test-OneFlexToken -AccessToken $token -Detailed | Out-String) | Should -Not -Match ([regex]::Escape($token))
    }
}

# -Online against the standalone simulator (one healthy, one whose API answers 500) and a closed port: $false only for a
# token the service rejected; a service that cannot be reached is a ServiceUnreachable error and no output.
Describe 'Test-OneFlexToken -Online' {
    BeforeAll {
        $script:Healthy = Start-OneFlexSimulator
        $script:Failing = Start-OneFlexSimulator -Arguments '--api-fails'
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $script:ClosedPort = "http://127.0.0.1:$($probe.LocalEndpoint.Port)"; $probe.Stop()
        $script:Forged = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
    }

    AfterAll {
        foreach ($simulator in $script:Healthy, $script:Failing) {
            if ($simulator) { $simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
        }
    }

    It 'returns $false, and no error, for a token the service rejects' {
        $answer = Test-OneFlexToken -AccessToken $Forged -Online -BaseUrl $Healthy.AppUrl -ErrorVariable failures
        $answer | Should -BeExactly $false
        $failures | Should -HaveCount 0
    }

    It 'writes ServiceUnreachable naming the origin, and outputs nothing, when <Case>' -ForEach @(
        @{ Case = 'the API answers 500 on every attempt'; Target = 'Failing'; Says = 'HTTP 500 to 3 attempt\(s\)' }
        @{ Case = 'nothing listens on the port'; Target = 'ClosedPort'; Says = 'ConnectionError' }
        @{ Case = 'what answers is not the OneFlex API (the SSO host)'; Target = 'NotTheApi'; Says = 'HTTP 404' }
    ) {
        $url = switch ($Target) {
            'Failing' { $Failing.AppUrl }
            'ClosedPort' { $ClosedPort }
            'NotTheApi' { $Healthy.SsoUrl }
        }
        $origin = ([uri] $url).GetLeftPart('Authority')
        $answer = Test-OneFlexToken -AccessToken $Forged -Online -BaseUrl $url -Timeout 20 -ErrorVariable failures -ErrorAction SilentlyContinue
        $answer | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUnreachable,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape($origin))
        $failures[0].Exception.Message | Should -Match $Says
        $failures[0].Exception.Message | Should -Match 'whether the token is valid is unknown'
        Assert-NoSecret ($failures | Out-String) $Forged
    }

    It 'with -Detailed shows the status instead: Reason Unreachable, IsValid $false, no error' {
        $status = Test-OneFlexToken -AccessToken $Forged -Online -BaseUrl $ClosedPort -Detailed -ErrorVariable failures
        $failures | Should -HaveCount 0
        $status.Reason | Should -Be 'Unreachable'
        $status.IsValid | Should -BeFalse
        $status.CheckedOnline | Should -BeTrue
        $status.Message | Should -Match ([regex]::Escape($ClosedPort))
    }

    It 'with -PassThru passes nothing on and writes the same error' {
        $passed = Test-OneFlexToken -AccessToken $Forged -Online -BaseUrl $ClosedPort -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
        $passed | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUnreachable,*'
    }
}

Describe 'Test-OneFlexToken parameter sets' {
    It 'puts -Detailed and -PassThru in separate sets, so the syntax and the binder keep them apart' {
        $sets = (Get-Command Test-OneFlexToken).ParameterSets
        $sets | Where-Object { $_.Parameters.Name -contains 'Detailed' -and $_.Parameters.Name -contains 'PassThru' } | Should -BeNullOrEmpty
        ($sets | Where-Object { $_.Parameters.Name -contains 'Detailed' }).Count | Should -Be 3
        ($sets | Where-Object { $_.Parameters.Name -contains 'PassThru' }).Count | Should -Be 3
        $syntax = (Get-Help Test-OneFlexToken).syntax | Out-String -Width 400
        $syntax | Should -Match '(?m)-Detailed(?!.*-PassThru)'
        ($syntax -split "`n" | Where-Object { $_ -match '-Detailed' -and $_ -match '-PassThru' }) | Should -BeNullOrEmpty
        $failure = { Test-OneFlexToken -AccessToken x -Detailed -PassThru } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'AmbiguousParameterSet,*'
    }

    It 'binds a piped token, a piped file and a positional token with -Detailed and with -PassThru' {
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
        $file = Join-Path $TestDrive 'sets.env'
        Set-Content -LiteralPath $file -Value "ONEFLEX_TOKEN=$token"
        (Get-Item -LiteralPath $file | Test-OneFlexToken -Detailed).IsValid | Should -BeTrue
        ([pscustomobject]@{ AccessToken = $token } | Test-OneFlexToken -PassThru).AccessToken | Should -BeExactly $token
        (Test-OneFlexToken $token -Detailed).IsValid | Should -BeTrue
        (Test-OneFlexToken -EnvPath $file -PassThru).Source | Should -Be 'EnvFile'
    }
}

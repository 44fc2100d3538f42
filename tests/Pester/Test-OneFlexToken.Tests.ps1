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

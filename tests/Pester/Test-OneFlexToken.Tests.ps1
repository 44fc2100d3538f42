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

    It 'never shows the whole token' {
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
        (Test-OneFlexToken -AccessToken $token -Detailed | Out-String) | Should -Not -Match ([regex]::Escape($token))
    }
}

# Durations as pwsh shows them: with their days, from a token just issued to one that expired 1,118 days ago.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
}

Describe 'Durations' {
    It 'shows the days of a token that expired 1,118 days ago in the token views' {
        $expired = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow - [timespan]'1118.04:49:59') -NotBefore ([datetimeoffset]::UtcNow.AddDays(-1200))

        $table = Test-OneFlexToken -AccessToken $expired -Detailed | Out-String -Width 300
        $list = [OneFlexTokens.Tokens.OneFlexToken]::new($expired, $null, $null, 'EnvFile') | Format-List | Out-String -Width 300

        $table | Should -Match '\b1118 d 4 h ago\b'
        $table | Should -Not -Match '\d\d:\d\d:\d\d ago'
        $list | Should -Match '(?m)^ExpiresIn\s+: 1118 d 4 h ago$'
    }

    It 'shows a fresh token''s minutes and seconds, and durations in messages with their units' {
        $fresh = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))

        $table = Test-OneFlexToken -AccessToken $fresh -Detailed | Out-String -Width 300
        $soon = Test-OneFlexToken -AccessToken $fresh -MinimumValidity '1.00:00:00' -Detailed

        $table | Should -Match '\b1[45] min \d+ s\b'
        $soon.Message | Should -BeLike '*less than the required 1 d from now*'
        { Test-OneFlexToken -AccessToken $fresh -Timeout '1.00:00:01' -ErrorAction Stop } |
            Should -Throw '-Timeout is 1 d 1 s; it must be more than 0 and at most 1 d.*'
    }
}

# Get-OneFlexToken on its own; its browser sign-ins (window and headless) are in Pipeline.Tests.ps1, which has the display.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:simulator = Start-OneFlexSimulator -Arguments '--auto-sign-in'
}

AfterAll {
    if ($script:simulator) { $script:simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
}

Describe 'Get-OneFlexToken' {
    It 'refuses a plain http address that is not loopback' {
        { Get-OneFlexToken -BaseUrl 'http://oneflex.example.com' -RefreshToken '0123456789abcdef0123' -NoBrowser -ErrorAction Stop } |
            Should -Throw -ErrorId 'InsecureBaseUrl,*'
    }

    It 'reports a rejected refresh token without opening a browser when -NoBrowser is given' {
        { Get-OneFlexToken -BaseUrl $simulator.AppUrl -RefreshToken '0123456789abcdef0123' -NoBrowser -ErrorAction Stop } |
            Should -Throw -ErrorId 'RefreshTokenRejected,*'
    }
}

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

    It 'signs in with a browser and returns both tokens' -Skip:((-not (Get-Command chromium, google-chrome, msedge -ErrorAction SilentlyContinue)) -or ($IsLinux -and -not ($env:DISPLAY -or $env:WAYLAND_DISPLAY))) {
        $profile = Join-Path $TestDrive 'profile'
        $token = Get-OneFlexToken -BaseUrl $simulator.AppUrl -ProfilePath $profile -Timeout '00:01:00'
        $token.Source | Should -Be 'Browser'
        $token.RefreshToken | Should -Not -BeNullOrEmpty
        $token | Test-OneFlexToken -Online | Should -BeTrue
        $renewed = Get-OneFlexToken -BaseUrl $simulator.AppUrl -RefreshToken $token.RefreshToken -NoBrowser
        $renewed.Source | Should -Be 'Refresh'
    }
}

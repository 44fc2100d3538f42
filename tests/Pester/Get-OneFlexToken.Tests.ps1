BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:simulator = Start-OneFlexSimulator -Arguments '--auto-sign-in'
    $script:display = Start-TestDisplay
}

AfterAll {
    if ($script:simulator) { $script:simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
    if ($script:display) { Stop-TestDisplay $script:display }
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

    It 'signs in with a browser and returns both tokens' {
        $missing = if (-not (Get-Command chromium, google-chrome, msedge -ErrorAction SilentlyContinue)) { 'no Chromium, Chrome or Edge installed' }
        elseif (-not $display) { 'no display and no Xvfb for a browser window (apt-get install -y xvfb xauth)' }
        if ($missing) {
            if ($env:CI -eq 'true') { throw "CI=true and a required part is missing: $missing" }
            Set-ItResult -Skipped -Because $missing
            return
        }
        $profile = Join-Path $TestDrive 'profile'
        $before = $env:DISPLAY
        if ($display.Display) { $env:DISPLAY = $display.Display }
        try { $token = Get-OneFlexToken -BaseUrl $simulator.AppUrl -ProfilePath $profile -Timeout '00:01:00' }
        finally { $env:DISPLAY = $before }
        $token.Source | Should -Be 'Browser'
        $token.RefreshToken | Should -Not -BeNullOrEmpty
        $token | Test-OneFlexToken -Online | Should -BeTrue
        $renewed = Get-OneFlexToken -BaseUrl $simulator.AppUrl -RefreshToken $token.RefreshToken -NoBrowser
        $renewed.Source | Should -Be 'Refresh'
    }
}

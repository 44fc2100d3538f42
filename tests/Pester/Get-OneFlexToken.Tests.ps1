# Get-OneFlexToken on its own; its browser sign-ins (window and headless) are in Pipeline.Tests.ps1, which has the display.
# The sign-in from a phone, with a scripted phone, is in the xunit suite (RemoteSignInEndToEndTests); here: its surface.
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

    Context '-RemoteSignIn' {
        It 'refuses -Headless with it (RemoteSignInConflict) and a listener parameter without it (RemoteSignInParameterWithoutSwitch)' {
            { Get-OneFlexToken -BaseUrl $simulator.AppUrl -RemoteSignIn -Headless -ErrorAction Stop } |
                Should -Throw -ErrorId 'RemoteSignInConflict,*'
            { Get-OneFlexToken -BaseUrl $simulator.AppUrl -ListenAddress 127.0.0.1:0 -ErrorAction Stop } |
                Should -Throw -ErrorId 'RemoteSignInParameterWithoutSwitch,*'
        }

        It 'refuses plain http on every address without -AllowHttp, and a port another program holds' {
            Assert-RealPart (Get-BrowserMissingReason)
            $profile = Join-Path $TestDrive 'profile-http'
            { Get-OneFlexToken -BaseUrl $simulator.AppUrl -ProfilePath $profile -RemoteSignIn -ListenAddress 0.0.0.0:0 -ErrorAction Stop } |
                Should -Throw -ErrorId 'InsecureListenAddress,*'
            $holder = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $holder.Start()
            try {
                { Get-OneFlexToken -BaseUrl $simulator.AppUrl -ProfilePath $profile -RemoteSignIn -ListenAddress "127.0.0.1:$($holder.LocalEndpoint.Port)" -ErrorAction Stop } |
                    Should -Throw -ErrorId 'ListenAddressInUse,*'
            }
            finally { $holder.Stop() }
        }

        It 'prints the link and its QR code, serves the viewer with its security headers, and ends RemoteSignInExpired when nobody opens it' {
            Assert-RealPart (Get-BrowserMissingReason)
            $profile = Join-Path $TestDrive 'profile-expiry'
            $job = Start-ThreadJob -ArgumentList $ModuleManifest, $simulator.AppUrl, $profile -ScriptBlock {
                param($Manifest, $AppUrl, $ProfilePath)
                Import-Module $Manifest
                Get-OneFlexToken -RemoteSignIn -BaseUrl $AppUrl -ProfilePath $ProfilePath -ListenAddress 127.0.0.1:0 -LinkLifetime 6
            }
            try {
                $announced = Register-ObjectEvent -InputObject $job.Information -EventName DataAdded -SourceIdentifier 'remote-link'
                $text = ($job.Information | ForEach-Object { "$_" }) -join "`n"
                if ($text -notmatch 'http://127\.0\.0\.1:\d+/#\S+') {
                    $null = Wait-Event -SourceIdentifier 'remote-link' -Timeout 60
                    $text = ($job.Information | ForEach-Object { "$_" }) -join "`n"
                }
                $text | Should -Match 'http://127\.0\.0\.1:\d+/#[A-Za-z0-9_-]{43}'
                $text | Should -Match '[▀▄█]{10}'
                $link = [regex]::Match($text, 'http://127\.0\.0\.1:\d+/#[A-Za-z0-9_-]{43}').Value

                # What a chat app's preview fetches: the page without the fragment.
                $page = Invoke-WebRequest -Uri $link.Split('#')[0] -SkipHttpErrorCheck
                $page.StatusCode | Should -Be 200
                "$($page.Headers['Cache-Control'])" | Should -Match 'no-store'
                "$($page.Headers['Referrer-Policy'])" | Should -Be 'no-referrer'
                "$($page.Headers['Content-Security-Policy'])" | Should -Match "default-src 'none'"
                $page.Content | Should -Not -Match ($link.Split('#')[1])

                $null = Wait-Job $job -Timeout 60
                { Receive-Job $job -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteSignInExpired,*'
            }
            finally {
                Unregister-Event -SourceIdentifier 'remote-link' -ErrorAction SilentlyContinue
                $job | Remove-Job -Force
            }
        }
    }
}

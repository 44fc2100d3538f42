# The module as users get it: the package that './build.ps1 -Package' writes, published to a folder repository,
# installed with Install-PSResource under a fresh HOME, and used from fresh pwsh processes that know nothing of this
# checkout: import by name, a headed sign-in (under Xvfb here), a headless renewal, both files saved, the shipped
# scheduled script run from its installed place the way cron runs it, a sign-in again from a phone (the link read from
# the terminal, a scripted phone signs in). Then the same headless renewal as another, non-root account from an
# install for all users owned by root: that account may not give the driver back its execute bit, so it runs a
# per-user copy.
# The package (the driver of five platforms, ~216 MB) is built once per run, in BeforeAll.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Pwsh = Get-PwshPath
    $script:RepositoryName = 'OneFlexTokensTest'

    function Get-UnixMode([string] $Path) { [IO.File]::GetUnixFileMode($Path) }
    function ConvertTo-UnixMode([string] $Octal) { [IO.UnixFileMode] [Convert]::ToInt32($Octal, 8) }

    $script:BrowserMissing = if (-not (Get-Command chromium, google-chrome, msedge -CommandType Application -ErrorAction SilentlyContinue)) { 'no Chromium, Chrome or Edge installed' }

    # The package, as a user gets it: './build.ps1 -Package' in the pinned pwsh.
    $built = & $script:Pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build.ps1') -Package
    if ($LASTEXITCODE) { throw "./build.ps1 -Package failed ($LASTEXITCODE): $built" }
    $script:Nupkg = ($built | Select-Object -Last 1).Trim()
    $script:Version = (Import-PowerShellDataFile -LiteralPath (Join-Path $RepoRoot 'OneFlexTokens.psd1')).ModuleVersion

    # A work folder others may traverse (the second account reads the shared pwsh and the install for all users).
    $script:Work = [IO.Directory]::CreateTempSubdirectory('oneflex-install-').FullName
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($Work, (ConvertTo-UnixMode 755)) }
    $script:Repository = New-Item -ItemType Directory -Path (Join-Path $Work 'repository')
    $script:UserHome = (New-Item -ItemType Directory -Path (Join-Path $Work 'home')).FullName
    $script:Steps = (New-Item -ItemType Directory -Path (Join-Path $Work 'steps')).FullName
    $script:Bot = (New-Item -ItemType Directory -Path (Join-Path $UserHome 'oneflex' 'config') -Force).Parent.FullName
    Set-Content -LiteralPath (Join-Path $Bot '.env') -Value "# réglages du bot`nDESK_ID=42`nONEFLEX_TOKEN=expired`nONEFLEX_REFRESH_TOKEN=`n" -NoNewline
    Copy-Item -LiteralPath (Join-Path $Bot '.env') -Destination (Join-Path $Bot 'config' '.env')
    $script:ProfilePath = Join-Path $UserHome 'browser-profile'
    $script:InstalledBase = Join-Path $UserHome '.local' 'share' 'powershell' 'Modules' 'OneFlexTokens' $Version
    if ($IsWindows) { $script:InstalledBase = Join-Path $UserHome 'Documents' 'PowerShell' 'Modules' 'OneFlexTokens' $Version }
    $script:Simulator = Start-OneFlexSimulator -Arguments '--auto-sign-in'

    # The steps, each a script a fresh pwsh runs. They report what they saw as JSON in -ResultPath (never a token).
    Set-Content -LiteralPath (Join-Path $Steps 'install.ps1') -Value @'
param([string] $Repository, [string] $Name, [string] $PublishNupkg, [string] $SavePath)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name $Name -Uri $Repository -Trusted
if ($PublishNupkg) { Publish-PSResource -NupkgPath $PublishNupkg -Repository $Name }
if ($SavePath) { Save-PSResource -Name OneFlexTokens -Repository $Name -Path $SavePath }
else { Install-PSResource -Name OneFlexTokens -Repository $Name -Scope CurrentUser }
'@
    Set-Content -LiteralPath (Join-Path $Steps 'renew.ps1') -Value @'
param([string] $BaseUrl, [string] $ProfilePath, [string] $Bot, [string] $ResultPath, [switch] $SignInFirst)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module OneFlexTokens
$result = [ordered]@{ ModuleBase = (Get-Module OneFlexTokens).ModuleBase; Verbose = @(); Sources = @() }
if ($SignInFirst) {
    $first = Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Timeout 90 -Verbose 4>&1 | ForEach-Object {
        if ($_ -is [Management.Automation.VerboseRecord]) { $result.Verbose += $_.Message } else { $_ }
    }
    $result.Sources += [string] $first.Source
}
$renewed = Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Headless -Timeout 90 -Verbose 4>&1 | ForEach-Object {
    if ($_ -is [Management.Automation.VerboseRecord]) { $result.Verbose += $_.Message } else { $_ }
}
$result.Sources += [string] $renewed.Source
$result.Saved = @($renewed | Test-OneFlexToken -PassThru -Online | Save-OneFlexEnv -Path (Join-Path $Bot '.env'), (Join-Path $Bot 'config' '.env') -PassThru | ForEach-Object Path)
$result.OnlineValid = Test-OneFlexToken -EnvPath (Join-Path $Bot 'config' '.env') -Online -BaseUrl $BaseUrl
$result.ExpiresAt = $renewed.ExpiresAt.ToString('o')
$result.DriverVariables = "[$env:PLAYWRIGHT_DRIVER_SEARCH_PATH][$env:PLAYWRIGHT_NODEJS_PATH]"
$result | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $ResultPath
'@
    # The sign-in from a phone as a user types it; its link is read from what the terminal shows.
    Set-Content -LiteralPath (Join-Path $Steps 'remote.ps1') -Value @'
param([string] $BaseUrl, [string] $ProfilePath, [string] $Bot)
$ErrorActionPreference = 'Stop'
Import-Module OneFlexTokens
$files = (Join-Path $Bot '.env'), (Join-Path $Bot 'config' '.env')
Get-OneFlexToken -RemoteSignIn -BaseUrl $BaseUrl -ProfilePath $ProfilePath -ListenAddress 127.0.0.1:0 -LinkLifetime 180 -Verbose |
    Save-OneFlexEnv -Path $files -PassThru | Format-Table | Out-String -Width 200
"OnlineValid=$(Test-OneFlexToken -EnvPath $files[1] -Online -BaseUrl $BaseUrl)"
'@
    Set-Content -LiteralPath (Join-Path $Steps 'damaged.ps1') -Value @'
param([string] $BaseUrl, [string] $ProfilePath)
Import-Module OneFlexTokens
try { Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Headless -Timeout 30 -ErrorAction Stop; 'NO ERROR' }
catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category; $_.Exception.Message }
'@
    Set-Content -LiteralPath (Join-Path $Steps 'damaged-engine.ps1') -Value @'
param([string] $Socket)
Import-Module OneFlexTokens
try { Restart-OneFlexBot -Name oneflex-bot -DockerHost "unix://$Socket" -ErrorAction Stop; 'NO ERROR' }
catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category; $_.Exception.Message }
'@
}

AfterAll {
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
    if ($script:HumanSimulator) { $script:HumanSimulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
    if ($script:Xvfb) { Stop-TestFixture $script:Xvfb }
    if ($script:Phone) { Stop-TestFixture $script:Phone }
    if ($script:OtherUser) { & userdel $script:OtherUser.Name 2>&1 | Out-Null }
    if ($script:Work) { Remove-Item -LiteralPath $script:Work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'OneFlexTokens as users get it' {
    It 'is one package for every platform, with the scheduled script, the help and the license, under NuGet''s 250 MB limit' {
        $package = Get-Item -LiteralPath $Nupkg
        $package.Name | Should -Be "OneFlexTokens.$Version.nupkg"
        $package.Length | Should -BeLessThan 250e6
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $entries = $zip.Entries.FullName
            foreach ($node in 'win32_x64/node.exe', 'linux-x64/node', 'linux-arm64/node', 'darwin-x64/node', 'darwin-arm64/node') {
                $entries | Should -Contain ".playwright/node/$node"
            }
            foreach ($file in '.playwright/package/cli.js', 'Scripts/Update-OneFlexBot.ps1', 'en-US/about_OneFlexTokens.help.txt', 'en-US/OneFlexTokens.dll-Help.xml', 'LICENSE', 'OneFlexTokens.psd1', 'OneFlexTokens.dll',
                'Dependencies/OneFlexTokens.Engine.dll', 'Dependencies/Microsoft.Playwright.dll', 'Dependencies/Docker.DotNet.dll', 'Dependencies/Microsoft.Extensions.Logging.Abstractions.dll') {
                $entries | Should -Contain $file
            }
            # The cmdlet assembly is alone at the root (the default context finds nothing else there); no unused assembly, no browser downloader.
            @($entries -match '^[^/]+\.dll$') | Should -Be @('OneFlexTokens.dll')
            @($entries -match 'System\.IO\.Pipelines|playwright\.ps1$') | Should -BeNullOrEmpty
            $reader = [IO.StreamReader]::new($zip.GetEntry('OneFlexTokens.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $nuspec.package.metadata.version | Should -Be $Version
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'MacOS'
        $nuspec.package.metadata.releaseNotes | Should -Match ([regex]::Escape($Version))
    }

    It 'publishes to a folder repository and installs with Install-PSResource under a fresh HOME' {
        $run = Invoke-FreshPwsh -File (Join-Path $Steps 'install.ps1') -Arguments '-Repository', $Repository.FullName, '-Name', $RepositoryName, '-PublishNupkg', $Nupkg -Environment (New-CleanEnvironment $UserHome)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-ChildItem -LiteralPath $Repository.FullName -Name | Should -Be "OneFlexTokens.$Version.nupkg"
        Test-Path -LiteralPath (Join-Path $InstalledBase 'OneFlexTokens.psd1') | Should -BeTrue -Because $run.Output
        Test-Path -LiteralPath (Join-Path $InstalledBase 'Scripts' 'Update-OneFlexBot.ps1') | Should -BeTrue
        if (-not $IsWindows) {
            # What the driver has to repair: a package keeps no file modes.
            $node = Join-Path $InstalledBase '.playwright' 'node' ($IsMacOS ? 'darwin-x64' : 'linux-x64') 'node'
            (Get-UnixMode $node).HasFlag([IO.UnixFileMode]::UserExecute) | Should -BeFalse
        }
    }

    It 'shows about_OneFlexTokens, which says where the scheduled script is, from the installed module' {
        $topic = Join-Path $Steps 'about.ps1'
        Set-Content -LiteralPath $topic -Value '(Get-Help about_OneFlexTokens | Out-String -Width 200)'
        $run = Invoke-FreshPwsh -File $topic -Environment (New-CleanEnvironment $UserHome)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'Scripts/Update-OneFlexBot\.ps1'
        $run.Output | Should -Match 'PlaywrightDriverUnusable'
    }

    It 'imports by name, signs in headed, renews headless on the saved session and saves both files, repairing the driver on first use' {
        Assert-RealPart $BrowserMissing
        $script:Xvfb = Start-TestFixture -Part xvfb
        Assert-RealPart $Xvfb.XvfbMissing
        $display = @{}
        if ($Xvfb.Display) { $display.DISPLAY = $Xvfb.Display }
        $resultPath = Join-Path $Work 'renew-result.json'

        $run = Invoke-FreshPwsh -File (Join-Path $Steps 'renew.ps1') -Arguments '-BaseUrl', $Simulator.AppUrl, '-ProfilePath', $ProfilePath, '-Bot', $Bot, '-ResultPath', $resultPath, '-SignInFirst' -Environment (New-CleanEnvironment $UserHome $display)

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $result = Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
        $result.ModuleBase | Should -Be $InstalledBase
        $result.Sources | Should -Be @('Browser', 'Browser')
        $result.OnlineValid | Should -BeTrue
        $result.Saved | Should -HaveCount 2
        $result.DriverVariables | Should -BeExactly '[][]' -Because 'the driver paths are given to Playwright only while it starts its driver'
        if (-not $IsWindows) {
            $result.Verbose -join "`n" | Should -Match 'Restored the execute bit'
            $node = Join-Path $InstalledBase '.playwright' 'node' ($IsMacOS ? 'darwin-x64' : 'linux-x64') 'node'
            (Get-UnixMode $node).HasFlag([IO.UnixFileMode]::UserExecute) | Should -BeTrue
        }
        $dotenv = Get-Content -Raw -LiteralPath (Join-Path $Bot '.env')
        $dotenv | Should -BeLikeExactly "# réglages du bot`nDESK_ID=42`nONEFLEX_TOKEN=ey*"
        Get-Content -Raw -LiteralPath (Join-Path $Bot 'config' '.env') | Should -BeExactly $dotenv
    }

    It 'runs the shipped scheduled script from its installed place, started the way cron starts it' {
        $tokenFile = Join-Path $Bot 'config' '.env'
        Assert-RealPart $(if ((Get-Content -Raw -LiteralPath $tokenFile) -notmatch 'ONEFLEX_REFRESH_TOKEN=\w') { 'the sign-in test above did not save a token to renew' })
        $script = Join-Path $InstalledBase 'Scripts' 'Update-OneFlexBot.ps1'
        $log = Join-Path $Bot '.oneflextokens' 'renewal.log'

        # Nothing due: the saved token has ~15 minutes left.
        $quiet = Invoke-FreshPwsh -File $script -Arguments '-BotFolder', $Bot, '-BaseUrl', $Simulator.AppUrl, '-MinimumValidity', '00:05:00' -Environment (New-CleanEnvironment $UserHome)
        $quiet.ExitCode | Should -Be 0 -Because $quiet.Output
        Get-Content -LiteralPath $log | Select-Object -Last 1 | Should -Match 'RESULT NothingDue exit=0 error=- Nothing due'

        # Due: renewed with the refresh grant and saved to both files; the restart then meets no Docker engine (exit 1, said in the log).
        $before = Get-Content -Raw -LiteralPath $tokenFile
        $due = Invoke-FreshPwsh -File $script -Arguments '-BotFolder', $Bot, '-BaseUrl', $Simulator.AppUrl, '-MinimumValidity', '1.00:00:00', '-NoBrowser', '-DockerHost', "unix://$(Join-Path $Work 'no-engine.sock')" -Environment (New-CleanEnvironment $UserHome)
        $due.ExitCode | Should -Be 1 -Because $due.Output
        $lines = Get-Content -LiteralPath $log
        ($lines -match 'INFO +New token .* from Refresh') | Should -HaveCount 1
        ($lines -match 'INFO +Saved ') | Should -HaveCount 2
        ($lines -match 'ERROR +DockerUnreachable \(exit 1\)') | Should -HaveCount 1
        $lines[-1] | Should -Match 'RESULT Failed exit=1 error=DockerUnreachable '
        Get-Content -Raw -LiteralPath $tokenFile | Should -Not -BeExactly $before
        Get-Content -Raw -LiteralPath (Join-Path $Bot '.env') | Should -BeExactly (Get-Content -Raw -LiteralPath $tokenFile)
    }

    It 'signs in again from a phone: the installed Get-OneFlexToken -RemoteSignIn prints a link, a phone opens it and signs in, and the pipeline saves both files' {
        Assert-RealPart $BrowserMissing
        $script:Phone = Start-TestFixture -Part phone
        Assert-RealPart $Phone.PhoneMissing
        $username = 'phone.user@example.com'
        $password = 'Mot-de-passe-été-ü€🔑'
        # A sign-in no script fills in: username, password, then the MFA code the phone reads from the simulator.
        $script:HumanSimulator = Start-OneFlexSimulator -Arguments '--human-sign-in', '--email', $username, '--password', $password
        $phoneProfile = Join-Path $UserHome 'phone-profile'
        $before = Get-EnvValue (Join-Path $Bot 'config' '.env') 'ONEFLEX_TOKEN'

        $run = Start-FreshPwsh -File (Join-Path $Steps 'remote.ps1') -Arguments '-BaseUrl', $HumanSimulator.AppUrl, '-ProfilePath', $phoneProfile, '-Bot', $Bot -Environment (New-CleanEnvironment $UserHome)
        try {
            # The link as the terminal shows it (its QR code follows), handed to the phone as a user would.
            $link = Read-FreshPwshLine $run '^https?://\S+/#[A-Za-z0-9_-]{22,}$'
            $phoneSaid = Invoke-TestFixture $Phone @{ Command = 'SignIn'; Link = $link; SsoUrl = $HumanSimulator.SsoUrl; Username = $username; Password = $password; Seconds = 90 }
            $done = Wait-FreshPwsh $run
        }
        finally {
            if (-not $run.Process.HasExited) { $run.Process.Kill($true) }
        }

        $done.ExitCode | Should -Be 0 -Because $done.Output
        $phoneSaid.Notice | Should -BeLike 'Signed in.*'
        $done.Output | Should -Match '(?m)^OnlineValid=True$' -Because $done.Output
        $token = Get-EnvValue (Join-Path $Bot 'config' '.env') 'ONEFLEX_TOKEN'
        $token | Should -BeLike 'ey*'
        $token | Should -Not -BeExactly $before
        Get-Content -Raw -LiteralPath (Join-Path $Bot '.env') | Should -BeExactly (Get-Content -Raw -LiteralPath (Join-Path $Bot 'config' '.env'))
        # The link is shown once, for the user; the run shows nothing else of its secret, nor the password or the tokens.
        $secret = ($link -split '#')[1]
        [regex]::Matches($done.Output, [regex]::Escape($secret)).Count | Should -Be 1
        Assert-NoSecret $done.Output @($password, $token, (Get-EnvValue (Join-Path $Bot 'config' '.env') 'ONEFLEX_REFRESH_TOKEN'))
        # Nothing left behind: no browser on the profile, no listener on the link's port.
        # CommandLine is read anew each time, and is null once a process has gone: read once.
        @(Get-Process | Where-Object { "$($_.CommandLine)".Contains($phoneProfile) }) | Should -HaveCount 0
        $client = [System.Net.Sockets.TcpClient]::new()
        try { { $client.Connect('127.0.0.1', ([uri] $link).Port) } | Should -Throw }
        finally { $client.Dispose() }
    }

    It 'says how to repair an install whose driver is missing, with its own error id' {
        Assert-RealPart $BrowserMissing
        $nodeFolder = Join-Path $InstalledBase '.playwright' 'node' ($IsWindows ? 'win32_x64' : $IsMacOS ? 'darwin-x64' : 'linux-x64')
        Rename-Item -LiteralPath $nodeFolder -NewName 'away'
        try {
            $run = Invoke-FreshPwsh -File (Join-Path $Steps 'damaged.ps1') -Arguments '-BaseUrl', $Simulator.AppUrl, '-ProfilePath', $ProfilePath -Environment (New-CleanEnvironment $UserHome)
        }
        finally { Rename-Item -LiteralPath (Join-Path (Split-Path $nodeFolder) 'away') -NewName (Split-Path -Leaf $nodeFolder) }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^PlaywrightDriverUnusable,OneFlexTokens\.Commands\.GetOneFlexTokenCommand$'
        $run.Output | Should -Match '(?m)^NotInstalled$'
        $run.Output | Should -Match 'Install-PSResource OneFlexTokens -Reinstall'
        $run.Output | Should -Not -Match 'BrowserLaunchFailed|ProfilePath'
    }

    It 'says how to repair an install whose engine lacks a library, naming it (DependencyConflict), not as a raw FileNotFoundException' {
        $library = Join-Path $InstalledBase 'Dependencies' 'Docker.DotNet.dll'
        Rename-Item -LiteralPath $library -NewName 'Docker.DotNet.dll.away'
        try {
            $run = Invoke-FreshPwsh -File (Join-Path $Steps 'damaged-engine.ps1') -Arguments '-Socket', (Join-Path $Work 'no-engine.sock') -Environment (New-CleanEnvironment $UserHome)
        }
        finally { Rename-Item -LiteralPath "$library.away" -NewName 'Docker.DotNet.dll' }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^DependencyConflict,OneFlexTokens\.Commands\.RestartOneFlexBotCommand$'
        $run.Output | Should -Match '(?m)^ResourceUnavailable$'
        $run.Output | Should -Match 'could not load Docker\.DotNet from'
        $run.Output | Should -Match 'Install-PSResource OneFlexTokens -Reinstall'
        $run.Output | Should -Not -Match 'FileNotFoundException|FileLoadException|PublicKeyToken'
    }

    It 'reports a driver runtime that cannot be started with the same id, not as a raw Win32Exception' {
        Assert-RealPart $BrowserMissing
        # PLAYWRIGHT_NODEJS_PATH, when the user sets it, is used as it is: here a file that cannot run.
        $notNode = Join-Path $Work 'not-node'
        Set-Content -LiteralPath $notNode -Value 'not a program'
        $run = Invoke-FreshPwsh -File (Join-Path $Steps 'damaged.ps1') -Arguments '-BaseUrl', $Simulator.AppUrl, '-ProfilePath', $ProfilePath -Environment (New-CleanEnvironment $UserHome @{ PLAYWRIGHT_NODEJS_PATH = $notNode })
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^PlaywrightDriverUnusable,OneFlexTokens\.Commands\.GetOneFlexTokenCommand$'
        $run.Output | Should -Match 'did not start'
        $run.Output | Should -Not -Match 'Win32Exception|BrowserLaunchFailed'
    }
}

# An install for all users, owned by root and used by another account, is a Unix matter (Windows keeps no execute
# bit to lose); accounts are made with useradd, so this runs on Linux.
if ($IsLinux) {
    Describe 'OneFlexTokens installed for all users by root, used by another account' {
        It 'renews headless from a per-user copy of the driver, leaving the install as it was' {
            Assert-RealPart $BrowserMissing
            Assert-RealPart $(if ((id -u) -ne '0') { 'making a second account needs root' })
            Assert-RealPart $(if (@(Get-Command useradd, userdel, setpriv -ErrorAction SilentlyContinue).Count -ne 3) { 'useradd, userdel and setpriv are needed' })
            Assert-RealPart $(if (-not (Test-Path -LiteralPath (Join-Path $ProfilePath 'Default'))) { 'the headed sign-in above did not leave a profile to renew from' })

            # As root would for all users: Save-PSResource into a root-owned, 0755 module folder.
            $allUsers = Join-Path $Work 'all-users' 'Modules'
            $null = New-Item -ItemType Directory -Force -Path $allUsers, (Join-Path $Work 'root-home')
            $run = Invoke-FreshPwsh -File (Join-Path $Steps 'install.ps1') -Arguments '-Repository', $Repository.FullName, '-Name', $RepositoryName, '-SavePath', $allUsers -Environment (New-CleanEnvironment (Join-Path $Work 'root-home'))
            $run.ExitCode | Should -Be 0 -Because $run.Output
            & chmod -R 'u=rwX,go=rX' (Join-Path $Work 'all-users')
            $sharedBase = Join-Path $allUsers 'OneFlexTokens' $Version
            $sharedNode = Join-Path $sharedBase '.playwright' 'node' 'linux-x64' 'node'
            (Get-UnixMode $sharedNode) | Should -Be (ConvertTo-UnixMode 644)

            # A pwsh the account can run, as a system-wide install would be (the pinned one sits under /root).
            $sharedPwsh = Join-Path $Work 'pwsh'
            Copy-Item -LiteralPath $PSHOME -Destination $sharedPwsh -Recurse
            & chmod -R 'a+rX' $sharedPwsh
            & chmod 'a+x' (Join-Path $sharedPwsh 'pwsh')

            $name = 'oneflex-t' + [Guid]::NewGuid().ToString('N').Substring(0, 8)
            $otherHome = Join-Path $Work $name
            & useradd --no-create-home --home-dir $otherHome --shell /usr/sbin/nologin --user-group $name
            $LASTEXITCODE | Should -Be 0
            $script:OtherUser = [pscustomobject]@{ Name = $name; Id = [int] (id -u $name); Group = [int] (id -g $name) }
            $otherBot = Join-Path $otherHome 'oneflex'
            $null = New-Item -ItemType Directory -Force -Path (Join-Path $otherBot 'config')
            Copy-Item -LiteralPath (Join-Path $Bot '.env') -Destination $otherBot
            Copy-Item -LiteralPath (Join-Path $Bot 'config' '.env') -Destination (Join-Path $otherBot 'config')
            Copy-Item -LiteralPath $ProfilePath -Destination (Join-Path $otherHome 'browser-profile') -Recurse
            & chown -R "$($name):$($name)" $otherHome
            & chmod 700 $otherHome
            $renew = Join-Path $Steps 'renew.ps1'
            & chmod 'a+rX' $Steps $renew
            $resultPath = Join-Path $otherHome 'result.json'

            $other = Invoke-FreshPwsh -Pwsh (Join-Path $sharedPwsh 'pwsh') -UserId $OtherUser.Id -GroupId $OtherUser.Group -File $renew `
                -Arguments '-BaseUrl', $Simulator.AppUrl, '-ProfilePath', (Join-Path $otherHome 'browser-profile'), '-Bot', $otherBot, '-ResultPath', $resultPath `
                -Environment (New-CleanEnvironment $otherHome @{ PSModulePath = $allUsers; USER = $name; LOGNAME = $name })

            $other.ExitCode | Should -Be 0 -Because $other.Output
            $result = Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
            $result.ModuleBase | Should -Be $sharedBase
            $result.Sources | Should -Be @('Browser')
            $result.OnlineValid | Should -BeTrue
            # The per-user copy is kept per driver version: playwright-core's, from the installed driver's package.json.
            $driverVersion = (Get-Content -Raw -LiteralPath (Join-Path $sharedBase '.playwright' 'package' 'package.json') | ConvertFrom-Json).version
            $copy = Join-Path $otherHome '.local' 'share' 'OneFlexTokens' 'playwright-driver' $driverVersion 'linux-x64' 'node'
            $result.Verbose -join "`n" | Should -Match ([regex]::Escape("per-user copy $copy"))
            (Get-Item -LiteralPath $copy).User | Should -Be $name
            Get-UnixMode $copy | Should -Be (ConvertTo-UnixMode 700)
            (Get-Item -LiteralPath $copy).Length | Should -Be (Get-Item -LiteralPath $sharedNode).Length
            # The install for all users is as root left it.
            Get-UnixMode $sharedNode | Should -Be (ConvertTo-UnixMode 644)
            (Get-Item -LiteralPath $sharedNode).User | Should -Be 'root'
            Get-Content -Raw -LiteralPath (Join-Path $otherBot 'config' '.env') | Should -Not -BeExactly (Get-Content -Raw -LiteralPath (Join-Path $Bot 'config' '.env'))
        }
    }
}

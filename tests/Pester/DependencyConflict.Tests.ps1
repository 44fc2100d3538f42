# OneFlexTokens in one pwsh session with other modules that ship other versions of its dependencies (issue 17):
# throwaway binary modules (tests/Fixtures/ConflictModules, laid out by the build under out/conflict-modules/) on
# Docker.DotNet 3.125, Microsoft.Playwright 1.62 and Microsoft.Extensions.Logging.Abstractions 10. For each, both
# orders run in one fresh pwsh (a clean environment, modules imported by name as installed ones are): the first
# module's cmdlets run before the second is imported, so its dependencies are loaded when the second meets them.
# The session reports what it saw as JSON; each It checks one part of it.

BeforeDiscovery {
    $fixtures = @(
        @{ Other = 'OtherDocker'; Dependency = 'Docker.DotNet'; Version = '3.125'; Detail = '^pong from engine \S+ \(API [\d.]+\)$' }
        @{ Other = 'OtherPlaywright'; Dependency = 'Microsoft.Playwright'; Version = '1.62'; Detail = "^browser \d+\.[\d.]+, page 'other playwright'$" }
        @{ Other = 'OtherLogging'; Dependency = 'Microsoft.Extensions.Logging.Abstractions'; Version = '10.0'; Detail = "^logged 'Hello from OtherLogging'$" }
    )
    $script:Cases = foreach ($fixture in $fixtures) {
        @{ First = 'Other'; Order = "$($fixture.Other) imported and used first" }, @{ First = 'OneFlexTokens'; Order = 'OneFlexTokens imported and used first' } |
            ForEach-Object { $fixture + $_ }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:ConflictModules = Join-Path $RepoRoot 'out' 'conflict-modules'
    foreach ($name in 'OtherDocker', 'OtherPlaywright', 'OtherLogging') {
        if (-not (Test-Path -LiteralPath (Join-Path $ConflictModules $name "$name.psd1"))) {
            throw "Build first: dotnet build $(Join-Path $RepoRoot 'OneFlexTokens.sln') (it lays out $ConflictModules)"
        }
    }
    $script:Simulator = Start-OneFlexSimulator -Arguments '--auto-sign-in'
    $script:Parts = Start-TestFixture -Part xvfb, docker
    $script:BrowserMissing = Get-BrowserMissingReason
    $script:BrowserPath = Get-BrowserPath
    $script:BotName = 'pester-conflict-bot'
    $script:SessionHome = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')).FullName
    $script:Missing = @($BrowserMissing, $Parts.XvfbMissing, $Parts.DockerMissing) | Where-Object { $_ }

    # The SSO session a human left in the browser profile (one window sign-in under Xvfb), so that each session below
    # signs in headless; and the bot container each session restarts.
    $script:ProfilePath = Join-Path $TestDrive 'profile'
    if (-not $Missing) {
        $display = $env:DISPLAY
        $env:DISPLAY = $Parts.Display
        try { $null = Get-OneFlexToken -BaseUrl $Simulator.AppUrl -ProfilePath $ProfilePath -Timeout '00:01:00' -ErrorAction Stop }
        finally { $env:DISPLAY = $display }
        $botFolder = Join-Path $TestDrive 'oneflex'
        $null = New-BotFolder -Path $botFolder -AccessToken (New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(1)))
        $null = Invoke-TestFixture $Parts @{ Command = 'CreateBot'; Name = $BotName; ConfigDirectory = (Join-Path $botFolder 'config') }
    }

    # One session: imports the first module and runs its cmdlets, then the second; each step keeps its output or its
    # error and the session goes on, so that every check below has something to look at. No token is written out.
    $script:Session = Join-Path $TestDrive 'session.ps1'
    Set-Content -LiteralPath $Session -Value @'
param([string] $Other, [string] $First, [string] $BaseUrl, [string] $ProfilePath, [string] $DockerHost, [string] $MissingEngine,
    [string] $BotName, [string] $BrowserPath, [string] $ResultPath)
$ProgressPreference = 'SilentlyContinue'
$result = [ordered]@{ DriverPathAtStart = $env:PLAYWRIGHT_DRIVER_SEARCH_PATH }

function Step([string] $Name, [scriptblock] $Action) {
    try { $result[$Name] = [ordered]@{ Output = & $Action } }
    catch {
        $result[$Name] = [ordered]@{
            ErrorId   = $_.FullyQualifiedErrorId
            Category  = [string] $_.CategoryInfo.Category
            Exception = $_.Exception.GetType().FullName
            Message   = $_.Exception.Message
        }
    }
}

$otherModule = {
    Step OtherImport { Import-Module $Other -ErrorAction Stop; (Get-Module $Other).ModuleBase }
    Step OtherRun {
        $report = switch ($Other) {
            'OtherDocker' { Get-OtherDockerPing -Uri $DockerHost -ErrorAction Stop }
            'OtherPlaywright' { Start-OtherPlaywrightBrowser -ExecutablePath $BrowserPath -ErrorAction Stop }
            'OtherLogging' { Write-OtherLog -ErrorAction Stop }
        }
        $report | Select-Object Assembly, Version, Location, LoadContext, Detail
    }
}
$oneFlexTokens = {
    Step Import { Import-Module OneFlexTokens -ErrorAction Stop; (Get-Module OneFlexTokens).ModuleBase }
    $result.DriverPathAfterImport = $env:PLAYWRIGHT_DRIVER_SEARCH_PATH
    Step SignIn {
        $script:token = Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Headless -Timeout 90 -ErrorAction Stop
        [ordered]@{ Source = [string] $token.Source; ExpiresAt = $token.ExpiresAt.ToString('o') }
    }
    $result.DriverPathAfterSignIn = $env:PLAYWRIGHT_DRIVER_SEARCH_PATH
    Step Check {
        [ordered]@{
            Offline = $script:token | Test-OneFlexToken -MinimumValidity '00:05:00' -ErrorAction Stop
            Online  = $script:token | Test-OneFlexToken -Online -ErrorAction Stop
        }
    }
    Step Restart { Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost -ErrorAction Stop | Select-Object Name, PreviousState, State }
    Step Unreachable { Restart-OneFlexBot -Name $BotName -DockerHost $MissingEngine -ErrorAction Stop; 'no error' }
}

if ($First -eq 'Other') { & $otherModule; & $oneFlexTokens } else { & $oneFlexTokens; & $otherModule }

$watched = 'OneFlexTokens', 'OneFlexTokens.Engine', 'Docker.DotNet', 'Microsoft.Playwright', 'Microsoft.Extensions.Logging.Abstractions'
$result.Assemblies = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in $watched } | ForEach-Object {
    [ordered]@{
        Name        = $_.GetName().Name
        Version     = [string] $_.GetName().Version
        Location    = $_.Location
        LoadContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
    }
})
# Every error the session met, caught or not: what a user would see in $Error.
$result.Errors = @($Error | ForEach-Object {
    $record = if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ } else { $_.ErrorRecord }
    [ordered]@{ ErrorId = [string] $record.FullyQualifiedErrorId; Exception = $_.Exception.GetType().FullName; Message = [string] $_.Exception.Message }
})
$result | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $ResultPath
'@

    function Invoke-ConflictSession([string] $Other, [string] $First) {
        $resultPath = Join-Path $TestDrive "$Other-$First.json"
        $modulePath = (Split-Path $ModuleManifest -Parent | Split-Path -Parent), $ConflictModules -join [IO.Path]::PathSeparator
        $missingEngine = "unix://$(Join-Path $TestDrive 'no-engine.sock')"
        $run = Invoke-FreshPwsh -File $Session -Environment (New-CleanEnvironment $SessionHome @{ PSModulePath = $modulePath }) -Arguments @(
            '-Other', $Other, '-First', $First, '-BaseUrl', $Simulator.AppUrl, '-ProfilePath', $ProfilePath, '-DockerHost', $Parts.DockerHost,
            '-MissingEngine', $missingEngine, '-BotName', $BotName, '-BrowserPath', $BrowserPath, '-ResultPath', $resultPath)
        if ($run.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $resultPath)) {
            throw "The session ($Other, $First first) ended with exit code $($run.ExitCode): $($run.Output)"
        }
        Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
    }

    # A step's error as one line for -Because: its id and message (never a token: the session writes none).
    function Format-Step($Step) {
        if ($null -eq $Step) { return 'the step did not run' }
        if ($Step.ErrorId) { return "error $($Step.ErrorId) ($($Step.Exception)): $($Step.Message)" }
        'no error'
    }
}

AfterAll {
    Stop-TestFixture $script:Parts
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
}

Describe 'OneFlexTokens beside a module with other versions of its dependencies' -Tag Docker {
    Context '<Other> (<Dependency> <Version>), <Order>' -ForEach $Cases {
        BeforeAll {
            $script:Run = if (-not $Missing) { Invoke-ConflictSession -Other $Other -First $First }
        }

        It 'imports <Other>, which runs on its own <Dependency> <Version>' {
            Assert-RealPart $Missing
            $Run.OtherImport.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.OtherImport)
            $Run.OtherRun.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.OtherRun)
            $report = $Run.OtherRun.Output
            $report.Assembly | Should -Be $Dependency
            $report.Version | Should -BeLike "$Version.*"
            $report.Location | Should -Be (Join-Path $Run.OtherImport.Output "$Dependency.dll")
            $report.Detail | Should -Match $Detail
        }

        It 'signs in headless on the saved SSO session, and Test-OneFlexToken accepts the token offline and online' {
            Assert-RealPart $Missing
            $Run.Import.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.Import)
            $Run.SignIn.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.SignIn)
            $Run.SignIn.Output.Source | Should -Be 'Browser'
            $Run.Check.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.Check)
            $Run.Check.Output.Offline | Should -BeTrue
            $Run.Check.Output.Online | Should -BeTrue
        }

        It 'restarts the bot on the Docker engine, and reports an engine that is not there as DockerUnreachable' {
            Assert-RealPart $Missing
            $Run.Restart.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.Restart)
            $Run.Restart.Output.Name | Should -Be $BotName
            $Run.Restart.Output.State | Should -Be 'running'
            $Run.Unreachable.ErrorId | Should -Be 'DockerUnreachable,OneFlexTokens.Commands.RestartOneFlexBotCommand' -Because (Format-Step $Run.Unreachable)
        }

        It 'gives no raw .NET error: the only error of the session is the expected DockerUnreachable' {
            Assert-RealPart $Missing
            $seen = $Run.Errors | ForEach-Object { "$($_.ErrorId) ($($_.Exception)): $($_.Message)" }
            foreach ($failure in $Run.Errors) {
                $failure.ErrorId | Should -Not -Match 'FileLoadException|FileNotFoundException|TypeLoadException|MissingMethodException|BadImageFormatException' -Because ($seen -join "`n")
                $failure.Message | Should -Not -Match 'Assembly with same name is already loaded|Could not load file or assembly' -Because ($seen -join "`n")
            }
            @($Run.Errors.ErrorId) | Should -Be @('DockerUnreachable,OneFlexTokens.Commands.RestartOneFlexBotCommand') -Because ($seen -join "`n")
        }

        It 'loads both <Dependency> versions: the other module''s, and this module''s in its own load context' {
            Assert-RealPart $Missing
            $moduleBase = $Run.Import.Output
            $moduleBase | Should -Not -BeNullOrEmpty -Because (Format-Step $Run.Import)
            $loaded = $Run.Assemblies | ForEach-Object { "$($_.Name) $($_.Version) [$($_.LoadContext)] $($_.Location)" }
            $inside = { param($Assembly, $Folder) $Folder -and $Assembly.Location -and $Assembly.Location.StartsWith($Folder + [IO.Path]::DirectorySeparatorChar) }

            $others = @($Run.Assemblies | Where-Object { $_.Name -eq $Dependency -and (& $inside $_ $Run.OtherImport.Output) })
            $others | Should -HaveCount 1 -Because ($loaded -join "`n")
            $others[0].Version | Should -BeLike "$Version.*"

            $mine = @($Run.Assemblies | Where-Object { $_.Name -eq $Dependency -and (& $inside $_ $moduleBase) })
            $mine | Should -HaveCount 1 -Because ($loaded -join "`n")
            $mine[0].Version | Should -Not -BeLike "$Version.*"
            $mine[0].LoadContext | Should -Not -Be 'Default' -Because ($loaded -join "`n")

            # What PowerShell sees (cmdlets, output types) stays in the default context, at the module's root.
            $cmdlets = @($Run.Assemblies | Where-Object Name -eq 'OneFlexTokens')
            $cmdlets | Should -HaveCount 1 -Because ($loaded -join "`n")
            $cmdlets[0].LoadContext | Should -Be 'Default'
            $cmdlets[0].Location | Should -Be (Join-Path $moduleBase 'OneFlexTokens.dll')
        }

        It 'leaves PLAYWRIGHT_DRIVER_SEARCH_PATH unset after the import and after a sign-in' {
            Assert-RealPart $Missing
            $Run.DriverPathAtStart | Should -BeNullOrEmpty -Because 'the session starts without it'
            $Run.DriverPathAfterImport | Should -BeNullOrEmpty
            $Run.SignIn.ErrorId | Should -BeNullOrEmpty -Because (Format-Step $Run.SignIn)
            $Run.DriverPathAfterSignIn | Should -BeNullOrEmpty
        }
    }
}

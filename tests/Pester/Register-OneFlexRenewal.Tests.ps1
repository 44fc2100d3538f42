# Register-OneFlexRenewal and Unregister-OneFlexRenewal as a user gets them: a throwaway account (root creates it)
# runs pwsh installed as a shared .NET tool is installed (root's 'dotnet tool install --tool-path' in a folder every
# account enters; the tool's files stay 0744, so the account cannot execute $PSHOME/pwsh) with a copy of the built
# module, and registers in its own crontab through the real crontab program; Register checks the line first. Then the registered line itself runs the way cron
# runs it: 'env -i' with that account's HOME, SHELL=/bin/sh and LOGNAME, the command part handed to /bin/sh after
# cron's own % unescaping; a bot folder whose token is not due gives a nothing-due run (exit 0, its log line).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Missing = @(
        if ($IsWindows -or $IsMacOS) { 'the crontab tests run on Linux' }
        elseif ((id -u) -ne '0') { 'creating a throwaway account needs root (CI runs as root)' }
        elseif (-not (Test-Path -LiteralPath /usr/bin/crontab)) { 'no crontab program (Debian: apt-get install cron; tests/install-deps.sh does)' }
    )
    if ($Missing) { return }

    $script:Simulator = Start-OneFlexSimulator
    $script:Work = [IO.Directory]::CreateTempSubdirectory('oneflex-register-').FullName
    [IO.File]::SetUnixFileMode($Work, [IO.UnixFileMode] [Convert]::ToInt32('755', 8))

    # pwsh as a shared .NET tool, the pinned version, installed by root as dotnet installs it (no chmod).
    $pinned = (Get-Content -Raw -LiteralPath (Join-Path $RepoRoot '.config' 'dotnet-tools.json') | ConvertFrom-Json).tools.powershell.version
    $script:SharedTools = Join-Path $Work 'tools'
    $installed = & dotnet tool install PowerShell --version $pinned --tool-path $SharedTools 2>&1
    if ($LASTEXITCODE) { throw "dotnet tool install failed ($LASTEXITCODE): $installed" }
    $script:SharedPwshHome = Split-Path (Get-ChildItem -LiteralPath (Join-Path $SharedTools '.store') -Recurse -Filter pwsh.dll | Where-Object { $_.Directory.Name -eq 'unix' } | Select-Object -First 1).FullName
    # The built module, copied where the account can read it (the checkout may sit in a folder it cannot enter).
    $script:SharedModule = Join-Path $Work 'modules' 'OneFlexTokens'
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $SharedModule)
    Copy-Item -LiteralPath (Split-Path $ModuleManifest) -Destination $SharedModule -Recurse
    & chmod -R 'a+rX' (Join-Path $Work 'modules')

    $script:UserName = 'oneflexr' + [Guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:UserHome = Join-Path $Work 'home'
    & useradd --no-create-home --home-dir $UserHome --shell /usr/sbin/nologin --user-group $UserName
    if ($LASTEXITCODE) { throw "useradd failed ($LASTEXITCODE)" }
    $script:UserId = [int] (id -u $UserName)
    $script:GroupId = [int] (id -g $UserName)

    # A bot folder whose name sh and cron would both misread unquoted: a quote, spaces, non-ASCII and a %.
    $script:Bot = Join-Path $UserHome "l'équipe bot 100%"
    $script:Token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddHours(2))
    $null = New-BotFolder -Path $Bot -AccessToken $Token
    & chown -R "$($UserName):$($UserName)" $UserHome
    & chmod 700 $UserHome

    $script:Steps = Join-Path $Work 'steps'
    $null = New-Item -ItemType Directory -Path $Steps
    Set-Content -LiteralPath (Join-Path $Steps 'register.ps1') -Value @'
param([string] $Module, [string] $Bot, [string] $BaseUrl, [string] $WebhookUrl, [switch] $WhatIf, [switch] $Unregister, [switch] $Status, [string] $Id, [switch] $Refused,
    [string] $StatePath, [string] $LogPath, [string] $LockTimeout, [string] $MinimumValidity)
$ErrorActionPreference = 'Stop'
Import-Module $Module
if ($Refused) {
    Register-OneFlexRenewal -BotFolder $Bot -WebhookUrl $WebhookUrl -NoBrowser -ErrorAction SilentlyContinue -ErrorVariable failed
    @{ Id = $failed[0].FullyQualifiedErrorId; Category = "$($failed[0].CategoryInfo.Category)"; Message = $failed[0].Exception.Message } | ConvertTo-Json -Compress
    return
}
if ($Status) {
    $statuses = if ($Bot) { Get-OneFlexRenewal -BotFolder $Bot } else { Get-OneFlexRenewal }
    @{ Statuses = @($statuses); Shown = ($statuses | Out-String -Width 2000) } | ConvertTo-Json -Depth 5 -Compress -EnumsAsStrings
    return
}
if ($Unregister -and $Id) { Unregister-OneFlexRenewal -Id $Id -Verbose 4>&1 | ForEach-Object { "$_" }; return }
if ($Unregister) { Unregister-OneFlexRenewal -BotFolder $Bot -Verbose 4>&1 | ForEach-Object { "$_" }; return }
$more = @{}
foreach ($name in 'StatePath', 'LogPath', 'LockTimeout', 'MinimumValidity') { if ($PSBoundParameters[$name]) { $more[$name] = $PSBoundParameters[$name] } }
$registration = Register-OneFlexRenewal -BotFolder $Bot -BaseUrl $BaseUrl -WebhookUrl $WebhookUrl -NoBrowser -PassThru -WhatIf:$WhatIf @more
if ($registration) { $registration | ConvertTo-Json -Compress -EnumsAsStrings }
'@
    & chmod -R 'a+rX' $Steps

    $script:WebhookUrl = 'https://discord.com/api/webhooks/4242/register-pester-webhook-secret'
    $script:OtherLines = "# m h dom mon dow command`nMAILTO=`"`"`n`n0 3 * * * /usr/local/bin/backup.sh # nightly, 100\% sure`n# après le travail`n"

    # Runs a program as the account with only the environment given; returns its exit code and output.
    function Invoke-AsUser([string[]] $Command, [hashtable] $Environment) {
        $start = [Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in @("--reuid=$UserId", "--regid=$GroupId", '--clear-groups', '--') + $Command) { $start.ArgumentList.Add($a) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.WorkingDirectory = $UserHome
        $start.Environment.Clear()
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = [string] $Environment[$name] }
        $process = [Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(180000)) {
            $process.Kill($true)
            throw "$($Command -join ' ') did not end within 3 minutes: $($stdout.Result) $($stderr.Result)"
        }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Errors = $stderr.Result }
    }

    # The account's pwsh session, as its login would start it.
    function Invoke-Step([string[]] $Arguments) {
        $environment = @{ HOME = $UserHome; PATH = '/usr/local/bin:/usr/bin:/bin'; USER = $UserName; LOGNAME = $UserName; LANG = 'C.UTF-8'; POWERSHELL_TELEMETRY_OPTOUT = '1'; POWERSHELL_UPDATECHECK = 'Off' }
        if ($env:DOTNET_ROOT) { $environment.DOTNET_ROOT = $env:DOTNET_ROOT }
        $run = Invoke-AsUser (@((Join-Path $SharedTools 'pwsh'), '-NoProfile', '-NonInteractive', '-File', (Join-Path $Steps 'register.ps1'), '-Module', (Join-Path $SharedModule 'OneFlexTokens.psd1')) + $Arguments) $environment
        $run.ExitCode | Should -Be 0 -Because ($run.Output + $run.Errors)
        $run
    }

    function Get-UserCrontab {
        $text = (& crontab -u $UserName -l 2>&1) -join "`n"
        if ($LASTEXITCODE) { if ($text -match 'no crontab for') { return '' } throw "crontab -l: $text" }
        $text + "`n"
    }

    function Set-UserCrontab([string] $Text) {
        $Text | & crontab -u $UserName -
        if ($LASTEXITCODE) { throw "crontab - failed ($LASTEXITCODE)" }
    }
}

AfterAll {
    if ($script:Simulator) { $script:Simulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
    if ($script:UserName) {
        & crontab -u $script:UserName -r 2>&1 | Out-Null
        & userdel $script:UserName 2>&1 | Out-Null
    }
    if ($script:Work) { Remove-Item -LiteralPath $script:Work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Register-OneFlexRenewal in a real crontab' -Tag Cron {
    It 'shows the exact line with -WhatIf, writes it once, replaces it, runs it as cron does, and Unregister removes only it' {
        Assert-RealPart $Missing
        Set-UserCrontab ($OtherLines -replace "`n$", '')

        # -WhatIf: the exact line, nothing written.
        $whatIf = Invoke-Step '-Bot', $Bot, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl, '-WhatIf'
        Get-UserCrontab | Should -BeExactly $OtherLines
        Test-Path -LiteralPath (Join-Path $Bot '.oneflextokens') | Should -BeFalse

        $first = Invoke-Step '-Bot', $Bot, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl
        $registration = $first.Output | ConvertFrom-Json
        $registration.Platform | Should -Be 'Cron'
        $registration.Where | Should -Be "crontab of $UserName"
        $registration.BotFolder | Should -Be $Bot
        $crontab = Get-UserCrontab
        $crontab.StartsWith($OtherLines) | Should -BeTrue
        $line = $crontab.Substring($OtherLines.Length).TrimEnd("`n")
        $line | Should -Not -Match "`n"
        $line | Should -BeExactly "*/10 * * * * $($registration.Command) # OneFlexTokens:renewal:$($registration.Id)"
        $whatIf.Output | Should -Match ([regex]::Escape($line))
        # The account cannot execute the tool's apphost ($PSHOME/pwsh, 0744, root's): the line starts pwsh.dll with the dotnet host.
        (Get-Item -LiteralPath (Join-Path $SharedPwshHome 'pwsh')).UnixFileMode | Should -Be ([IO.UnixFileMode] 'UserRead, UserWrite, UserExecute, GroupRead, OtherRead')
        $dotnetRoot = Split-Path (Split-Path (Split-Path ([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory())))
        $line | Should -Match ([regex]::Escape("DOTNET_ROOT=$dotnetRoot "))
        $line | Should -Match ([regex]::Escape(" $(Join-Path $dotnetRoot 'dotnet') $(Join-Path $SharedPwshHome 'pwsh.dll') -NoProfile -NonInteractive -File "))
        $line | Should -Match ([regex]::Escape(" -BotFolder '$($Bot.Replace("'", "'\\''").Replace('%', '\%'))' "))
        $line | Should -Match ([regex]::Escape((Join-Path $SharedModule 'Scripts' 'Update-OneFlexBot.ps1')))

        # The webhook is not on the command line: it is in an owner-only file of the state folder.
        $line | Should -Not -Match 'register-pester-webhook-secret'
        $whatIf.Output | Should -Not -Match 'register-pester-webhook-secret'
        $webhookFile = Get-Item -LiteralPath (Join-Path $Bot '.oneflextokens' 'webhook.url')
        # By uid: pwsh caches uid-to-name lookups per process, and another test file may have had an account with this uid.
        [int] (& stat -c '%u' $webhookFile.FullName) | Should -Be $UserId
        $webhookFile.UnixFileMode | Should -Be ([IO.UnixFileMode] 'UserRead, UserWrite')
        (Get-Content -Raw -LiteralPath $webhookFile.FullName).Trim() | Should -BeExactly $WebhookUrl

        # Register again: still one line, in its place.
        $null = Invoke-Step '-Bot', $Bot, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl
        Get-UserCrontab | Should -BeExactly ($OtherLines + $line + "`n")

        # Registered more than two intervals ago with no run logged since: Get-OneFlexRenewal says the runs do not start.
        $registeredAt = Join-Path $Bot '.oneflextokens' 'registered-at.txt'
        [datetimeoffset]::Parse((Get-Content -Raw -LiteralPath $registeredAt).Trim()) | Should -BeGreaterThan ([datetimeoffset]::Now.AddMinutes(-5))
        $earlier = [datetimeoffset]::Now.AddMinutes(-25).ToString('o')
        $null = Invoke-AsUser '/bin/sh', '-c', 'printf "%s\n" "$1" > "$2"', 'sh', $earlier, $registeredAt @{}
        $stalled = (Invoke-Step '-Status', '-Bot', $Bot).Output | ConvertFrom-Json
        $stalled.Statuses[0].RunsNotStarting | Should -BeTrue
        $stalled.Shown | Should -Match '(?m)^RunsNotStarting\s+: YES: No run has been logged since the renewal was registered, more than 20 min \(two intervals\) ago'

        # The line as cron runs it: the command after the five time fields, cron's escapes undone (a backslash before
        # '%' or '\' goes), to sh in an empty environment. CrontabRegistrationTests runs lines under the real daemon.
        $line -match '^(\S+\s+){5}(?<command>.*) # OneFlexTokens:renewal:[0-9a-f]{12}$' | Should -BeTrue
        $command = [regex]::Replace($Matches.command, '\\([%\\])', '$1')
        $run = Invoke-AsUser '/usr/bin/env', '-i', "HOME=$UserHome", 'SHELL=/bin/sh', "LOGNAME=$UserName", '/bin/sh', '-c', $command @{}
        $run.ExitCode | Should -Be 0 -Because ($run.Output + $run.Errors)
        $run.Output | Should -BeNullOrEmpty -Because 'the summary line goes to /dev/null'
        $log = Get-Content -Raw -LiteralPath (Join-Path $Bot '.oneflextokens' 'renewal.log')
        $log | Should -Match '(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d RESULT NothingDue exit=0 error=- Nothing due: '
        $log.TrimEnd().Split("`n") | Should -HaveCount 1
        Assert-NoSecret ($log + $run.Errors + $crontab) $Token, $WebhookUrl

        # Get-OneFlexRenewal, with no folder, finds the registration in the crontab and shows that run.
        $status = (Invoke-Step '-Status').Output | ConvertFrom-Json
        $status.Statuses | Should -HaveCount 1
        $status.Statuses[0].BotFolder | Should -Be $Bot
        $status.Statuses[0].Registration.Id | Should -Be $registration.Id
        $status.Statuses[0].Registration.Command | Should -BeExactly $registration.Command
        $status.Statuses[0].Runs[-1].Outcome | Should -Be 'NothingDue'
        $status.Statuses[0].SignInRequired | Should -BeFalse
        $status.Statuses[0].RunsNotStarting | Should -BeFalse
        $status.Shown | Should -Not -Match 'RunsNotStarting'
        $status.Shown | Should -Match "(?m)^Schedule\s+: \*/10 \* \* \* \* \(crontab of $UserName\)\s*$"
        $status.Shown | Should -Match '(?m)^LastRun\s+: .+ NothingDue\s*$'
        $status.Shown | Should -Not -Match 'register-pester-webhook-secret'

        # Unregister: our line and the saved webhook go, every other line stays.
        $removed = Invoke-Step '-Bot', $Bot, '-Unregister'
        $removed.Output | Should -Match 'Removed the scheduled renewal'
        Get-UserCrontab | Should -BeExactly $OtherLines
        Test-Path -LiteralPath $webhookFile.FullName | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $Bot '.oneflextokens' 'renewal.log') | Should -BeTrue
        $after = (Invoke-Step '-Status', '-Bot', $Bot).Output | ConvertFrom-Json
        $after.Statuses[0].Registration | Should -BeNullOrEmpty
        $after.Statuses[0].RegistrationNote | Should -BeLike 'Not registered for this user: Register-OneFlexRenewal -BotFolder *'
        $after.Statuses[0].Runs[-1].Outcome | Should -Be 'NothingDue'
        $none = Invoke-Step '-Status'
        $none.Output | Should -Match 'WARNING: No scheduled renewal is registered for this user here\. Register one with Register-OneFlexRenewal'
        ($none.Output.Trim().Split("`n")[-1] | ConvertFrom-Json).Statuses | Should -HaveCount 0
    }

    It 'carries -StatePath, -LogPath, -LockTimeout and -MinimumValidity on the line: the run locks, logs and finds the webhook there, Get and Unregister follow them' {
        Assert-RealPart $Missing
        Set-UserCrontab ($OtherLines -replace "`n$", '')
        $state = Join-Path $UserHome "état 100% 'x'"
        $logPath = Join-Path $UserHome 'logs $HOME `id`' 'renewal.log'

        $registration = (Invoke-Step '-Bot', $Bot, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl, '-StatePath', $state, '-LogPath', $logPath,
            '-LockTimeout', '90', '-MinimumValidity', '00:30:00').Output | ConvertFrom-Json
        $line = (Get-UserCrontab).Substring($OtherLines.Length).TrimEnd("`n")
        $line | Should -Match ([regex]::Escape(" -MinimumValidity 1800 "))
        $line | Should -Match ([regex]::Escape(" -LockTimeout 90 "))
        $line | Should -Match ([regex]::Escape(" -StatePath '$($state.Replace("'", "'\\''").Replace('%', '\%'))' "))
        $line | Should -Match ([regex]::Escape(" -LogPath '$logPath' "))
        $line | Should -Not -Match 'register-pester-webhook-secret'
        (Get-Content -Raw -LiteralPath (Join-Path $state 'webhook.url')).Trim() | Should -BeExactly $WebhookUrl
        Test-Path -LiteralPath (Join-Path $Bot '.oneflextokens' 'webhook.url') | Should -BeFalse

        # The line as cron runs it: the lock in -StatePath, the log at -LogPath (both made owner-only by the run).
        $line -match '^(\S+\s+){5}(?<command>.*) # OneFlexTokens:renewal:[0-9a-f]{12}$' | Should -BeTrue
        $run = Invoke-AsUser '/usr/bin/env', '-i', "HOME=$UserHome", 'SHELL=/bin/sh', "LOGNAME=$UserName", '/bin/sh', '-c', ([regex]::Replace($Matches.command, '\\([%\\])', '$1')) @{}
        $run.ExitCode | Should -Be 0 -Because ($run.Output + $run.Errors)
        Get-Content -Raw -LiteralPath $logPath | Should -Match '(?m) RESULT NothingDue exit=0 error=- Nothing due: '
        Test-Path -LiteralPath (Join-Path $state 'renewal.lock') | Should -BeTrue

        # Get-OneFlexRenewal, with no folder, reads the run from the registration's -LogPath.
        $status = (Invoke-Step '-Status').Output | ConvertFrom-Json
        $status.Statuses[0].Registration.Id | Should -Be $registration.Id
        $status.Statuses[0].Runs[-1].Outcome | Should -Be 'NothingDue'

        # Unregister removes the line and the webhook saved in -StatePath.
        $null = Invoke-Step '-Unregister', '-Bot', $Bot
        Get-UserCrontab | Should -BeExactly $OtherLines
        Test-Path -LiteralPath (Join-Path $state 'webhook.url') | Should -BeFalse
    }

    It 'registers a bot folder reached through a link as its real folder: one line, one Id (an older line of the link replaced), found and removed through either path' {
        Assert-RealPart $Missing
        $link = Join-Path $UserHome 'bot-link'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $Bot
        # What versions before links were resolved registered through the link: a second line, Id of the link's own path.
        $linkId = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($link))).Substring(0, 12).ToLowerInvariant()
        Set-UserCrontab ($OtherLines + "*/10 * * * * /usr/bin/pwsh -NoProfile -File /opt/x/Update-OneFlexBot.ps1 -BotFolder $link >/dev/null # OneFlexTokens:renewal:$linkId")
        $before = (Invoke-Step '-Status', '-Bot', $link).Output | ConvertFrom-Json
        $before.Statuses[0].Registration.Id | Should -Be $linkId

        $whatIf = Invoke-Step '-Bot', $link, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl, '-WhatIf'
        $whatIf.Output | Should -Match "and remove the line $linkId, registered for this bot folder under a link's own path, from the crontab of $UserName"
        $throughLink = (Invoke-Step '-Bot', $link, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl).Output | ConvertFrom-Json
        $throughLink.BotFolder | Should -Be $Bot
        $throughLink.Id | Should -Not -Be $linkId
        Get-UserCrontab | Should -Not -Match $linkId
        $direct = (Invoke-Step '-Bot', $Bot, '-BaseUrl', $Simulator.AppUrl, '-WebhookUrl', $WebhookUrl).Output | ConvertFrom-Json
        $direct.Id | Should -Be $throughLink.Id
        $crontab = Get-UserCrontab
        ([regex]::Matches($crontab, '# OneFlexTokens:renewal:')).Count | Should -Be 1
        $crontab | Should -Not -Match ([regex]::Escape('bot-link'))

        $status = (Invoke-Step '-Status', '-Bot', $link).Output | ConvertFrom-Json
        $status.Statuses[0].Registration.Id | Should -Be $direct.Id

        $null = Invoke-Step '-Bot', $link, '-Unregister'
        Get-UserCrontab | Should -BeExactly $OtherLines
    }

    It 'shows a tagged line that cannot be read back with its Id, its command and why, never as an empty bot folder alone, and Unregister -Id removes it' {
        Assert-RealPart $Missing
        # What the escaping before issue 16 wrote for a folder b6\%bs: cron ends the command at that %.
        $command = "HOME=$UserHome /usr/bin/pwsh -NoProfile -File /opt/x/Update-OneFlexBot.ps1 -BotFolder '/srv/b6\\%bs' >/dev/null"
        Set-UserCrontab ($OtherLines + "*/10 * * * * $command # OneFlexTokens:renewal:0123456789ab")

        $status = Invoke-Step '-Status'
        $status.Output | Should -Match "WARNING: The renewal line 0123456789ab in the crontab of $UserName cannot be read back: cron ends its command at an unescaped '%'"
        $shown = ($status.Output.Trim().Split("`n")[-1] | ConvertFrom-Json)
        $shown.Statuses | Should -HaveCount 1
        $shown.Statuses[0].Registration.Id | Should -Be '0123456789ab'
        $shown.Statuses[0].Registration.Command | Should -BeExactly $command
        $shown.Statuses[0].RegistrationNote | Should -Match 'cannot be read back.*Unregister-OneFlexRenewal -Id 0123456789ab removes it'
        $shown.Statuses[0].Runs | Should -HaveCount 0
        $shown.Shown | Should -Match '(?m)^Schedule\s+: \*/10 \* \* \* \* \(crontab of \S+\): The renewal line 0123456789ab .* cannot be read back'
        $shown.Shown | Should -Match ('(?m)^Command\s+: ' + [regex]::Escape($command))

        $removed = Invoke-Step '-Unregister', '-Id', '0123456789ab'
        $removed.Output | Should -Match 'Removed the scheduled renewal of the unreadable renewal line 0123456789ab from the crontab'
        Get-UserCrontab | Should -BeExactly $OtherLines
    }

    It 'refuses a line break, CR, NUL or an escape sequence in any value, with -WhatIf too, naming the parameter and writing nothing' {
        Assert-RealPart $Missing
        Import-OneFlexTokensForTest
        $bot = (New-Item -ItemType Directory -Path (Join-Path $Work 'control')).FullName
        $webhook = 'https://discord.com/api/webhooks/4242/control-webhook-secret'
        foreach ($parameter in 'BotFolder', 'BotName', 'ProjectDirectory', 'ProfilePath', 'DockerHost', 'BaseUrl', 'WebhookUrl') {
            foreach ($character in "`n", "`r", "`0", "`e]0;title`a") {
                $arguments = @{ BotFolder = $bot; WebhookUrl = $webhook; NoBrowser = $true }
                $arguments[$parameter] = switch ($parameter) {
                    { $_ -in 'BotFolder', 'ProjectDirectory', 'ProfilePath' } { Join-Path $bot "value-secret$($character)x" }
                    'BaseUrl' { "https://oneflex.example.com/value-secret$character" }
                    'DockerHost' { "tcp://nas.local:2376/value-secret$character" }
                    'WebhookUrl' { "https://discord.com/api/webhooks/4242/value-secret$($character)x" }
                    default { "value-secret$($character)x" }
                }
                foreach ($whatIf in $true, $false) {
                    # No crontab program on PATH: were the value not refused, the run would fail there instead of writing root's crontab.
                    $result = Invoke-Captured {
                        param($Arguments, $WhatIf)
                        $path = $env:PATH
                        try { $env:PATH = '/nonexistent'; Register-OneFlexRenewal @Arguments -WhatIf:$WhatIf } finally { $env:PATH = $path }
                    } @{ Arguments = $arguments; WhatIf = $whatIf }
                    $because = "-$parameter with U+$('{0:X4}' -f [int] $character[0]), -WhatIf:$whatIf"
                    $result.Errors | Should -HaveCount 1 -Because $because
                    $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ScheduledValueNotAllowed,*' -Because $because
                    $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
                    $result.Errors[0].Exception.Message | Should -BeLike "-$parameter holds the control character U+$('{0:X4}' -f [int] $character[0]) *"
                    $result.Text | Should -Not -Match 'value-secret|control-webhook-secret' -Because $because
                    Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse -Because $because
                }
            }
        }
    }

    It 'refuses -BaseUrl with a query, with -WhatIf too, without showing it, and a failed registration leaves no webhook behind' {
        Assert-RealPart $Missing
        Import-OneFlexTokensForTest
        $bot = (New-Item -ItemType Directory -Path (Join-Path $Work 'query')).FullName
        $webhook = 'https://discord.com/api/webhooks/4242/query-webhook-secret'
        foreach ($whatIf in $true, $false) {
            $result = Invoke-Captured {
                param($Bot, $Webhook, $WhatIf)
                $path = $env:PATH
                try { $env:PATH = '/nonexistent'; Register-OneFlexRenewal -BotFolder $Bot -BaseUrl 'https://oneflex.example.com/?token=query-secret' -WebhookUrl $Webhook -NoBrowser -WhatIf:$WhatIf } finally { $env:PATH = $path }
            } @{ Bot = $bot; Webhook = $webhook; WhatIf = $whatIf }
            $result.Errors | Should -HaveCount 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ScheduledBaseUrlHasQuery,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $result.Text | Should -Not -Match 'query-secret|query-webhook-secret'
            Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse
        }

        # Everything checked, then writing the entry fails (no crontab program): the webhook saved for it goes again.
        $failed = Invoke-Captured {
            param($Bot, $Webhook)
            $path = $env:PATH
            try { $env:PATH = '/nonexistent'; Register-OneFlexRenewal -BotFolder $Bot -WebhookUrl $Webhook -NoBrowser } finally { $env:PATH = $path }
        } @{ Bot = $bot; Webhook = $webhook }
        $failed.Errors | Should -HaveCount 1
        $failed.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CrontabUnavailable,*'
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse

        # An earlier webhook is put back as it was.
        $state = New-Item -ItemType Directory -Path (Join-Path $bot '.oneflextokens')
        $state.UnixFileMode = [IO.UnixFileMode] 'UserRead, UserWrite, UserExecute'
        $earlier = Join-Path $state.FullName 'webhook.url'
        [IO.File]::WriteAllText($earlier, "https://discord.com/api/webhooks/4242/earlier`n")
        (Get-Item -LiteralPath $earlier).UnixFileMode = [IO.UnixFileMode] 'UserRead, UserWrite'
        $again = Invoke-Captured {
            param($Bot, $Webhook)
            $path = $env:PATH
            try { $env:PATH = '/nonexistent'; Register-OneFlexRenewal -BotFolder $Bot -WebhookUrl $Webhook -NoBrowser } finally { $env:PATH = $path }
        } @{ Bot = $bot; Webhook = $webhook }
        $again.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CrontabUnavailable,*'
        [IO.File]::ReadAllText($earlier) | Should -BeExactly "https://discord.com/api/webhooks/4242/earlier`n"
    }

    It 'refuses a listener parameter without -RemoteSignIn and a -PublicUrl with user info, with -WhatIf too, without showing it or writing anything' {
        Assert-RealPart $Missing
        Import-OneFlexTokensForTest
        $bot = (New-Item -ItemType Directory -Path (Join-Path $Work 'remote sign-in')).FullName
        foreach ($whatIf in $true, $false) {
            $without = Invoke-Captured {
                param($Bot, $WhatIf)
                Register-OneFlexRenewal -BotFolder $Bot -PublicUrl 'https://nas.example.ts.net/' -NoBrowser -WhatIf:$WhatIf
            } @{ Bot = $bot; WhatIf = $whatIf }
            $without.Errors | Should -HaveCount 1
            $without.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RemoteSignInParameterWithoutSwitch,*'
            $without.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $without.Errors[0].Exception.Message | Should -BeLike '-PublicUrl sets up the sign-in from a phone, which only -RemoteSignIn starts*'

            $userInfo = Invoke-Captured {
                param($Bot, $WhatIf)
                Register-OneFlexRenewal -BotFolder $Bot -RemoteSignIn -PublicUrl 'https://zoe:hunter2-secret@nas.example.ts.net/' -NoBrowser -WhatIf:$WhatIf
            } @{ Bot = $bot; WhatIf = $whatIf }
            $userInfo.Errors | Should -HaveCount 1
            $userInfo.Errors[0].FullyQualifiedErrorId | Should -BeLike 'PublicUrlHasUserInfo,*'
            $userInfo.Errors[0].CategoryInfo.Category | Should -Be 'SecurityError'
            $userInfo.Text | Should -Not -Match 'hunter2-secret'
            Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse
        }

        $accepted = Invoke-Captured {
            param($Bot)
            Register-OneFlexRenewal -BotFolder $Bot -RemoteSignIn -ListenAddress '0.0.0.0:8443' -PublicUrl 'https://nas.example.ts.net/' -LinkLifetime 7200 -AllowHttp -NoBrowser -WhatIf
        } @{ Bot = $bot }
        $accepted.Errors | Should -HaveCount 0
    }

    It 'refuses with ScheduledCommandNotRunnable, and writes nothing, when the line could not run as the account' {
        Assert-RealPart $Missing
        Set-UserCrontab ($OtherLines -replace "`n$", '')
        # A bot folder of root's the account can read but not write: a run could not create its state folder there.
        $rootBot = Join-Path $Work "root's bot"
        $null = New-BotFolder -Path $rootBot -AccessToken $Token
        & chmod -R 'a+rX' $rootBot

        $refused = (Invoke-Step '-Bot', $rootBot, '-WebhookUrl', $WebhookUrl, '-Refused').Output | ConvertFrom-Json

        $refused.Id | Should -BeLike 'ScheduledCommandNotRunnable,*'
        $refused.Category | Should -Be 'PermissionDenied'
        $refused.Message | Should -Match "did not run as the scheduler will run it \(exit 1\), so nothing was registered: NotReady \(exit 1\): RenewalStateNotWritable: "
        $refused.Message | Should -Not -Match 'register-pester-webhook-secret'
        Get-UserCrontab | Should -BeExactly $OtherLines
        Test-Path -LiteralPath (Join-Path $rootBot '.oneflextokens') | Should -BeFalse -Because 'nothing is written: no entry, no webhook file'
    }

    It 'says RenewalNotRegistered when nothing is registered for the folder' {
        Assert-RealPart $Missing
        Import-OneFlexTokensForTest
        $result = Invoke-Captured { param($Bot) Unregister-OneFlexRenewal -BotFolder $Bot } @{ Bot = (Join-Path $Work 'not-registered') }
        $result.Errors | Should -HaveCount 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RenewalNotRegistered,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'takes -Every as minutes or a TimeSpan, refuses an uneven one, and Unregister binds a registration by Id or BotFolder' {
        Assert-RealPart $Missing
        $bot = (New-Item -ItemType Directory -Path (Join-Path $Work 'every')).FullName
        $whatIf = & (Get-PwshPath) -NoProfile -NonInteractive -Command "Import-Module '$ModuleManifest'; Register-OneFlexRenewal -BotFolder '$bot' -NoBrowser -Every 15 -WhatIf; Register-OneFlexRenewal -BotFolder '$bot' -NoBrowser -Every '02:00:00' -WhatIf" | Out-String
        $whatIf | Should -Match '(?m)^\*/15 \* \* \* \* .* -BotFolder \S+ -MinimumValidity 900 -NoBrowser >/dev/null # OneFlexTokens:renewal:[0-9a-f]{12}$'
        $whatIf | Should -Match '(?m)^0 \*/2 \* \* \* .* -MinimumValidity 7200 -NoBrowser >/dev/null # OneFlexTokens:renewal:[0-9a-f]{12}$'
        Test-Path -LiteralPath (Join-Path $bot '.oneflextokens') | Should -BeFalse

        Import-OneFlexTokensForTest
        $uneven = Invoke-Captured { param($Bot) Register-OneFlexRenewal -BotFolder $Bot -Every 7 -WhatIf } @{ Bot = $bot }
        $uneven.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RenewalIntervalInvalid,*'
        $missingFolder = Invoke-Captured { param($Bot) Register-OneFlexRenewal -BotFolder $Bot -WhatIf } @{ Bot = (Join-Path $Work 'no-such-bot') }
        $missingFolder.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RenewalBotFolderNotFound,*'

        $byId = Invoke-Captured { [pscustomobject]@{ Id = '0123456789ab'; BotFolder = '/srv/other' } | Unregister-OneFlexRenewal }
        $byId.Errors[0].TargetObject | Should -Be '0123456789ab'
        $byFolder = Invoke-Captured { param($Bot) [pscustomobject]@{ BotFolder = $Bot } | Unregister-OneFlexRenewal } @{ Bot = $bot }
        $byFolder.Errors[0].TargetObject | Should -Be $bot
        $byFolder.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RenewalNotRegistered,*'
    }
}

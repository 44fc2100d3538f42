# The module as pwsh users see it: what it exports, and Get-Help for every cmdlet and parameter and the about topic
# (the one place that checks help; the cmdlet files and the xunit tests test behaviour).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:Cmdlets = @((Get-Module OneFlexTokens).ExportedCmdlets.Keys | Sort-Object)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
}

Describe 'The OneFlexTokens module' {
    It 'exports the nine cmdlets and nothing else' {
        $module = Get-Module OneFlexTokens
        $module.ExportedCmdlets.Keys | Sort-Object | Should -Be @('Get-OneFlexRenewal', 'Get-OneFlexToken', 'Invoke-OneFlexRenewal', 'Register-OneFlexRenewal', 'Restart-OneFlexBot', 'Save-OneFlexEnv', 'Send-OneFlexNotification', 'Test-OneFlexToken', 'Unregister-OneFlexRenewal')
        $module.ExportedFunctions.Count + $module.ExportedAliases.Count + $module.ExportedVariables.Count | Should -Be 0
    }
}

Describe 'What the help promises' {
    It 'says that Test-OneFlexToken reads claims and does not check signatures, and that -Online asks the service' {
        $description = (Get-Help Test-OneFlexToken -Full).description | Out-String -Width 1000
        $description | Should -BeLike "*only reads the token's claims: it does not check the signature*"
        $description | Should -BeLike '*-Online asks the service*'
    }

    It 'shows Get-OneFlexToken run interactively, then the renewal scheduled with Register-OneFlexRenewal' {
        $examples = (Get-Help Get-OneFlexToken -Full).examples.example
        $examples.title -join "`n" | Should -BeLike '*interactively*'
        $scheduling = $examples | Where-Object { $_.title -match 'Task Scheduler' -and $_.title -match 'cron' }
        $scheduling | Should -HaveCount 1
        ($scheduling.code | Out-String) | Should -BeLike '*Register-OneFlexRenewal -BotFolder*'
    }

    It 'shows -Detailed and -PassThru of Test-OneFlexToken in separate parameter sets of its syntax' {
        $lines = (Get-Help Test-OneFlexToken).syntax | Out-String -Width 400
        $lines = $lines -split "`n" | Where-Object { $_ -like 'Test-OneFlexToken *' }
        $lines | Should -HaveCount 9
        @($lines | Where-Object { $_ -match '-Detailed' }) | Should -HaveCount 3
        @($lines | Where-Object { $_ -match '-PassThru' }) | Should -HaveCount 3
        @($lines | Where-Object { $_ -match '-Detailed' -and $_ -match '-PassThru' }) | Should -HaveCount 0
    }
}

Describe 'The cmdlet pages under docs/cmdlets (where HelpUri points)' {
    It 'are what docs/cmdlets/Update-CmdletPages.ps1 makes of the current help: run it after changing a help file' {
        $fresh = Join-Path $TestDrive 'pages'
        $null = New-Item -ItemType Directory -Path $fresh
        & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'docs' 'cmdlets' 'Update-CmdletPages.ps1') -OutputFolder $fresh
        $LASTEXITCODE | Should -Be 0
        $made = Get-ChildItem -LiteralPath $fresh -Filter *.md
        $made.Name | Should -Be ((Get-Module OneFlexTokens).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { "$_.md" })
        foreach ($page in $made) {
            Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'docs' 'cmdlets' $page.Name) | Should -BeExactly (Get-Content -Raw -LiteralPath $page.FullName) -Because "$($page.Name) is stale"
        }
    }
}

Describe 'Get-Help about_OneFlexTokens' {
    It 'shows the about topic of the imported module' {
        $text = Get-Help about_OneFlexTokens -ErrorAction Stop | Out-String -Width 200
        $text | Should -BeLike '*about_OneFlexTokens*'
        $text | Should -BeLike '*SCHEDULED RENEWAL*'
    }
}

Describe 'Get-Help <_>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Name = $_
        $script:Help = Get-Help $Name -Full
    }

    It 'has a synopsis, a description and examples' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -BeLike "$Name*" -Because 'a synopsis that repeats the syntax means the help file was not found'
        ($Help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 3
    }

    It 'has a HelpUri to its page in the project''s docs (Get-Help -Online), a page the repository holds' {
        $projectUri = (Import-PowerShellDataFile -LiteralPath (Join-Path $RepoRoot 'OneFlexTokens.psd1')).PrivateData.PSData.ProjectUri
        (Get-Command $Name).HelpUri | Should -BeExactly "$projectUri/blob/main/docs/cmdlets/$Name.md"
        $page = Join-Path $RepoRoot 'docs' 'cmdlets' "$Name.md"
        $page | Should -Exist
        Get-Content -LiteralPath $page -TotalCount 1 | Should -BeExactly "# $Name"
        Get-Content -Raw -LiteralPath $page | Should -BeLike "*$($Help.Synopsis.Trim())*"
    }

    It 'schedules only through Register-OneFlexRenewal: no example builds a cron line, a task or a scheduled command line by hand' {
        foreach ($example in @($Help.examples.example)) {
            $code = ($example.code | Out-String)
            $code | Should -Not -Match '(?m)^\s*[*\d][*\d/,-]*(\s+[*\d][*\d/,-]*){4}\s' -Because "'$($example.title)' holds a crontab line"
            $code | Should -Not -Match 'ScheduledTask|schtasks|crontab' -Because "'$($example.title)' builds a Windows task or edits a crontab"
            $code | Should -Not -Match '\bpwsh(\.exe)?\s+-' -Because "'$($example.title)' builds a pwsh command line for a scheduler"
            $code | Should -Not -Match 'Update-OneFlexBot\.ps1' -Because "'$($example.title)' calls the scheduled script by hand"
            if ($example.title -match 'cron|Task Scheduler|schedule\b') {
                $code | Should -Match 'Register-OneFlexRenewal' -Because "'$($example.title)' is about scheduling"
            }
        }
    }

    It 'describes every parameter (Get-Help -Parameter)' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        $parameters | Should -Not -BeNullOrEmpty
        foreach ($parameter in $parameters) {
            (Get-Help $Name -Parameter $parameter).description.Text -join ' ' | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }
}

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

    It 'shows Get-OneFlexToken run interactively, from Windows Task Scheduler and from cron' {
        $titles = (Get-Help Get-OneFlexToken -Full).examples.example.title -join "`n"
        $titles | Should -BeLike '*interactively*'
        $titles | Should -BeLike '*Task Scheduler*'
        $titles | Should -BeLike '*cron*'
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

    It 'describes every parameter (Get-Help -Parameter)' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        $parameters | Should -Not -BeNullOrEmpty
        foreach ($parameter in $parameters) {
            (Get-Help $Name -Parameter $parameter).description.Text -join ' ' | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }
}

@{
    RootModule        = 'OtherPlaywright.dll'
    ModuleVersion     = '1.0.0'
    GUID              = '6a2e9b4d-1f38-4c05-a7e6-3b9d0c5f2e12'
    Author            = 'OneFlexTokens tests'
    Description       = 'Conflict-test fixture: another module that ships Microsoft.Playwright 1.62 and its driver.'
    PowerShellVersion = '7.4'
    # No RequiredAssemblies: Playwright loads when the cmdlet first runs, as PowerShell resolves it from this folder.
    CmdletsToExport   = @('Start-OtherPlaywrightBrowser')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}

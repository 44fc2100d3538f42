@{
    RootModule        = 'OtherLogging.dll'
    ModuleVersion     = '1.0.0'
    GUID              = 'c47f1a83-92d6-4e0b-8b15-7e2a6d9c4f23'
    Author            = 'OneFlexTokens tests'
    Description       = 'Conflict-test fixture: another module that ships Microsoft.Extensions.Logging.Abstractions 10.'
    PowerShellVersion = '7.4'
    # Loaded on import, as many binary modules do: the import itself meets a conflict.
    RequiredAssemblies = @('Microsoft.Extensions.Logging.Abstractions.dll')
    CmdletsToExport   = @('Write-OtherLog')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}

@{
    RootModule        = 'OtherDocker.dll'
    ModuleVersion     = '1.0.0'
    GUID              = '0d3c6f0e-5a61-4b7e-9d2f-8c1e4a7b3d01'
    Author            = 'OneFlexTokens tests'
    Description       = 'Conflict-test fixture: another module that ships Docker.DotNet 3.125.'
    PowerShellVersion = '7.4'
    # Loaded on import, as many binary modules do (Az.Accounts among them): the import itself meets a conflict.
    RequiredAssemblies = @('Docker.DotNet.dll')
    CmdletsToExport   = @('Get-OtherDockerPing')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}

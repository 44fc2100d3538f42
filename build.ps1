<#
.SYNOPSIS
Builds the OneFlexTokens module into out/OneFlexTokens, and optionally runs the tests.
.DESCRIPTION
A thin wrapper over the MSBuild build: 'dotnet build OneFlexTokens.sln' already lays out the module folder.
.PARAMETER Configuration
Debug or Release.
.PARAMETER Test
Runs the test suite after building (tests/run.sh on Linux and macOS, dotnet test elsewhere).
.PARAMETER Clean
Removes build output and the laid-out module before building.
.EXAMPLE
./build.ps1 -Configuration Release -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [switch] $Test,
    [switch] $Clean
)

$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

if ($Clean) {
    dotnet clean OneFlexTokens.sln --configuration $Configuration --nologo
    if ($LASTEXITCODE) { throw "dotnet clean failed ($LASTEXITCODE)" }
    Remove-Item -LiteralPath (Join-Path $PSScriptRoot 'out') -Recurse -Force -ErrorAction SilentlyContinue
}

dotnet build OneFlexTokens.sln --configuration $Configuration --nologo
if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)" }
Write-Host "Module laid out in $(Join-Path $PSScriptRoot 'out/OneFlexTokens')"

if ($Test) {
    if ($IsWindows) {
        dotnet test OneFlexTokens.sln --configuration $Configuration --no-build --nologo
    }
    else {
        bash (Join-Path $PSScriptRoot 'tests/run.sh')
    }
    if ($LASTEXITCODE) { throw "tests failed ($LASTEXITCODE)" }
}

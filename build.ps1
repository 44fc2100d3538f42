<#
.SYNOPSIS
Builds the OneFlexTokens module into out/OneFlexTokens, and optionally runs the tests or writes the package.
.DESCRIPTION
A thin wrapper over the MSBuild build: 'dotnet build OneFlexTokens.sln' already lays out the module folder.
With -Package it instead writes the package users install: out/packages/OneFlexTokens.<version>.nupkg, with the
Playwright driver of every platform (Windows x64, Linux x64 and arm64, macOS x64 and arm64), made with
PSResourceGet's Compress-PSResource (PSResourceGet 1.1 or later: run it with the pinned pwsh,
'dotnet tool run pwsh ./build.ps1 -Package'). Install it from a folder repository:
Register-PSResourceRepository -Name local -Uri <folder>; Install-PSResource OneFlexTokens -Repository local.
.PARAMETER Configuration
Debug or Release. Default: Debug, or Release with -Package.
.PARAMETER Test
Runs the test suite after building (tests/run.sh on Linux and macOS, dotnet test elsewhere).
.PARAMETER Clean
Removes build output and the laid-out module before building.
.PARAMETER Package
Builds the module with every platform's driver into a staging folder and writes out/packages/OneFlexTokens.<version>.nupkg
(out/OneFlexTokens is left as it is; -Test and -Clean do not apply). Its last line of output is the package's path.
.EXAMPLE
./build.ps1 -Configuration Release -Test
.EXAMPLE
dotnet tool run pwsh ./build.ps1 -Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [switch] $Test,
    [switch] $Clean,
    [switch] $Package
)

$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

if ($Package) {
    # NuGet.org refuses packages above 250 MB; Microsoft.Playwright's own package holds the same five drivers in 214 MB.
    $packageLimit = 250e6
    if (-not $PSBoundParameters.ContainsKey('Configuration')) { $Configuration = 'Release' }
    if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw "-Package needs PSResourceGet 1.1 or later (Compress-PSResource). Run it with the pinned pwsh: dotnet tool restore; dotnet tool run pwsh ./build.ps1 -Package"
    }
    $stage = Join-Path $PSScriptRoot 'out' 'stage'
    $packages = Join-Path $PSScriptRoot 'out' 'packages'
    Remove-Item -LiteralPath $stage -Recurse -Force -ErrorAction SilentlyContinue
    dotnet build (Join-Path 'src' 'OneFlexTokens.Engine' 'OneFlexTokens.Engine.csproj') --configuration $Configuration --nologo -v quiet "-p:ModuleDrivers=all" "-p:ModuleOutDir=$(Join-Path $stage 'OneFlexTokens')/"
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)" }
    try {
        $version = (Import-PowerShellDataFile -LiteralPath (Join-Path $stage 'OneFlexTokens' 'OneFlexTokens.psd1')).ModuleVersion
        $null = New-Item -ItemType Directory -Force -Path $packages
        $target = Join-Path $packages "OneFlexTokens.$version.nupkg"
        Remove-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
        Compress-PSResource -Path (Join-Path $stage 'OneFlexTokens') -DestinationPath $packages
        $nupkg = Get-Item -LiteralPath $target
        if ($nupkg.Length -ge $packageLimit) {
            throw "$target is $([math]::Round($nupkg.Length / 1e6)) MB, above NuGet's $($packageLimit / 1e6) MB limit."
        }
    }
    finally {
        Remove-Item -LiteralPath $stage -Recurse -Force -ErrorAction SilentlyContinue
    }
    Write-Host "Package written: $target ($([math]::Round($nupkg.Length / 1e6)) MB)"
    $nupkg.FullName
    return
}

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

<#
.SYNOPSIS
Runs every Pester file under tests/Pester in this pwsh with the pinned Pester, and writes the counts for tests/run.sh.
.DESCRIPTION
Pester comes from the NuGet package folder (restored by the build through a PackageDownload), never from the
gallery. The counts go to pester-counts.txt in -ResultsDirectory as one line 'passed failed skipped'; the NUnit report beside it.
Exit code: 0 all passed; 1 a test failed, a container failed to run, or (with CI=true) a test was skipped.
.PARAMETER PesterVersion
The Pester version the build restored. Default: PesterVersion in Directory.Packages.props, where every version lives.
.PARAMETER ResultsDirectory
Where the NUnit report and the counts file go.
.PARAMETER Path
Test files or folders to run. Default: every *.Tests.ps1 beside this script.
.PARAMETER FullNameFilter
Runs only the tests whose full name matches one of these wildcards.
.PARAMETER ExcludeTag
Leaves out the tests with these tags: 'Docker' (a private dockerd: Linux, root), 'Cron' (the scheduled script
started with env -i: Unix). For runners where those parts cannot exist, so that CI=true still fails on a missing part.
#>
[CmdletBinding()]
param(
    [string] $PesterVersion = ([xml](Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '..' '..' 'Directory.Packages.props'))).SelectSingleNode('/Project/PropertyGroup/PesterVersion').InnerText,
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot '..' '..' 'TestResults'),
    [string[]] $Path = @($PSScriptRoot),
    [string[]] $FullNameFilter,
    [string[]] $ExcludeTag
)

$ErrorActionPreference = 'Stop'
# 'pwsh -File' passes 'a,b' as one string: accept comma-separated lists as well as arrays.
$Path = $Path -split ','
$ExcludeTag = $ExcludeTag -split ',' | Where-Object { $_ }
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
    ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}
$manifest = Join-Path $packages 'pester' $PesterVersion 'tools' 'Pester.psd1'
if (-not (Test-Path -LiteralPath $manifest)) {
    throw "Pester $PesterVersion is not in $packages. Run 'dotnet restore OneFlexTokens.sln' (the build restores it)."
}
Import-Module $manifest -Force

$null = New-Item -ItemType Directory -Force -Path $ResultsDirectory
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'
if ($FullNameFilter) { $configuration.Filter.FullName = $FullNameFilter }
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag }

$result = Invoke-Pester -Configuration $configuration
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$skipped = $result.SkippedCount
Set-Content -LiteralPath (Join-Path $ResultsDirectory 'pester-counts.txt') -Value "$($result.PassedCount) $failed $skipped"
if ($env:CI -eq 'true' -and $skipped -gt 0) {
    Write-Host "CI=true: $skipped Pester test(s) were skipped, which counts as a failure here." -ForegroundColor Red
    exit 1
}
exit ([int]($failed -gt 0))

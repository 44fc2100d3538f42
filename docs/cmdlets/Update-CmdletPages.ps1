<#
.SYNOPSIS
Writes docs/cmdlets/<Name>.md, the page each cmdlet's HelpUri (Get-Help -Online) points at, from the module's own help.
.DESCRIPTION
The MAML files in src/OneFlexTokens/Help are the one source of the cmdlets' help; these pages are made from them, so
run this after changing one (build first: it imports out/OneFlexTokens). tests/Pester/Module.Tests.ps1 checks that
every cmdlet has its page, and that the pages are what this script writes.
.PARAMETER OutputFolder
Where to write the pages. Default: this folder.
#>
[CmdletBinding()]
param([string] $OutputFolder = $PSScriptRoot)
$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
Import-Module (Join-Path $root 'out' 'OneFlexTokens' 'OneFlexTokens.psd1') -Force
$module = Get-Module OneFlexTokens

function Get-Paragraphs($Node) { @($Node | ForEach-Object { "$($_.Text)".Trim() } | Where-Object { $_ }) -join "`n`n" }

foreach ($name in $module.ExportedCmdlets.Keys | Sort-Object) {
    $help = Get-Help $name -Full
    $page = [System.Text.StringBuilder]::new()
    $null = $page.AppendLine("# $name").AppendLine()
    $null = $page.AppendLine($help.Synopsis.Trim()).AppendLine()
    $null = $page.AppendLine('## Syntax').AppendLine().AppendLine('```')
    $null = $page.AppendLine((($help.syntax | Out-String -Width 4096) -split "`r?`n" | Where-Object { $_.Trim() }) -join "`n`n").AppendLine('```').AppendLine()
    $null = $page.AppendLine('## Description').AppendLine().AppendLine((Get-Paragraphs $help.description)).AppendLine()
    $null = $page.AppendLine('## Parameters').AppendLine()
    foreach ($parameter in @($help.parameters.parameter)) {
        $null = $page.AppendLine("### -$($parameter.name)").AppendLine().AppendLine((Get-Paragraphs $parameter.description)).AppendLine()
    }
    $null = $page.AppendLine('## Examples').AppendLine()
    foreach ($example in @($help.examples.example)) {
        $null = $page.AppendLine("### $($example.title.Trim(' -'))").AppendLine().AppendLine('```powershell').AppendLine($example.code.Trim()).AppendLine('```').AppendLine()
        $null = $page.AppendLine((Get-Paragraphs $example.remarks)).AppendLine()
    }
    $null = $page.AppendLine('## More').AppendLine().Append("In PowerShell: ``Get-Help $name -Full``, and ``Get-Help about_OneFlexTokens`` for scheduling and every error id.")
    [IO.File]::WriteAllText((Join-Path $OutputFolder "$name.md"), $page.ToString().TrimEnd() + "`n")
}

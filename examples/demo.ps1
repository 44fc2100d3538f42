<#
.SYNOPSIS
The OneFlexTokens demo: the renewal pipeline, three ways, in a bot folder, against a OneFlex service.
.DESCRIPTION
Run by 'dotnet run --project demo/OneFlexTokens.Demo', which prepares the OneFlex simulator, a bot folder, a browser
display and, where it can, a Docker engine with a bot container, and then runs this script in the pinned pwsh
('dotnet tool run pwsh -NoProfile -NonInteractive -File examples/demo.ps1 ...'); or by hand with pwsh against any
OneFlex service.
1. First sign-in in a browser window (the simulator's sign-in page fills itself in, standing in for you).
2. Renewal with the refresh grant from the bot's config/.env: no browser.
3. Renewal in a headless browser on the SSO session saved by step 1, then the bot restarted.
.PARAMETER BaseUrl
The OneFlex address.
.PARAMETER BotFolder
The bot's folder: .env and config/.env are written there.
.PARAMETER ProfilePath
The browser profile that keeps the SSO session between runs.
.PARAMETER DockerHost
The Docker engine running the bot; without it the bot is not restarted.
.PARAMETER BotName
The bot's container name.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $BaseUrl,
    [Parameter(Mandatory)] [string] $BotFolder,
    [Parameter(Mandatory)] [string] $ProfilePath,
    [string] $DockerHost,
    [string] $BotName = 'oneflex-bot'
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '..' 'out' 'OneFlexTokens' 'OneFlexTokens.psd1')
$files = (Join-Path $BotFolder '.env'), (Join-Path $BotFolder 'config' '.env')

Write-Host "== 1. First sign-in: a browser window opens on $BaseUrl and the sign-in completes"
$token = Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Timeout 120
$token | Format-List Source, Email, IssuedAt, ExpiresAt, AccessTokenMasked, RefreshTokenMasked | Out-String -Width 160 | Write-Host
$token | Test-OneFlexToken -Online -PassThru | Save-OneFlexEnv -Path $files -PassThru | Format-Table | Out-String -Width 160 | Write-Host

Write-Host '== 2. Unattended renewal with the refresh token saved in config/.env (no browser)'
$token = Get-OneFlexToken -BaseUrl $BaseUrl -EnvPath $files[1] -NoBrowser
$token | Format-Table | Out-String -Width 160 | Write-Host
$token | Test-OneFlexToken -PassThru | Save-OneFlexEnv -Path $files -PassThru | Format-Table | Out-String -Width 160 | Write-Host

Write-Host '== 3. Headless renewal on the saved SSO session, then the bot restarted'
$saved = Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -Headless |
    Test-OneFlexToken -Online -PassThru |
    Save-OneFlexEnv -Path $files -PassThru
$saved | Format-Table | Out-String -Width 160 | Write-Host
if ($DockerHost) {
    $saved | Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost | Format-Table | Out-String -Width 160 | Write-Host
}
else {
    Write-Host 'No Docker engine: the bot was not restarted.'
}

Write-Host "== The bot's config/.env now holds a token valid until:"
Test-OneFlexToken -EnvPath $files[1] -Detailed | Format-List IsValid, ExpiresAt, ExpiresIn, Email | Out-String -Width 160 | Write-Host

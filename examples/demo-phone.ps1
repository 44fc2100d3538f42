<#
.SYNOPSIS
The OneFlexTokens demo, part two: the SSO session has ended, and a human signs in again from a phone.
.DESCRIPTION
Run by 'dotnet run --project demo/OneFlexTokens.Demo' after examples/demo.ps1, once the simulator has ended its SSO
sessions and asks for a username, a password and an MFA code; or by hand with pwsh against any OneFlex service.
The headless browser is streamed to a one-time link: the link and a QR code of it are printed, and once someone has
signed in on the page that link opens, the new token is saved to both files and the bot restarted.
.PARAMETER BaseUrl
The OneFlex address.
.PARAMETER BotFolder
The bot's folder: .env and config/.env are written there.
.PARAMETER ProfilePath
The browser profile that keeps the SSO session between runs.
.PARAMETER ListenAddress
Where the link's page listens (host:port; port 0 picks a free one).
.PARAMETER LinkLifetime
How long the link works if nobody opens it.
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
    [string] $ListenAddress = '127.0.0.1:8765',
    [timespan] $LinkLifetime = '00:15:00',
    [string] $DockerHost,
    [string] $BotName = 'oneflex-bot'
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '..' 'out' 'OneFlexTokens' 'OneFlexTokens.psd1')
$files = (Join-Path $BotFolder '.env'), (Join-Path $BotFolder 'config' '.env')

Write-Host '== 4. The SSO session has ended: sign in again from a phone (username, password, MFA code)'
# One pipeline, as you would type it: the token goes on to be saved and the bot restarted once the phone has signed in.
if ($DockerHost) {
    Get-OneFlexToken -RemoteSignIn -BaseUrl $BaseUrl -ProfilePath $ProfilePath -ListenAddress $ListenAddress -LinkLifetime $LinkLifetime |
        Save-OneFlexEnv -Path $files -PassThru |
        Restart-OneFlexBot -Name $BotName -DockerHost $DockerHost | Format-Table | Out-String -Width 160 | Write-Host
}
else {
    Get-OneFlexToken -RemoteSignIn -BaseUrl $BaseUrl -ProfilePath $ProfilePath -ListenAddress $ListenAddress -LinkLifetime $LinkLifetime |
        Save-OneFlexEnv -Path $files -PassThru | Format-Table | Out-String -Width 160 | Write-Host
    Write-Host 'No Docker engine: the bot was not restarted.'
}

Write-Host "== The bot's config/.env now holds a token valid until:"
Test-OneFlexToken -EnvPath $files[1] -Detailed | Format-List IsValid, ExpiresAt, ExpiresIn, Email | Out-String -Width 160 | Write-Host

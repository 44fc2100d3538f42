BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
    $script:Receiver = Start-WebhookReceiver
}

AfterAll {
    Stop-WebhookReceiver $script:Receiver
}

Describe 'Send-OneFlexNotification' {
    BeforeEach {
        $script:Receiver.Received.Clear()
    }

    It 'posts a Discord embed with title, description, colour and timestamp, tokens masked' {
        $token = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
        $result = Send-OneFlexNotification -WebhookUrl $Receiver.Url -Title 'Renewal failed' -Message "Token $token refused" -Level Error -PassThru

        $result.StatusCode | Should -Be 204
        $result.Webhook | Should -Not -Match 'pester-webhook-secret'
        $Receiver.Received.Count | Should -Be 1
        $embed = ($Receiver.Received[0] | ConvertFrom-Json).embeds[0]
        $embed.title | Should -Be 'Renewal failed'
        $embed.color | Should -Be 0xE74C3C
        $embed.timestamp | Should -Not -BeNullOrEmpty
        $embed.description | Should -Not -Match ([regex]::Escape($token))
    }

    It 'masks a password written as prose, keeps file names and escapes control characters (issue 16, finding 10)' {
        $esc = [char]27
        $temp = '/app/config/.env.oneflex-0123456789abcdef0123456789abcdef.tmp'
        Send-OneFlexNotification -WebhookUrl $Receiver.Url -Title "Alert$esc]0;t$([char]7)" -Message "login failed, password: hunter2hunter2; left $temp$esc[2J"

        $embed = ($Receiver.Received[0] | ConvertFrom-Json).embeds[0]
        $embed.description | Should -Not -Match 'hunter2'
        $embed.description | Should -Match ([regex]::Escape('password: …(14 chars)'))
        $embed.description | Should -Match ([regex]::Escape($temp + '\e[2J'))
        $embed.description.Contains($esc) | Should -BeFalse
        $embed.title | Should -BeExactly 'Alert\e]0;t\x07'
    }

    It 'sends the Slack format with -Format Slack' {
        Send-OneFlexNotification -WebhookUrl $Receiver.Url -Message 'Tokens renewed' -Level Success -Format Slack
        $body = $Receiver.Received[0] | ConvertFrom-Json
        $body.attachments[0].color | Should -Be '#2ECC71'
        $body.attachments[0].text | Should -Be 'Tokens renewed'
    }

    It 'reads NOTIFICATION_WEBHOOK_URL from -EnvPath' {
        $file = Join-Path $TestDrive '.env'
        Set-Content -LiteralPath $file -Value "NOTIFICATION_WEBHOOK_URL=$($Receiver.Url)"
        Send-OneFlexNotification -EnvPath $file -Message 'hello'
        $Receiver.Received.Count | Should -Be 1
    }

    It 'retries after HTTP 429' {
        $Receiver.Answers.Enqueue(429)
        (Send-OneFlexNotification -WebhookUrl $Receiver.Url -Message 'hello' -PassThru).Attempts | Should -Be 2
    }

    It 'fails at once with NotificationRejected on HTTP 404, without showing the webhook' {
        $Receiver.Answers.Enqueue(404)
        Send-OneFlexNotification -WebhookUrl $Receiver.Url -Message 'hello' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NotificationRejected,*'
        $failures[0].Exception.Message | Should -Not -Match 'pester-webhook-secret'
        $Receiver.Received.Count | Should -Be 1
    }

    It 'says where the webhook should come from when there is none' {
        { Send-OneFlexNotification -Message 'hello' -ErrorAction Stop } | Should -Throw -ErrorId 'NotificationWebhookMissing*'
    }
}

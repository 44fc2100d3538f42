BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
}

Describe 'Save-OneFlexEnv' {
    BeforeEach {
        $script:access = New-TestJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(15))
        $script:refresh = '0123456789abcdef0123'
    }

    It 'updates the token keys and keeps every other line byte for byte' {
        $file = Join-Path $TestDrive 'keep.env'
        $before = "# Réservation automatique`r`nDESK_ID=42 # bureau`r`nONEFLEX_TOKEN=old`r`n`r`nexport ONEFLEX_REFRESH_TOKEN='old'`r`n"
        [IO.File]::WriteAllText($file, $before, [Text.UTF8Encoding]::new($true))
        Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -Path $file
        $after = [IO.File]::ReadAllText($file)
        $after | Should -Be ($before.Replace('ONEFLEX_TOKEN=old', "ONEFLEX_TOKEN=$access").Replace("ONEFLEX_REFRESH_TOKEN='old'", "ONEFLEX_REFRESH_TOKEN='$refresh'"))
        [IO.File]::ReadAllBytes($file)[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
    }

    It 'creates a missing file, owner-only on Unix, and its missing folder only with -Force' {
        $file = Join-Path $TestDrive 'config' 'new.env'
        $result = Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -Path $file -PassThru -Force
        $result.Created | Should -BeTrue
        if (-not $IsWindows) {
            (Get-Item -LiteralPath $file).UnixMode | Should -Be '-rw-------'
            (Get-Item -LiteralPath (Join-Path $TestDrive 'config')).UnixMode | Should -Be 'drwx------'
        }
    }

    It 'refuses the whole save when a folder does not exist (a typo), naming the nearest folder, with -WhatIf too' {
        $bot = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'typo-bot')
        $good = Join-Path $bot '.env'
        Set-Content -LiteralPath $good -Value 'ONEFLEX_TOKEN=old' -NoNewline
        $typo = Join-Path $bot 'confg' '.env'

        foreach ($whatIf in $false, $true) {
            $err = $null
            try { Save-OneFlexEnv -AccessToken $access -Path $good, $typo -PassThru -WhatIf:$whatIf } catch { $err = $_ }

            $err.FullyQualifiedErrorId | Should -Be 'EnvFolderNotFound,OneFlexTokens.Commands.SaveOneFlexEnvCommand'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be $typo
            $err.Exception.Message | Should -BeLike "*'$(Join-Path $bot 'confg')'*does not exist (the nearest folder that does is '$bot')*add -Force to create the folder."
            Get-Content -Raw -LiteralPath $good | Should -Be 'ONEFLEX_TOKEN=old'
            Test-Path -LiteralPath (Join-Path $bot 'confg') | Should -BeFalse
        }
    }

    It 'changes nothing with -WhatIf' {
        $file = Join-Path $TestDrive 'whatif.env'
        Set-Content -LiteralPath $file -Value 'ONEFLEX_TOKEN=old' -NoNewline
        Save-OneFlexEnv -AccessToken $access -Path $file -WhatIf
        Get-Content -Raw -LiteralPath $file | Should -Be 'ONEFLEX_TOKEN=old'
    }

    It 'expands wildcards in -Path like Set-Content, and a pattern that matches nothing is EnvFileNotFound' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'wild')
        Set-Content -LiteralPath (Join-Path $folder 'a.env') -Value 'A=1'
        Set-Content -LiteralPath (Join-Path $folder 'b.env') -Value 'B=2'
        $saved = Save-OneFlexEnv -AccessToken $access -Path (Join-Path $folder '*.env') -PassThru
        $saved.Path | Should -Be @((Join-Path $folder 'a.env'), (Join-Path $folder 'b.env'))
        Get-EnvValue -Path (Join-Path $folder 'b.env') -Key 'ONEFLEX_TOKEN' | Should -Be $access
        (Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('a.env', 'b.env')

        { Save-OneFlexEnv -AccessToken $access -Path (Join-Path $folder 'nomatch*.env') -ErrorAction Stop } | Should -Throw -ErrorId 'EnvFileNotFound,*'
        (Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('a.env', 'b.env')
    }

    It 'matches hidden .env files with wildcards, across bot folders' {
        $root = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'bots')
        foreach ($bot in 'one', 'two') { New-BotFolder -Path (Join-Path $root $bot) -AccessToken 'old.token.value' | Out-Null }
        $saved = Save-OneFlexEnv -AccessToken $access -Path (Join-Path $root '*' 'config' '.env') -PassThru
        $saved.Path | Should -Be @((Join-Path $root 'one' 'config' '.env'), (Join-Path $root 'two' 'config' '.env'))
        Get-EnvValue -Path (Join-Path $root 'two' 'config' '.env') -Key 'ONEFLEX_TOKEN' | Should -Be $access
        Get-EnvValue -Path (Join-Path $root 'two' '.env') -Key 'ONEFLEX_TOKEN' | Should -Be 'old.token.value'
    }

    It 'takes -LiteralPath as it is and still creates a missing file named without wildcards' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'literal')
        Save-OneFlexEnv -AccessToken $access -LiteralPath (Join-Path $folder 'bot[1].env')
        Save-OneFlexEnv -AccessToken $access -Path (Join-Path $folder 'plain.env')
        (Get-ChildItem -LiteralPath $folder -Force).Name | Sort-Object | Should -Be @('bot[1].env', 'plain.env')
        Get-EnvValue -Path (Join-Path $folder 'bot[1].env') -Key 'ONEFLEX_TOKEN' | Should -Be $access
    }

    It 'saves to the files Get-Item and Get-ChildItem output, bound through PSPath' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'piped')
        Set-Content -LiteralPath (Join-Path $folder '.env') -Value 'ONEFLEX_TOKEN=old'
        New-Item -ItemType Directory -Path (Join-Path $folder 'config') | Out-Null
        Set-Content -LiteralPath (Join-Path $folder 'config' '.env') -Value 'ONEFLEX_TOKEN=old'
        $one = Get-Item -LiteralPath (Join-Path $folder '.env') -Force | Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -PassThru
        $one.Path | Should -Be (Join-Path $folder '.env')
        $all = Get-ChildItem -LiteralPath $folder -Recurse -Force -Filter '.env' | Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -PassThru
        $all.Count | Should -Be 2
        Get-EnvValue -Path (Join-Path $folder 'config' '.env') -Key 'ONEFLEX_REFRESH_TOKEN' | Should -Be $refresh
    }

    It 'refuses a path of another PowerShell provider with PathNotFileSystem' {
        { Save-OneFlexEnv -AccessToken $access -Path 'Env:/ONEFLEXTOKENS_PESTER' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFileSystem,*'
        Test-Path -LiteralPath 'Env:/ONEFLEXTOKENS_PESTER' | Should -BeFalse
    }

    It 'leaves no lock file in the bot folder, so git status stays clean' {
        $bot = Join-Path $TestDrive 'gitbot'
        New-BotFolder -Path $bot -AccessToken 'old.token.value' | Out-Null
        Set-Content -LiteralPath (Join-Path $bot '.gitignore') -Value '.env'
        git -C $bot init -q
        git -C $bot add .gitignore
        git -C $bot -c user.name=t -c user.email=t@example.com commit -q -m init
        Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -Path (Join-Path $bot '.env'), (Join-Path $bot 'config' '.env')
        git -C $bot status --porcelain --ignored=no | Should -BeNullOrEmpty
        (Get-ChildItem -LiteralPath $bot -Force -Recurse -File | Where-Object FullName -NotLike '*/.git/*').Name | Sort-Object |
            Should -Be @('.env', '.env', '.gitignore')
    }

    It 'shows the exact change with -WhatIf and changes nothing' {
        $file = Join-Path $TestDrive 'exact.env'
        Set-Content -LiteralPath $file -Value 'ONEFLEX_TOKEN=old' -NoNewline
        # What if: lines go to the host, so a child pwsh shows them on its standard output, as a user sees them.
        $shown = & (Get-PwshPath) -NoProfile -NonInteractive -Command "Import-Module '$ModuleManifest'; Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -Path '$file' -WhatIf" | Out-String
        $shown | Should -Match ([regex]::Escape('"Update ONEFLEX_TOKEN; add ONEFLEX_REFRESH_TOKEN"'))
        Get-Content -Raw -LiteralPath $file | Should -Be 'ONEFLEX_TOKEN=old'
    }

    It 'refuses a value with a line break and leaves the file alone' {
        $file = Join-Path $TestDrive 'unsafe.env'
        Set-Content -LiteralPath $file -Value 'ONEFLEX_TOKEN=old' -NoNewline
        { Save-OneFlexEnv -AccessToken "abc`nEVIL=1" -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'UnsafeTokenValue,*'
        Get-Content -Raw -LiteralPath $file | Should -Be 'ONEFLEX_TOKEN=old'
    }
}

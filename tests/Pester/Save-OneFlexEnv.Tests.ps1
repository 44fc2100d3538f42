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

    It 'creates a missing file and its folder, owner-only on Unix' {
        $file = Join-Path $TestDrive 'config' 'new.env'
        $result = Save-OneFlexEnv -AccessToken $access -RefreshToken $refresh -Path $file -PassThru
        $result.Created | Should -BeTrue
        if (-not $IsWindows) { (Get-Item -LiteralPath $file).UnixMode | Should -Be '-rw-------' }
    }

    It 'changes nothing with -WhatIf' {
        $file = Join-Path $TestDrive 'whatif.env'
        Set-Content -LiteralPath $file -Value 'ONEFLEX_TOKEN=old' -NoNewline
        Save-OneFlexEnv -AccessToken $access -Path $file -WhatIf
        Get-Content -Raw -LiteralPath $file | Should -Be 'ONEFLEX_TOKEN=old'
    }

    It 'refuses a value with a line break and leaves the file alone' {
        $file = Join-Path $TestDrive 'unsafe.env'
        Set-Content -LiteralPath $file -Value 'ONEFLEX_TOKEN=old' -NoNewline
        { Save-OneFlexEnv -AccessToken "abc`nEVIL=1" -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'UnsafeTokenValue,*'
        Get-Content -Raw -LiteralPath $file | Should -Be 'ONEFLEX_TOKEN=old'
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OneFlexTokensForTest
}

Describe 'Restart-OneFlexBot' {
    It 'says clearly when the engine is unreachable' {
        $socket = if ($IsWindows) { 'npipe://./pipe/no_such_docker_engine' } else { "unix://$(Join-Path $TestDrive 'none.sock')" }
        { Restart-OneFlexBot -DockerHost $socket -ErrorAction Stop } | Should -Throw -ErrorId 'DockerUnreachable,*'
    }

    It 'refuses a DOCKER_HOST it cannot use' {
        { Restart-OneFlexBot -DockerHost 'ftp://nas' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDockerHost,*'
    }

    It 'says that a missing socket does not exist, with its path, not the OS text' -Skip:$IsWindows {
        $socket = Join-Path $TestDrive 'missing.sock'
        $failure = { Restart-OneFlexBot -DockerHost "unix://$socket" -ErrorAction Stop } | Should -Throw -ErrorId 'DockerUnreachable,*' -PassThru
        $failure.Exception.Message | Should -BeLike "*there is no socket at $socket*"
        $failure.Exception.Message | Should -Not -BeLike '*Cannot assign requested address*'
    }

    Context 'the Docker context, as the docker CLI picks it' {
        BeforeEach {
            $script:saved = @{ DOCKER_CONFIG = $env:DOCKER_CONFIG; DOCKER_HOST = $env:DOCKER_HOST; DOCKER_CONTEXT = $env:DOCKER_CONTEXT }
            $env:DOCKER_HOST = $null
            $env:DOCKER_CONTEXT = $null
            $env:DOCKER_CONFIG = Join-Path $TestDrive ('docker-config-' + [guid]::NewGuid().ToString('N'))
        }
        AfterEach {
            foreach ($name in $script:saved.Keys) { Set-Item "env:$name" -Value $script:saved[$name] }
        }

        It 'uses the current context of config.json and -Verbose says so' -Skip:$IsWindows {
            Assert-RealPart $(if (-not (Get-Command docker -CommandType Application -ErrorAction Ignore)) { 'The docker CLI is not installed (tests/install-deps.sh).' })
            $socket = Join-Path $TestDrive 'nas.sock'
            docker context create nas --docker "host=unix://$socket" 2>&1 | Out-Null
            docker context use nas 2>&1 | Out-Null
            $verbose = [System.Collections.Generic.List[object]]::new()
            $failure = $null
            try { Restart-OneFlexBot -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $verbose.Add($_) } } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'DockerUnreachable,*'
            $failure.Exception.Message | Should -BeLike "*unix://$socket*"
            ($verbose | Out-String) | Should -BeLike "*Docker context 'nas'*config.json*"
        }

        It 'refuses a context whose endpoint holds a password, without showing it' -Skip:$IsWindows {
            Assert-RealPart $(if (-not (Get-Command docker -CommandType Application -ErrorAction Ignore)) { 'The docker CLI is not installed (tests/install-deps.sh).' })
            docker context create nas --docker 'host=tcp://nas.local:2375' 2>&1 | Out-Null
            $meta = Get-ChildItem (Join-Path $env:DOCKER_CONFIG 'contexts/meta') -Recurse -Filter meta.json | Select-Object -First 1
            (Get-Content -Raw $meta.FullName).Replace('tcp://nas.local', 'tcp://admin:hunter2@nas.local') | Set-Content -NoNewline $meta.FullName
            $env:DOCKER_CONTEXT = 'nas'
            $failure = { Restart-OneFlexBot -ErrorAction Stop } | Should -Throw -ErrorId 'DockerContextInvalid,*' -PassThru
            $failure.Exception.Message | Should -Not -BeLike '*hunter2*'
            $failure.Exception.Message | Should -BeLike "*$($meta.FullName)*"
        }

        It 'names a context that does not exist' {
            $env:DOCKER_CONTEXT = 'gone'
            { Restart-OneFlexBot -ErrorAction Stop } | Should -Throw -ErrorId 'DockerContextNotFound,*'
        }
    }

    Context 'the compose project, as docker compose decides it' {
        BeforeAll {
            $script:bot = Join-Path $TestDrive 'Desk Bot'
            New-Item -ItemType Directory $script:bot | Out-Null
            Set-Content -LiteralPath (Join-Path $script:bot 'compose.yaml') -Value @'
name: "${PROJECT_NAME:-oneflex}"
services: {bot: {image: kiwi41/oneflex-bot, container_name: oneflex-bot}, notifier: {image: busybox}}
'@
        }

        It 'interpolates name: like compose (not project_name-oneflex)' -Skip:$IsWindows {
            $socket = Join-Path $TestDrive 'none.sock'
            $verbose = [System.Collections.Generic.List[object]]::new()
            $failure = $null
            try { Restart-OneFlexBot -DockerHost "unix://$socket" -ProjectDirectory $script:bot -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $verbose.Add($_) } } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'DockerUnreachable,*'
            ($verbose | Out-String) | Should -BeLike "*compose project 'oneflex'*"
            ($verbose | Out-String) | Should -Not -BeLike '*project_name*'
        }

        It 'completes -Service from a flow-style services: mapping' {
            $line = "Restart-OneFlexBot -ProjectDirectory '$script:bot' -Service "
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('bot', 'notifier')
        }
    }
}

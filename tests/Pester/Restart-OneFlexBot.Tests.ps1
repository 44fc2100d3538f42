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
}

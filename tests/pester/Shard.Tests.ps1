# -Shard Auto through the cmdlet: the shard comes from the job engine's variables, -Verbose names them, none set is a
# terminating error; and the shared-filesystem check lets a local (tmpfs) cache open. (Every variable family and the
# filesystem type table are covered by the xunit tests in tests/FiftyOneCache.Tests/Fleet.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:urls = 1..12 | ForEach-Object { New-HttpTestFile "shard/$PID/f$_.bin" (500 + $_) }
    $script:engineVars = 'SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_STEP',
        'SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_STEP_ID', 'SLURM_STEP_NUM_TASKS', 'JOB_COMPLETION_INDEX', 'FIFTYONE_SHARD_COUNT',
        'RANK', 'WORLD_SIZE', 'OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE'
    function Clear-EngineVars { foreach ($v in $engineVars) { Remove-Item "Env:$v" -ErrorAction SilentlyContinue } }
    function Set-EngineVars([hashtable] $Vars) { Clear-EngineVars; foreach ($k in $Vars.Keys) { Set-Item "Env:$k" $Vars[$k] } }
}

AfterAll { Clear-EngineVars }

Describe '-Shard Auto' {
    BeforeEach { $script:dir = New-TestCache; Clear-EngineVars }
    AfterEach { Clear-EngineVars; Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'takes the same shards as -Shard i/n from <name> and says so with -Verbose' -ForEach @(
        @{ name = 'a Slurm job array'; vars = { param($i, $n) @{ SLURM_ARRAY_TASK_ID = "$($i + 1)"; SLURM_ARRAY_TASK_COUNT = "$n"; SLURM_ARRAY_TASK_MIN = '1'; SLURM_ARRAY_TASK_MAX = "$n" } }; says = 'SLURM_ARRAY_TASK_ID' }
        @{ name = 'an srun step'; vars = { param($i, $n) @{ SLURM_STEP_ID = '0'; SLURM_PROCID = "$i"; SLURM_NTASKS = "$n" } }; says = 'SLURM_PROCID' }
        @{ name = 'a Kubernetes indexed Job'; vars = { param($i, $n) @{ JOB_COMPLETION_INDEX = "$i"; FIFTYONE_SHARD_COUNT = "$n" } }; says = 'JOB_COMPLETION_INDEX' }
        @{ name = 'torchrun'; vars = { param($i, $n) @{ RANK = "$i"; WORLD_SIZE = "$n" } }; says = 'RANK=' }
        @{ name = 'Open MPI'; vars = { param($i, $n) @{ OMPI_COMM_WORLD_RANK = "$i"; OMPI_COMM_WORLD_SIZE = "$n" } }; says = 'OMPI_COMM_WORLD_RANK' }
    ) {
        $seen = foreach ($i in 0..2) {
            Set-EngineVars (& $vars $i 3)
            $verbose = $( $r = $urls | Invoke-MediaDownload -Shard Auto -Verbose ) 4>&1
            ($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'Shard *' }).Message | Should -Match "^Shard $i/3 from .*$says"
            $explicit = @(Clear-EngineVars; $urls | Invoke-MediaDownload -Shard "$i/3")
            # A shard may be empty (the hash decides, and the server's port is in every URL): then both are.
            @($r | ForEach-Object Source | Sort-Object) | Should -Be @($explicit | ForEach-Object Source | Sort-Object)
            $r | ForEach-Object Source
        }
        @($seen).Count | Should -Be $urls.Count
        @($seen | Sort-Object -Unique).Count | Should -Be $urls.Count
    }

    It 'stops with ShardNotInEnvironment when no engine variable is set, fetching nothing' {
        { $urls | Invoke-MediaDownload -Shard Auto -ErrorAction Stop } |
            Should -Throw -ErrorId 'ShardNotInEnvironment,FiftyOneCache.Cmdlets.InvokeMediaDownloadCommand' -ExpectedMessage '*-Shard Auto found no job engine variables*'
        Test-Path (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR 'media') | Should -BeFalse
    }

    It 'writes the shard in the -LogPath summary' {
        Set-EngineVars @{ RANK = '1'; WORLD_SIZE = '2' }
        $log = Join-Path $dir 'p.jsonl'
        $null = $urls | Invoke-MediaDownload -Shard Auto -Summary -LogPath $log
        (Get-Content $log | ConvertFrom-Json | Where-Object type -eq 'summary').shard | Should -Be '1/2'
    }
}

Describe 'Shared filesystem check' {
    It 'opens a cache on a local tmpfs' -Skip:(-not (Test-Path /dev/shm)) {
        $dir = New-TestCache
        $env:FIFTYONE_MEDIA_CACHE_DIR = "/dev/shm/foc-pester-$PID-$([guid]::NewGuid().ToString('N'))"
        try {
            (Invoke-MediaDownload $urls[0]).Status | Should -Be 'Downloaded'
        } finally { Remove-Item $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -Force -ErrorAction SilentlyContinue; Remove-Item $dir -Recurse -Force }
    }
}

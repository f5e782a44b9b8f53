# A real Slurm job array (docs/examples/prewarm-array.sbatch) on a single-host cluster: munged, slurmctld and four
# slurmd as nodes fleet[1-4], from Debian's packages (installed when missing). Each task prewarms its -Shard Auto share
# of an s3rver prefix into its node's own cache; the merged report is read from the tasks' -LogPath files.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../fleet/Fleet.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../fleet/Slurm.psm1') -Force
    Import-FiftyOneCache
    $script:reason = (Install-FleetPackages).slurm # the engine's packages, installed when missing
    if ($reason) { Write-Host "skipped: $reason"; return }
    $script:s3 = (Get-TestServers).s3
    $script:run = "slurm-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:count = 2000
    $http = [Net.Http.HttpClient]::new()
    $script:keys = 1..$count | ForEach-Object { "$run/img/$($_.ToString('0000')).bin" }
    foreach ($batch in 0..([math]::Ceiling($count / 200) - 1)) {
        $puts = $keys[($batch * 200)..([math]::Min($count, ($batch + 1) * 200) - 1)] | ForEach-Object {
            $http.PutAsync("$($s3.endpoint)/media/$_", [Net.Http.StringContent]::new("object $_ " + ('x' * ($_.Length * 7))))
        }
        [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]$puts)
        foreach ($t in $puts) { if (-not $t.Result.IsSuccessStatusCode) { throw "seeding failed: $($t.Result.StatusCode)" } }
    }
    $script:testCache = New-TestCache # a private config file for the tasks too (they inherit the environment)
    $script:oldPath = $env:PATH
    $script:cluster = Start-SlurmCluster -Nodes 4 -MaxSeconds 420
    $script:work = Join-Path $cluster.Root 'work'
    New-Item -ItemType Directory $work | Out-Null
    $bin = New-PwshShimDir $cluster.Root
    # what the job's tasks inherit (sbatch exports the environment): the store, the module, the real pwsh on PATH
    $list = Join-Path $work 'extra.txt'
    Set-Content $list "s3://media/$run/missing/gone.bin"
    $env:PATH = "$bin$([IO.Path]::PathSeparator)$env:PATH"
    $env:AWS_ENDPOINT_URL = $s3.endpoint; $env:AWS_ACCESS_KEY_ID = 'S3RVER'; $env:AWS_SECRET_ACCESS_KEY = 'S3RVER'
    $env:PREWARM_PREFIX = "s3://media/$run/img/"; $env:PREWARM_LIST = $list
    $env:PREWARM_CACHE_ROOT = Join-Path $cluster.Root 'caches'
    $env:PREWARM_LOG_DIR = Join-Path $work 'logs'
    New-Item -ItemType Directory $env:PREWARM_LOG_DIR | Out-Null # the --output files go there before the script runs
    $env:PREWARM_MODULE = Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1'
    $env:PREWARM_SCRIPT = Join-Path $PSScriptRoot '../../docs/examples/Invoke-Prewarm.ps1'
    $sbatch = Join-Path $PSScriptRoot '../../docs/examples/prewarm-array.sbatch'
    Push-Location $work
    try {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $script:jobId = (sbatch --parsable --array=0-3 $sbatch).Trim()
        $script:tasks = Wait-SlurmJob $jobId -TimeoutSeconds 300
        Write-Host "Slurm job $jobId ended in $($sw.Elapsed.TotalSeconds.ToString('0.0')) s: $(($tasks | ForEach-Object { "$($_.TaskId)@$($_.Node) $($_.State) $($_.ExitCode)" }) -join '; ')"
    } finally { Pop-Location }
    $script:logs = Get-ChildItem $env:PREWARM_LOG_DIR -Filter *.jsonl
    $script:items = $logs | ForEach-Object { $f = $_.FullName; Get-Content $f | ConvertFrom-Json | Add-Member -PassThru NoteProperty LogFile $f }
}

AfterAll {
    if ($cluster) { Stop-SlurmCluster $cluster }
    if ($oldPath) { $env:PATH = $oldPath }
    if ($testCache) { Remove-Item $testCache -Recurse -Force -ErrorAction SilentlyContinue }
    Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:PREWARM_PREFIX, Env:PREWARM_LIST, Env:PREWARM_CACHE_ROOT,
        Env:PREWARM_LOG_DIR, Env:PREWARM_MODULE, Env:PREWARM_SCRIPT -ErrorAction SilentlyContinue
    if ($cluster -and -not $env:FOC_KEEP_FLEET) { Remove-Item $cluster.Root -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Fleet: a Slurm job array prewarm' {
    It 'runs four array tasks on the four nodes' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        @($tasks).Count | Should -Be 4
        @($tasks.Node | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 2 # one CPU per node: the tasks spread out
        @($tasks | Where-Object State -notin 'COMPLETED', 'FAILED').Count | Should -Be 0
    }

    It 'takes disjoint shards whose union is the whole prefix, each in its node''s own cache' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $downloaded = @($items | Where-Object { $_.type -eq 'item' -and $_.status -eq 'Downloaded' })
        $downloaded.Count | Should -Be $count
        @($downloaded.path | Sort-Object -Unique).Count | Should -Be $count
        ($downloaded.path | Sort-Object) | Should -Be ($keys | ForEach-Object { "s3://media/$_" } | Sort-Object)
        # every task had a share; each share is in that task's node cache only
        foreach ($t in $tasks) {
            $mine = @($items | Where-Object { $_.LogFile -like "*_$($t.TaskId).jsonl" -and $_.status -eq 'Downloaded' })
            $mine.Count | Should -BeGreaterThan 0
            $mine[0].localPath | Should -BeLike "*fiftyone-$($t.Node)*"
        }
        $cached = Get-ChildItem $env:PREWARM_CACHE_ROOT -Recurse -File -Filter *.bin | ForEach-Object Name
        @($cached).Count | Should -Be $count
    }

    It 'names the shard it took from SLURM_ARRAY_TASK_ID in each task''s summary' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $shards = @($items | Where-Object type -eq 'summary' | ForEach-Object shard | Sort-Object -Unique)
        $shards | Should -Be @('0/4', '1/4', '2/4', '3/4')
    }

    It 'gives a non-zero exit code to the task whose shard held a failed object, and 0 to the others' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $failedItem = @($items | Where-Object status -eq 'Failed')
        $failedItem.Count | Should -Be 1
        $failedItem[0].errorId | Should -Be 'ObjectNotFound'
        $bad = [IO.Path]::GetFileNameWithoutExtension($failedItem[0].LogFile).Split('_')[-1]
        foreach ($t in $tasks) {
            if ($t.TaskId -eq $bad) { $t.ExitCode | Should -Be '1:0'; $t.State | Should -Be 'FAILED' }
            else { $t.ExitCode | Should -Be '0:0'; $t.State | Should -Be 'COMPLETED' }
        }
    }

    It 'collects every task''s summary in its output file' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $outs = Get-ChildItem (Join-Path $work 'logs') -Filter "prewarm-$($jobId)_*.out"
        @($outs).Count | Should -Be 4
        foreach ($o in $outs) { (Get-Content $o.FullName -Raw) -replace '\x1b\[[0-9;]*m', '' | Should -Match 'Downloaded\s*:\s*\d+' }
    }

    It 'takes the shard from SLURM_PROCID/SLURM_STEP_NUM_TASKS in an srun step of four tasks' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $script_ = 'Import-Module $env:PREWARM_MODULE; @() | Invoke-MediaDownload -Shard Auto -Verbose -Summary 4>&1 | ' +
                   'Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like "Shard *" } | ForEach-Object Message'
        $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $cluster.Root 'caches/srun'
        $lines = @(srun -N4 -n4 -t 2 pwsh -NoProfile -Command $script_ 2>&1 | ForEach-Object { "$_" })
        Write-Host ($lines -join "`n")
        $lines.Count | Should -Be 4
        foreach ($l in $lines) { $l | Should -Match '^Shard [0-3]/4 from SLURM_PROCID=[0-3], SLURM_STEP_NUM_TASKS=4 \(srun step\)$' }
        ($lines | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object) | Should -Be @('0/4', '1/4', '2/4', '3/4')
    }

    It 'merges the tasks'' logs into one report: totals, the failure with its path and error, bytes, slowest shards' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $r = Get-MediaPrewarmReport -Path (Join-Path $env:PREWARM_LOG_DIR '*.jsonl')
        Write-Host ($r | Format-List | Out-String)
        Write-Host ($r.SlowestShards | Format-Table Shard, Host, Total, Downloaded, Failed, Bytes, Duration | Out-String)
        Write-Host ($r.Failures | Format-List | Out-String)
        $r.LogFiles | Should -Be 4
        $r.Downloaded | Should -Be $count
        $r.Total | Should -Be ($count + 1)
        $r.Failed | Should -Be 1
        $r.Bytes | Should -Be (($items | Where-Object status -eq 'Downloaded' | Measure-Object size -Sum).Sum)
        $r.Failures[0].Source | Should -Be "s3://media/$run/missing/gone.bin"
        $r.Failures[0].ErrorId | Should -Be 'ObjectNotFound'
        $r.Failures[0].Error | Should -Not -BeNullOrEmpty
        @($r.SlowestShards).Count | Should -Be 4
        $r.SlowestShards[0].Duration | Should -BeGreaterOrEqual $r.SlowestShards[-1].Duration
        $r.Duration | Should -Be $r.SlowestShards[0].Duration
        $r.Incomplete | Should -BeNullOrEmpty
    }
}


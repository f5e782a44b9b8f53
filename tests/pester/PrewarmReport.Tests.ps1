# Get-MediaPrewarmReport on logs written by Invoke-MediaDownload -LogPath (the Slurm and SSH fleet tests run it on a
# real fleet's logs): totals over tasks and runs, failures with their paths, a task that died, a torn last line.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:ok = 1..6 | ForEach-Object { New-HttpTestFile "report/$PID/f$_.bin" (1000 * $_) }
    $script:missing = (Get-TestServers).http.url + "/report/$PID/missing.bin"
}

Describe 'Get-MediaPrewarmReport' {
    BeforeEach {
        $script:dir = New-TestCache
        $script:logs = Join-Path $dir 'logs'
        New-Item -ItemType Directory $logs | Out-Null
    }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'adds up every task''s runs and lists each failure with its path, error and log' {
        foreach ($i in 0..1) {
            $null = ($ok + $missing) | Invoke-MediaDownload -Shard "$i/2" -Summary -LogPath (Join-Path $logs "t$i.jsonl") -ErrorAction SilentlyContinue
        }
        # a second run into the same log (a cron job appending): all cached now
        $null = $ok | Invoke-MediaDownload -Shard 0/2 -Summary -LogPath (Join-Path $logs 't0.jsonl')
        $r = Get-MediaPrewarmReport (Join-Path $logs '*.jsonl')
        $r.LogFiles | Should -Be 2
        $r.Runs | Should -Be 3
        $r.Downloaded | Should -Be 6
        $r.Failed | Should -Be 1
        $r.Cached | Should -Be ($ok | Invoke-MediaDownload -Shard 0/2 -Summary).Total # the second run found its share cached
        $r.Bytes | Should -Be (1000 * (1 + 2 + 3 + 4 + 5 + 6))
        $r.Failures.Count | Should -Be 1
        $r.Failures[0].Source | Should -Be $missing
        $r.Failures[0].ErrorId | Should -Be 'ObjectNotFound'
        $r.Failures[0].Error | Should -Match 'missing.bin'
        $r.Failures[0].LogFile | Should -Match 't[01]\.jsonl$'
        ($r.SlowestShards.Shard | Sort-Object) | Should -Be @('0/2', '1/2')
        $r.SlowestShards[0].Duration | Should -BeGreaterOrEqual $r.SlowestShards[1].Duration
    }

    It 'reports a task that died (items, no summary) as incomplete and counts a torn last line' {
        $null = $ok | Invoke-MediaDownload -Summary -LogPath (Join-Path $logs 'good.jsonl')
        $dead = Join-Path $logs 'dead.jsonl'
        Get-Content (Join-Path $logs 'good.jsonl') | Where-Object { $_ -match '"type":"item"' } | Select-Object -First 2 | Set-Content $dead
        Add-Content $dead '{"time":"2026-01-01T00:00:00Z","type":"item","pa' -NoNewline
        $r = Get-ChildItem $logs -Filter *.jsonl | Get-MediaPrewarmReport
        $r.LogFiles | Should -Be 2
        $r.Incomplete | Should -Be @($dead)
        $r.UnreadableLines | Should -Be 1
        $r.Downloaded | Should -Be 6
    }

    It 'says when a pattern matches no log' {
        { Get-MediaPrewarmReport (Join-Path $logs 'none*.jsonl') -ErrorAction Stop } | Should -Throw -ErrorId 'LogNotFound,FiftyOneCache.Cmdlets.GetMediaPrewarmReportCommand'
    }
}

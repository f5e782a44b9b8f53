# Part 2: several processes on one cache: one download per object, no corrupt file, the limit held, no deadlock.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = "conc-" + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:urls = foreach ($i in 0..2999) { New-HttpTestFile "$run/o$i.bin" (2000 + ($i % 7) * 1000) }
    $script:total = ($urls | ForEach-Object { 2000 + ([int]($_ -replace '.*/o(\d+)\.bin$', '$1') % 7) * 1000 } | Measure-Object -Sum).Sum
    $script:hashes = @{}
    foreach ($u in $urls) { $hashes[$u] = Get-Sha256Hex (Join-Path $servers.http.root ($u -replace '^https?://[^/]+/', '')) }
    function Get-Counts {
        $s = Invoke-RestMethod "$($servers.http.url)/__stats"
        $h = @{}; foreach ($p in $s.requests.PSObject.Properties) { if ($p.Name -like "/$run/*") { $h[$p.Name] = [int]$p.Value } }
        return $h
    }
    function New-Lists([string] $Dir) {
        # Four overlapping sets of 2,000 out of 3,000: every object is wanted by two or three processes.
        foreach ($k in 0..3) {
            $f = Join-Path $Dir "list$k.txt"
            Set-Content $f ((0..1999 | ForEach-Object { $urls[($k * 750 + $_) % 3000] }) | Sort-Object { Get-Random })
            $f
        }
    }
}

Describe 'Concurrent processes' {
    It 'downloads each object once across four processes prewarming overlapping sets' {
        $dir = New-TestCache
        try {
            $control = New-HttpTestFile "$run/control.bin" 3000
            $null = Invoke-MediaDownload $control
            $perDownload = (Get-Counts)["/$run/control.bin"]
            $before = Get-Counts
            $procs = foreach ($list in New-Lists $dir) {
                Start-PwshScript (Get-PrewarmScript) @{ FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH; FOC_LIST = $list }
            }
            foreach ($p in $procs) { $p.WaitForExit(240000) | Should -BeTrue -Because 'no process may hang' }
            $after = Get-Counts
            $dupes = @($urls | Where-Object { $k = $_ -replace '^https?://[^/]+', ''; ($after[$k] - [int]$before[$k]) -ne $perDownload })
            $corrupt = @(Get-MediaCacheEntry | Where-Object { $hashes.ContainsKey($_.Source) -and (Get-Sha256Hex $_.LocalPath) -ne $hashes[$_.Source] })
            Write-ReliabilityFigure 'concurrency-once' @{ processes = 4; objects = 3000; requestsPerDownload = $perDownload; objectsFetchedMoreThanOnce = $dupes.Count; corrupt = $corrupt.Count }
            $dupes.Count | Should -Be 0
            $corrupt.Count | Should -Be 0
            (Get-MediaCacheStats).CurrentCount | Should -Be 3001
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'holds the size limit at 50% with prewarms, a clearer and a stats reader running together' {
        $dir = New-TestCache
        try {
            $limit = [long]($total / 2)
            Set-MediaCacheConfig -CacheSizeBytes $limit
            $envs = @{ FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH }
            $statsFile = Join-Path $dir 'stats.txt'
            $stop = Join-Path $dir 'stop'
            $reader = Start-PwshScript @"
Import-Module (Join-Path `$env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
while (-not (Test-Path '$stop')) { `$s = Get-MediaCacheStats; "`$(`$s.CurrentSize) `$(`$s.InFlightSize) `$(`$s.InFlightCount)" | Add-Content '$statsFile'; Start-Sleep -Milliseconds 100 }
"@ $envs
            $clearList = Join-Path $dir 'clear.txt'
            Set-Content $clearList ($urls | Select-Object -First 300)
            $clearer = Start-PwshScript @"
Import-Module (Join-Path `$env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
foreach (`$i in 1..3) { Get-Content '$clearList' | Clear-MediaCache -Confirm:`$false; Start-Sleep -Milliseconds 500 }
"@ $envs
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $procs = foreach ($list in New-Lists $dir) { Start-PwshScript (Get-PrewarmScript) ($envs + @{ FOC_LIST = $list }) }
            foreach ($p in $procs + $clearer) { $p.WaitForExit(300000) | Should -BeTrue -Because 'no deadlock' }
            New-Item $stop | Out-Null
            $reader.WaitForExit(30000) | Should -BeTrue
            $samples = Get-Content $statsFile | ForEach-Object { $a = $_ -split ' '; [pscustomobject]@{ Size = [long]$a[0]; InFlight = [long]$a[1] } }
            $maxSize = ($samples | Measure-Object Size -Maximum).Maximum
            # The bound: complete files stay within the limit plus what can be in flight at once (4 prewarm processes,
            # each num_workers x 8 transfers as this machine resolves num_workers, x the largest object); the strict
            # count is reported beside it.
            $transfers = [Math]::Clamp((Get-MediaCacheConfig).NumWorkers * 8, 1, 256)
            $allowance = 4 * $transfers * 8000
            $over = @($samples | Where-Object { $_.Size -gt $limit + $allowance })
            $strictlyOver = @($samples | Where-Object { $_.Size -gt $limit })
            $corrupt = @(Get-MediaCacheEntry | Where-Object { $hashes.ContainsKey($_.Source) -and (Get-Sha256Hex $_.LocalPath) -ne $hashes[$_.Source] })
            $report = Test-MediaCache
            Write-ReliabilityFigure 'concurrency-limit' @{ processes = 6; limit = $limit; totalBytes = $total; statsSamples = $samples.Count;
                maxCompleteBytes = $maxSize; transfersPerProcess = $transfers; inFlightAllowance = $allowance; samplesOverLimitPlusInFlight = $over.Count; samplesOverLimit = $strictlyOver.Count; corrupt = $corrupt.Count; seconds = [math]::Round($sw.Elapsed.TotalSeconds, 1); healthy = $report.Healthy }
            $samples.Count | Should -BeGreaterThan 3
            $over.Count | Should -Be 0
            $corrupt.Count | Should -Be 0
            $report.Healthy | Should -BeTrue
            (Get-MediaCacheStats).CurrentSize | Should -BeLessOrEqual $limit  # once everything is done, the limit holds exactly
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

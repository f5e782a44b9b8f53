# Part 1: a prewarm SIGKILLed at a random moment, 20 rounds; nothing the index calls cached may differ from its source.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $servers = Get-TestServers
    $script:run = "crash-" + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:sources = @{}
    $sizes = @(1..190 | ForEach-Object { Get-Random -Minimum 1000 -Maximum 65536 }) + @(1..8 | ForEach-Object { Get-Random -Minimum 1MB -Maximum 4MB }) + @(36MB, 40MB)
    $i = 0
    foreach ($size in $sizes) {
        $url = New-HttpTestFile "$run/f$i.bin" $size
        $i++
        $sources[$url] = Get-Sha256Hex (Join-Path $servers.http.root ($url -replace '^https?://[^/]+/', ''))
    }
    $script:dir = New-TestCache
    $script:list = Join-Path $dir 'list.txt'
    Set-Content $list ($sources.Keys | Sort-Object { Get-Random })
    $script:envs = @{ FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH; FOC_LIST = $list }
    # Slow the large objects down so that kills land in the middle of ranged transfers.
    Invoke-RestMethod -Method Post -Uri "$($servers.http.url)/__faults" -Body (ConvertTo-Json @(@{ match = "/$run/f19"; kind = 'drip'; delayMs = 4 })) | Out-Null
}

AfterAll {
    Invoke-RestMethod -Method Delete -Uri "$((Get-TestServers).http.url)/__faults" | Out-Null
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Crash safety' {
    It 'survives 20 SIGKILLs mid-prewarm with every cached file byte-exact and the index matching the files' {
        $verified = 0; $corrupt = 0; $tempsLeft = 0; $unhealthy = 0; $killedAt = @()
        foreach ($round in 1..20) {
            $p = Start-PwshScript (Get-PrewarmScript) $envs
            $delay = Get-Random -Minimum 700 -Maximum 3500
            if (-not $p.WaitForExit($delay)) { $p.Kill(); $p.WaitForExit() ; $killedAt += $delay }
            # What the next run's start-up does: finish the crashed process's work, then check.
            $report = Test-MediaCache
            $tempsLeft += $report.TempFiles
            if (-not $report.Healthy) { $unhealthy++ }
            foreach ($e in Get-MediaCacheEntry) {
                $verified++
                if ((Get-Sha256Hex $e.LocalPath) -ne $sources[$e.Source]) { $corrupt++ }
            }
        }
        Invoke-RestMethod -Method Delete -Uri "$((Get-TestServers).http.url)/__faults" | Out-Null
        $p = Start-PwshScript (Get-PrewarmScript) $envs
        $p.WaitForExit(180000) | Should -BeTrue
        $entries = @(Get-MediaCacheEntry)
        foreach ($e in $entries) { if ((Get-Sha256Hex $e.LocalPath) -ne $sources[$e.Source]) { $corrupt++ } }
        Write-ReliabilityFigure 'crash' @{ rounds = 20; killed = $killedAt.Count; objects = $sources.Count; filesVerified = $verified;
            corrupt = $corrupt; tempFilesAfterStartup = $tempsLeft; unhealthyRounds = $unhealthy; completedAfter = $entries.Count }
        $corrupt | Should -Be 0
        $tempsLeft | Should -Be 0
        $unhealthy | Should -Be 0
        $entries.Count | Should -Be $sources.Count
        (Test-MediaCache).Healthy | Should -BeTrue
    }
}

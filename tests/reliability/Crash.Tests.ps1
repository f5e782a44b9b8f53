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
        $verified = 0; $corrupt = 0; $tempsLeft = 0; $unhealthy = 0; $killedAt = @(); $midTransfer = 0
        foreach ($round in 1..20) {
            $p = Start-PwshScript (Get-PrewarmScript) $envs
            $delay = Get-Random -Minimum 700 -Maximum 3500
            if (-not $p.WaitForExit($delay)) {
                $p.Kill(); $p.WaitForExit(); $killedAt += $delay
                # Bytes were in flight when it died: a part file is on disk, before anything recovers it.
                if (Get-ChildItem (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR 'media') -Recurse -Force -File -Filter '.foc-*.part' -ErrorAction SilentlyContinue) { $midTransfer++ }
            }
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
        Write-ReliabilityFigure 'crash' @{ rounds = 20; killed = $killedAt.Count; killedMidTransfer = $midTransfer; objects = $sources.Count; filesVerified = $verified;
            corrupt = $corrupt; tempFilesAfterStartup = $tempsLeft; unhealthyRounds = $unhealthy; completedAfter = $entries.Count }
        $killedAt.Count | Should -BeGreaterThan 0 -Because 'the test is about processes killed mid-prewarm'
        $midTransfer | Should -BeGreaterThan 0 -Because 'some kills must land while bytes were being written'
        $verified | Should -BeGreaterThan 0
        $corrupt | Should -Be 0
        $tempsLeft | Should -Be 0
        $unhealthy | Should -Be 0
        $entries.Count | Should -Be $sources.Count
        (Test-MediaCache).Healthy | Should -BeTrue
    }
}

# The same for Azure blobs (Azurite behind the fault proxy, the large blob dripped so kills land mid-range).
Describe 'Crash safety (Azure)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../pester/AzuriteHelpers.psm1') -Force
        $servers = Get-TestServers
        $script:proxy = $servers.azureproxy.url
        $script:proxyRoot = $proxy -replace '/devstoreaccount1$', ''
        $script:container = "crash-" + [guid]::NewGuid().ToString('N').Substring(0, 8)
        New-AzuriteContainer $container
        $script:azSources = @{}
        $sizes = @(1..40 | ForEach-Object { Get-Random -Minimum 1000 -Maximum 65536 }) + @(1..3 | ForEach-Object { Get-Random -Minimum 1MB -Maximum 3MB }) + @(36MB)
        $i = 0
        foreach ($size in $sizes) {
            $b = [byte[]]::new($size); [Random]::Shared.NextBytes($b)
            Set-AzuriteBlob $container "f$i.bin" $b
            $azSources[(Get-AzuriteBlobUrl $container "f$i.bin" $proxy)] = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($b))
            $i++
        }
        $script:azDir = New-TestCache
        $script:azList = Join-Path $azDir 'list.txt'
        Set-Content $azList ($azSources.Keys | ForEach-Object { "az://$container/" + ($_ -split '/')[-1] } | Sort-Object { Get-Random })
        $script:azEnvs = @{ FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH; FOC_LIST = $azList
            AZURE_STORAGE_ACCOUNT = 'devstoreaccount1'; AZURE_STORAGE_KEY = $servers.azure.key; AZURE_STORAGE_ACCOUNT_URL = $proxy; AZURE_ALIAS = 'az' }
        foreach ($k in $azEnvs.Keys) { Set-Item "Env:$k" $azEnvs[$k] }
        Invoke-RestMethod -Method Post -Uri "$proxyRoot/__faults" -Body (ConvertTo-Json @(@{ match = "/$container/f43.bin"; kind = 'drip'; delayMs = 4 })) | Out-Null
    }
    AfterAll {
        Invoke-RestMethod -Method Post -Uri "$proxyRoot/__reset" | Out-Null
        foreach ($k in 'AZURE_STORAGE_ACCOUNT', 'AZURE_STORAGE_KEY', 'AZURE_STORAGE_ACCOUNT_URL', 'AZURE_ALIAS') { Remove-Item "Env:$k" -ErrorAction SilentlyContinue }
        Remove-Item $azDir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'survives 4 SIGKILLs mid-prewarm of az:// paths with every cached blob byte-exact' {
        $verified = 0; $corrupt = 0; $tempsLeft = 0; $unhealthy = 0; $killed = 0
        foreach ($round in 1..4) {
            $p = Start-PwshScript (Get-PrewarmScript) $azEnvs
            # Kill at a random moment once bytes are flowing (a temp file exists): start-up time varies a lot on a busy machine.
            $sw = [Diagnostics.Stopwatch]::StartNew()
            while (-not $p.HasExited -and $sw.Elapsed.TotalSeconds -lt 90 -and
                   -not (Get-ChildItem $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -Force -File -Filter '.foc-*.part' -ErrorAction SilentlyContinue)) { Start-Sleep -Milliseconds 50 }
            if (-not $p.WaitForExit((Get-Random -Minimum 100 -Maximum 1500))) { $p.Kill(); $p.WaitForExit(); $killed++ }
            $report = Test-MediaCache
            $tempsLeft += $report.TempFiles
            if (-not $report.Healthy) { $unhealthy++ }
            foreach ($e in Get-MediaCacheEntry) {
                $verified++
                if ((Get-Sha256Hex $e.LocalPath) -ne $azSources[$e.Source]) { $corrupt++ }
            }
        }
        Invoke-RestMethod -Method Delete -Uri "$proxyRoot/__faults" | Out-Null
        $p = Start-PwshScript (Get-PrewarmScript) $azEnvs
        $p.WaitForExit(120000) | Should -BeTrue
        $entries = @(Get-MediaCacheEntry)
        foreach ($e in $entries) { if ((Get-Sha256Hex $e.LocalPath) -ne $azSources[$e.Source]) { $corrupt++ } }
        Write-ReliabilityFigure 'crash-azure' @{ rounds = 4; killed = $killed; objects = $azSources.Count; filesVerified = $verified;
            corrupt = $corrupt; tempFilesAfterStartup = $tempsLeft; unhealthyRounds = $unhealthy; completedAfter = $entries.Count }
        $killed | Should -BeGreaterThan 0
        $verified | Should -BeGreaterThan 0   # kills landed after downloads had begun, not only during start-up
        $corrupt | Should -Be 0
        $tempsLeft | Should -Be 0
        $unhealthy | Should -Be 0
        $entries.Count | Should -Be $azSources.Count
        (Test-MediaCache).Healthy | Should -BeTrue
    }
}

# A real cron daemon (Debian's cron, installed when missing) runs the cron recipe of docs/examples/README.md: its lines
# go to /etc/cron.d with this test's paths and a minute that comes soon, twice at the same minute, so the two runs of
# the same prewarm overlap. Both must exit 0, write their logs and status, and fetch every object once between them
# (the HTTP server's /__stats counts the requests; a drip fault makes each download last seconds).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../fleet/Fleet.psm1') -Force
    $script:reason = (Install-FleetPackages).cron # the engine's packages, installed when missing
    if ($reason) { Write-Host "skipped: $reason"; return }
    $http = (Get-TestServers).http
    $script:id = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "foc-cron-$id"
    New-Item -ItemType Directory -Force (Join-Path $root 'log'), (Join-Path $root 'run1'), (Join-Path $root 'run2') | Out-Null
    $script:count = 24
    $script:urls = 1..$count | ForEach-Object { New-HttpTestFile "cron-$id/f$_.bin" 1MB }
    $list = Join-Path $root 'paths.txt'
    Set-Content $list $urls
    # each GET sends 16 KiB every 50 ms: a download lasts about 3 s, so the two runs are sure to overlap
    Invoke-RestMethod -Method Post -Uri "$($http.url)/__faults" -Body (ConvertTo-Json @(@{ match = "/cron-$id/"; kind = 'drip'; delayMs = 50; times = $count })) | Out-Null

    # the README's cron lines, with this test's paths
    $readme = Get-Content (Join-Path $PSScriptRoot '../../docs/examples/README.md') -Raw
    if ($readme -notmatch '(?s)## cron \(Linux, macOS\).*?```cron\r?\n(.*?)```') { throw 'no cron block in docs/examples/README.md' }
    $block = $Matches[1].Trim() -split '\r?\n' | Where-Object { $_ -and -not $_.StartsWith('#') }
    $bin = New-PwshShimDir $root
    $script:due = [DateTime]::Now.AddSeconds(5)
    $due = [DateTime]::new($due.Year, $due.Month, $due.Day, $due.Hour, $due.Minute, 0).AddMinutes(1) # the next minute that starts 5 s from now or later
    $script:due = $due
    $psd1 = Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1'
    $script:script = (Resolve-Path (Join-Path $PSScriptRoot '../../docs/examples/Invoke-Prewarm.ps1')).Path
    $lines = foreach ($l in $block) {
        if ($l -like 'PATH=*') { $l -replace '^PATH=', "PATH=${bin}:" }
        elseif ($l -like 'FIFTYONE_MEDIA_CACHE_DIR=*') { "FIFTYONE_MEDIA_CACHE_DIR=$root/cache"; "FIFTYONE_MEDIA_CACHE_CONFIG_PATH=$root/media_cache_config.json" }
        else {
            $job = $l -replace '^30 5 \* \* \* media ', "$($due.Minute) $($due.Hour) * * * root " `
                      -replace '/opt/prewarm/Invoke-Prewarm.ps1', $script -replace '-ListPath /etc/prewarm/paths.txt', "-ListPath $list -ModulePath $psd1"
            if ($job -eq $l) { throw "the README's cron line has changed: $l" }
            $job -replace '/var/log/prewarm/', "$root/run1/"
            $job -replace '/var/log/prewarm/', "$root/run2/"
        }
    }
    $script:cronFile = "/etc/cron.d/foc-fleet-$id"
    Set-Content $cronFile ($lines + '')
    chmod 644 $cronFile
    Write-Host "cron: $cronFile due at $($due.ToString('HH:mm')):`n$($lines -join "`n")"

    # Debian's cron in the foreground, unless one already runs (it reads /etc/cron.d as well)
    $pidFile = '/run/crond.pid'
    $running = (Test-Path $pidFile) -and (Get-Process -Id ([int](Get-Content $pidFile -Raw).Trim()) -ErrorAction SilentlyContinue)
    if (-not $running) {
        $script:cron = Start-FleetDaemon $root 'cron' '/usr/sbin/cron' @('-f')
        $script:watchdog = Start-FleetWatchdog @($cron.Id) 240
    } else { Write-Host 'cron: using the cron daemon that already runs' }

    $statuses = "$root/run1/prewarm.status", "$root/run2/prewarm.status"
    $wait = [int]($due - [DateTime]::Now).TotalSeconds + 90
    Wait-FleetCondition $wait { ($statuses | Where-Object { (Test-Path $_) -and (Get-Content $_ -Raw) }).Count -eq 2 } "the cron jobs due at $($due.ToString('HH:mm')) did not finish (see $root)"
    $script:stats = (Invoke-RestMethod "$($http.url)/__stats").requests
}

AfterAll {
    if ($cronFile) { Remove-Item $cronFile -Force -ErrorAction SilentlyContinue }
    if ($cron) { Stop-FleetProcesses @($cron); Stop-FleetProcesses @($watchdog) }
    if ($root -and -not $env:FOC_KEEP_FLEET) { Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Fleet: a scheduled prewarm run by cron' {
    It 'runs at the due minute, writes its log, output and exit status 0' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        foreach ($r in 'run1', 'run2') {
            (Get-Content "$root/$r/prewarm.status" -Raw).Trim() | Should -Be '0'
            (Get-Content "$root/$r/prewarm.out" -Raw) -replace '\x1b\[[0-9;]*m', '' | Should -Match 'Total\s*:\s*24'
            $log = Get-Content "$root/$r/prewarm.jsonl" | ConvertFrom-Json
            @($log | Where-Object type -eq 'item').Count | Should -Be $count
            $first = [DateTimeOffset]($log | Select-Object -First 1).time
            $first.UtcDateTime | Should -BeGreaterOrEqual $due.ToUniversalTime()
        }
    }

    It 'overlapping runs of the same prewarm fetch every object once' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $a = Get-Content "$root/run1/prewarm.jsonl" | ConvertFrom-Json | Where-Object type -eq 'item'
        $b = Get-Content "$root/run2/prewarm.jsonl" | ConvertFrom-Json | Where-Object type -eq 'item'
        # they did overlap: each started before the other ended
        ([DateTimeOffset]($a | Select-Object -First 1).time) | Should -BeLessThan ([DateTimeOffset]($b | Select-Object -Last 1).time)
        ([DateTimeOffset]($b | Select-Object -First 1).time) | Should -BeLessThan ([DateTimeOffset]($a | Select-Object -Last 1).time)
        $downloaded = @($a + $b | Where-Object status -eq 'Downloaded')
        $downloaded.Count | Should -Be $count
        @($downloaded.path | Sort-Object -Unique).Count | Should -Be $count
        @($a + $b | Where-Object status -notin 'Downloaded', 'Cached').Count | Should -Be 0
        foreach ($u in $urls) {
            $path = ([Uri]$u).AbsolutePath
            $stats.$path | Should -Be 1 -Because "$path is fetched once by the two runs"
        }
    }
}


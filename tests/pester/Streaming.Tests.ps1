# FiftyOne's download_context in PowerShell: Get-MediaLocalPath streams ahead of its consumer by one batch,
# keeps the size limit while a set larger than the cache flows through, and can clear each item after use.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../reliability/ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = 'stream-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    function Get-Requests([string] $Prefix) {
        $s = Invoke-RestMethod "$($servers.http.url)/__stats"
        ($s.requests.PSObject.Properties | Where-Object Name -like "/$Prefix/*" | Measure-Object -Property Value -Sum).Sum
    }
    # Bytes of every file under a folder (temporary .part files included), sampled on a thread of its own.
    Add-Type -TypeDefinition @"
namespace FocTest {
    public sealed class DiskSampler {
        readonly string _root; readonly System.Threading.Thread _thread; volatile bool _stop; long _peak; public int Samples;
        public DiskSampler(string root) { _root = root; _thread = new System.Threading.Thread(Run) { IsBackground = true }; _thread.Start(); }
        void Run() {
            while (!_stop) {
                long total = 0;
                try {
                    if (System.IO.Directory.Exists(_root))
                        foreach (var f in new System.IO.DirectoryInfo(_root).EnumerateFiles("*", System.IO.SearchOption.AllDirectories))
                            try { total += f.Length; } catch (System.IO.IOException) { }
                } catch (System.IO.IOException) { continue; } catch (System.UnauthorizedAccessException) { continue; }
                if (total > _peak) _peak = total;
                Samples++;
                System.Threading.Thread.Sleep(1);
            }
        }
        public long Stop() { _stop = true; _thread.Join(); return _peak; }
    }
}
"@
    function Get-CacheBytesOnDisk {
        $root = $env:FIFTYONE_MEDIA_CACHE_DIR
        if (-not (Test-Path $root)) { return 0 }
        (Get-ChildItem $root -Recurse -File -Force | Where-Object FullName -notmatch '[\\/]\.fiftyonecache[\\/]' | Measure-Object Length -Sum).Sum
    }
}

Describe 'Get-MediaLocalPath as a download context' {
    AfterEach { Remove-Item Env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES, Env:FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES -ErrorAction SilentlyContinue }

    # FiftyOne's download_context over a set six times the cache: the bytes on disk are sampled every millisecond
    # on their own thread while a slow consumer (15 ms per path) reads, whatever the pool size (num_workers × 8
    # transfers, so 128 at 16 workers: more than the whole set). Bound: cap + one download batch + one object.
    It 'keeps media on disk within cap + one batch + one object at <workers> worker(s) (<source>)' -ForEach @(
        @{ workers = 1; source = 'urls' }, @{ workers = 2; source = 'urls' }, @{ workers = 16; source = 'urls' }, @{ workers = 16; source = 'dataset' }
    ) {
        $dir = New-TestCache
        try {
            $urls = foreach ($i in 0..59) { New-HttpTestFile "$run/cap$workers$source/$i.bin" 100000 }
            if ($source -eq 'dataset') {
                $name = "stream-$run-$workers"
                $null = New-FiftyOneDataset -Uri $servers.mongo.uri -Name $name -Samples @($urls | ForEach-Object { @{ filepath = $_ } })
                $env:FIFTYONE_DATABASE_URI = $servers.mongo.uri
            }
            $env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES = '1000000'
            $env:FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES = '300000'
            $env:FIFTYONE_MEDIA_CACHE_NUM_WORKERS = "$workers"
            $sampler = [FocTest.DiskSampler]::new((Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR 'media'))
            try {
                $received = & { if ($source -eq 'dataset') { Get-MediaLocalPath -Dataset $name } else { $urls | Get-MediaLocalPath } } | ForEach-Object {
                    (Test-Path -LiteralPath $_) | Should -BeTrue -Because 'a path exists when the next command receives it'
                    Start-Sleep -Milliseconds 15
                    $_
                }
            } finally { $peak = $sampler.Stop() }
            $received.Count | Should -Be 60
            $sampler.Samples | Should -BeGreaterThan 100 -Because 'the sampler ran while the stream flowed'
            $bound = 1000000 + 300000 + 100000
            Write-ReliabilityFigure -Part "stream-peak-$workers-workers-$source" -Figures @{ peakBytes = $peak; boundBytes = $bound; samples = $sampler.Samples }
            $peak | Should -BeLessOrEqual $bound -Because "media on disk must stay within cap + batch + one object at $workers worker(s)"
            (Get-MediaCacheStats).CurrentSize | Should -BeLessOrEqual 1000000
            Get-CacheBytesOnDisk | Should -BeLessOrEqual 1000000
        } finally {
            Remove-Item Env:FIFTYONE_MEDIA_CACHE_NUM_WORKERS, Env:FIFTYONE_DATABASE_URI -ErrorAction SilentlyContinue
            Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'downloads no more than -BatchSize items ahead of a slow consumer' {
        $dir = New-TestCache
        try {
            $urls = foreach ($i in 0..29) { New-HttpTestFile "$run/batch/$i.bin" 2000 }
            $seen = [Collections.Generic.List[long]]::new()
            $urls | Get-MediaLocalPath -BatchSize 4 | ForEach-Object {
                if ($seen.Count -eq 0) { Start-Sleep -Milliseconds 400 }
                $seen.Add((Get-Requests "$run/batch"))
            }
            $seen.Count | Should -Be 30
            $seen[0] | Should -BeLessOrEqual 4 -Because 'with the consumer holding the first item, at most one batch was downloaded'
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'removes what it downloaded with -ClearAfterUse and keeps what was cached before' {
        $dir = New-TestCache
        try {
            $kept = New-HttpTestFile "$run/clear/kept.bin" 3000
            $keptPath = Get-MediaLocalPath $kept
            $urls = foreach ($i in 0..9) { New-HttpTestFile "$run/clear/$i.bin" 3000 }
            $out = @($kept) + $urls | Get-MediaLocalPath -ClearAfterUse -BatchSize 3 | ForEach-Object {
                (Test-Path -LiteralPath $_) | Should -BeTrue
                $_
            }
            $out.Count | Should -Be 11
            Test-Path -LiteralPath $keptPath | Should -BeTrue
            @($out | Select-Object -Skip 1 | Where-Object { Test-Path -LiteralPath $_ }).Count | Should -Be 0
            (Get-MediaCacheStats).CurrentCount | Should -Be 1
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'reads download_size_bytes from the file and from FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES' {
        $dir = New-TestCache
        try {
            Set-MediaCacheConfig -DownloadSizeBytes 256MB
            (Get-Content $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH -Raw | ConvertFrom-Json).download_size_bytes | Should -Be 268435456
            (Get-MediaCacheConfig).DownloadSizeBytes | Should -Be 268435456
            $env:FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES = '-1'
            $c = Get-MediaCacheConfig
            $c.DownloadSizeBytes | Should -Be -1
            $c.Sources['DownloadSizeBytes'] | Should -Be 'env:FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES'
            $env:FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES = '0'
            { Get-MediaCacheConfig } | Should -Throw -ExpectedMessage '*download_size_bytes*'
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    # A cached path is answered on the pipeline's own thread only when every earlier result has been written:
    # here the miss before it is still downloading (a drip of about a second), so the hits after it must wait.
    It 'keeps input order when cached paths follow a miss that is still downloading' {
        $dir = New-TestCache
        try {
            $hits = foreach ($i in 0..3) { New-HttpTestFile "$run/order/hit$i.bin" 1000 }
            $slow = New-HttpTestFile "$run/order/slow.bin" 300000
            $null = $hits | Invoke-MediaDownload
            Invoke-RestMethod -Method Post -Uri "$($servers.http.url)/__faults" -ContentType 'application/json' `
                -Body (ConvertTo-Json @(@{ match = "/$run/order/slow.bin"; kind = 'drip'; delayMs = 50; times = 1 })) | Out-Null
            try { $out = @($hits[0], $slow, $hits[1], $hits[2], $hits[3]) | Get-MediaLocalPath }
            finally { Invoke-RestMethod -Method Delete -Uri "$($servers.http.url)/__faults" | Out-Null }
            $names = @($out | ForEach-Object { Split-Path $_ -Leaf })
            ($names -join ',') | Should -Be 'hit0.bin,slow.bin,hit1.bin,hit2.bin,hit3.bin'
            $out | ForEach-Object { $_ | Should -Exist }
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'lets two processes stream through one small cache at once, every file byte-exact when received' {
        $dir = New-TestCache
        try {
            $urls = foreach ($i in 0..299) { New-HttpTestFile "$run/two/$i.bin" 5000 }
            $expected = @{}
            foreach ($u in $urls) { $expected[$u] = Get-Sha256Hex (Join-Path $servers.http.root ($u -replace '^https?://[^/]+/', '')) }
            $hashFile = Join-Path $dir 'hashes.json'
            $expected | ConvertTo-Json | Set-Content $hashFile
            Set-MediaCacheConfig -CacheSizeBytes 200000   # 40 objects: both streams keep evicting each other's files
            $script = @'
Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
$expected = Get-Content $env:FOC_HASHES -Raw | ConvertFrom-Json -AsHashtable
$urls = @($expected.Keys | Sort-Object { Get-Random })
$bad = 0; $n = 0
$urls | Get-MediaLocalPath -BatchSize 10 | ForEach-Object -Begin { $i = 0 } -Process {
    $h = (Get-FileHash -LiteralPath $_ -Algorithm SHA256 -ErrorAction SilentlyContinue).Hash
    if ($h -ne $expected[$urls[$i]]) {
        $bad++
        # Say what was wrong, so that a failure names its cause: gone, or another object's bytes (output out of order).
        if ($bad -le 5) { [Console]::Error.WriteLine("BAD #$i $($urls[$i]) -> $_ : $(if (-not (Test-Path -LiteralPath $_)) { 'missing' } elseif ($expected.Values -contains $h) { 'another item' } else { 'different bytes' })") }
    }
    $i++; $n++
}
"RESULT $n $bad"
'@
            $envs = @{ FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH; FOC_HASHES = $hashFile }
            $outputs = foreach ($k in 0..1) {
                $psi = [Diagnostics.ProcessStartInfo]::new((Get-PwshLaunch).File)
                foreach ($a in (Get-PwshLaunch).Prefix + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
                $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
                $psi.Environment['FOC_MODULE_PATH'] = $env:FOC_MODULE_PATH
                foreach ($e in $envs.Keys) { $psi.Environment[$e] = $envs[$e] }
                $p = [Diagnostics.Process]::Start($psi)
                [pscustomobject]@{ P = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
            }
            foreach ($o in $outputs) {
                $o.P.WaitForExit(180000) | Should -BeTrue -Because 'no stream may hang'
                $text = $o.Out.GetAwaiter().GetResult()
                $text | Should -Match 'RESULT 300 0' -Because "every one of 300 files is byte-exact when received (stderr: $($o.Err.GetAwaiter().GetResult()))"
            }
            (Get-MediaCacheStats).CurrentSize | Should -BeLessOrEqual 200000
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

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
    function Get-CacheBytesOnDisk {
        $root = $env:FIFTYONE_MEDIA_CACHE_DIR
        if (-not (Test-Path $root)) { return 0 }
        (Get-ChildItem $root -Recurse -File -Force | Where-Object FullName -notmatch '[\\/]\.fiftyonecache[\\/]' | Measure-Object Length -Sum).Sum
    }
}

Describe 'Get-MediaLocalPath as a download context' {
    AfterEach { Remove-Item Env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES, Env:FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES -ErrorAction SilentlyContinue }

    It 'streams 60 x 100 KB through a 1 MB cache and leaves it at or under its cap' {
        $dir = New-TestCache
        try {
            $urls = foreach ($i in 0..59) { New-HttpTestFile "$run/cap/$i.bin" 100000 }
            $env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES = '1000000'
            $peak = 0
            $received = $urls | Get-MediaLocalPath | ForEach-Object {
                (Test-Path -LiteralPath $_) | Should -BeTrue -Because 'a path exists when the next command receives it'
                $peak = [Math]::Max($peak, (Get-CacheBytesOnDisk))
                $_
            }
            $received.Count | Should -Be 60
            # One batch (bounded by the cache size) plus the objects in flight above the cap at most.
            $peak | Should -BeLessOrEqual (2000000 + 16 * 100000)
            (Get-MediaCacheStats).CurrentSize | Should -BeLessOrEqual 1000000
            Get-CacheBytesOnDisk | Should -BeLessOrEqual 1000000
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
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
    if ($h -ne $expected[$urls[$i]]) { $bad++ }
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

param([string] $Configuration = 'Release', [switch] $Quick, [string] $Filter)
# The main job on an embedded default: a local HTTP server with generated images, prewarmed into a temporary
# cache, then local paths, statistics, LRU eviction and a partial clear, exactly as a user would run them.
& (Join-Path $Root 'build/Bootstrap.ps1')
& (Join-Path $Root 'build/Build.ps1') -Configuration $Configuration
$servers = Start-TestServers -Only http
$work = Join-Path ([IO.Path]::GetTempPath()) "fiftyonecache-demo-$PID"
try {
    # Generated 64x48 BMP images with a colour gradient: real media, no download from anywhere.
    $images = Join-Path $servers.Info.http.root 'demo/images'
    New-Item -ItemType Directory -Force $images | Out-Null
    foreach ($i in 1..24) {
        $w = 64; $h = 48; $row = $w * 3; $size = 54 + $row * $h
        $b = [byte[]]::new($size)
        [Text.Encoding]::ASCII.GetBytes('BM').CopyTo($b, 0)
        [BitConverter]::GetBytes([int]$size).CopyTo($b, 2); [BitConverter]::GetBytes([int]54).CopyTo($b, 10)
        [BitConverter]::GetBytes([int]40).CopyTo($b, 14); [BitConverter]::GetBytes([int]$w).CopyTo($b, 18)
        [BitConverter]::GetBytes([int]$h).CopyTo($b, 22); [BitConverter]::GetBytes([int16]1).CopyTo($b, 26)
        [BitConverter]::GetBytes([int16]24).CopyTo($b, 28)
        for ($y = 0; $y -lt $h; $y++) { for ($x = 0; $x -lt $w; $x++) {
            $o = 54 + $y * $row + $x * 3; $b[$o] = [byte](($x * 4 + $i * 10) % 256); $b[$o + 1] = [byte]($y * 5 % 256); $b[$o + 2] = [byte]($i * 9 % 256) } }
        [IO.File]::WriteAllBytes((Join-Path $images ('frame{0:d3}.bmp' -f $i)), $b)
    }
    $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $work 'media_cache_config.json'
    $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $work 'cache'
    Import-Module (Join-Path $ModuleDir 'FiftyOneCache.psd1') -Force
    $urls = 1..24 | ForEach-Object { '{0}/demo/images/frame{1:d3}.bmp' -f $servers.Info.http.url, $_ }

    Write-Host "`n# 1. Prewarm 24 images from $($servers.Info.http.url) into $env:FIFTYONE_MEDIA_CACHE_DIR" -ForegroundColor Green
    $urls | Invoke-MediaDownload | Format-Table Status, Size, Duration, Path -AutoSize | Out-Host
    Write-Host '# 2. Local paths (a drop-in for the list of file paths; cache hits now)' -ForegroundColor Green
    $urls | Select-Object -First 5 | Get-MediaLocalPath | Out-Host
    Write-Host '# 3. Cache statistics' -ForegroundColor Green
    Get-MediaCacheStats | Out-Host
    Write-Host '# 4. Shrink the limit to 50 KB: least recently used files are evicted' -ForegroundColor Green
    $urls | Select-Object -Last 3 | Get-MediaLocalPath | Out-Null   # touch the last three: they stay
    Set-MediaCacheConfig -CacheSizeBytes 50KB -Verbose
    Get-MediaCacheEntry | Format-Table LastAccess, Size, Source -AutoSize | Out-Host
    Write-Host '# 5. Clear one item, then show statistics for the whole list' -ForegroundColor Green
    Clear-MediaCache -Path $urls[-1] -Confirm:$false -PassThru | Format-Table Status, Size, Path -AutoSize | Out-Host
    Get-MediaCacheStats -Path $urls | Out-Host
} finally {
    Stop-TestServers $servers
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

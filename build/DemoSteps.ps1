#Requires -Version 7.6
<#
.SYNOPSIS
    The demo's steps, as a user would type them, against an HTTP server whose files live in -HttpRoot: prewarm,
    local paths, statistics, LRU eviction and a partial clear. Output goes through the module's own views.
    build.ps1 -Task Demo runs it after a quiet build; the Pester suite runs it too.
#>
param(
    [Parameter(Mandatory)] [string] $HttpUrl,
    [Parameter(Mandatory)] [string] $HttpRoot,
    [Parameter(Mandatory)] [string] $WorkDir,
    [Parameter(Mandatory)] [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'   # a transcript shows no progress bars

# Generated 64x48 BMP images with a colour gradient: real media, no download from anywhere.
$images = Join-Path $HttpRoot 'demo/images'
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
$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $WorkDir 'media_cache_config.json'
$env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $WorkDir 'cache'
Remove-Item Env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES -ErrorAction SilentlyContinue
Import-Module $ModulePath -Force
$urls = 1..24 | ForEach-Object { '{0}/demo/images/frame{1:d3}.bmp' -f $HttpUrl, $_ }
function Step([string] $Text) { Write-Host "`n# $Text" -ForegroundColor Green }

Step "1. Prewarm 24 images from $HttpUrl into $env:FIFTYONE_MEDIA_CACHE_DIR (first 8 rows shown)"
$results = $urls | Invoke-MediaDownload
$results | Select-Object -First 8 | Out-Host
Step '2. Local paths (a drop-in for the list of file paths; cache hits now)'
$urls | Select-Object -First 5 | Get-MediaLocalPath | Out-Host
Step '3. Cache statistics'
Get-MediaCacheStatistic | Out-Host
Step '4. Shrink the limit to 50 KB: least recently used files are evicted (the last three were just used: they stay)'
$urls | Select-Object -Last 3 | Get-MediaLocalPath | Out-Null
Set-MediaCacheConfig -CacheSizeBytes 50KB
Get-MediaCacheEntry | Out-Host
Step '5. Clear one item, then show statistics for the whole list'
Remove-MediaCacheEntry -Path $urls[-1] -PassThru | Out-Host
Get-MediaCacheStatistic -Path $urls | Out-Host
Step '6. A summary, as a scheduled prewarm logs it'
$urls | Invoke-MediaDownload -Summary | Out-Host

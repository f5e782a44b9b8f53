# One FiftyOneCache measurement in a fresh pwsh, as a user would run it; started by build/Bench.ps1 (under
# /usr/bin/time for peak RSS). The cache comes from FIFTYONE_MEDIA_CACHE_* set by the parent. Times are taken
# inside this process around the cmdlet call (pwsh start-up and Import-Module are scenario 6). Last line: JSON.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [ValidateSet('prefix', 'list', 'one', 'hits', 'stats')] [string] $Mode,
    [string] $Source,
    [string] $List,
    [int] $Repeat = 1,
    [switch] $Sync
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$r = [ordered]@{ mode = $Mode }
function Seconds([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = & $Block; $sw.Elapsed.TotalSeconds }
switch ($Mode) {
    'prefix' {
        $r.seconds = Seconds { $script:s = Invoke-MediaDownload $Source -Recurse -Summary }
        $r.count = $s.Downloaded; $r.failed = $s.Failed; $r.bytes = $s.Bytes
    }
    'list' {
        $paths = [IO.File]::ReadAllLines($List)
        $r.seconds = Seconds { $script:s = $paths | Invoke-MediaDownload -Summary }
        $r.count = $s.Downloaded; $r.failed = $s.Failed; $r.bytes = $s.Bytes
    }
    'one' {
        $r.seconds = Seconds { $script:s = Invoke-MediaDownload $Source -Summary; if ($Sync) { & sync } }
        $r.count = $s.Downloaded; $r.failed = $s.Failed; $r.bytes = $s.Bytes
    }
    'hits' {
        $paths = [IO.File]::ReadAllLines($List)
        $r.runs = @(foreach ($i in 1..$Repeat) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $out = $paths | Get-MediaLocalPath
            $t = $sw.Elapsed.TotalSeconds
            if ($out.Count -ne $paths.Count) { throw "$($out.Count) local paths for $($paths.Count) items" }
            $paths.Count / $t
        })
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = Get-MediaLocalPath -Path $paths
        $r.paramRate = $paths.Count / $sw.Elapsed.TotalSeconds
        $r.count = $paths.Count
    }
    'stats' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $s = Get-MediaCacheStats
        $r.firstMs = $sw.Elapsed.TotalMilliseconds
        $r.warmMs = @($(foreach ($i in 1..5) { $sw.Restart(); $null = Get-MediaCacheStats; $sw.Elapsed.TotalMilliseconds }) | Sort-Object)[2]
        $r.count = $s.CurrentCount
    }
}
$st = Get-MediaCacheStats
$r.cacheBytes = $st.CurrentSize; $r.cacheCount = $st.CurrentCount
$r | ConvertTo-Json -Compress

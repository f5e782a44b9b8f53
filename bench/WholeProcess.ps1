# Scenario 7: whole process, as a user runs it. Prewarm N x 100 KB from s3rver (a new pwsh with Import-Module and
# the -Recurse listing included) beside aws s3 cp and rclone, and the same objects over HTTP beside parallel curl;
# each under /usr/bin/time for wall seconds and CPU seconds (user + sys), every tool on the same server in the
# same run. Called by build/Bench.ps1 with its servers; returns the measurements (medians are taken by the caller).
# Also measured per run: the start-up alone (a new pwsh that only imports the module) and the CPU seconds each
# server spent serving each tool, so that a ratio can be read against what no client can go below: s3rver is
# one node.js thread, so its CPU seconds for a run are a floor on that run's wall time.
# Every run writes into a directory of its own and nothing is deleted until the scenario ends: on an ext4 without
# a journal (this sandbox's disk), creating a file costs more the more inodes were deleted in the last 60 seconds,
# so deleting the previous run's 2,000 files made each following run of every tool slower than the one before.
param(
    [Parameter(Mandatory)] $S3,              # the harness's s3 info (endpoint, accessKey, secretKey, region)
    [Parameter(Mandatory)] [string] $HttpUrl, # base URL serving the same files under /w/
    [Parameter(Mandatory)] [string] $DataDir, # local copy of the objects (w/)
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [hashtable] $Peer,
    [int] $Runs = 3,
    [int] $HttpServerPid = 0,                 # nginx's master process (its workers are counted with it), if nginx serves
    [string] $HostFloorDll                    # bench/HostFloor built: the least a PowerShell module on .NET can do
)
$ErrorActionPreference = 'Stop'
$time = $Peer.time
if (-not $time) { throw '/usr/bin/time is needed for CPU seconds' }
$launch = Get-PwshLaunch
$names = @(Get-ChildItem (Join-Path $DataDir 'w') -File | Sort-Object Name | ForEach-Object Name)
$count = $names.Count
$destRoot = Join-Path $Work 'whole-dest'
$script:destSerial = 0
$timing = Join-Path $Work 'whole-time.txt'
$urls = Join-Path $Work 'whole-urls.txt'
[IO.File]::WriteAllLines($urls, [string[]]@($names | ForEach-Object { "$HttpUrl/w/$_" }))
$curlConfig = Join-Path $Work 'whole-curl.cfg'
[IO.File]::WriteAllLines($curlConfig, [string[]]@($names | ForEach-Object { "url = `"$HttpUrl/w/$_`""; "output = `"$_`"" }))

# CPU seconds (user + sys) a set of processes has used so far, from /proc/<pid>/stat (fields 14 and 15, in ticks).
$ticks = [double](& getconf CLK_TCK)
function Get-CpuSeconds([int[]] $Pids) {
    $sum = 0.0
    foreach ($p in $Pids) {
        $stat = Get-Content "/proc/$p/stat" -Raw -ErrorAction SilentlyContinue
        if (-not $stat) { continue }
        $f = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '   # fields from the 3rd on: utime is the 14th
        $sum += ([double]$f[11] + [double]$f[12]) / $ticks
    }
    return $sum
}
$s3Port = ([Uri]$S3.endpoint).Port
$s3Pids = @(& pgrep -f "s3-server.js --port $s3Port " | ForEach-Object { [int]$_ })
$httpPids = if ($HttpServerPid) { @($HttpServerPid) + @(& pgrep -P $HttpServerPid | ForEach-Object { [int]$_ }) } else { @() }

# Runs one command under /usr/bin/time, writing into a new directory ({dest} in its arguments and environment);
# returns wall and user+sys CPU seconds, and the CPU seconds the server spent meanwhile.
function Measure-Whole([string] $File, [string[]] $Arguments, [hashtable] $Environment, [string] $Log, [int[]] $ServerPids = @(), [int] $Expect = $count) {
    $dest = Join-Path $destRoot ("{0:000}" -f ++$script:destSerial)
    New-Item -ItemType Directory -Force $dest | Out-Null
    $Arguments = @($Arguments | ForEach-Object { $_.Replace('{dest}', $dest) })
    $Environment = $Environment.Clone()
    foreach ($k in @($Environment.Keys)) { if ($Environment[$k] -is [string]) { $Environment[$k] = $Environment[$k].Replace('{dest}', $dest) } }
    & sync
    $server0 = Get-CpuSeconds $ServerPids
    Invoke-WithEnv $Environment { & $time -f '%e %U %S' -o $timing $File @Arguments *> $Log }   # build/Bench.ps1's
    if ($LASTEXITCODE -ne 0) { throw "$File failed ($LASTEXITCODE): $((Get-Content $Log -Tail 5) -join ' | ')" }
    $server = (Get-CpuSeconds $ServerPids) - $server0
    $files = @([IO.Directory]::EnumerateFiles($dest, '*', [IO.SearchOption]::AllDirectories) | Where-Object { $_ -notmatch '[\\/]\.fiftyonecache[\\/]' }).Count
    if ($files -ne $Expect) { throw "$File left $files of $Expect files" }
    $f = (Get-Content $timing | Where-Object { $_ -match '^\d' } | Select-Object -Last 1) -split ' '
    return [pscustomobject]@{ Wall = [double]$f[0]; Cpu = [double]$f[1] + [double]$f[2]; ServerCpu = [math]::Round($server, 2) }
}

$aws = @{ AWS_ACCESS_KEY_ID = $S3.accessKey; AWS_SECRET_ACCESS_KEY = $S3.secretKey; AWS_REGION = $S3.region; AWS_DEFAULT_REGION = $S3.region
          AWS_ENDPOINT_URL = $S3.endpoint; AWS_CONFIG_FILE = (Join-Path $Work 'aws-none'); AWS_SHARED_CREDENTIALS_FILE = (Join-Path $Work 'aws-none')
          AWS_PROFILE = $null; AWS_DEFAULT_PROFILE = $null; AWS_CA_BUNDLE = $null }
$foc = $aws + @{ FIFTYONE_MEDIA_CACHE_DIR = '{dest}'; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = (Join-Path $Work 'no-config.json'); FIFTYONE_MEDIA_CACHE_SIZE_BYTES = $null; FIFTYONE_MEDIA_CACHE_NUM_WORKERS = $null }
$psd1 = Join-Path $ModuleDir 'FiftyOneCache.psd1'
$focArgs = @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
    "Import-Module '$psd1'; `$s = Invoke-MediaDownload s3://bench/w/ -Recurse -Summary; if (`$s.Downloaded -ne $count) { exit 1 }")
$focHttpArgs = @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
    "Import-Module '$psd1'; `$s = Get-Content '$urls' | Invoke-MediaDownload -Summary; if (`$s.Downloaded -ne $count) { exit 1 }")
$rc = @{ RCLONE_CONFIG = (Join-Path $Work 'rclone-none.conf'); RCLONE_CONFIG_WS3_TYPE = 's3'; RCLONE_CONFIG_WS3_PROVIDER = 'Other'
         RCLONE_CONFIG_WS3_ENDPOINT = $S3.endpoint; RCLONE_CONFIG_WS3_ACCESS_KEY_ID = $S3.accessKey; RCLONE_CONFIG_WS3_SECRET_ACCESS_KEY = $S3.secretKey
         RCLONE_CONFIG_WS3_REGION = $S3.region; RCLONE_CONFIG_WS3_FORCE_PATH_STYLE = 'true'; AWS_CA_BUNDLE = $null }

# The same prewarm twice in one process, the second into a new cache: its CPU is the engine's cost per job once
# the runtime is warm (no start-up, no JIT), printed by the script itself as 'WARM <wall> <cpu>'.
$focWarmArgs = @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
    "Import-Module '$psd1'; `$null = Invoke-MediaDownload s3://bench/w/ -Recurse -Summary; `$env:FIFTYONE_MEDIA_CACHE_DIR = '{dest}/second'; " +
    "`$p = [Diagnostics.Process]::GetCurrentProcess(); `$c0 = `$p.TotalProcessorTime.TotalSeconds; `$sw = [Diagnostics.Stopwatch]::StartNew(); " +
    "`$s = Invoke-MediaDownload s3://bench/w/ -Recurse -Summary; `$p.Refresh(); if (`$s.Downloaded -ne $count) { exit 1 }; " +
    "'WARM {0} {1}' -f `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture), (`$p.TotalProcessorTime.TotalSeconds - `$c0).ToString([cultureinfo]::InvariantCulture)")
# The host's floor: a new pwsh that loads a minimal .NET downloader (pooled HttpClient, temporary file and rename;
# no listing, signing, cache, index or locks) and fetches the same objects, 16 at a time. s3rver serves unsigned
# path-style GETs, so the S3 floor skips even the signing.
$s3Urls = Join-Path $Work 'whole-s3-urls.txt'
[IO.File]::WriteAllLines($s3Urls, [string[]]@($names | ForEach-Object { "$($S3.endpoint)/bench/w/$_" }))
$floorArgs = { param($list) @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
    "Add-Type -Path '$HostFloorDll'; if ([HostFloor.Fetcher]::Fetch([IO.File]::ReadAllLines('$list'), '{dest}', 16) -ne $count) { exit 1 }") }
$startArgs = @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$psd1'")

$r = [ordered]@{ objects = $count; start_up = @(); floor_s3 = @(); floor_http = @(); warm = @(); foc_s3 = @(); aws = @(); rclone = @(); foc_http = @(); curl = @() }
try {
foreach ($run in 1..$Runs) {
    $r.start_up += Measure-Whole $launch.File $startArgs $foc (Join-Path $Work "whole-start-$run.log") -Expect 0
    if ($HostFloorDll) {
        $r.floor_s3 += Measure-Whole $launch.File (& $floorArgs $s3Urls) @{} (Join-Path $Work "whole-floor-s3-$run.log") $s3Pids
        $r.floor_http += Measure-Whole $launch.File (& $floorArgs $urls) @{} (Join-Path $Work "whole-floor-http-$run.log") $httpPids
    }
    $r.foc_s3 += Measure-Whole $launch.File $focArgs $foc (Join-Path $Work "whole-foc-$run.log") $s3Pids
    $warmLog = Join-Path $Work "whole-warm-$run.log"
    $null = Measure-Whole $launch.File $focWarmArgs $foc $warmLog $s3Pids -Expect (2 * $count)
    $w = (Get-Content $warmLog | Where-Object { $_ -match '^WARM ' } | Select-Object -Last 1) -split ' '
    $r.warm += [pscustomobject]@{ Wall = [double]::Parse($w[1], [cultureinfo]::InvariantCulture); Cpu = [double]::Parse($w[2], [cultureinfo]::InvariantCulture); ServerCpu = $null }
    if ($Peer.aws) { $r.aws += Measure-Whole $Peer.aws @('s3', 'cp', 's3://bench/w/', '{dest}', '--recursive', '--endpoint-url', $S3.endpoint, '--only-show-errors') $aws (Join-Path $Work "whole-aws-$run.log") $s3Pids }
    if ($Peer.rclone) { $r.rclone += Measure-Whole $Peer.rclone @('copy', 'ws3:bench/w', '{dest}', '--transfers', '16', '--s3-no-check-bucket', '-q') $rc (Join-Path $Work "whole-rclone-$run.log") $s3Pids }
    $r.foc_http += Measure-Whole $launch.File $focHttpArgs $foc (Join-Path $Work "whole-foc-http-$run.log") $httpPids
    if ($Peer.curl) { $r.curl += Measure-Whole $Peer.curl @('-sSf', '--parallel', '--parallel-max', '16', '--output-dir', '{dest}', '-K', $curlConfig) @{} (Join-Path $Work "whole-curl-$run.log") $httpPids }
    Write-Host ("  run {0}: FiftyOneCache s3 {1:0.0} s ({2:0.0} s CPU), aws {3}, rclone {4}; http FiftyOneCache {5:0.0} s, curl {6}" -f $run,
        $r.foc_s3[-1].Wall, $r.foc_s3[-1].Cpu,
        $(if ($r.aws) { '{0:0.0} s ({1:0.0} s CPU)' -f $r.aws[-1].Wall, $r.aws[-1].Cpu } else { 'n/a' }),
        $(if ($r.rclone) { '{0:0.0} s ({1:0.0} s CPU)' -f $r.rclone[-1].Wall, $r.rclone[-1].Cpu } else { 'n/a' }),
        $r.foc_http[-1].Wall, $(if ($r.curl) { '{0:0.0} s' -f $r.curl[-1].Wall } else { 'n/a' }))
}
} finally {
    if (Test-Path $destRoot) { & rm -rf -- $destRoot }
}
return $r

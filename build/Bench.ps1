param(
    [string] $Configuration = 'Release',
    # Tiny sizes and one run per measurement: a smoke test (no targets asserted).
    [switch] $Quick,
    # 'whole': only scenario 7 (whole process: wall and CPU seconds per tool), written to bench/whole-process.md.
    # 'cheap': only scenario 8 (CPU per object on bench/memserver.js, 1,000 and 4,000 objects), written to bench/cheap.md.
    # 'upload': only scenario 9 (uploads and server-side copies on bench/memserver.js), written to bench/upload.md.
    [string] $Filter,
    # With -Filter cheap: tools to leave out (foc, rclone, curl, aws).
    [string[]] $CheapSkip = @(),
    # With -Filter cheap or upload: another build of the module, measured beside this one in the same runs (before/after).
    [string] $CheapBaseline,
    # With -Filter cheap: where the runs' destinations go (e.g. /dev/shm: no file system cost in the measurement).
    [string] $CheapDestination,
    # With -Filter upload: tools (foc, rclone, aws) or cases (small, big, copy) to leave out.
    [string[]] $UploadSkip = @(),
    # Where results.md/.json/.svg go (default: bench/ in the repository).
    [string] $OutputDir,
    # Use the module already in out/FiftyOneCache (the Pester smoke test runs beside a loaded module).
    [switch] $NoBuild,
    # Do not apt-get install missing peers; they are reported as unavailable.
    [switch] $NoInstall,
    # Runs per measurement (median); default 3, 1 with -Quick.
    [int] $Runs = 0,
    # The module to measure (default out/FiftyOneCache).
    [string] $ModulePath,
    # Peers to treat as unavailable (aws, rclone, aria2c, nginx, time, curl), e.g. to try the fallback paths.
    [string[]] $SkipPeer = @()
)
# FiftyOneCache side by side with aws-cli, rclone, aria2c, curl, cp and a minimal raw client, on local servers
# (s3rver from the test harness, and an nginx started here) and the same data; see bench/README.md.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
if (-not (Get-Variable -Name Root -ErrorAction SilentlyContinue)) {
    $Root = Split-Path $PSScriptRoot -Parent
    $Out = Join-Path $Root 'out'
    $ModuleDir = Join-Path $Out 'FiftyOneCache'
    . (Join-Path $PSScriptRoot 'Common.ps1')
}
. (Join-Path $Root 'bench/Chart.ps1')
if ($ModulePath) { $ModuleDir = (Resolve-Path $ModulePath).Path; $NoBuild = [switch]$true }
if (-not $OutputDir) { $OutputDir = Join-Path $Root 'bench' }
New-Item -ItemType Directory -Force $OutputDir | Out-Null
$OutputDir = (Resolve-Path $OutputDir).Path
if ($Runs -le 0) { $Runs = if ($Quick) { 1 } else { 3 } }
$inv = [Globalization.CultureInfo]::InvariantCulture

$size = if ($Quick) {
    @{ Objects = 200; ObjectBytes = 100KB; BigBytes = 50MB; Hits = 2000; IndexEntries = 10000; IndexFiles = 10000; Whole = 200 }
} else {
    @{ Objects = 10000; ObjectBytes = 100KB; BigBytes = 2GB; Hits = 100000; IndexEntries = 1000000; IndexFiles = 1000000; Whole = 2000 }
}
# -Filter whole: only scenario 7 (whole process), written to whole-process.md; the other data is made tiny.
$onlyWhole = $Filter -eq 'whole'
if ($onlyWhole) { $size.Objects = 10; $size.BigBytes = 1MB }
$benchStart = [Diagnostics.Stopwatch]::StartNew()
$loadAtStart = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3
function Say([string] $Text) { Write-Host ("[{0,6:0.0}s] {1}" -f $benchStart.Elapsed.TotalSeconds, $Text) }

# ---------------------------------------------------------------------------------------------- peers
$peerCommands = [ordered]@{ aws = '/usr/bin/aws'; rclone = 'rclone'; aria2c = 'aria2c'; nginx = 'nginx'; time = '/usr/bin/time'; curl = 'curl' }
$peerPackages = @{ aws = 'awscli'; rclone = 'rclone'; aria2c = 'aria2'; nginx = 'nginx-light'; time = 'time'; curl = 'curl' }
function Find-Peer([string] $Name) {
    $c = $peerCommands[$Name]
    if ($c.StartsWith('/')) { if (Test-Path $c) { return $c } else { return $null } }
    foreach ($d in '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin') { if (Test-Path "$d/$c") { return "$d/$c" } }
    return $null
}
$missing = @($peerCommands.Keys | Where-Object { $_ -notin $SkipPeer -and -not (Find-Peer $_) })
if ($missing -and -not $NoInstall -and $IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
    $pkgs = @($missing | ForEach-Object { $peerPackages[$_] } | Sort-Object -Unique)
    Say "Installing peers with apt-get: $($pkgs -join ' ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get install -y -qq --no-install-recommends @pkgs *> (Join-Path ([IO.Path]::GetTempPath()) 'foc-bench-apt.log')
    if ($LASTEXITCODE -ne 0) {
        & apt-get update -qq *> $null
        & apt-get install -y -qq --no-install-recommends @pkgs *> (Join-Path ([IO.Path]::GetTempPath()) 'foc-bench-apt.log')
    }
}
$peer = [ordered]@{}
foreach ($n in $peerCommands.Keys) { $peer[$n] = if ($n -in $SkipPeer) { $null } else { Find-Peer $n } }
$unavailable = @($peer.Keys | Where-Object { -not $peer[$_] })
if ($unavailable) { Say "Unavailable (reported as such): $($unavailable -join ', ')" }

# ---------------------------------------------------------------------------------------------- helpers
function Get-Median([double[]] $Values) {
    $v = @($Values | Where-Object { $null -ne $_ } | Sort-Object)
    if ($v.Count -eq 0) { return $null }
    if ($v.Count % 2) { return $v[[int][Math]::Floor($v.Count / 2)] }
    return ($v[$v.Count / 2 - 1] + $v[$v.Count / 2]) / 2
}

function Invoke-WithEnv([hashtable] $Vars, [scriptblock] $Block) {
    $saved = @{}
    $set = { param($k, $v) if ([string]::IsNullOrEmpty($v)) { Remove-Item "Env:$k" -ErrorAction SilentlyContinue } else { Set-Item "Env:$k" $v } }
    foreach ($k in $Vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); & $set $k $Vars[$k] }
    try { & $Block } finally { foreach ($k in $saved.Keys) { & $set $k $saved[$k] } }
}

# Runs a command; returns wall seconds. Output goes to a log; a failure throws with the log's tail.
function Measure-Native([string] $File, [string[]] $Arguments, [string] $Log) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $File @Arguments *> $Log
    $code = $LASTEXITCODE
    $t = $sw.Elapsed.TotalSeconds
    if ($code -ne 0) { throw "$File failed ($code): $((Get-Content $Log -Tail 5) -join ' | ')" }
    return $t
}

function Reset-Dir([string] $Dir) {
    if (Test-Path $Dir) { & rm -rf -- $Dir }
    New-Item -ItemType Directory -Force $Dir | Out-Null
    & sync
}

function Get-FileCount([string] $Dir) { @([IO.Directory]::EnumerateFiles($Dir, '*', [IO.SearchOption]::AllDirectories)).Count }

# A FiftyOneCache run in a fresh pwsh under /usr/bin/time: the child's own timing plus its peak RSS (MB).
$pwshLaunch = Get-PwshLaunch
function Invoke-Foc([hashtable] $CacheEnv, [string[]] $Arguments, [string] $Log) {
    $runner = Join-Path $Root 'bench/Run-Foc.ps1'
    $all = @($pwshLaunch.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $runner, '-Module', (Join-Path $ModuleDir 'FiftyOneCache.psd1')) + $Arguments
    $rss = "$Log.rss"
    Invoke-WithEnv $CacheEnv {
        if ($peer.time) { & $peer.time -f '%M' -o $rss $pwshLaunch.File @all *> $Log }
        else { & $pwshLaunch.File @all *> $Log }
    }
    if ($LASTEXITCODE -ne 0) { throw "FiftyOneCache run failed: $((Get-Content $Log -Tail 8) -join ' | ')" }
    $json = Get-Content $Log | Where-Object { $_ -like '{*' } | Select-Object -Last 1
    $r = $json | ConvertFrom-Json
    $mb = if ($peer.time -and (Test-Path $rss)) { [double]((Get-Content $rss | Where-Object { $_ -match '^\d+$' } | Select-Object -Last 1)) / 1024 } else { $null }
    $r | Add-Member -NotePropertyName rssMB -NotePropertyValue $mb
    return $r
}

function Get-FreePort {
    $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); return $p
}

function Start-Nginx([string] $DocRoot, [string] $Dir) {
    New-Item -ItemType Directory -Force $Dir | Out-Null
    $port = Get-FreePort
    $conf = Join-Path $Dir 'nginx.conf'
    @"
worker_processes 2;
pid $Dir/nginx.pid;
error_log $Dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    default_type application/octet-stream;
    client_body_temp_path $Dir/body; proxy_temp_path $Dir/proxy; fastcgi_temp_path $Dir/fastcgi;
    uwsgi_temp_path $Dir/uwsgi; scgi_temp_path $Dir/scgi;
    server { listen 127.0.0.1:$port; root $DocRoot; location / { } }
}
"@ | Set-Content $conf
    $psi = [Diagnostics.ProcessStartInfo]::new($peer.nginx)
    foreach ($a in @('-e', "$Dir/error.log", '-p', $Dir, '-c', $conf, '-g', 'daemon off;')) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $proc = [Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ($true) {
        try { $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); break } catch { }
        if ($proc.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "nginx did not start: $(Get-Content "$Dir/error.log" -Raw -ErrorAction SilentlyContinue)" }
        Start-Sleep -Milliseconds 100
    }
    return [pscustomobject]@{ Process = $proc; Url = "http://127.0.0.1:$port" }
}

function Stop-Nginx($Nginx) {
    if (-not $Nginx -or $Nginx.Process.HasExited) { return }
    & kill -QUIT $Nginx.Process.Id
    if (-not $Nginx.Process.WaitForExit(10000)) { & kill -KILL $Nginx.Process.Id }
}

# ---------------------------------------------------------------------------------------------- set-up
if (-not $NoBuild) { & (Join-Path $Root 'build/Build.ps1') -Configuration $Configuration }
if (-not (Test-Path (Join-Path $ModuleDir 'FiftyOneCache.psd1'))) { throw "No module in ${ModuleDir}: run build.ps1 -Task Build" }
if ($Filter -eq 'cheap') {
    $work = Join-Path ([IO.Path]::GetTempPath()) "foc-bench-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    $counts = if ($Quick) { @(100, 400) } else { @(1000, 4000) }
    Say "Scenario 8: CPU per object on an in-memory S3 server (bench/memserver.js), $($counts -join ' and ') x 100 KB, $Runs run(s), tools interleaved"
    $floorDir = Join-Path $Out 'hostfloor'
    Invoke-Native dotnet @('build', (Join-Path $Root 'bench/HostFloor/HostFloor.csproj'), '-c', 'Release', '-o', $floorDir, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    try { $c = & (Join-Path $Root 'bench/Cheap.ps1') -Work $work -ModuleDir $ModuleDir -Peer $peer -Runs $Runs -Counts $counts -Skip $CheapSkip -BaselineModuleDir $CheapBaseline -HostFloorDll (Join-Path $floorDir 'HostFloor.dll') -DestinationRoot $CheapDestination }
    finally { if (Test-Path $work) { & rm -rf -- $work } }
    $invocation = "build.ps1 -Task Bench -Filter cheap$(if ($Quick) { ' -Quick' })$(if ($CheapDestination) { " -CheapDestination $CheapDestination" })"
    Write-Host (& (Join-Path $Root 'bench/CheapReport.ps1') -Measured $c -OutputDir $OutputDir -Invocation $invocation -Runs $Runs -LoadAtStart $loadAtStart)
    return
}
if ($Filter -eq 'upload') {
    $work = Join-Path ([IO.Path]::GetTempPath()) "foc-bench-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    $u = if ($Quick) { @{ Count = 200; BigBytes = 256MB } } else { @{ Count = 2000; BigBytes = 2GB } }
    Say "Scenario 9: uploads ($($u.Count) x 100 KB, one $($u.BigBytes / 1MB) MB file) and a server-side copy of $($u.Count) objects on bench/memserver.js, $Runs run(s), tools interleaved"
    try {
        & (Join-Path $Root 'bench/Upload.ps1') -Work $work -ModuleDir $ModuleDir -Peer $peer -OutputDir $OutputDir -Runs $Runs -Count $u.Count -BigBytes $u.BigBytes `
            -Skip $UploadSkip -BaselineModuleDir $CheapBaseline -CommandLine "build.ps1 -Task Bench -Filter upload$(if ($Quick) { ' -Quick' })"
    } finally { if (Test-Path $work) { & rm -rf -- $work } }
    return
}
$focBenchDir = Join-Path $Out 'focbench'
Invoke-Native dotnet @('build', (Join-Path $Root 'bench/FocBench/FocBench.csproj'), '-c', 'Release', '-o', $focBenchDir, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')
$focBench = Join-Path $focBenchDir 'FocBench.dll'
$hostFloorDir = Join-Path $Out 'hostfloor'
Invoke-Native dotnet @('build', (Join-Path $Root 'bench/HostFloor/HostFloor.csproj'), '-c', 'Release', '-o', $hostFloorDir, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')

$work = Join-Path ([IO.Path]::GetTempPath()) "foc-bench-$PID"
$logs = Join-Path $work 'logs'
New-Item -ItemType Directory -Force $logs | Out-Null
$servers = $null; $nginx = $null
$m = [ordered]@{}   # every measurement, for results.json

try {
    $servers = Start-TestServers -Only 'http,s3'
    $s3 = $servers.Info.s3
    # Without nginx the harness's own HTTP server serves the files (slower; said so in the results).
    $data = if ($peer.nginx) { Join-Path $work 'data' } else { $servers.Info.http.root }
    Say "Generating $($size.Objects) x $($size.ObjectBytes / 1KB) KB and one $($size.BigBytes / 1MB) MB object in $data"
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--dir', (Join-Path $data 'p'), '--count', "$($size.Objects)", '--size', "$($size.ObjectBytes)")
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--big', "$($size.BigBytes)", '--file', (Join-Path $data 'big.bin'))
    $rawget = Join-Path $Root 'bench/rawget.js'
    Say "Seeding s3://bench/p/ on $($s3.endpoint) (parallel unsigned PUTs)"
    $seed = Invoke-Native node @($rawget, 'put', '--base', "$($s3.endpoint)/bench", '--from', (Join-Path $data 'p'), '--prefix', 'p/', '--concurrency', '16') | ConvertFrom-Json
    Say ("  {0} objects in {1:0.0} s" -f $seed.count, $seed.seconds)
    if ($peer.nginx) { $nginx = Start-Nginx $data (Join-Path $work 'nginx'); Say "nginx on $($nginx.Url)" }
    $httpServer = if ($nginx) { $nginx } else { [pscustomobject]@{ Url = $servers.Info.http.url } }
    $httpName = if ($nginx) { 'nginx' } else { 'test harness HTTP server (nginx unavailable)' }

    $names = @(Get-ChildItem (Join-Path $data 'p') -File | Sort-Object Name | ForEach-Object Name)
    $s3Urls = Join-Path $work 's3-urls.txt'
    [IO.File]::WriteAllLines($s3Urls, [string[]]@($names | ForEach-Object { "$($s3.endpoint)/bench/p/$_" }))
    $httpUrls = Join-Path $work 'http-urls.txt'
    [IO.File]::WriteAllLines($httpUrls, [string[]]@($names | ForEach-Object { "$($httpServer.Url)/p/$_" }))

    $awsEnv = @{ AWS_ACCESS_KEY_ID = $s3.accessKey; AWS_SECRET_ACCESS_KEY = $s3.secretKey; AWS_REGION = $s3.region; AWS_DEFAULT_REGION = $s3.region
                 AWS_ENDPOINT_URL = $s3.endpoint; AWS_CONFIG_FILE = (Join-Path $work 'aws-none'); AWS_SHARED_CREDENTIALS_FILE = (Join-Path $work 'aws-none')
                 AWS_PROFILE = $null; AWS_CA_BUNDLE = $null }
    $focEnv = { param($cache, $limit) @{ FIFTYONE_MEDIA_CACHE_DIR = $cache; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = (Join-Path $work 'no-config.json')
                                         FIFTYONE_MEDIA_CACHE_SIZE_BYTES = $limit; FIFTYONE_MEDIA_CACHE_NUM_WORKERS = $null } + $awsEnv }
    $dest = Join-Path $work 'dest'

    $wholeDir = Join-Path $data 'w'
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--dir', $wholeDir, '--count', "$($size.Whole)", '--size', "$($size.ObjectBytes)")
    $null = Invoke-Native node @($rawget, 'put', '--base', "$($s3.endpoint)/bench", '--from', $wholeDir, '--prefix', 'w/', '--concurrency', '16')
    if (-not $onlyWhole) {
    # ------------------------------------------------------------------------------------------ 1. prewarm
    Say "Scenario 1: prewarm $($size.Objects) x 100 KB, $Runs run(s) each"
    $s1 = [ordered]@{ foc_s3 = @(); aws = @(); rclone = @(); raw_s3 = @(); foc_http = @(); aria2c = @(); raw_http = @(); foc_s3_rss = @() }
    foreach ($run in 1..$Runs) {
        Reset-Dir $dest
        $r = Invoke-Foc (& $focEnv $dest $null) @('-Mode', 'prefix', '-Source', 's3://bench/p/') (Join-Path $logs "s1-foc-s3-$run.log")
        if ($r.count -ne $size.Objects) { throw "FiftyOneCache downloaded $($r.count) of $($size.Objects) (failed $($r.failed))" }
        $s1.foc_s3 += $size.Objects / $r.seconds; $s1.foc_s3_rss += $r.rssMB
        Say ("  run {0}: FiftyOneCache s3 {1:0} obj/s" -f $run, ($size.Objects / $r.seconds))
        if ($peer.aws) {
            Reset-Dir $dest
            $t = Invoke-WithEnv $awsEnv { Measure-Native $peer.aws @('s3', 'cp', 's3://bench/p/', $dest, '--recursive', '--endpoint-url', $s3.endpoint, '--only-show-errors') (Join-Path $logs "s1-aws-$run.log") }
            if ((Get-FileCount $dest) -ne $size.Objects) { throw 'aws s3 cp did not copy every object' }
            $s1.aws += $size.Objects / $t
            Say ("  run {0}: aws s3 cp {1:0} obj/s" -f $run, ($size.Objects / $t))
        }
        if ($peer.rclone) {
            Reset-Dir $dest
            $rcEnv = @{ RCLONE_CONFIG = (Join-Path $work 'rclone-none.conf'); RCLONE_CONFIG_BENCHS3_TYPE = 's3'; RCLONE_CONFIG_BENCHS3_PROVIDER = 'Other'
                        RCLONE_CONFIG_BENCHS3_ENDPOINT = $s3.endpoint; RCLONE_CONFIG_BENCHS3_ACCESS_KEY_ID = $s3.accessKey
                        RCLONE_CONFIG_BENCHS3_SECRET_ACCESS_KEY = $s3.secretKey; RCLONE_CONFIG_BENCHS3_REGION = $s3.region
                        RCLONE_CONFIG_BENCHS3_FORCE_PATH_STYLE = 'true'; AWS_CA_BUNDLE = $null }
            $t = Invoke-WithEnv $rcEnv { Measure-Native $peer.rclone @('copy', 'benchs3:bench/p', $dest, '--transfers', '32', '--checkers', '32', '--s3-no-check-bucket', '-q') (Join-Path $logs "s1-rclone-$run.log") }
            if ((Get-FileCount $dest) -ne $size.Objects) { throw 'rclone copy did not copy every object' }
            $s1.rclone += $size.Objects / $t
            Say ("  run {0}: rclone copy {1:0} obj/s" -f $run, ($size.Objects / $t))
        }
        Reset-Dir $dest
        $r = Invoke-Native node @($rawget, 'get', '--urls', $s3Urls, '--out', $dest, '--concurrency', '32') | ConvertFrom-Json
        $s1.raw_s3 += $r.rate
        Say ("  run {0}: raw GET (s3rver) {1:0} obj/s" -f $run, $r.rate)
        if ($httpServer) {
            Reset-Dir $dest
            $r = Invoke-Foc (& $focEnv $dest $null) @('-Mode', 'list', '-List', $httpUrls) (Join-Path $logs "s1-foc-http-$run.log")
            if ($r.count -ne $size.Objects) { throw "FiftyOneCache downloaded $($r.count) of $($size.Objects) over HTTP" }
            $s1.foc_http += $size.Objects / $r.seconds
            Say ("  run {0}: FiftyOneCache http {1:0} obj/s" -f $run, ($size.Objects / $r.seconds))
            if ($peer.aria2c) {
                Reset-Dir $dest
                $t = Measure-Native $peer.aria2c @('-i', $httpUrls, '-j16', '-d', $dest, '-q', '--allow-overwrite=true', '--auto-file-renaming=false') (Join-Path $logs "s1-aria2c-$run.log")
                if ((Get-FileCount $dest) -ne $size.Objects) { throw 'aria2c did not fetch every URL' }
                $s1.aria2c += $size.Objects / $t
                Say ("  run {0}: aria2c -j16 {1:0} obj/s" -f $run, ($size.Objects / $t))
            }
            Reset-Dir $dest
            $r = Invoke-Native node @($rawget, 'get', '--urls', $httpUrls, '--out', $dest, '--concurrency', '32') | ConvertFrom-Json
            $s1.raw_http += $r.rate
            Say ("  run {0}: raw GET ({1}) {2:0} obj/s" -f $run, $httpName, $r.rate)
        }
    }
    $m.scenario1 = $s1

    # ------------------------------------------------------------------------------------------ 2. one big object
    $bigMB = $size.BigBytes / 1MB
    Say "Scenario 2: one $bigMB MB object over HTTP (each run ends with sync)"
    $s2 = [ordered]@{ foc = @(); cp = @(); aria2c = @(); curl = @(); foc_rss = @() }
    if ($httpServer) {
        $bigUrl = "$($httpServer.Url)/big.bin"
        foreach ($run in 1..$Runs) {
            Reset-Dir $dest
            $t = Measure-Native bash @('-c', "cp '$data/big.bin' '$dest/big.bin' && sync") (Join-Path $logs "s2-cp-$run.log")
            $s2.cp += $t
            Reset-Dir $dest
            $r = Invoke-Foc (& $focEnv $dest $null) @('-Mode', 'one', '-Source', $bigUrl, '-Sync') (Join-Path $logs "s2-foc-$run.log")
            if ($r.bytes -ne $size.BigBytes) { throw "FiftyOneCache fetched $($r.bytes) bytes of $($size.BigBytes)" }
            $s2.foc += $r.seconds; $s2.foc_rss += $r.rssMB
            if ($peer.aria2c) {
                Reset-Dir $dest
                $s2.aria2c += Measure-Native bash @('-c', "'$($peer.aria2c)' -x16 -s16 -q -d '$dest' -o big.bin '$bigUrl' && sync") (Join-Path $logs "s2-aria2c-$run.log")
            }
            Reset-Dir $dest
            if ($peer.curl) { $s2.curl += Measure-Native bash @('-c', "'$($peer.curl)' -sSf -o '$dest/big.bin' '$bigUrl' && sync") (Join-Path $logs "s2-curl-$run.log") }
            Say ("  run {0}: cp {1:0.00} s, FiftyOneCache {2:0.00} s ({3} MB peak RSS), aria2c {4} s, curl {5} s" -f $run, $s2.cp[-1], $s2.foc[-1], $s2.foc_rss[-1],
                $(if ($s2.aria2c) { '{0:0.00}' -f $s2.aria2c[-1] } else { 'n/a' }), $(if ($s2.curl) { '{0:0.00}' -f $s2.curl[-1] } else { 'n/a' }))
        }
    }
    $m.scenario2 = $s2
    Reset-Dir $dest

    # ------------------------------------------------------------------------------------------ 3. cache hits
    Say "Scenario 3: Get-MediaLocalPath for $($size.Hits) cached items"
    $hitsCache = Join-Path $work 'hits-cache'
    $hitsList = Join-Path $work 'hits.txt'
    $seedHits = Invoke-Native dotnet @($focBench, 'seed', '--cache', $hitsCache, '--count', "$($size.Hits)", '--list', $hitsList) | Select-Object -Last 1 | ConvertFrom-Json
    $s3h = [ordered]@{ cmdlet_cold = @(); cmdlet_warm = @(); cmdlet_param = @(); engine = @(); engine_path_only = @() }
    foreach ($run in 1..$Runs) {
        $r = Invoke-Foc (& $focEnv $hitsCache $null) @('-Mode', 'hits', '-List', $hitsList, '-Repeat', '3') (Join-Path $logs "s3-foc-$run.log")
        $s3h.cmdlet_cold += $r.runs[0]; $s3h.cmdlet_warm += Get-Median @($r.runs | Select-Object -Skip 1); $s3h.cmdlet_param += $r.paramRate
        $e = Invoke-Native dotnet @($focBench, 'hits', '--cache', $hitsCache, '--list', $hitsList) | Select-Object -Last 1 | ConvertFrom-Json
        $s3h.engine += $e.median; $s3h.engine_path_only += $e.pathOnlyRate
        Say ("  run {0}: cmdlet {1:0}/s first call, {2:0}/s warm, -Path array {3:0}/s; engine {4:0}/s" -f $run, $r.runs[0], $s3h.cmdlet_warm[-1], $r.paramRate, $e.median)
    }
    $m.scenario3 = $s3h
    & rm -rf -- $hitsCache

    # ------------------------------------------------------------------------------------------ 4. stats on a big index
    Say "Scenario 4: Get-MediaCacheStats on $($size.IndexEntries) entries ($($size.IndexFiles) real files)"
    $bigCache = Join-Path $work 'index-cache'
    $seedIdx = Invoke-Native dotnet @($focBench, 'seed', '--cache', $bigCache, '--count', "$($size.IndexEntries)", '--files', "$($size.IndexFiles)", '--size', '100') | Select-Object -Last 1 | ConvertFrom-Json
    Say ("  seeded in {0:0.0} s ({1:0.0} s of it creating files)" -f $seedIdx.totalSeconds, $seedIdx.filesSeconds)
    $s4 = [ordered]@{ entries = $size.IndexEntries; files = $size.IndexFiles; seedSeconds = $seedIdx.totalSeconds; cmdlet_first_ms = @(); cmdlet_warm_ms = @(); engine_ms = @(); engine_open_ms = @(); du_ms = @() }
    foreach ($run in 1..$Runs) {
        $r = Invoke-Foc (& $focEnv $bigCache $null) @('-Mode', 'stats') (Join-Path $logs "s4-foc-$run.log")
        if ($r.count -ne $size.IndexEntries) { throw "Get-MediaCacheStats counted $($r.count) of $($size.IndexEntries)" }
        $s4.cmdlet_first_ms += $r.firstMs; $s4.cmdlet_warm_ms += $r.warmMs
        $e = Invoke-Native dotnet @($focBench, 'stats', '--cache', $bigCache) | Select-Object -Last 1 | ConvertFrom-Json
        $s4.engine_ms += $e.firstMs; $s4.engine_open_ms += $e.openMs
        $s4.du_ms += 1000 * (Measure-Native du @('-sb', $bigCache) (Join-Path $logs "s4-du-$run.log"))
        Say ("  run {0}: first call {1:0.0} ms, warm {2:0.00} ms; engine open {3:0} ms + stats {4:0.00} ms; du -sb {5:0} ms" -f $run, $r.firstMs, $r.warmMs, $e.openMs, $e.firstMs, $s4.du_ms[-1])
    }
    $m.scenario4 = $s4
    & rm -rf -- $bigCache

    # ------------------------------------------------------------------------------------------ 5. eviction
    $limit = [long]($size.Objects * $size.ObjectBytes / 2)
    Say "Scenario 5: prewarm $($size.Objects) x 100 KB into a $([Math]::Round($limit / 1MB)) MB cache (2x the limit)"
    $s5 = [ordered]@{ limitBytes = $limit; foc = @(); finalBytes = @() }
    foreach ($run in 1..$Runs) {
        Reset-Dir $dest
        $r = Invoke-Foc (& $focEnv $dest "$limit") @('-Mode', 'prefix', '-Source', 's3://bench/p/') (Join-Path $logs "s5-foc-$run.log")
        if ($r.count -ne $size.Objects) { throw "FiftyOneCache downloaded $($r.count) of $($size.Objects) under eviction" }
        $s5.foc += $size.Objects / $r.seconds; $s5.finalBytes += $r.cacheBytes
        Say ("  run {0}: {1:0} obj/s, cache ends at {2:0} MB" -f $run, ($size.Objects / $r.seconds), ($r.cacheBytes / 1MB))
    }
    $m.scenario5 = $s5
    Reset-Dir $dest

    # ------------------------------------------------------------------------------------------ 6. start-up
    Say 'Scenario 6: Import-Module start-up over a bare pwsh -c 1'
    $s6 = [ordered]@{ bare_ms = @(); import_ms = @() }
    $psd1 = Join-Path $ModuleDir 'FiftyOneCache.psd1'
    $pwshArgs = @($pwshLaunch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command')
    $null = Measure-Native $pwshLaunch.File ($pwshArgs + '1') (Join-Path $logs 's6-warmup.log')
    foreach ($run in 1..([Math]::Max($Runs, 5))) {
        $s6.bare_ms += 1000 * (Measure-Native $pwshLaunch.File ($pwshArgs + '1') (Join-Path $logs "s6-bare-$run.log"))
        $s6.import_ms += 1000 * (Measure-Native $pwshLaunch.File ($pwshArgs + "Import-Module '$psd1'; 1") (Join-Path $logs "s6-import-$run.log"))
    }
    Say ("  bare {0:0} ms, with Import-Module {1:0} ms" -f (Get-Median $s6.bare_ms), (Get-Median $s6.import_ms))
    $m.scenario6 = $s6
    }

    # ------------------------------------------------------------------------------------------ 7. whole process
    Say "Scenario 7: whole process (start-up, listing, $($size.Whole) x 100 KB): wall and CPU seconds per tool"
    $m.scenario7 = & (Join-Path $Root 'bench/WholeProcess.ps1') -S3 $s3 -HttpUrl $httpServer.Url -DataDir $data -Work $work -ModuleDir $ModuleDir -Peer $peer -Runs $Runs -HttpServerPid $(if ($nginx) { $nginx.Process.Id } else { 0 }) -HostFloorDll (Join-Path $hostFloorDir 'HostFloor.dll')
} finally {
    Stop-Nginx $nginx
    Stop-TestServers $servers
    if (Test-Path $work) { & rm -rf -- $work }
}

# ---------------------------------------------------------------------------------------------- results
# The median of one property over scenario 7's runs of a tool (Wall, Cpu, ServerCpu); $null when not measured.
function Get-RunMedian($Runs, [string] $Property) {
    if (@($Runs).Count -and $null -ne @($Runs)[0].$Property) { Get-Median @(@($Runs) | ForEach-Object { $_.$Property }) } else { $null }
}
# Wall and CPU medians of one tool's runs.
function Get-RunMedians($Runs) { [pscustomobject]@{ Wall = (Get-RunMedian $Runs 'Wall'); Cpu = (Get-RunMedian $Runs 'Cpu'); Server = (Get-RunMedian $Runs 'ServerCpu') } }
function Get-WholeTable($w) {
    $foc = Get-RunMedians $w.foc_s3
    $fh = Get-RunMedians $w.foc_http
    $rows = foreach ($p in @(@('rclone', 'rclone copy --transfers 16', 0.83, 'foc_s3'), @('aws', 'aws s3 cp --recursive', 0.33, 'foc_s3'), @('curl', 'curl --parallel --parallel-max 16', 1.25, 'foc_http'))) {
        $peer = Get-RunMedians $w[$p[0]]; $pw = $peer.Wall; $pc = $peer.Cpu; $ps = $peer.Server
        $mine = if ($p[3] -eq 'foc_s3') { $foc } else { $fh }
        $ratio = if ($pw) { $mine.Wall / $pw } else { $null }
        [pscustomobject][ordered]@{
            Peer = $p[1]; FocWall = $mine.Wall; FocCpu = $mine.Cpu; FocServer = $mine.Server; PeerWall = $pw; PeerCpu = $pc; PeerServer = $ps
            TimeRatio = $ratio; TimeTarget = $p[2]; TimeMet = ($null -ne $ratio -and $ratio -le $p[2])
            CpuMet = if ($p[0] -eq 'rclone' -and $pc) { $mine.Cpu -le $pc } else { $null }
        }
    }
    return @($rows)
}
function Write-WholeMarkdown($rows, [Text.StringBuilder] $sb, [int] $n, $w) {
    $f = { param($v) if ($null -eq $v) { 'n/a' } else { '{0:0.00} s' -f $v } }
    [void]$sb.AppendLine("Scenario 7, whole process ($n x 100 KB; a new pwsh with Import-Module and the -Recurse listing included; wall and user+sys CPU seconds from /usr/bin/time, medians; server CPU from /proc while each tool ran):")
    [void]$sb.AppendLine()
    [void]$sb.AppendLine('| Compared with | FiftyOneCache wall | its CPU | server CPU | their wall | their CPU | server CPU | time ratio | target | met? | CPU <= rclone? |')
    [void]$sb.AppendLine('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    foreach ($r in $rows) {
        [void]$sb.AppendLine("| $($r.Peer) | $(& $f $r.FocWall) | $(& $f $r.FocCpu) | $(& $f $r.FocServer) | $(& $f $r.PeerWall) | $(& $f $r.PeerCpu) | $(& $f $r.PeerServer) | $(if ($r.TimeRatio) { '{0:0.00}x' -f $r.TimeRatio } else { 'n/a' }) | <= $($r.TimeTarget)x | $(if ($r.TimeMet) { 'yes' } else { '**no**' }) | $(if ($null -eq $r.CpuMet) { '—' } elseif ($r.CpuMet) { 'yes' } else { '**no**' }) |")
    }
    [void]$sb.AppendLine()
    if (-not $w -or -not @($w.start_up).Count) { return }
    $start = Get-RunMedians $w.start_up; $startWall = $start.Wall; $startCpu = $start.Cpu
    [void]$sb.AppendLine(("Start-up alone (a new pwsh that only runs Import-Module): {0:0.00} s wall, {1:0.00} s CPU (median). Nothing is requested during it." -f $startWall, $startCpu))
    [void]$sb.AppendLine()
    if (@($w.floor_s3).Count) {
        $rcCpu = ($rows | Where-Object Peer -like 'rclone*').PeerCpu
        $fs = Get-RunMedians $w.floor_s3
        $fhw = Get-RunMedians $w.floor_http
        [void]$sb.AppendLine(("Host floor: a new pwsh that loads a minimal .NET downloader (pooled HttpClient, temporary file and rename; no listing, signing, cache, index or locks) fetching the same objects 16 at a time takes {0:0.00} s wall and {1:0.00} s CPU from s3rver (unsigned GETs), {2:0.00} s and {3:0.00} s CPU from nginx{4}." -f $fs.Wall, $fs.Cpu, $fhw.Wall, $fhw.Cpu, $(if ($rcCpu) { '; rclone''s whole job takes {0:0.00} s CPU' -f $rcCpu } else { '' })))
        [void]$sb.AppendLine()
    }
    if (@($w.warm).Count) {
        $rcCpu = ($rows | Where-Object Peer -like 'rclone*').PeerCpu
        [void]$sb.AppendLine(("Warm: the same prewarm run a second time in the same process, into a new cache, takes {0:0.00} s wall and {1:0.00} s CPU (median): the engine's own cost once start-up and JIT are behind it{2}." -f (Get-RunMedian $w.warm 'Wall'), (Get-RunMedian $w.warm 'Cpu'), $(if ($rcCpu) { ', against rclone''s {0:0.00} s CPU for the whole job' -f $rcCpu } else { '' })))
        [void]$sb.AppendLine()
    }
    $rc = $rows | Where-Object Peer -like 'rclone*'
    $aw = ($rows | Where-Object Peer -like 'aws*').PeerWall
    if ($rc -and $rc.PeerServer -and $rc.PeerWall) {
        # s3rver is a single node.js thread: the CPU seconds it spends serving a run bound that run's wall time from below.
        $floor = $startWall + $rc.PeerServer
        [void]$sb.AppendLine(("Floor on this server: s3rver is one node.js thread and spent {0:0.00} s of CPU serving rclone's run, so no client finishes that job in less; after the start-up that is {1:0.00} s, {2:0.00}x rclone's time and {3} aws-cli's (targets 0.83x and 0.33x)." -f $rc.PeerServer, $floor, ($floor / $rc.PeerWall), $(if ($aw) { '{0:0.00}x' -f ($floor / $aw) } else { 'n/a' })))
        [void]$sb.AppendLine()
    }
    $cu = $rows | Where-Object Peer -like 'curl*'
    if ($cu -and $cu.PeerWall) {
        [void]$sb.AppendLine(("Over HTTP the start-up alone is {0:0.00}x curl's whole time (target 1.25x for everything)." -f ($startWall / $cu.PeerWall)))
        [void]$sb.AppendLine()
    }
}
if ($onlyWhole) {
    $rows = Get-WholeTable $m.scenario7
    $sb = [Text.StringBuilder]::new()
    [void]$sb.AppendLine('# FiftyOneCache: whole-process benchmark')
    [void]$sb.AppendLine()
    [void]$sb.AppendLine("Run $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC by ``build.ps1 -Task Bench -Filter whole$(if ($Quick) { ' -Quick' })``, $Runs run(s) each; load average at start $($loadAtStart -join ' '), at end $(((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' '); $([Environment]::ProcessorCount) cores.")
    [void]$sb.AppendLine()
    Write-WholeMarkdown $rows $sb $size.Whole $m.scenario7
    [void]$sb.AppendLine('Every run: ' + ((@('start_up', 'floor_s3', 'floor_http', 'warm', 'foc_s3', 'aws', 'rclone', 'foc_http', 'curl') | ForEach-Object { "$_ " + ((@($m.scenario7[$_]) | ForEach-Object { '{0:0.0}s/{1:0.0}cpu/{2:0.0}srv' -f $_.Wall, $_.Cpu, $_.ServerCpu }) -join ', ') }) -join '; '))
    Set-Content (Join-Path $OutputDir 'whole-process.md') $sb.ToString() -Encoding utf8NoBOM
    $m | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $OutputDir 'whole-process.json') -Encoding utf8NoBOM
    Write-Host $sb.ToString()
    return
}
function Med($a) { Get-Median @($a) }
$checks = [Collections.Generic.List[object]]::new()
# Adds one comparison: $Value (a ratio or an absolute figure; $null when a peer is unavailable) against $Target.
function Add-Check([string] $Scenario, [string] $Measure, [string] $FocText, [string] $Peer, [string] $PeerText,
                   $Value, [string] $RatioText, [double] $Target, [string] $TargetText, [ValidateSet('Higher', 'Lower')] [string] $Better, [string] $Label) {
    $met = $null; $score = $null
    if ($null -ne $Value) {
        $met = if ($Better -eq 'Higher') { $Value -ge $Target } else { $Value -le $Target }
        $score = if ($Better -eq 'Higher') { $Value / $Target } elseif ($Value -gt 0) { $Target / $Value } else { 3 }
    }
    $checks.Add([pscustomobject][ordered]@{
        Scenario = $Scenario; Measure = $Measure; FiftyOneCache = $FocText; Peer = $Peer; PeerFigure = $PeerText
        Ratio = $RatioText; Target = $TargetText; Met = $met; Score = $score; Label = $Label
        Text = if ($null -eq $score) { "$Label`: n/a (unavailable)" } else { "$Label`: $(if ($RatioText) { $RatioText } else { $FocText }) (target $TargetText)" }
    })
}
function Rate($v) { if ($null -eq $v) { 'unavailable' } else { '{0:N0}/s' -f $v } }
function Secs($v) { if ($null -eq $v) { 'unavailable' } else { '{0:0.00} s' -f $v } }
function Ratio($a, $b) { if ($null -eq $a -or $null -eq $b -or $b -eq 0) { $null } else { $a / $b } }
function RT($r) { if ($null -eq $r) { 'n/a' } else { '{0:0.00}x' -f $r } }

$s1 = $m.scenario1; $focS3 = Med $s1.foc_s3; $focHttp = Med $s1.foc_http
foreach ($p in @(@('aws', 'aws s3 cp --recursive', 3.0), @('rclone', 'rclone copy --transfers 32 --checkers 32', 1.2), @('raw_s3', 'raw parallel GET (node, 32 keep-alive)', 0.8))) {
    $pv = Med $s1[$p[0]]; $r = Ratio $focS3 $pv
    Add-Check '1. Prewarm 100 KB objects, S3 (s3rver)' 'objects/s' (Rate $focS3) $p[1] (Rate $pv) $r (RT $r) $p[2] ('>= {0}x' -f $p[2]) 'Higher' "S3 vs $($p[0])"
}
foreach ($p in @(@('raw_http', 'raw parallel GET (node, 32 keep-alive)', 0.8), @('aria2c', 'aria2c -j16', 4.0))) {
    $pv = Med $s1[$p[0]]; $r = Ratio $focHttp $pv
    Add-Check "1. Prewarm 100 KB objects, HTTP ($httpName)" 'objects/s' (Rate $focHttp) $p[1] (Rate $pv) $r (RT $r) $p[2] ('>= {0}x' -f $p[2]) 'Higher' "HTTP vs $($p[0])"
}
$s2 = $m.scenario2; $foc2 = Med $s2.foc
foreach ($p in @(@('cp', 'cp + sync (same bytes, same disk)', 0.8), @('aria2c', 'aria2c -x16 -s16 + sync', 1.0), @('curl', 'curl + sync', $null))) {
    $pv = Med $s2[$p[0]]; $r = Ratio $pv $foc2
    if ($null -eq $p[2]) {
        $checks.Add([pscustomobject][ordered]@{ Scenario = "2. One $bigMB MB object, HTTP"; Measure = 'seconds (rate ratio)'; FiftyOneCache = (Secs $foc2); Peer = $p[1]; PeerFigure = (Secs $pv)
            Ratio = (RT $r); Target = '(reference)'; Met = $null; Score = $null; Label = 'big vs curl'; Text = "big vs curl: $(RT $r) (reference only)" })
        continue
    }
    Add-Check "2. One $bigMB MB object, HTTP" 'seconds (rate ratio)' (Secs $foc2) $p[1] (Secs $pv) $r (RT $r) $p[2] ('>= {0}x' -f $p[2]) 'Higher' "big vs $($p[0])"
}
$rss = Med $s2.foc_rss
Add-Check "2. One $bigMB MB object, HTTP" 'peak RSS of the pwsh process' $(if ($null -ne $rss) { '{0:0} MB' -f $rss } else { 'n/a' }) '' '' $rss '' 200 '< 200 MB' 'Lower' 'big: peak RSS'
$s3h = $m.scenario3; $warm = Med $s3h.cmdlet_warm
Add-Check "3. Get-MediaLocalPath, $($size.Hits) hits" 'paths/s, pipeline ($paths | Get-MediaLocalPath)' (Rate $warm) 'engine only (MediaCache.Process)' (Rate (Med $s3h.engine)) $warm '' 50000 '>= 50,000/s' 'Higher' 'hits: cmdlet paths/s'
$s4 = $m.scenario4; $first = Med $s4.cmdlet_first_ms
Add-Check "4. Get-MediaCacheStats, $($size.IndexEntries) entries" 'ms, first call in a new session' ('{0:0.0} ms' -f $first) 'du -sb of the same tree' ('{0:N0} ms' -f (Med $s4.du_ms)) $first '' 100 '< 100 ms' 'Lower' 'stats: first call ms'
$s5 = $m.scenario5; $ev = Med $s5.foc; $r = Ratio $ev $focS3
Add-Check '5. Prewarm into a cache half the data size' 'objects/s vs scenario 1 (S3)' (Rate $ev) 'FiftyOneCache, no eviction (scenario 1)' (Rate $focS3) $r (RT $r) 0.8 '>= 0.8x' 'Higher' 'eviction vs no eviction'
$s6 = $m.scenario6; $added = (Med $s6.import_ms) - (Med $s6.bare_ms)
Add-Check '6. Import-Module start-up' 'ms added to pwsh -NoProfile -c 1' ('{0:0} ms' -f $added) 'bare pwsh -c 1' ('{0:0} ms' -f (Med $s6.bare_ms)) $added '' 300 '< 300 ms' 'Lower' 'Import-Module added ms'

# Machine facts
$memKB = [long](((Get-Content /proc/meminfo | Where-Object { $_ -like 'MemTotal:*' }) -split '\s+')[1])
$df = @(& df -hT $OutputDir 2>$null)[-1] -split '\s+'
$cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1]
$ver = { param($n, $a) if ($peer[$n]) { (@(& $peer[$n] @a 2>&1) | Select-Object -First 1) -replace '\s+', ' ' } else { 'unavailable' } }
$machine = [ordered]@{
    nproc = [Environment]::ProcessorCount; cpu = $cpu; memoryGiB = [Math]::Round($memKB / 1MB, 1)
    disk = "$($df[0]) $($df[1]), $($df[2]) total, $($df[4]) free (work dir and cache on it)"
    loadAverage = "start $($loadAtStart -join ' '), end $(((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3) -join ' ') (1/5/15 min; other work on the machine shows here)"
    kernel = (& uname -r); pwsh = "$($PSVersionTable.PSVersion)"; dotnet = [Environment]::Version.ToString(); node = (& node --version)
    aws = (& $ver 'aws' @('--version')); rclone = (& $ver 'rclone' @('--version')); aria2c = (& $ver 'aria2c' @('--version')); nginx = (& $ver 'nginx' @('-v')); curl = ((& $ver 'curl' @('--version')) -split ' ')[0..1] -join ' '
}
$meta = [ordered]@{ quick = [bool]$Quick; runs = $Runs; date = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm') + ' UTC'; wallSeconds = [Math]::Round($benchStart.Elapsed.TotalSeconds)
                    sizes = $size; unavailable = $unavailable; machine = $machine }

$json = [ordered]@{ meta = $meta; measurements = $m; checks = @($checks | Select-Object Scenario, Measure, FiftyOneCache, Peer, PeerFigure, Ratio, Target, Met) }
$json | ConvertTo-Json -Depth 8 | Set-Content (Join-Path $OutputDir 'results.json') -Encoding utf8NoBOM

$md = [Text.StringBuilder]::new()
[void]$md.AppendLine("# FiftyOneCache benchmark$(if ($Quick) { ' (-Quick smoke run: tiny sizes, one run, no targets apply)' })")
[void]$md.AppendLine()
[void]$md.AppendLine("Run $($meta.date) by ``build.ps1 -Task Bench$(if ($Quick) { ' -Quick' })``, $Runs run(s) per measurement (median), $([Math]::Round($benchStart.Elapsed.TotalMinutes, 1)) min in all.")
[void]$md.AppendLine()
[void]$md.AppendLine("- Machine: $($machine.nproc) cores ($($machine.cpu)), $($machine.memoryGiB) GiB memory, disk $($machine.disk); Linux $($machine.kernel)")
[void]$md.AppendLine("- Load average: $($machine.loadAverage)")
[void]$md.AppendLine("- Software: pwsh $($machine.pwsh) on .NET $($machine.dotnet), node $($machine.node); $($machine.aws); $($machine.rclone); $($machine.aria2c); $($machine.nginx); $($machine.curl)")
[void]$md.AppendLine("- Servers on 127.0.0.1: s3rver from the test harness (S3), $(if ($nginx) { 'nginx with 2 workers and sendfile' } else { $httpName }) (HTTP); every client saves to the same disk. FiftyOneCache runs in a fresh pwsh with default settings; its times are taken around the cmdlet call (start-up is scenario 6).")
if ($unavailable) { [void]$md.AppendLine("- Unavailable here (reported as such): $($unavailable -join ', ')") }
[void]$md.AppendLine()
[void]$md.AppendLine('| Scenario | Measure | FiftyOneCache | Compared with | Their figure | Ratio | Target | Met? |')
[void]$md.AppendLine('| --- | --- | --- | --- | --- | --- | --- | --- |')
foreach ($c in $checks) {
    $met = if ($Quick) { 'n/a (quick)' } elseif ($null -eq $c.Met) { '—' } elseif ($c.Met) { 'yes' } else { '**no**' }
    [void]$md.AppendLine("| $($c.Scenario) | $($c.Measure) | $($c.FiftyOneCache) | $($c.Peer) | $($c.PeerFigure) | $($c.Ratio) | $($c.Target) | $met |")
}
[void]$md.AppendLine()
[void]$md.AppendLine('Details (medians; every run is in results.json):')
[void]$md.AppendLine()
$dd = { param($a) if (@($a).Count) { (@($a) | ForEach-Object { '{0:0.##}' -f $_ }) -join ', ' } else { 'n/a' } }
[void]$md.AppendLine("- Scenario 1 S3 runs, objects/s: FiftyOneCache $(& $dd $s1.foc_s3); aws $(& $dd $s1.aws); rclone $(& $dd $s1.rclone); raw $(& $dd $s1.raw_s3). HTTP: FiftyOneCache $(& $dd $s1.foc_http); aria2c $(& $dd $s1.aria2c); raw $(& $dd $s1.raw_http).")
[void]$md.AppendLine("- Scenario 2 seconds: FiftyOneCache $(& $dd $s2.foc) (peak RSS MB $(& $dd $s2.foc_rss)); cp $(& $dd $s2.cp); aria2c $(& $dd $s2.aria2c); curl $(& $dd $s2.curl).")
[void]$md.AppendLine("- Scenario 3 paths/s: cmdlet first call in a session $(& $dd $s3h.cmdlet_cold); warm $(& $dd $s3h.cmdlet_warm); ``Get-MediaLocalPath -Path `$array`` $(& $dd $s3h.cmdlet_param); engine only $(& $dd $s3h.engine); path computation alone (no index, no stat) $(& $dd $s3h.engine_path_only).")
[void]$md.AppendLine("- Scenario 4 ($($s4.entries) index rows, $($s4.files) real files, seeded in $('{0:0}' -f $s4.seedSeconds) s): cmdlet first call ms $(& $dd $s4.cmdlet_first_ms), warm $(& $dd $s4.cmdlet_warm_ms); engine open ms $(& $dd $s4.engine_open_ms) + stats $(& $dd $s4.engine_ms); du -sb ms $(& $dd $s4.du_ms).")
[void]$md.AppendLine("- Scenario 5 (limit $([Math]::Round($s5.limitBytes / 1MB)) MB): objects/s $(& $dd $s5.foc); cache size at the end, MB $(& $dd (@($s5.finalBytes) | ForEach-Object { $_ / 1MB })).")
[void]$md.AppendLine("- Scenario 6 ms: bare $(& $dd $s6.bare_ms); with Import-Module $(& $dd $s6.import_ms).")
[void]$md.AppendLine()
Write-WholeMarkdown (Get-WholeTable $m.scenario7) $md $size.Whole $m.scenario7
[void]$md.AppendLine('![ratios against targets](results.svg)')
Set-Content (Join-Path $OutputDir 'results.md') $md.ToString() -Encoding utf8NoBOM
Write-BenchChart -Checks @($checks) -Path (Join-Path $OutputDir 'results.svg') -Title "FiftyOneCache vs peers, $($machine.nproc) cores$(if ($Quick) { ' (quick smoke run)' })"
Say "Results: $(Join-Path $OutputDir 'results.md')"
$checks | Format-Table Scenario, FiftyOneCache, Peer, PeerFigure, Ratio, Target, Met -AutoSize | Out-String -Width 220 | Write-Host

# Scenario 8: CPU per object where the server is not the bottleneck. bench/memserver.js keeps the objects in
# memory and answers in about 0.1 ms, so what is measured is the clients. Whole processes under /usr/bin/time
# (wall and user+sys CPU seconds): FiftyOneCache (a new pwsh, Import-Module, Invoke-MediaDownload -Recurse),
# rclone copy --transfers 16, curl --parallel --parallel-max 16 and aws s3 cp --recursive, on 1,000 and 4,000
# objects of 100 KB, tools interleaved in every run, each run into a directory of its own, nothing deleted until
# the end. The marginal CPU per object is the slope (CPU at 4,000 - CPU at 1,000) / 3,000: start-up and every
# other fixed cost drop out of it. The server's own CPU seconds per run come from /proc/<pid>/stat.
# Called by build/Bench.ps1 -Filter cheap with its helpers (Invoke-WithEnv, Get-Median, Get-PwshLaunch).
param(
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [hashtable] $Peer,
    [int] $Runs = 3,
    [int[]] $Counts = @(1000, 4000),
    [int] $ObjectBytes = 100KB,
    # Tools to leave out (foc, rclone, curl, aws), e.g. to measure only FiftyOneCache and rclone while iterating.
    [string[]] $Skip = @(),
    # Another build of the module (e.g. before a change), measured as 'foc_base' interleaved with the others.
    [string] $BaselineModuleDir,
    # bench/HostFloor built: the host floor ('floor'), a new pwsh that loads a minimal .NET downloader (pooled
    # HttpClient, 16 at a time, temporary file and rename; no listing, signing, cache, index or locks). What any
    # PowerShell module on .NET pays for the same objects: the part of the gap to rclone that is not ours.
    [string] $HostFloorDll
)
$ErrorActionPreference = 'Stop'
$time = $Peer.time
if (-not $time) { throw '/usr/bin/time is needed for CPU seconds' }
$Root = Split-Path $PSScriptRoot -Parent
$launch = Get-PwshLaunch
$max = ($Counts | Measure-Object -Maximum).Maximum
$ticks = [double](& getconf CLK_TCK)
function Get-CpuSeconds([int] $ProcessId) {
    $stat = Get-Content "/proc/$ProcessId/stat" -Raw -ErrorAction SilentlyContinue
    if (-not $stat) { return 0.0 }
    $f = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '   # from the 3rd field on: utime is the 14th
    return ([double]$f[11] + [double]$f[12]) / $ticks
}

# ------------------------------------------------------------------------------------------ server and data
$psi = [Diagnostics.ProcessStartInfo]::new('node')
foreach ($a in @((Join-Path $Root 'bench/memserver.js'), '--port', '0', '--max-seconds', '3600')) { $psi.ArgumentList.Add($a) }
$psi.UseShellExecute = $false
$psi.RedirectStandardOutput = $true
$server = [Diagnostics.Process]::Start($psi)
try {
    $ready = $server.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait(20000)) { throw 'memserver did not start in 20 s' }
    $port = ($ready.Result | ConvertFrom-Json).port
    $endpoint = "http://127.0.0.1:$port"
    $src = Join-Path $Work 'cheap-src'
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--dir', $src, '--count', "$max", '--size', "$ObjectBytes")
    $names = @(Get-ChildItem $src -File | Sort-Object Name | ForEach-Object Name)
    $rawget = Join-Path $Root 'bench/rawget.js'
    foreach ($n in $Counts) {
        $null = Invoke-Native node @($rawget, 'put', '--base', "$endpoint/bench", '--from', $src, '--prefix', "n$n/", '--count', "$n", '--concurrency', '16')
    }
    $serverStart = Get-CpuSeconds $server.Id

    $destRoot = Join-Path $Work 'cheap-dest'
    $script:serial = 0
    $timing = Join-Path $Work 'cheap-time.txt'
    $access = @{ AWS_ACCESS_KEY_ID = 'bench'; AWS_SECRET_ACCESS_KEY = 'bench-secret'; AWS_REGION = 'us-east-1'; AWS_DEFAULT_REGION = 'us-east-1'
                 AWS_ENDPOINT_URL = $endpoint; AWS_CONFIG_FILE = (Join-Path $Work 'aws-none'); AWS_SHARED_CREDENTIALS_FILE = (Join-Path $Work 'aws-none')
                 AWS_PROFILE = $null; AWS_DEFAULT_PROFILE = $null; AWS_CA_BUNDLE = $null }
    $focEnv = $access + @{ FIFTYONE_MEDIA_CACHE_DIR = '{dest}'; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = (Join-Path $Work 'no-config.json'); FIFTYONE_MEDIA_CACHE_SIZE_BYTES = $null; FIFTYONE_MEDIA_CACHE_NUM_WORKERS = $null }
    $rcEnv = @{ RCLONE_CONFIG = (Join-Path $Work 'rclone-none.conf'); RCLONE_CONFIG_MEM_TYPE = 's3'; RCLONE_CONFIG_MEM_PROVIDER = 'Other'
                RCLONE_CONFIG_MEM_ENDPOINT = $endpoint; RCLONE_CONFIG_MEM_ACCESS_KEY_ID = 'bench'; RCLONE_CONFIG_MEM_SECRET_ACCESS_KEY = 'bench-secret'
                RCLONE_CONFIG_MEM_REGION = 'us-east-1'; RCLONE_CONFIG_MEM_FORCE_PATH_STYLE = 'true'; AWS_CA_BUNDLE = $null }
    $psd1 = Join-Path $ModuleDir 'FiftyOneCache.psd1'
    $curlConfig = @{}; $urlList = @{}
    foreach ($n in $Counts) {
        $curlConfig[$n] = Join-Path $Work "cheap-curl-$n.cfg"
        $urlList[$n] = Join-Path $Work "cheap-urls-$n.txt"
        [IO.File]::WriteAllLines($urlList[$n], [string[]]@($names | Select-Object -First $n | ForEach-Object { "$endpoint/bench/n$n/$_" }))
        [IO.File]::WriteAllLines($curlConfig[$n], [string[]]@($names | Select-Object -First $n | ForEach-Object { "url = `"$endpoint/bench/n$n/$_`""; "output = `"$_`"" }))
    }
    $tools = [ordered]@{
        foc = @{ Label = 'FiftyOneCache (new pwsh, Import-Module, Invoke-MediaDownload -Recurse)'; Available = $true
                 Command = { param($n) @($launch.File) + @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
                     "Import-Module '$psd1'; `$s = Invoke-MediaDownload s3://bench/n$n/ -Recurse -Summary; if (`$s.Downloaded -ne $n) { exit 1 }") }
                 Env = $focEnv }
        foc_base = @{ Label = "FiftyOneCache baseline ($BaselineModuleDir)"; Available = [bool]$BaselineModuleDir
                 Command = { param($n) @($launch.File) + @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
                     "Import-Module '$(Join-Path $BaselineModuleDir 'FiftyOneCache.psd1')'; `$s = Invoke-MediaDownload s3://bench/n$n/ -Recurse -Summary; if (`$s.Downloaded -ne $n) { exit 1 }") }
                 Env = $focEnv }
        floor = @{ Label = 'host floor (new pwsh, Add-Type, minimal .NET downloader, 16 at a time, unsigned GETs)'; Available = [bool]$HostFloorDll
                   Command = { param($n) @($launch.File) + @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command',
                       "Add-Type -Path '$HostFloorDll'; if ([HostFloor.Fetcher]::Fetch([IO.File]::ReadAllLines('$($urlList[$n])'), '{dest}', 16) -ne $n) { exit 1 }") }
                   Env = @{} }
        rclone = @{ Label = 'rclone copy --transfers 16'; Available = [bool]$Peer.rclone
                    Command = { param($n) @($Peer.rclone, 'copy', "mem:bench/n$n", '{dest}', '--transfers', '16', '--s3-no-check-bucket', '-q') }; Env = $rcEnv }
        curl = @{ Label = 'curl --parallel --parallel-max 16 (unsigned GETs)'; Available = [bool]$Peer.curl
                  Command = { param($n) @($Peer.curl, '-sSf', '--parallel', '--parallel-max', '16', '--output-dir', '{dest}', '-K', $curlConfig[$n]) }; Env = @{} }
        aws = @{ Label = 'aws s3 cp --recursive'; Available = [bool]$Peer.aws
                 Command = { param($n) @($Peer.aws, 's3', 'cp', "s3://bench/n$n/", '{dest}', '--recursive', '--endpoint-url', $endpoint, '--only-show-errors') }; Env = $access }
    }

    # One whole process under /usr/bin/time into a new directory; wall, CPU, and the server's CPU meanwhile.
    function Measure-Tool([string] $Tool, [int] $N, [int] $Run) {
        $t = $tools[$Tool]
        $dest = Join-Path $destRoot ("{0:000}-{1}-{2}" -f ++$script:serial, $Tool, $N)
        New-Item -ItemType Directory -Force $dest | Out-Null
        $cmd = @(& $t.Command $N | ForEach-Object { "$_".Replace('{dest}', $dest) })
        $envVars = $t.Env.Clone()
        foreach ($k in @($envVars.Keys)) { if ($envVars[$k] -is [string]) { $envVars[$k] = $envVars[$k].Replace('{dest}', $dest) } }
        $log = Join-Path $Work "cheap-$Tool-$N-$Run.log"
        & sync
        $s0 = Get-CpuSeconds $server.Id
        Invoke-WithEnv $envVars { & $time -f '%e %U %S' -o $timing $cmd[0] @($cmd | Select-Object -Skip 1) *> $log }
        if ($LASTEXITCODE -ne 0) { throw "$Tool failed ($LASTEXITCODE) on $N objects: $((Get-Content $log -Tail 5) -join ' | ')" }
        $srv = (Get-CpuSeconds $server.Id) - $s0
        $files = @([IO.Directory]::EnumerateFiles($dest, '*', [IO.SearchOption]::AllDirectories) | Where-Object { $_ -notmatch '[\\/]\.fiftyonecache[\\/]' }).Count
        if ($files -ne $N) { throw "$Tool left $files of $N files" }
        $f = (Get-Content $timing | Where-Object { $_ -match '^\d' } | Select-Object -Last 1) -split ' '
        return [pscustomobject]@{ Wall = [double]$f[0]; Cpu = [double]$f[1] + [double]$f[2]; ServerCpu = [Math]::Round($srv, 3) }
    }

    $r = [ordered]@{ counts = $Counts; objectBytes = $ObjectBytes; runs = [ordered]@{} }
    $active = @($tools.Keys | Where-Object { $tools[$_].Available -and $_ -notin $Skip })
    foreach ($tool in $active) { $r.runs[$tool] = [ordered]@{}; foreach ($n in $Counts) { $r.runs[$tool]["$n"] = @() } }
    foreach ($run in 1..$Runs) {
        foreach ($n in $Counts) {
            foreach ($tool in $active) {
                $x = Measure-Tool $tool $n $run
                $r.runs[$tool]["$n"] += $x
                Write-Host ("  run {0}, {1,5} objects: {2,-7} {3,6:0.00} s wall, {4,6:0.00} s CPU, server {5:0.00} s CPU" -f $run, $n, $tool, $x.Wall, $x.Cpu, $x.ServerCpu)
            }
        }
    }
    $r.labels = [ordered]@{}; foreach ($tool in $active) { $r.labels[$tool] = $tools[$tool].Label }
    $r.serverTotalCpu = [Math]::Round((Get-CpuSeconds $server.Id) - $serverStart, 3)   # every run, and the gaps between them
    return $r
} finally {
    if (-not $server.HasExited) { $server.Kill(); $null = $server.WaitForExit(5000) }
    foreach ($d in (Join-Path $Work 'cheap-dest'), (Join-Path $Work 'cheap-src')) { if (Test-Path $d) { & rm -rf -- $d } }
}

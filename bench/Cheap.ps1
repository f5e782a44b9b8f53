# Scenario 8: CPU per object where the server is not the bottleneck. bench/memserver.js keeps the objects in
# memory and answers in about 0.1 ms, so what is measured is the clients. Whole processes under /usr/bin/time
# (wall and user+sys CPU seconds): FiftyOneCache (a new pwsh, Import-Module, Invoke-MediaDownload -Recurse),
# rclone copy --transfers 16, curl --parallel --parallel-max 16 and aws s3 cp --recursive, on 1,000 and 4,000
# objects of 100 KB, after one untimed pass of every tool, tools interleaved in every run in an order that rotates
# from run to run, each run into a directory of its own (kept until the end, or removed after its run with
# -DestinationRoot). The marginal CPU per object is the slope (CPU at 4,000 - CPU at 1,000) / 3,000: start-up and
# every other fixed cost drop out of it. The server's own CPU seconds per run come from /proc/<pid>/stat.
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
    [string] $HostFloorDll,
    # Where the runs' destinations (caches, rclone's and curl's folders) go; default a folder under $Work. A
    # memory-backed one (/dev/shm) takes the file system out of the measurement as memserver takes the server out:
    # on this machine's ext4, creating 4,000 inodes costs every tool more CPU than its own work does.
    [string] $DestinationRoot
)
$ErrorActionPreference = 'Stop'
$time = $Peer.time
if (-not $time) { throw '/usr/bin/time is needed for CPU seconds' }
$Root = Split-Path $PSScriptRoot -Parent
$launch = Get-PwshLaunch
$max = ($Counts | Measure-Object -Maximum).Maximum
. (Join-Path $PSScriptRoot 'MemBench.ps1')

# ------------------------------------------------------------------------------------------ server and data
$memServer = Start-MemServer $Root
$server = $memServer.Process
try {
    $endpoint = $memServer.Endpoint
    $src = Join-Path $Work 'cheap-src'
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--dir', $src, '--count', "$max", '--size', "$ObjectBytes")
    $names = @(Get-ChildItem $src -File | Sort-Object Name | ForEach-Object Name)
    $rawget = Join-Path $Root 'bench/rawget.js'
    foreach ($n in $Counts) {
        $null = Invoke-Native node @($rawget, 'put', '--base', "$endpoint/bench", '--from', $src, '--prefix', "n$n/", '--count', "$n", '--concurrency', '16')
    }
    $serverStart = Get-CpuSeconds $server.Id

    $destRoot = if ($DestinationRoot) { Join-Path $DestinationRoot "foc-cheap-dest-$PID" } else { Join-Path $Work 'cheap-dest' }
    New-Item -ItemType Directory -Force $destRoot | Out-Null
    $fsType = (& stat -f -c %T $destRoot 2>$null) -join ''
    $script:serial = 0
    $envs = New-MemBenchEnv $endpoint $Work
    $access = $envs.Aws; $focEnv = $envs.Foc; $rcEnv = $envs.Rclone
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
        $x = Invoke-TimedProcess $time @(& $t.Command $N) $t.Env $dest (Join-Path $Work "cheap-$Tool-$N-$Run.log") $memServer
        $files = @([IO.Directory]::EnumerateFiles($dest, '*', [IO.SearchOption]::AllDirectories) | Where-Object { $_ -notmatch '[\\/]\.fiftyonecache[\\/]' }).Count
        if ($files -ne $N) { throw "$Tool left $files of $N files" }
        # In memory, a run's files go after it (untimed): new pages would otherwise be first-touched memory of this
        # VM for every run (9 GB by the end), and that cost, not the tools', varied from run to run.
        if ($DestinationRoot) { & rm -rf -- $dest }
        return $x
    }

    $r = [ordered]@{ counts = $Counts; objectBytes = $ObjectBytes; destination = $destRoot; filesystem = $fsType; removedAfterRun = [bool]$DestinationRoot; runs = [ordered]@{} }
    $active = @($tools.Keys | Where-Object { $tools[$_].Available -and $_ -notin $Skip })
    foreach ($tool in $active) { $r.runs[$tool] = [ordered]@{}; foreach ($n in $Counts) { $r.runs[$tool]["$n"] = @() } }
    # One untimed pass first: the server's first requests (node compiling its handlers, the seeded buffers' first
    # reads) cost it several times its steady CPU, and whichever tool came first paid that wait.
    # Every tool once on the smallest count, and the cheapest client once on every count, so that every object has
    # been served once before the first timed run.
    foreach ($tool in $active) { $null = Measure-Tool $tool $Counts[0] 0 }
    $warm = @('curl', 'rclone', 'foc') | Where-Object { $_ -in $active } | Select-Object -First 1
    foreach ($n in $Counts | Select-Object -Skip 1) { $null = Measure-Tool $warm $n 0 }
    foreach ($run in 1..$Runs) {
        # The order rotates from run to run, so that no tool always follows the same one (aws's 15 s of CPU, say).
        $order = @($active | Select-Object -Skip (($run - 1) % $active.Count)) + @($active | Select-Object -First (($run - 1) % $active.Count))
        foreach ($n in $Counts) {
            foreach ($tool in $order) {
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
    Stop-MemServer $memServer
    foreach ($d in $destRoot, (Join-Path $Work 'cheap-src')) { if ($d -and (Test-Path $d)) { & rm -rf -- $d } }
}

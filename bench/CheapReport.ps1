# Scenario 8's report: bench/cheap.md and bench/cheap.json from what bench/Cheap.ps1 measured. Every figure is
# computed from this run's measurements (medians over its runs); nothing here is a constant.
# Called by build/Bench.ps1 -Filter cheap with its helpers (Get-Median).
param(
    [Parameter(Mandatory)] $Measured,       # bench/Cheap.ps1's result
    [Parameter(Mandatory)] [string] $OutputDir,
    [Parameter(Mandatory)] [string] $Invocation, # the command line, for the report's first line
    [int] $Runs,
    [string[]] $LoadAtStart
)
$ErrorActionPreference = 'Stop'
$c = $Measured
$counts = @($c.counts)
$lo = "$($counts[0])"; $hi = "$($counts[-1])"; $span = $counts[-1] - $counts[0]
$med = { param($runs, $p) Get-Median @($runs | ForEach-Object { $_.$p }) }
$rows = foreach ($tool in $c.runs.Keys) {
    $a = $c.runs[$tool][$lo]; $b = $c.runs[$tool][$hi]
    $cpuLo = & $med $a 'Cpu'; $cpuHi = & $med $b 'Cpu'; $srvLo = & $med $a 'ServerCpu'; $srvHi = & $med $b 'ServerCpu'
    [pscustomobject][ordered]@{
        Tool = $tool; Label = $c.labels[$tool]; WallLo = (& $med $a 'Wall'); CpuLo = $cpuLo; ServerLo = $srvLo
        WallHi = (& $med $b 'Wall'); CpuHi = $cpuHi; ServerHi = $srvHi
        MarginalMs = 1000 * ($cpuHi - $cpuLo) / $span; ServerMarginalMs = 1000 * ($srvHi - $srvLo) / $span
        StartupHi = (& $med $b 'StartupS'); TransferHi = (& $med $b 'TransferS'); ExitHi = (& $med $b 'ExitS')
    }
}
$yes = { param($ok) if ($ok) { 'yes' } else { '**no**' } }
$sb = [Text.StringBuilder]::new()
$line = { param($s) [void]$sb.AppendLine($s) }
& $line '# FiftyOneCache: CPU per object on a server that is not the bottleneck'
& $line ''
& $line "Run $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC by ``$Invocation``, $Runs run(s) per tool and size after one untimed pass of each, tools interleaved in each run in an order that rotates from run to run; load average at start $($LoadAtStart -join ' '), at end $(((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' '); $([Environment]::ProcessorCount) cores."
& $line ''
& $line "Server: ``bench/memserver.js`` (node's http module, objects in memory, 127.0.0.1). Whole processes under ``/usr/bin/time`` (wall; CPU = user + sys), medians; $($c.objectBytes / 1KB) KB objects; every run into a new directory under ``$($c.destination)`` ($($c.filesystem)), $(if ($c.removedAfterRun) { 'removed after its run (untimed)' } else { 'nothing deleted until the end' }). Marginal CPU per object = (median CPU at $hi - median CPU at $lo) / ${span}: start-up and other fixed costs drop out. Server CPU: the server process's own CPU seconds while the tool ran."
& $line ''
& $line "| Tool | wall $lo | CPU $lo | server CPU $lo | wall $hi | CPU $hi | server CPU $hi | marginal CPU per object | server CPU per object |"
& $line '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
foreach ($x in $rows) {
    & $line ('| {0} | {1:0.00} s | {2:0.00} s | {3:0.00} s | {4:0.00} s | {5:0.00} s | {6:0.00} s | {7:0.000} ms | {8:0.000} ms |' -f $x.Label, $x.WallLo, $x.CpuLo, $x.ServerLo, $x.WallHi, $x.CpuHi, $x.ServerHi, $x.MarginalMs, $x.ServerMarginalMs)
}
& $line ''
& $line "Where the wall time goes at $hi objects (medians). The server marks the moment before each process starts and times its first request and its last response: start-up is process start to the first request (for FiftyOneCache: pwsh, Import-Module, opening the cache, the first listing request), transfer is the first request to the last response, exit is the rest."
& $line ''
& $line '| Tool | start-up | transfer | exit | whole process |'
& $line '| --- | --- | --- | --- | --- |'
foreach ($x in $rows) { & $line ('| {0} | {1:0.000} s | {2:0.000} s | {3:0.000} s | {4:0.00} s |' -f $x.Tool, $x.StartupHi, $x.TransferHi, $x.ExitHi, $x.WallHi) }
& $line ''
$fo = $rows | Where-Object Tool -eq 'foc'; $rcl = $rows | Where-Object Tool -eq 'rclone'; $fl = $rows | Where-Object Tool -eq 'floor'
if ($fo -and $rcl -and $rcl.MarginalMs -gt 0 -and $rcl.WallHi -gt 0) {
    $mr = $fo.MarginalMs / $rcl.MarginalMs; $wr = $fo.WallHi / $rcl.WallHi
    & $line '| Check against rclone | FiftyOneCache | rclone | ratio | target | met? |'
    & $line '| --- | --- | --- | --- | --- | --- |'
    & $line ('| marginal CPU per object | {0:0.000} ms | {1:0.000} ms | {2:0.00}x | <= 0.9x | {3} |' -f $fo.MarginalMs, $rcl.MarginalMs, $mr, (& $yes ($mr -le 0.9)))
    & $line ('| whole process at {0}, wall | {1:0.00} s | {2:0.00} s | {3:0.00}x | <= 1.2x | {4} |' -f $hi, $fo.WallHi, $rcl.WallHi, $wr, (& $yes ($wr -le 1.2)))
    & $line ('| whole process at {0}, CPU | {1:0.00} s | {2:0.00} s | {3:0.00}x | (reference) | — |' -f $hi, $fo.CpuHi, $rcl.CpuHi, ($fo.CpuHi / $rcl.CpuHi))
    if ($rcl.TransferHi -gt 0) {
        & $line ('| transfer at {0} (first request to last response) | {1:0.000} s | {2:0.000} s | {3:0.00}x | (reference) | — |' -f $hi, $fo.TransferHi, $rcl.TransferHi, ($fo.TransferHi / $rcl.TransferHi))
    }
    if ($fl -and $fl.MarginalMs -gt 0 -and $fl.WallHi -gt 0) {
        # The host floor does the least any module on .NET can; where it is itself above rclone, that part of the
        # gap is the platform's (pwsh start-up, the runtime's JIT and HTTP stack), not the cache's.
        & $line ('| host floor: marginal CPU per object | {0:0.000} ms | {1:0.000} ms | {2:0.00}x | (floor) | — |' -f $fl.MarginalMs, $rcl.MarginalMs, ($fl.MarginalMs / $rcl.MarginalMs))
        & $line ('| host floor: whole process at {0}, wall | {1:0.00} s | {2:0.00} s | {3:0.00}x | (floor) | — |' -f $hi, $fl.WallHi, $rcl.WallHi, ($fl.WallHi / $rcl.WallHi))
        & $line ('| host floor: start-up at {0} (pwsh and .NET to the first request) | {1:0.000} s | {2:0.000} s | +{3:0.000} s | (floor) | — |' -f $hi, $fl.StartupHi, $rcl.StartupHi, ($fl.StartupHi - $rcl.StartupHi))
        & $line ('| FiftyOneCache over the host floor: marginal CPU, whole-process wall | {0:0.000} ms | {1:0.00} s | {2:0.00}x, {3:0.00}x | — | — |' -f ($fo.MarginalMs - $fl.MarginalMs), ($fo.WallHi - $fl.WallHi), ($fo.MarginalMs / $fl.MarginalMs), ($fo.WallHi / $fl.WallHi))
        # What is left of the wall once the platform's measured start-up (the floor's over rclone's) is taken out.
        $platform = $fl.StartupHi - $rcl.StartupHi
        $lr = ($fo.WallHi - $platform) / $rcl.WallHi
        & $line ('| whole process at {0}, wall, less the platform''s start-up (host floor''s over rclone''s) | {1:0.00} s | {2:0.00} s | {3:0.00}x | <= 1.2x | {4} |' -f $hi, ($fo.WallHi - $platform), $rcl.WallHi, $lr, (& $yes ($lr -le 1.2)))
    }
    $fb = $rows | Where-Object Tool -eq 'foc_base'
    if ($fb -and $fb.MarginalMs -gt 0) {
        & $line ('| marginal CPU per object, baseline build | {0:0.000} ms | {1:0.000} ms | {2:0.00}x | (reference) | — |' -f $fb.MarginalMs, $rcl.MarginalMs, ($fb.MarginalMs / $rcl.MarginalMs))
    }
    & $line ''
}
& $line 'Every run (wall s / CPU s / server CPU s; start-up + transfer + exit s):'
& $line ''
foreach ($tool in $c.runs.Keys) {
    foreach ($n in $counts) {
        & $line ("- ${tool}, ${n}: " + ((@($c.runs[$tool]["$n"]) | ForEach-Object { '{0:0.00}/{1:0.00}/{2:0.00}; {3:0.00}+{4:0.00}+{5:0.00}' -f $_.Wall, $_.Cpu, $_.ServerCpu, $_.StartupS, $_.TransferS, $_.ExitS }) -join ', '))
    }
}
Set-Content (Join-Path $OutputDir 'cheap.md') $sb.ToString() -Encoding utf8NoBOM
[ordered]@{ date = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm') + ' UTC'; load = "$LoadAtStart"; table = @($rows); measurements = $c } |
    ConvertTo-Json -Depth 8 | Set-Content (Join-Path $OutputDir 'cheap.json') -Encoding utf8NoBOM
return $sb.ToString()

# Scenario 9: uploads and server-side copies where the server is not the bottleneck (bench/memserver.js: objects in
# memory, CopyObject shares the source's buffers). Whole processes under /usr/bin/time (wall and user+sys CPU
# seconds), tools interleaved in every run, medians:
#   small  a local folder of $Count x $ObjectBytes -> s3://bench/up-<run>/: Copy-MediaFile -Recurse (a new pwsh,
#          Import-Module), aws s3 cp --recursive, rclone copy --transfers 16;
#   big    one local file of $BigBytes -> s3://bench/big-<run>/big.bin with the same tools, beside `cat file > /dev/null`
#          (the file is in the page cache after it is generated, for every tool and for cat alike);
#   copy   $Count objects s3://bench/src/ -> s3://bench/dst-<run>/ (server-side: Copy-MediaFile -Recurse,
#          aws s3 cp --recursive s3:// s3://, rclone copy mem:bench/src mem:bench/dst).
# The order of the tools turns by one each run; one untimed upload of the big file warms the server's memory first.
# After every run the stored bytes are checked against the local files (size and MD5 of every object, computed by
# the server from what it stored) and dropped; the server's counters say how each tool did it (PUTs, parts,
# CopyObjects, GETs, bytes through the client). Writes upload.md and upload.json into $OutputDir.
# Called by build/Bench.ps1 -Filter upload with its helpers (Invoke-WithEnv, Get-Median, Get-PwshLaunch).
param(
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [hashtable] $Peer,
    [Parameter(Mandatory)] [string] $OutputDir,
    [int] $Runs = 3,
    [int] $Count = 2000,
    [int] $ObjectBytes = 100KB,
    [long] $BigBytes = 2GB,
    # Tools to leave out (foc, rclone, aws) and cases to leave out (small, big, copy).
    [string[]] $Skip = @(),
    # Another build of the module (e.g. before a change), measured as 'foc_base' interleaved with the others.
    [string] $BaselineModuleDir,
    [string] $CommandLine = 'build.ps1 -Task Bench -Filter upload'
)
$ErrorActionPreference = 'Stop'
$time = $Peer.time
if (-not $time) { throw '/usr/bin/time is needed for CPU seconds' }
$Root = Split-Path $PSScriptRoot -Parent
. (Join-Path $PSScriptRoot 'MemBench.ps1')
$launch = Get-PwshLaunch
$loadAtStart = ((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' '
$started = (Get-Date).ToUniversalTime()
$inv = [Globalization.CultureInfo]::InvariantCulture

$memServer = Start-MemServer $Root
$endpoint = $memServer.Endpoint
try {
    # ------------------------------------------------------------------------------------------ data
    $src = Join-Path $Work 'up-src'
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--dir', $src, '--count', "$Count", '--size', "$ObjectBytes")
    $bigDir = Join-Path $Work 'up-big'
    New-Item -ItemType Directory -Force $bigDir | Out-Null
    $big = Join-Path $bigDir 'big.bin'
    Invoke-Native node @((Join-Path $Root 'bench/gen.js'), '--big', "$BigBytes", '--file', $big)
    $hex = { param($b) [Convert]::ToHexString($b).ToLowerInvariant() }
    $smallMd5 = @{}
    foreach ($f in Get-ChildItem $src -File) { $smallMd5[$f.Name] = & $hex ([Security.Cryptography.MD5]::HashData([IO.File]::ReadAllBytes($f.FullName))) }
    $bigMd5 = @{ 'big.bin' = (-split (& md5sum $big))[0] }
    $null = Invoke-Native node @((Join-Path $Root 'bench/rawget.js'), 'put', '--base', "$endpoint/bench", '--from', $src, '--prefix', 'src/', '--count', "$Count", '--concurrency', '16')

    # Every object under the prefix: the names, sizes and MD5s (the server's, of the bytes it stored) of the local files.
    function Test-Stored([string] $Prefix, [hashtable] $Expected, [string] $Tool) {
        $got = (Invoke-WebRequest "$endpoint/__verify?bucket=bench&prefix=$([uri]::EscapeDataString($Prefix))").Content | ConvertFrom-Json -AsHashtable
        $bad = @(foreach ($name in $Expected.Keys) {
            $o = $got["$Prefix$name"]
            if (-not $o) { "$name missing" } elseif ($o[1] -ne $Expected[$name]) { "$name has MD5 $($o[1]) ($($o[0]) bytes), the file $($Expected[$name])" }
        })
        if ($got.Count -ne $Expected.Count) { $bad += "$($got.Count) objects where $($Expected.Count) were sent" }
        if ($bad) { throw "$Tool stored wrong bytes under ${Prefix}: $(($bad | Select-Object -First 5) -join '; ')" }
        $null = Invoke-RestMethod -Method Delete "$endpoint/__prefix?bucket=bench&prefix=$([uri]::EscapeDataString($Prefix))"
        return $got.Count
    }

    $envs = New-MemBenchEnv $endpoint $Work
    $pwshCmd = { param($psd1, $script) @($launch.File) + @($launch.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$psd1'; $script") }
    $focCmd = { param($psd1, $case, $prefix)
        switch ($case) {
            'small' { & $pwshCmd $psd1 "Copy-MediaFile '$src/' 's3://bench/$prefix' -Recurse -ErrorAction Stop" }
            'big' { & $pwshCmd $psd1 "Copy-MediaFile '$big' 's3://bench/${prefix}big.bin' -ErrorAction Stop" }
            'copy' { & $pwshCmd $psd1 "Copy-MediaFile 's3://bench/src/' 's3://bench/$prefix' -Recurse -ErrorAction Stop" }
        } }
    $psd1 = Join-Path $ModuleDir 'FiftyOneCache.psd1'
    $tools = [ordered]@{
        foc = @{ Label = 'FiftyOneCache (new pwsh, Import-Module, Copy-MediaFile)'; Available = $true; Env = $envs.Foc
                 Command = { param($case, $prefix) & $focCmd $psd1 $case $prefix } }
        foc_base = @{ Label = "FiftyOneCache baseline ($BaselineModuleDir)"; Available = [bool]$BaselineModuleDir; Env = $envs.Foc
                      Command = { param($case, $prefix) & $focCmd (Join-Path $BaselineModuleDir 'FiftyOneCache.psd1') $case $prefix } }
        rclone = @{ Label = 'rclone copy --transfers 16'; Available = [bool]$Peer.rclone; Env = $envs.Rclone
                    Command = { param($case, $prefix)
                        $from = switch ($case) { 'small' { $src } 'big' { $big } 'copy' { 'mem:bench/src' } }
                        @($Peer.rclone, 'copy', $from, "mem:bench/$($prefix.TrimEnd('/'))", '--transfers', '16', '--s3-no-check-bucket', '-q') } }
        aws = @{ Label = 'aws s3 cp (--recursive)'; Available = [bool]$Peer.aws; Env = $envs.Aws
                 Command = { param($case, $prefix)
                     switch ($case) {
                         'small' { @($Peer.aws, 's3', 'cp', "$src/", "s3://bench/$prefix", '--recursive', '--endpoint-url', $endpoint, '--only-show-errors') }
                         'big' { @($Peer.aws, 's3', 'cp', $big, "s3://bench/${prefix}big.bin", '--endpoint-url', $endpoint, '--only-show-errors') }
                         'copy' { @($Peer.aws, 's3', 'cp', 's3://bench/src/', "s3://bench/$prefix", '--recursive', '--endpoint-url', $endpoint, '--only-show-errors') }
                     } } }
    }
    $cases = [ordered]@{
        small = @{ Label = "upload $Count x $($ObjectBytes / 1KB) KB"; Expected = $smallMd5; Bytes = [long]$Count * $ObjectBytes }
        big = @{ Label = "upload one $([Math]::Round($BigBytes / 1GB, 2)) GB file"; Expected = $bigMd5; Bytes = $BigBytes }
        copy = @{ Label = "server-side copy of $Count objects"; Expected = $smallMd5; Bytes = [long]$Count * $ObjectBytes }
    }
    $activeTools = @($tools.Keys | Where-Object { $tools[$_].Available -and $_ -notin $Skip })
    $activeCases = @($cases.Keys | Where-Object { $_ -notin $Skip })
    $destRoot = Join-Path $Work 'up-dest'
    $script:serial = 0
    $counters = 'requests', 'GET', 'HEAD', 'PUT', 'POST', 'lists', 'putObject', 'copyObject', 'uploadPart', 'uploadPartCopy', 'completeMultipart', 'bytesIn', 'bytesOut'

    function Measure-Case([string] $Tool, [string] $Case, [int] $Run) {
        $prefix = '{0}-{1:000}-{2}/' -f $(if ($Case -eq 'copy') { 'dst' } elseif ($Case -eq 'big') { 'big' } else { 'up' }), ++$script:serial, $Tool
        $dest = Join-Path $destRoot $prefix.TrimEnd('/')   # a working directory of its own (FiftyOneCache's cache)
        New-Item -ItemType Directory -Force $dest | Out-Null
        $t = $tools[$Tool]
        $before = Get-MemStats $memServer
        $x = Invoke-TimedProcess $time @(& $t.Command $Case $prefix) $t.Env $dest (Join-Path $Work "up-$Case-$Tool-$Run.log") $memServer
        $after = Get-MemStats $memServer
        $stored = Test-Stored $prefix $cases[$Case].Expected $Tool
        $delta = [ordered]@{}; foreach ($k in $counters) { $delta[$k] = $after.$k - $before.$k }
        $x | Add-Member Stored $stored
        $x | Add-Member Server ([pscustomobject]$delta)
        $x | Add-Member Rate ([Math]::Round($cases[$Case].Bytes / 1MB / [Math]::Max($x.Wall, 0.01), 1))
        return $x
    }

    # The server's first large object costs it first-touch page faults on fresh memory (measured: 15-20 CPU s for
    # the first 2 GB against about 5 for every later one), which would fall on whichever tool goes first. One
    # untimed upload of the big file (aws-cli or rclone, else FiftyOneCache), checked and dropped, takes it.
    if ('big' -in $activeCases) {
        $warm = @('aws', 'rclone', 'foc') | Where-Object { $_ -in $activeTools } | Select-Object -First 1
        $null = Invoke-TimedProcess $time @(& $tools[$warm].Command 'big' 'warm/') $tools[$warm].Env $Work (Join-Path $Work 'up-warm.log') $memServer
        $null = Test-Stored 'warm/' $bigMd5 $warm
    }

    $r = [ordered]@{ runs = [ordered]@{}; reference = @() }
    foreach ($case in $activeCases) { $r.runs[$case] = [ordered]@{}; foreach ($tool in $activeTools) { $r.runs[$case][$tool] = @() } }
    foreach ($run in 1..$Runs) {
        foreach ($case in $activeCases) {
            if ($case -eq 'big') {
                $c = Invoke-TimedProcess $time @('sh', '-c', "cat '$big' > /dev/null") @{} $Work (Join-Path $Work "up-cat-$run.log") $memServer
                $c | Add-Member Rate ([Math]::Round($BigBytes / 1MB / [Math]::Max($c.Wall, 0.01), 1))
                $r.reference += $c
                Write-Host ("  run {0}, {1,-5}: {2,-8} {3,6:0.00} s wall, {4,6:0.00} s CPU, {5,7:0} MB/s" -f $run, $case, 'cat', $c.Wall, $c.Cpu, $c.Rate)
            }
            # The order of the tools turns by one each run: none is always first (or last) after another's run.
            $order = @(for ($i = 0; $i -lt $activeTools.Count; $i++) { $activeTools[($i + $run - 1) % $activeTools.Count] })
            foreach ($tool in $order) {
                $x = Measure-Case $tool $case $run
                $r.runs[$case][$tool] += $x
                Write-Host ("  run {0}, {1,-5}: {2,-8} {3,6:0.00} s wall, {4,6:0.00} s CPU, server {5:0.00} s CPU, {6,7:0} MB/s; PUT {7}, parts {8}, copies {9}, GET {10}, in {11:0} MB, out {12:0} MB" -f $run, $case, $tool,
                    $x.Wall, $x.Cpu, $x.ServerCpu, $x.Rate, $x.Server.putObject, $x.Server.uploadPart, ($x.Server.copyObject + $x.Server.uploadPartCopy), $x.Server.GET, ($x.Server.bytesIn / 1MB), ($x.Server.bytesOut / 1MB))
            }
        }
    }

    # ------------------------------------------------------------------------------------------ report
    $med = { param($set, $p) Get-Median @($set | ForEach-Object { $_.$p }) }
    $loadAtEnd = ((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) -join ' '
    $sb = [Text.StringBuilder]::new()
    $line = { param($t) [void]$sb.AppendLine($t) }
    & $line '# FiftyOneCache: uploads and server-side copies on a server that is not the bottleneck'
    & $line ''
    & $line "Run $($started.ToString('yyyy-MM-dd HH:mm', $inv)) UTC by ``$CommandLine``, $Runs run(s) per tool and case, tools interleaved in each run; load average at start $loadAtStart, at end $loadAtEnd; $([Environment]::ProcessorCount) cores."
    & $line ''
    & $line "Server: ``bench/memserver.js`` (node's http module, objects in memory, 127.0.0.1; it checks Content-MD5 and computes every object's MD5; a CopyObject shares the source's buffers). Whole processes under ``/usr/bin/time`` (wall; CPU = user + sys), medians. Every stored object was checked after each run (size and MD5 of the bytes the server holds, against the local files) and then dropped. The $([Math]::Round($BigBytes / 1GB, 2)) GB file is in the page cache (it was just written), for every tool and for ``cat`` alike: the reference rate is ``cat file > /dev/null`` from the page cache. Server CPU: the server process's CPU seconds while the tool ran. The tools' order turns by one each run; one untimed upload of the big file came first (the server's first 2 GB cost it page faults on fresh memory)."
    & $line ''
    & $line '| Case | Tool | wall | CPU | server CPU | MB/s | wall / rclone | CPU / rclone |'
    & $line '| --- | --- | --- | --- | --- | --- | --- | --- |'
    $table = @()
    foreach ($case in $activeCases) {
        $rc = $r.runs[$case]['rclone']
        $rcWall = if ($rc) { & $med $rc 'Wall' } else { $null }; $rcCpu = if ($rc) { & $med $rc 'Cpu' } else { $null }
        foreach ($tool in $activeTools) {
            $xs = $r.runs[$case][$tool]
            $row = [pscustomobject][ordered]@{ Case = $case; Tool = $tool; Wall = (& $med $xs 'Wall'); Cpu = (& $med $xs 'Cpu'); ServerCpu = (& $med $xs 'ServerCpu'); Rate = (& $med $xs 'Rate') }
            $table += $row
            $wr = if ($rcWall) { '{0:0.00}x' -f ($row.Wall / $rcWall) } else { '—' }; $cr = if ($rcCpu) { '{0:0.00}x' -f ($row.Cpu / $rcCpu) } else { '—' }
            & $line ('| {0} | {1} | {2:0.00} s | {3:0.00} s | {4:0.00} s | {5:0} | {6} | {7} |' -f $cases[$case].Label, $tools[$tool].Label, $row.Wall, $row.Cpu, $row.ServerCpu, $row.Rate, $wr, $cr)
        }
        if ($case -eq 'big' -and $r.reference) {
            & $line ('| {0} | cat file > /dev/null (page cache) | {1:0.00} s | {2:0.00} s | — | {3:0} | — | — |' -f $cases[$case].Label, (& $med $r.reference 'Wall'), (& $med $r.reference 'Cpu'), (& $med $r.reference 'Rate'))
        }
    }
    & $line ''
    & $line '| Check | FiftyOneCache | reference | ratio | target | met? |'
    & $line '| --- | --- | --- | --- | --- | --- |'
    $checks = @()
    foreach ($case in $activeCases) {
        $fo = $table | Where-Object { $_.Case -eq $case -and $_.Tool -eq 'foc' }; $rc = $table | Where-Object { $_.Case -eq $case -and $_.Tool -eq 'rclone' }
        if (-not $fo -or -not $rc) { continue }
        $checks += [pscustomobject]@{ Check = "$($cases[$case].Label): time vs rclone"; Foc = $fo.Wall; Ref = $rc.Wall; Ratio = $fo.Wall / $rc.Wall; Target = '< 1x (ahead)'; Met = $fo.Wall -lt $rc.Wall; Unit = 's' }
        $checks += [pscustomobject]@{ Check = "$($cases[$case].Label): CPU vs rclone"; Foc = $fo.Cpu; Ref = $rc.Cpu; Ratio = $fo.Cpu / $rc.Cpu; Target = '<= 1x'; Met = $fo.Cpu -le $rc.Cpu; Unit = 's' }
    }
    $fb = $table | Where-Object { $_.Case -eq 'big' -and $_.Tool -eq 'foc' }
    if ($fb -and $r.reference) {
        $catRate = & $med $r.reference 'Rate'
        $checks += [pscustomobject]@{ Check = 'one big file: rate vs cat from the page cache'; Foc = $fb.Rate; Ref = $catRate; Ratio = $fb.Rate / $catRate; Target = '>= 0.8x'; Met = $fb.Rate / $catRate -ge 0.8; Unit = 'MB/s' }
    }
    foreach ($c in $checks) {
        & $line ('| {0} | {1:0.00} {6} | {2:0.00} {6} | {3:0.00}x | {4} | {5} |' -f $c.Check, $c.Foc, $c.Ref, $c.Ratio, $c.Target, $(if ($c.Met) { 'yes' } else { '**no**' }), $c.Unit)
    }
    & $line ''
    & $line 'What the server saw per run (first run of each tool; body bytes in MB: in = request bodies, out = object bodies sent):'
    & $line ''
    & $line '| Case | Tool | requests | PUT objects | parts | CopyObject + UploadPartCopy | GET (of which listings) | HEAD | MB in | MB out |'
    & $line '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
    foreach ($case in $activeCases) {
        foreach ($tool in $activeTools) {
            $s = $r.runs[$case][$tool][0].Server
            & $line ('| {0} | {1} | {2} | {3} | {4} | {5} | {6} ({7}) | {8} | {9:0.0} | {10:0.0} |' -f $case, $tool, $s.requests, $s.putObject, $s.uploadPart, ($s.copyObject + $s.uploadPartCopy), $s.GET, $s.lists, $s.HEAD, ($s.bytesIn / 1MB), ($s.bytesOut / 1MB))
        }
    }
    & $line ''
    & $line 'Every run (wall s / CPU s / server CPU s / MB/s):'
    & $line ''
    foreach ($case in $activeCases) {
        foreach ($tool in $activeTools) {
            & $line ("- ${case}, ${tool}: " + ((@($r.runs[$case][$tool]) | ForEach-Object { '{0:0.00}/{1:0.00}/{2:0.00}/{3:0}' -f $_.Wall, $_.Cpu, $_.ServerCpu, $_.Rate }) -join ', '))
        }
        if ($case -eq 'big' -and $r.reference) { & $line ("- big, cat: " + (($r.reference | ForEach-Object { '{0:0.00}/{1:0.00}/-/{2:0}' -f $_.Wall, $_.Cpu, $_.Rate }) -join ', ')) }
    }
    $labels = [ordered]@{}; foreach ($t in $activeTools) { $labels[$t] = $tools[$t].Label }
    Set-Content (Join-Path $OutputDir 'upload.md') $sb.ToString() -Encoding utf8NoBOM
    [ordered]@{ date = $started.ToString('yyyy-MM-dd HH:mm', $inv) + ' UTC'; loadAtStart = $loadAtStart; loadAtEnd = $loadAtEnd; count = $Count; objectBytes = $ObjectBytes; bigBytes = $BigBytes
                labels = $labels
                table = $table; checks = $checks; measurements = $r } |
        ConvertTo-Json -Depth 8 | Set-Content (Join-Path $OutputDir 'upload.json') -Encoding utf8NoBOM
    Write-Host $sb.ToString()
} finally {
    Stop-MemServer $memServer
    foreach ($d in 'up-dest', 'up-src', 'up-big') { $p = Join-Path $Work $d; if (Test-Path $p) { & rm -rf -- $p } }
}

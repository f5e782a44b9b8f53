# What the scenarios on bench/memserver.js share (dot-sourced by Cheap.ps1 and Upload.ps1): starting the server,
# a process's CPU seconds from /proc, the environment each client reads its endpoint and keys from, one whole
# process timed under /usr/bin/time, and the server's counters.

$script:ClockTicks = [double](& getconf CLK_TCK)

# user + sys CPU seconds of a live process (0 once it is gone).
function Get-CpuSeconds([int] $ProcessId) {
    $stat = Get-Content "/proc/$ProcessId/stat" -Raw -ErrorAction SilentlyContinue
    if (-not $stat) { return 0.0 }
    $f = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '   # from the 3rd field on: utime is the 14th
    return ([double]$f[11] + [double]$f[12]) / $script:ClockTicks
}

# bench/memserver.js on a free 127.0.0.1 port, a child of this process (it exits with it): { Process; Endpoint }.
function Start-MemServer([string] $Root, [int] $MaxSeconds = 3600) {
    $psi = [Diagnostics.ProcessStartInfo]::new('node')
    foreach ($a in @((Join-Path $Root 'bench/memserver.js'), '--port', '0', '--max-seconds', "$MaxSeconds")) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $p = [Diagnostics.Process]::Start($psi)
    $ready = $p.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait(20000)) { $p.Kill(); throw 'memserver did not start in 20 s' }
    return [pscustomobject]@{ Process = $p; Endpoint = "http://127.0.0.1:$(($ready.Result | ConvertFrom-Json).port)" }
}

function Stop-MemServer($Server) {
    if ($Server -and -not $Server.Process.HasExited) { $Server.Process.Kill(); $null = $Server.Process.WaitForExit(5000) }
}

# The server's counters (requests by method and operation, body bytes in and out).
function Get-MemStats($Server) { Invoke-RestMethod "$($Server.Endpoint)/__stats" }

# Environments: 'Aws' for aws-cli, 'Foc' for FiftyOneCache (its cache in '{dest}'), 'Rclone' for a remote named mem.
# AWS_CA_BUNDLE is removed for every client (it is set on this machine and rclone fails on it).
function New-MemBenchEnv([string] $Endpoint, [string] $Work) {
    $none = Join-Path $Work 'aws-none'
    $aws = @{ AWS_ACCESS_KEY_ID = 'bench'; AWS_SECRET_ACCESS_KEY = 'bench-secret'; AWS_REGION = 'us-east-1'; AWS_DEFAULT_REGION = 'us-east-1'
              AWS_ENDPOINT_URL = $Endpoint; AWS_CONFIG_FILE = $none; AWS_SHARED_CREDENTIALS_FILE = $none
              AWS_PROFILE = $null; AWS_DEFAULT_PROFILE = $null; AWS_CA_BUNDLE = $null }
    return @{
        Aws = $aws
        Foc = $aws + @{ FIFTYONE_MEDIA_CACHE_DIR = '{dest}'; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = (Join-Path $Work 'no-config.json'); FIFTYONE_MEDIA_CACHE_SIZE_BYTES = $null; FIFTYONE_MEDIA_CACHE_NUM_WORKERS = $null }
        Rclone = @{ RCLONE_CONFIG = (Join-Path $Work 'rclone-none.conf'); RCLONE_CONFIG_MEM_TYPE = 's3'; RCLONE_CONFIG_MEM_PROVIDER = 'Other'
                    RCLONE_CONFIG_MEM_ENDPOINT = $Endpoint; RCLONE_CONFIG_MEM_ACCESS_KEY_ID = 'bench'; RCLONE_CONFIG_MEM_SECRET_ACCESS_KEY = 'bench-secret'
                    RCLONE_CONFIG_MEM_REGION = 'us-east-1'; RCLONE_CONFIG_MEM_FORCE_PATH_STYLE = 'true'; AWS_CA_BUNDLE = $null }
    }
}

# A whole process under /usr/bin/time with its environment ('{dest}' replaced in both); output to $Log; throws on
# a failure. Returns wall and CPU (user + sys) seconds and the server's CPU seconds meanwhile.
function Invoke-TimedProcess([string] $Time, [string[]] $Command, [hashtable] $Vars, [string] $Dest, [string] $Log, $Server) {
    $cmd = @($Command | ForEach-Object { "$_".Replace('{dest}', $Dest) })
    $envVars = $Vars.Clone()
    foreach ($k in @($envVars.Keys)) { if ($envVars[$k] -is [string]) { $envVars[$k] = $envVars[$k].Replace('{dest}', $Dest) } }
    $timing = "$Log.time"
    & sync
    $s0 = Get-CpuSeconds $Server.Process.Id
    # The server's timeline starts here: its first request and last response after the mark split the wall time.
    $null = Invoke-RestMethod -Method Post "$($Server.Endpoint)/__mark"
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Invoke-WithEnv $envVars { & $Time -f '%e %U %S' -o $timing $cmd[0] @($cmd | Select-Object -Skip 1) *> $Log }
    $elapsedMs = $clock.Elapsed.TotalMilliseconds
    if ($LASTEXITCODE -ne 0) { throw "$($cmd[0]) failed ($LASTEXITCODE): $((Get-Content $Log -Tail 5) -join ' | ')" }
    $srv = (Get-CpuSeconds $Server.Process.Id) - $s0
    $line = (Get-MemStats $Server).sinceMark
    $f = (Get-Content $timing | Where-Object { $_ -match '^\d' } | Select-Object -Last 1) -split ' '
    return [pscustomobject]@{
        Wall = [double]$f[0]; Cpu = [double]$f[1] + [double]$f[2]; ServerCpu = [Math]::Round($srv, 3)
        # Start-up: process start to its first request; transfer: first request to last response; exit: the rest.
        StartupS = [Math]::Round($line.firstRequestMs / 1000, 3)
        TransferS = [Math]::Round(($line.lastResponseMs - $line.firstRequestMs) / 1000, 3)
        ExitS = [Math]::Round(($elapsedMs - $line.lastResponseMs) / 1000, 3)
    }
}

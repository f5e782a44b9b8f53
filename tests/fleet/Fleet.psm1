# Shared by the fleet tests: installing the engines, daemons that die with the test, free ports, the real pwsh.

# Runs tests/fleet/setup.sh once per process: @{ slurm = $null or 'reason'; ssh = ...; cron = ... } ($null: available).
function Install-FleetPackages {
    # once per process (the result is kept in the environment, so module reloads do not run apt-get again)
    if ($env:FOC_FLEET_PACKAGES) { return (ConvertFrom-Json $env:FOC_FLEET_PACKAGES -AsHashtable) }
    $r = @{}
    if (-not $IsLinux) { foreach ($g in 'slurm', 'ssh', 'cron', 'sshfs') { $r[$g] = 'the fleet engines are installed from Debian packages: Linux only' } }
    else {
        foreach ($line in (bash (Join-Path $PSScriptRoot 'setup.sh'))) {
            if ($line -match '^ok (\w+)$') { $r[$Matches[1]] = $null }
            elseif ($line -match '^unavailable (\w+): (.*)$') { $r[$Matches[1]] = $Matches[2] }
        }
    }
    foreach ($g in 'slurm', 'ssh', 'cron', 'sshfs') { if (-not $r.ContainsKey($g)) { $r[$g] = 'tests/fleet/setup.sh did not report it' } }
    $env:FOC_FLEET_PACKAGES = ConvertTo-Json $r -Compress
    return $r
}

# The real pwsh executable (not 'dotnet pwsh.dll'): sshd's Subsystem line and job scripts start it directly.
function Get-RealPwsh {
    $exe = [Environment]::ProcessPath
    if ((Split-Path $exe -Leaf) -notmatch '^dotnet(\.exe)?$') { return $exe }
    $candidate = Join-Path $PSHOME 'pwsh'
    if (Test-Path $candidate) { return $candidate }
    throw "no pwsh executable beside $PSHOME"
}

# A folder with a 'pwsh' on it for job scripts and cron (PATH=$dir:$PATH), pointing at the real pwsh.
function New-PwshShimDir([string] $Root) {
    $bin = Join-Path $Root 'bin'
    New-Item -ItemType Directory -Force $bin | Out-Null
    $pwsh = Get-RealPwsh
    $shim = Join-Path $bin 'pwsh'
    Set-Content $shim "#!/bin/sh`nexec '$pwsh' `"`$@`"`n"
    chmod 755 $shim
    return $bin
}

function Get-FreeTcpPort([int] $Count = 1, [string] $Address = '127.0.0.1') {
    $listeners = 1..$Count | ForEach-Object {
        $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Parse($Address), 0); $l.Start(); $l
    }
    $ports = $listeners | ForEach-Object { $_.LocalEndpoint.Port }
    $listeners | ForEach-Object { $_.Stop() }
    return @($ports)
}

# A daemon in the foreground as a child of this process, its output in $Root/log/$Name.out.
function Start-FleetDaemon([string] $Root, [string] $Name, [string] $File, [string[]] $Arguments) {
    $log = Join-Path $Root "log/$Name.out"
    # a shell redirects the output to a file, so nothing here has to drain a pipe; exec keeps the pid the daemon's
    $psi = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add('exec "$0" "$@" >>"' + $log + '" 2>&1 </dev/null'); $psi.ArgumentList.Add($File)
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $p = [Diagnostics.Process]::Start($psi)
    Start-Sleep -Milliseconds 100
    if ($p.HasExited) { throw "$Name exited at once ($($p.ExitCode)): $(Get-Content $log -Raw -ErrorAction SilentlyContinue)" }
    return $p
}

# Kills the given pids when this process dies or after $MaxSeconds: the safety net under every teardown.
function Start-FleetWatchdog([int[]] $Pids, [int] $MaxSeconds) {
    $script = 'end=$(( $(date +%s) + ' + $MaxSeconds + ' )); while kill -0 ' + $PID + ' 2>/dev/null && [ $(date +%s) -lt $end ]; do sleep 1; done; kill -TERM ' + ($Pids -join ' ') + ' 2>/dev/null; sleep 3; kill -KILL ' + ($Pids -join ' ') + ' 2>/dev/null'
    $psi = [Diagnostics.ProcessStartInfo]::new('setsid')
    foreach ($a in @('sh', '-c', $script)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    return [Diagnostics.Process]::Start($psi)
}

# SIGTERM, then SIGKILL after a grace period, for exactly these processes.
function Stop-FleetProcesses($Processes, [int] $GraceSeconds = 5) {
    $live = @($Processes | Where-Object { $_ -and -not $_.HasExited })
    foreach ($p in $live) { kill -TERM $p.Id 2>$null }
    foreach ($p in $live) { if (-not $p.WaitForExit($GraceSeconds * 1000)) { kill -KILL $p.Id 2>$null; $null = $p.WaitForExit(2000) } }
}

function Wait-FleetCondition([int] $Seconds, [scriptblock] $Condition, [string] $Message) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "timed out after $Seconds s: $Message" }
        Start-Sleep -Milliseconds 250
    }
}

Export-ModuleMember -Function Install-FleetPackages, Get-RealPwsh, New-PwshShimDir, Get-FreeTcpPort, Start-FleetDaemon, Start-FleetWatchdog, Stop-FleetProcesses, Wait-FleetCondition

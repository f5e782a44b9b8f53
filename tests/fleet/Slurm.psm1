# A single-host Slurm cluster for the fleet tests: munged, slurmctld and four slurmd daemons as nodes fleet[1-4] on
# 127.0.0.1, all in the foreground as children of this process (so their pids are known), state, spool and logs under
# one temporary folder. Stop-SlurmCluster stops exactly those pids; a watchdog stops them too when this process dies
# or after -MaxSeconds, whichever comes first.
Import-Module (Join-Path $PSScriptRoot 'Fleet.psm1')

function Start-SlurmCluster {
    param([int] $Nodes = 4, [int] $MaxSeconds = 600)
    $root = Join-Path ([IO.Path]::GetTempPath()) "foc-slurm-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    foreach ($d in 'state', 'spool', 'log', 'munge', 'run') { New-Item -ItemType Directory -Force (Join-Path $root $d) | Out-Null }
    $c = [pscustomobject]@{ Root = $root; Conf = (Join-Path $root 'slurm.conf'); Processes = [Collections.Generic.List[Diagnostics.Process]]::new(); Watchdog = $null; Nodes = $Nodes; Socket = (Join-Path $root 'munge/munge.socket') }
    try {
        # munge: its own key and socket; munged refuses a key anyone else can read
        $key = Join-Path $root 'munge/munge.key'
        [IO.File]::WriteAllBytes($key, [Security.Cryptography.RandomNumberGenerator]::GetBytes(1024))
        chmod 700 (Join-Path $root 'munge'); chmod 400 $key
        $c.Processes.Add((Start-FleetDaemon $root 'munged' 'munged' @('-F', '--force', "--key-file=$key", "--socket=$($c.Socket)",
            "--pid-file=$root/munge/munged.pid", "--log-file=$root/log/munged.log", "--seed-file=$root/munge/munged.seed")))
        Wait-FleetCondition 20 { Test-Path $c.Socket } "munged did not create its socket (see $root/log/munged.log)"

        $ports = Get-FreeTcpPort -Count ($Nodes + 1)
        $nodeLines = for ($i = 1; $i -le $Nodes; $i++) { "NodeName=fleet$i NodeAddr=127.0.0.1 NodeHostname=localhost Port=$($ports[$i]) CPUs=1 RealMemory=1000 State=UNKNOWN" }
        @"
ClusterName=foc-fleet
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$($ports[0])
AuthType=auth/munge
AuthInfo=socket=$($c.Socket)
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$root/state
SlurmdSpoolDir=$root/spool/%n
SlurmctldPidFile=$root/run/slurmctld.pid
SlurmdPidFile=$root/run/slurmd-%n.pid
SlurmctldLogFile=$root/log/slurmctld.log
SlurmdLogFile=$root/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MailProg=/bin/true
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
$($nodeLines -join "`n")
PartitionName=fleet Nodes=fleet[1-$Nodes] Default=YES MaxTime=30 State=UP
"@ | Set-Content $c.Conf
        $env:SLURM_CONF = $c.Conf
        # -c: a clean start, no jobs from an old state folder; -D: stay in the foreground, a child of this process
        $c.Processes.Add((Start-FleetDaemon $root 'slurmctld' 'slurmctld' @('-D', '-c', '-f', $c.Conf)))
        for ($i = 1; $i -le $Nodes; $i++) {
            New-Item -ItemType Directory -Force (Join-Path $root "spool/fleet$i") | Out-Null
            $c.Processes.Add((Start-FleetDaemon $root "slurmd-fleet$i" 'slurmd' @('-D', '-N', "fleet$i", '-f', $c.Conf)))
        }
        $c.Watchdog = Start-FleetWatchdog ($c.Processes | ForEach-Object Id) $MaxSeconds
        Wait-FleetCondition 60 {
            $idle = @(sinfo -h -N -o '%N %t' 2>$null | Where-Object { $_ -match '\b(idle)\b' })
            $idle.Count -ge $Nodes
        } "the $Nodes nodes did not become idle (see $root/log)"
        return $c
    } catch {
        Stop-SlurmCluster $c
        throw
    }
}

function Stop-SlurmCluster {
    param($Cluster)
    if (-not $Cluster) { return }
    Stop-FleetProcesses $Cluster.Processes
    if ($Cluster.Watchdog) { Stop-FleetProcesses @($Cluster.Watchdog) }
    Remove-Item Env:SLURM_CONF -ErrorAction SilentlyContinue
}

# The job's tasks once every one has ended: @{ TaskId; State; ExitCode; Node } from scontrol (no accounting database).
function Wait-SlurmJob {
    param([string] $JobId, [int] $TimeoutSeconds = 240)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $tasks = Get-SlurmJobTasks $JobId
        if ($tasks -and -not ($tasks | Where-Object State -in 'PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING')) { return $tasks }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Slurm job $JobId did not end within $TimeoutSeconds s: $($tasks | Out-String)" }
        Start-Sleep -Milliseconds 500
    }
}

function Get-SlurmJobTasks([string] $JobId) {
    $text = scontrol -o show job $JobId 2>$null
    foreach ($line in $text) {
        $f = @{}
        foreach ($kv in $line -split ' ') { $p = $kv.Split('=', 2); if ($p.Count -eq 2) { $f[$p[0]] = $p[1] } }
        [pscustomobject]@{ TaskId = $f['ArrayTaskId']; State = $f['JobState']; ExitCode = $f['ExitCode']; Node = $f['BatchHost']; JobId = $f['JobId'] }
    }
}

Export-ModuleMember -Function Start-SlurmCluster, Stop-SlurmCluster, Wait-SlurmJob, Get-SlurmJobTasks

# A private OpenSSH server for the fleet tests: its own host key, client key, authorized_keys and config in a temporary
# folder, UsePAM no, listening on 127.0.0.1 to 127.0.0.4 (four "hosts") on one free port, with PowerShell's SSH
# subsystem pointing at the real pwsh. Runs in the foreground (-D) as a child of this process; a watchdog kills it
# when this process dies or after -MaxSeconds.
Import-Module (Join-Path $PSScriptRoot 'Fleet.psm1')

function Start-FleetSshd {
    param([int] $Hosts = 4, [int] $MaxSeconds = 300)
    $root = Join-Path ([IO.Path]::GetTempPath()) "foc-sshd-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Force (Join-Path $root 'log') | Out-Null
    chmod 700 $root
    $hostKey = Join-Path $root 'ssh_host_ed25519_key'
    $clientKey = Join-Path $root 'id_ed25519'
    ssh-keygen -q -t ed25519 -N '' -C foc-fleet-host -f $hostKey | Out-Null
    ssh-keygen -q -t ed25519 -N '' -C foc-fleet-client -f $clientKey | Out-Null
    Copy-Item "$clientKey.pub" (Join-Path $root 'authorized_keys')
    chmod 600 (Join-Path $root 'authorized_keys')
    $port = (Get-FreeTcpPort)[0]
    $addresses = 1..$Hosts | ForEach-Object { "127.0.0.$_" }
    $pwsh = Get-RealPwsh
    @(
        $addresses | ForEach-Object { "ListenAddress ${_}:$port" }
        "HostKey $hostKey"
        "AuthorizedKeysFile $root/authorized_keys"
        "PidFile $root/sshd.pid"
        'UsePAM no'
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PermitRootLogin prohibit-password'
        'StrictModes no'
        'LogLevel VERBOSE'
        "Subsystem powershell $pwsh -sshs -NoLogo -NoProfile"
        'Subsystem sftp internal-sftp' # sshfs mounts (the shared-filesystem check's real case)
    ) | Set-Content (Join-Path $root 'sshd_config')
    # sshd insists on its privilege separation folder (Debian's service creates it at boot)
    if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory /run/sshd | Out-Null; chmod 755 /run/sshd }
    $sshd = Start-FleetDaemon $root 'sshd' '/usr/sbin/sshd' @('-D', '-e', '-f', (Join-Path $root 'sshd_config'))
    $watchdog = Start-FleetWatchdog @($sshd.Id) $MaxSeconds
    $s = [pscustomobject]@{ Root = $root; Port = $port; Hosts = $addresses; KeyFilePath = $clientKey; UserName = [Environment]::UserName
                            Process = $sshd; Watchdog = $watchdog; KnownHosts = (Join-Path $root 'known_hosts') }
    try {
        Wait-FleetCondition 20 {
            $ok = $true
            foreach ($a in $addresses) {
                $c = [Net.Sockets.TcpClient]::new()
                try { $c.Connect($a, $port) } catch { $ok = $false } finally { $c.Dispose() }
            }
            $ok
        } "sshd does not listen on $($addresses -join ', ') port $port (see $root/log/sshd.out)"
    } catch { Stop-FleetSshd $s; throw }
    return $s
}

function Stop-FleetSshd($Sshd) {
    if (-not $Sshd) { return }
    Stop-FleetProcesses @($Sshd.Process)
    Stop-FleetProcesses @($Sshd.Watchdog)
}

Export-ModuleMember -Function Start-FleetSshd, Stop-FleetSshd

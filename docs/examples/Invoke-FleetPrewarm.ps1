#Requires -Version 7.6
<#
.SYNOPSIS
    Fans one prewarm out to many machines over PowerShell remoting (SSH by default), one shard per machine, and
    returns each machine's summary (PSComputerName, Shard, Total, Downloaded, Cached, Failed, Bytes).
.DESCRIPTION
    Opens one session per host (New-PSSession -HostName: OpenSSH, Linux and Windows alike), tells session i that it is
    shard i of n, then runs Invoke-MediaDownload -Recurse -Shard on all of them with Invoke-Command -Session
    -ThrottleLimit (which the -HostName parameter sets of Invoke-Command do not have). Each machine fills its own
    local cache. -ComputerName uses WinRM instead (Windows domains).
.EXAMPLE
    ./Invoke-FleetPrewarm.ps1 -HostName gpu01, gpu02, gpu03, gpu04 -UserName media -Prefix s3://media/images/ -LogDir /var/log/prewarm
.EXAMPLE
    ./Invoke-FleetPrewarm.ps1 -ComputerName gpu01, gpu02 -Prefix s3://media/images/
#>
[CmdletBinding(DefaultParameterSetName = 'Ssh')]
param(
    # SSH hosts (user@host and host:port work too).
    [Parameter(Mandatory, ParameterSetName = 'Ssh')] [string[]] $HostName,
    [Parameter(ParameterSetName = 'Ssh')] [string] $UserName,
    [Parameter(ParameterSetName = 'Ssh')] [string] $KeyFilePath,
    [Parameter(ParameterSetName = 'Ssh')] [int] $Port,
    # ssh options, e.g. @{ StrictHostKeyChecking = 'accept-new' }.
    [Parameter(ParameterSetName = 'Ssh')] [hashtable] $SshOptions,
    # WinRM hosts.
    [Parameter(Mandatory, ParameterSetName = 'WinRM')] [string[]] $ComputerName,
    [Parameter(ParameterSetName = 'WinRM')] [pscredential] $Credential,
    [Parameter(Mandatory)] [string[]] $Prefix,
    # How many machines work at the same time.
    [int] $ThrottleLimit = 32,
    # Each machine appends its JSON-lines log here (a local folder on that machine): <LogDir>/prewarm-<host>.jsonl.
    [string] $LogDir,
    # Environment variables to set in every session first (store endpoints, FIFTYONE_MEDIA_CACHE_DIR, ...);
    # '{host}' in a value becomes the host's name.
    [hashtable] $Environment = @{},
    # Where the module lives on the machines when it is not installed there.
    [string] $ModulePath = 'FiftyOneCache'
)
$ErrorActionPreference = 'Stop'
$sessions = if ($PSCmdlet.ParameterSetName -eq 'Ssh') {
    $ssh = @{ HostName = $HostName }
    if ($UserName) { $ssh.UserName = $UserName }
    if ($KeyFilePath) { $ssh.KeyFilePath = $KeyFilePath }
    if ($Port) { $ssh.Port = $Port }
    if ($SshOptions) { $ssh.Options = $SshOptions }
    New-PSSession @ssh
} else {
    $winrm = @{ ComputerName = $ComputerName }
    if ($Credential) { $winrm.Credential = $Credential }
    New-PSSession @winrm
}
try {
    # session i is shard i of n (set one by one: the fan-out below runs one script block everywhere)
    $n = @($sessions).Count
    for ($i = 0; $i -lt $n; $i++) {
        $s = @($sessions)[$i]
        Invoke-Command -Session $s -ArgumentList $i, $n, $s.ComputerName, $Environment, $ModulePath -ScriptBlock {
            param($i, $n, $name, $environment, $modulePath)
            foreach ($k in $environment.Keys) { Set-Item "env:$k" ($environment[$k] -replace '\{host\}', $name) }
            Import-Module $modulePath
            $global:PrewarmShard = "$i/$n"
            $global:PrewarmHost = $name
        }
    }
    Invoke-Command -Session $sessions -ThrottleLimit $ThrottleLimit -ArgumentList (, $Prefix), $LogDir -ScriptBlock {
        param($prefix, $logDir)
        $p = @{ Recurse = $true; Summary = $true; Shard = $global:PrewarmShard }
        if ($logDir) { $p.LogPath = Join-Path $logDir "prewarm-$($global:PrewarmHost).jsonl" }
        $summary = $prefix | Invoke-MediaDownload @p -ErrorAction Continue
        $summary | Add-Member -PassThru NoteProperty Shard $global:PrewarmShard
    }
} finally {
    Remove-PSSession $sessions
}

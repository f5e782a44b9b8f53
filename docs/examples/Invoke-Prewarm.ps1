#Requires -Version 7.6
<#
.SYNOPSIS
    A scheduled prewarm: fills the cache from a list of paths (or prefixes), logs JSON lines, prints one summary
    object and exits non-zero when any item failed. Safe to run while other processes use the same cache.
.EXAMPLE
    pwsh -NoProfile -File Invoke-Prewarm.ps1 -ListPath /etc/prewarm/paths.txt -LogPath /var/log/prewarm.jsonl
.EXAMPLE
    pwsh -NoProfile -File Invoke-Prewarm.ps1 -Prefix s3://media/images/ -Shard 1/4
#>
[CmdletBinding()]
param(
    # A text file with one path or URL per line (blank lines and # comments are skipped).
    [string] $ListPath,
    # Prefixes to expand (s3://, gs://, MinIO) instead of, or besides, the list.
    [string[]] $Prefix = @(),
    # This machine's share in a fleet, i/n, or Auto to read it from the job engine (Slurm, Kubernetes, torchrun, MPI).
    [string] $Shard,
    [string] $LogPath,
    # Where the module lives when it is not installed (e.g. a build output folder).
    [string] $ModulePath = 'FiftyOneCache'
)
$ErrorActionPreference = 'Continue'
Import-Module $ModulePath -ErrorAction Stop

$paths = @()
if ($ListPath) { $paths += Get-Content $ListPath | Where-Object { $_.Trim() -and -not $_.TrimStart().StartsWith('#') } }
$common = @{ Summary = $true }
if ($Shard) { $common.Shard = $Shard }
if ($LogPath) { $common.LogPath = $LogPath }

$summaries = @()
if ($paths) { $summaries += $paths | Invoke-MediaDownload @common -ErrorVariable +failures }
if ($Prefix) { $summaries += $Prefix | Invoke-MediaDownload @common -Recurse -ErrorVariable +failures }

$total = [pscustomobject]@{
    Total      = ($summaries | Measure-Object Total -Sum).Sum
    Downloaded = ($summaries | Measure-Object Downloaded -Sum).Sum
    Cached     = ($summaries | Measure-Object Cached -Sum).Sum
    Failed     = ($summaries | Measure-Object Failed -Sum).Sum
    Bytes      = ($summaries | Measure-Object Bytes -Sum).Sum
    Errors     = @($failures).Count
}
$total
exit ([int](($total.Failed -gt 0) -or (@($failures).Count -gt 0)))

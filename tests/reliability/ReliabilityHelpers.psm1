# Shared by the reliability suites: child pwsh processes, source hashes, and the figures for REPORT.md.

function Start-PwshScript {
    # Starts a child pwsh running $Script with the given environment; returns the Process.
    param([string] $Script, [hashtable] $Environment = @{})
    $l = Get-PwshLaunch
    $psi = [Diagnostics.ProcessStartInfo]::new($l.File)
    foreach ($a in $l.Prefix + @('-NoProfile', '-NonInteractive', '-Command', $Script)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['FOC_MODULE_PATH'] = $env:FOC_MODULE_PATH
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [Diagnostics.Process]::new()
    $p.StartInfo = $psi
    $null = $p.Start()
    $p.BeginOutputReadLine(); $p.BeginErrorReadLine()
    return $p
}

function Get-Sha256Hex([string] $Path) { (Get-FileHash $Path -Algorithm SHA256).Hash }

function Write-ReliabilityFigure {
    # Appends one figure for tests/reliability/REPORT.md (build.ps1 leaves the JSON lines in out/).
    param([string] $Part, [hashtable] $Figures)
    $file = if ($env:FOC_RELIABILITY_LOG) { $env:FOC_RELIABILITY_LOG } else { Join-Path ([IO.Path]::GetTempPath()) 'foc-reliability.jsonl' }
    ([ordered]@{ part = $Part; time = (Get-Date).ToString('o') } + $Figures | ConvertTo-Json -Compress) | Add-Content $file
}

# The script a child process runs: prewarm the paths listed in a file, print a one-line summary.
$script:PrewarmScript = @'
$ErrorActionPreference = 'Continue'
Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
$s = Get-Content $env:FOC_LIST | Invoke-MediaDownload -Summary -ErrorAction SilentlyContinue
"SUMMARY $($s.Total) $($s.Downloaded) $($s.Cached) $($s.Failed)"
'@
function Get-PrewarmScript { $script:PrewarmScript }

Export-ModuleMember -Function Start-PwshScript, Get-Sha256Hex, Write-ReliabilityFigure, Get-PrewarmScript

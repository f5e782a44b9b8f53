param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $Filter
)
# Runs the Pester suites with the built module and writes the counts as JSON for build.ps1 to add up.
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:FOC_MODULE_PATH = $ModulePath
$config = New-PesterConfiguration
$config.Run.Path = @($PSScriptRoot, (Join-Path $PSScriptRoot '../reliability'))
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
if ($Filter) { $config.Filter.FullName = "*$Filter*" }
$r = Invoke-Pester -Configuration $config
# Each skipped test with its reason (Set-ItResult -Skipped -Because ..., or the -Skip condition's block).
$skipped = foreach ($t in $r.Skipped) {
    $reason = @($t.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join '; '
    if (-not $reason) { $reason = 'skipped by its -Skip condition (see the test file)' }
    [pscustomobject]@{ Name = $t.ExpandedPath; Reason = ($reason -replace '^.*?is skipped, because ', '') }
}
[pscustomobject]@{ Passed = $r.PassedCount; Failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount; Skipped = $r.SkippedCount; SkippedTests = @($skipped) } |
    ConvertTo-Json -Depth 4 | Set-Content $ResultPath

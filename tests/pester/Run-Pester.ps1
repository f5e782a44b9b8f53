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
[pscustomobject]@{ Passed = $r.PassedCount; Failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount; Skipped = $r.SkippedCount } |
    ConvertTo-Json | Set-Content $ResultPath

#Requires -Version 7.6
<#
.SYNOPSIS
    One entry point for FiftyOneCache: Bootstrap, Build, Docs, Test, Demo, Package, Bench.
.EXAMPLE
    dotnet tool restore; dotnet tool run pwsh -NoProfile -File ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Bootstrap', 'Build', 'Docs', 'Test', 'Demo', 'Package', 'Bench')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Bench only: small sizes, for a smoke run.
    [switch] $Quick,
    # Test only: a Pester/xunit filter for a partial run.
    [string] $Filter
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
$Out = Join-Path $PSScriptRoot 'out'
$ModuleDir = Join-Path $Out 'FiftyOneCache'
. (Join-Path $PSScriptRoot 'build/Common.ps1')

foreach ($t in $Task) {
    Write-Host "==> $t" -ForegroundColor Cyan
    & (Join-Path $PSScriptRoot "build/$t.ps1") -Configuration $Configuration -Quick:$Quick -Filter $Filter
    if ($LASTEXITCODE -and $LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

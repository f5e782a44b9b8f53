param([string] $Configuration, [switch] $Quick, [string] $Filter)
# What the test command needs besides the .NET SDK, checked before anything else runs. A missing package is
# installed with the system's package manager where there is one and we may use it (apt-get as root); otherwise the
# run stops at once with one line naming what is missing. Optional tools only cost the tests that need them, which
# are then skipped with the reason, and the closing lines of the run list them.
#   required: node and npm (the test servers: s3rver, Azurite, CongoDB, the HTTP, GCS and CVAT servers)
#   optional: python3 with boto3 and moto_server (the moto S3 tests; Debian has no moto package), sqlite3 (one layout test)
$ErrorActionPreference = 'Stop'
$script:aptUpdated = $false

function Install-DebianPackage([string[]] $Packages) {
    if (-not $IsLinux -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) { return $false }
    if ((& id -u) -ne '0') { return $false }
    if (-not $script:aptUpdated) {
        & apt-get update -qq 2>&1 | Out-Null
        $script:aptUpdated = $true
    }
    Write-Host "prerequisites: installing $($Packages -join ', ') with apt-get"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get install -y -qq --no-install-recommends @Packages 2>&1 | Out-Null
    return $LASTEXITCODE -eq 0
}

function Test-Tool([string] $Name) { [bool](Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue) }

$missing = @(@('node', 'nodejs'), @('npm', 'npm') | Where-Object { -not (Test-Tool $_[0]) })
if ($missing) {
    $null = Install-DebianPackage @($missing | ForEach-Object { $_[1] })
    $still = @($missing | Where-Object { -not (Test-Tool $_[0]) } | ForEach-Object { $_[0] })
    if ($still) {
        Write-Host "prerequisite missing: $($still -join ' and ') (Node.js 18 or later with npm) runs the test servers; install it (e.g. apt-get install nodejs npm) and run the test command again"
        exit 2
    }
}
if (-not (Test-Tool 'sqlite3')) { $null = Install-DebianPackage @('sqlite3') }
$optional = @()
if (-not (Test-Tool 'sqlite3')) { $optional += 'sqlite3 (one layout-migration test)' }
if (-not (Test-Tool 'moto_server')) { $optional += "moto_server (python3 with moto[server] and boto3: the moto S3 tests; no Debian package provides it)" }
if ($optional) { Write-Host "prerequisites: optional, missing (their tests are skipped with the reason): $($optional -join '; ')" }

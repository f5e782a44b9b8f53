param([string] $Configuration, [switch] $Quick, [string] $Filter)
# Everything a fresh machine needs, from the project's own files: pwsh (tool manifest), NuGet packages
# (including Pester via PackageDownload) and the npm test servers.
$global:LASTEXITCODE = 0
& (Join-Path $Root 'build/Prerequisites.ps1')
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Invoke-Native dotnet @('tool', 'restore')
Invoke-Native dotnet @('restore', (Join-Path $Root 'FiftyOneCache.sln'))
Invoke-Native bash @((Join-Path $Root 'tests/servers/setup.sh'))

param([string] $Configuration = 'Release', [switch] $Quick, [string] $Filter)
# Builds the module and packs it as a .nupkg (what Install-Module and Install-PSResource consume) into
# out/packages, by publishing to a local file-system repository.
& (Join-Path $Root 'build/Build.ps1') -Configuration $Configuration
$packages = Join-Path $Out 'packages'
New-Item -ItemType Directory -Force $packages | Out-Null
$manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'FiftyOneCache.psd1')
Remove-Item (Join-Path $packages "FiftyOneCache.$($manifest.ModuleVersion).nupkg") -ErrorAction SilentlyContinue
$repo = "FiftyOneCacheBuild-$PID"
Register-PSResourceRepository -Name $repo -Uri $packages -Trusted
try {
    Publish-PSResource -Path $ModuleDir -Repository $repo -SkipDependenciesCheck
} finally {
    Unregister-PSResourceRepository -Name $repo
}
Get-ChildItem $packages -Filter 'FiftyOneCache.*.nupkg' | ForEach-Object { Write-Host "Package: $($_.FullName) ($([math]::Round($_.Length / 1MB, 1)) MB)" }

param([string] $Configuration = 'Release', [switch] $Quick, [string] $Filter)
# Lays out out/FiftyOneCache: the cmdlet assembly, manifest, formats and help at the top; the engine and its
# SDKs under deps/, where only the module's own load context looks for them.
$publish = Join-Path $Out 'publish'
Remove-Item $publish -Recurse -Force -ErrorAction SilentlyContinue
Invoke-Native dotnet @('publish', (Join-Path $Root 'src/FiftyOneCache/FiftyOneCache.csproj'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')
Remove-Item $ModuleDir -Recurse -Force -ErrorAction SilentlyContinue
$deps = Join-Path $ModuleDir 'deps'
New-Item -ItemType Directory -Force $deps | Out-Null
Get-ChildItem $publish | Where-Object { $_.Name -notin @('FiftyOneCache.dll', 'FiftyOneCache.pdb', 'FiftyOneCache.deps.json') } |
    Move-Item -Destination $deps
Copy-Item (Join-Path $publish 'FiftyOneCache.dll') $ModuleDir
Copy-Item (Join-Path $Root 'FiftyOneCache.psd1') $ModuleDir
Copy-Item (Join-Path $Root 'src/FiftyOneCache/FiftyOneCache.format.ps1xml') $ModuleDir
Copy-Item (Join-Path $Root 'src/FiftyOneCache/FiftyOneCache.types.ps1xml') $ModuleDir
Remove-Item $publish -Recurse -Force
& (Join-Path $Root 'build/ReadyToRun.ps1') -ModuleDir $ModuleDir
if (Test-Path (Join-Path $Root 'build/Docs.ps1')) { & (Join-Path $Root 'build/Docs.ps1') -Configuration $Configuration }
Write-Host "Module built: $ModuleDir"

param([string] $Configuration = 'Release', [switch] $Quick, [string] $Filter)
# The main job on an embedded default: a local HTTP server with generated images, prewarmed into a temporary
# cache, then local paths, statistics, LRU eviction and a partial clear, exactly as a user would run them
# (build/DemoSteps.ps1). The build is quiet: its output goes to a log that is shown only when it fails.
$log = Join-Path $Out 'demo-build.log'
New-Item -ItemType Directory -Force $Out | Out-Null
Write-Host "Building (log: $log) ..."
try {
    & {
        & (Join-Path $Root 'build/Bootstrap.ps1')
        & (Join-Path $Root 'build/Build.ps1') -Configuration $Configuration
    } *> $log
} catch {
    Get-Content $log | Write-Host
    throw
}
$servers = Start-TestServers -Only http
$work = Join-Path ([IO.Path]::GetTempPath()) "fiftyonecache-demo-$PID"
try {
    Invoke-Pwsh -NoProfile -File (Join-Path $Root 'build/DemoSteps.ps1') -HttpUrl $servers.Info.http.url -HttpRoot $servers.Info.http.root `
        -WorkDir $work -ModulePath (Join-Path $ModuleDir 'FiftyOneCache.psd1')
    if ($LASTEXITCODE -ne 0) { throw "the demo failed (exit code $LASTEXITCODE)" }
} finally {
    Stop-TestServers $servers
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

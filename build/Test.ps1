param([string] $Configuration = 'Release', [switch] $Quick, [string] $Filter)
# Runs every suite against real local servers and ends with one line: "N passed, N failed, N skipped".
& (Join-Path $Root 'build/Bootstrap.ps1')
& (Join-Path $Root 'build/Build.ps1') -Configuration $Configuration
$results = Join-Path $Out 'test-results'
Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force $results | Out-Null
$totals = [ordered]@{ passed = 0; failed = 0; skipped = 0 }
$skippedTests = [Collections.Generic.List[string]]::new()
$servers = Start-TestServers
$env:FOC_RELIABILITY_LOG = Join-Path $results 'reliability.jsonl'
try {
    # xunit: the engine, unit and integration
    $trx = Join-Path $results 'xunit.trx'
    $args = @('test', (Join-Path $Root 'tests/FiftyOneCache.Tests/FiftyOneCache.Tests.csproj'), '-c', $Configuration, '--nologo',
              '--logger', "trx;LogFileName=$trx", '--logger', 'console;verbosity=minimal')
    if ($Filter) { $args += @('--filter', $Filter) }
    & dotnet @args
    if (Test-Path $trx) {
        $c = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
        $totals.passed += [int]$c.passed
        $totals.failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $totals.skipped += [int]$c.notExecuted
        $trxXml = [xml](Get-Content $trx -Raw)
        $unitResults = if ($trxXml.TestRun.PSObject.Properties['Results']) { @($trxXml.TestRun.Results.UnitTestResult) } else { @() }
        foreach ($u in @($unitResults | Where-Object { $_ -and $_.outcome -eq 'NotExecuted' })) {
            $why = try { "$($u.Output.ErrorInfo.Message)".Trim() } catch { '' }
            $skippedTests.Add("xunit: $($u.testName) - $(if ($why) { $why } else { 'skipped' })")
        }
        Write-Host "xunit: $($c.passed) passed, $([int]$c.failed + [int]$c.error) failed, $($c.notExecuted) skipped"
    } else {
        Write-Host 'xunit: no results file (build or run failure)'
        $totals.failed += 1
    }

    # Pester: the cmdlets, in a child pwsh so that the module loads as a user would load it
    $pesterOut = Join-Path $results 'pester.json'
    $runner = Join-Path $Root 'tests/pester/Run-Pester.ps1'
    Invoke-Pwsh -NoProfile -NonInteractive -File $runner -PesterPath (Get-PesterModulePath) -ModulePath $ModuleDir -ResultPath $pesterOut -Filter $Filter
    if (Test-Path $pesterOut) {
        $p = Get-Content $pesterOut -Raw | ConvertFrom-Json
        $totals.passed += $p.Passed; $totals.failed += $p.Failed; $totals.skipped += $p.Skipped
        foreach ($t in @($p.SkippedTests)) { if ($t) { $skippedTests.Add("pester: $($t.Name) - $($t.Reason)") } }
        Write-Host "pester: $($p.Passed) passed, $($p.Failed) failed, $($p.Skipped) skipped"
    } else {
        Write-Host 'pester: no results (runner failed)'
        $totals.failed += 1
    }
} finally {
    Stop-TestServers $servers
}
if (Test-Path $env:FOC_RELIABILITY_LOG) {
    & (Join-Path $Root 'tests/reliability/New-Report.ps1') -LogPath $env:FOC_RELIABILITY_LOG -OutPath (Join-Path $results 'REPORT.md')
    # A whole run (no -Filter) refreshes the report kept in the repository: every figure is this run's.
    if (-not $Filter) { Copy-Item (Join-Path $results 'REPORT.md') (Join-Path $Root 'tests/reliability/REPORT.md') -Force }
    Write-Host "reliability report: $(Join-Path $results 'REPORT.md')"
}
if ($skippedTests.Count) {
    Write-Host "skipped tests ($($skippedTests.Count)), each with its reason:"
    foreach ($s in $skippedTests) { Write-Host "  $s" }
}
Write-Host "$($totals.passed) passed, $($totals.failed) failed, $($totals.skipped) skipped"
exit ([int]($totals.failed -gt 0))

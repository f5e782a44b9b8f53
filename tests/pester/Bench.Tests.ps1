# The benchmark's smoke run: build.ps1 -Task Bench -Quick on tiny sizes into a temporary directory, with the
# module under test. No timing is asserted; the run must finish and write its three result files. Peers that are
# not installed are reported as unavailable (nothing is installed from here: -NoInstall).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:outDir = Join-Path ([IO.Path]::GetTempPath()) "foc-bench-test-$([guid]::NewGuid().ToString('N'))"

    # Runs Bench.ps1 in a child pwsh with a time limit; returns its exit code and output.
    function Invoke-QuickBench([string] $OutputDir, [string[]] $Extra = @()) {
        $l = Get-PwshLaunch
        $psi = [Diagnostics.ProcessStartInfo]::new($l.File)
        $arguments = @($l.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'build/Bench.ps1'),
            '-Quick', '-NoInstall', '-ModulePath', $env:FOC_MODULE_PATH, '-OutputDir', $OutputDir) + $Extra
        foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(240000)) { $p.Kill($true); throw 'the quick benchmark did not finish within 4 minutes' }
        $p.WaitForExit()
        return [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout.Result + $stderr.Result }
    }
}

AfterAll {
    Remove-Item $outDir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Benchmark smoke run (build.ps1 -Task Bench -Quick)' {
    It 'runs every scenario and writes results.md, results.json and results.svg' {
        $r = Invoke-QuickBench $outDir
        $r.ExitCode | Should -Be 0 -Because $r.Output
        foreach ($f in 'results.md', 'results.json', 'results.svg') { Join-Path $outDir $f | Should -Exist }

        $json = Get-Content (Join-Path $outDir 'results.json') -Raw | ConvertFrom-Json
        $json.meta.quick | Should -BeTrue
        $json.meta.machine.nproc | Should -BeGreaterThan 0
        # FiftyOneCache's side ran in every scenario, whatever peers this machine has
        @($json.measurements.scenario1.foc_s3).Count | Should -Be 1
        @($json.measurements.scenario1.foc_http).Count | Should -Be 1
        @($json.measurements.scenario2.foc).Count | Should -Be 1
        @($json.measurements.scenario3.cmdlet_warm).Count | Should -Be 1
        @($json.measurements.scenario4.cmdlet_first_ms).Count | Should -Be 1
        @($json.measurements.scenario5.foc).Count | Should -Be 1
        @($json.measurements.scenario6.import_ms).Count | Should -BeGreaterThan 0

        $md = Get-Content (Join-Path $outDir 'results.md') -Raw
        $md | Should -Match '\| Scenario \| Measure \| FiftyOneCache \|'
        $md | Should -Match 'cores'
        ([xml](Get-Content (Join-Path $outDir 'results.svg') -Raw)).svg.rect.Count | Should -BeGreaterThan 5
    }
}

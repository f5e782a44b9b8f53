# Helpers shared by the build tasks.
function Invoke-Native {
    param([string] $File, [string[]] $Arguments, [string] $WorkingDirectory = $Root)
    Push-Location $WorkingDirectory
    try {
        & $File @Arguments
        if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
    } finally { Pop-Location }
}

function Get-NuGetPackageRoot {
    $line = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    return $line.Trim()
}

function Get-PesterModulePath {
    $root = Get-NuGetPackageRoot
    $manifest = Get-ChildItem (Join-Path $root 'pester') -Recurse -Filter Pester.psd1 -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match '5\.7\.1' } | Select-Object -First 1
    if (-not $manifest) { throw "Pester 5.7.1 not found under $root; run build.ps1 -Task Bootstrap (dotnet restore fetches it)" }
    return $manifest.FullName
}

function Start-TestServers {
    param([string] $Only)
    Invoke-Native bash @((Join-Path $Root 'tests/servers/setup.sh')) | Out-Host # shown, not returned with the servers object
    $file = Join-Path ([IO.Path]::GetTempPath()) "foc-servers-$PID-$([guid]::NewGuid().ToString('N')).json"
    $psi = [Diagnostics.ProcessStartInfo]::new('node')
    $psi.ArgumentList.Add((Join-Path $Root 'tests/servers/harness.js'))
    foreach ($a in @('--out', $file, '--parent-pid', "$PID")) { $psi.ArgumentList.Add($a) }
    if ($Only) { $psi.ArgumentList.Add('--only'); $psi.ArgumentList.Add($Only) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $proc = [Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddMinutes(3)
    while ($true) {
        $line = $proc.StandardOutput.ReadLine()
        if ($null -eq $line) { throw 'the test server harness exited before it was ready' }
        if ($line.StartsWith('READY')) { break }
        if ([DateTime]::UtcNow -gt $deadline) { $proc.Kill($true); throw 'test servers did not start within 3 minutes' }
    }
    $env:FOC_TEST_SERVERS = $file
    return [pscustomobject]@{ Process = $proc; File = $file; Info = (Get-Content $file -Raw | ConvertFrom-Json) }
}

function Stop-TestServers {
    param($Servers)
    if (-not $Servers) { return }
    try { $Servers.Process.StandardInput.Close() } catch { }
    if (-not $Servers.Process.WaitForExit(10000)) { $Servers.Process.Kill($true) }
    Remove-Item $Servers.File -ErrorAction SilentlyContinue
    Remove-Item Env:FOC_TEST_SERVERS -ErrorAction SilentlyContinue
}

. (Join-Path $PSScriptRoot 'PwshLaunch.ps1')

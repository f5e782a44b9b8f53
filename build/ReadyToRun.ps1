param([Parameter(Mandatory)] [string] $ModuleDir)
# Precompiles the assemblies every download runs through (the cmdlets, the engine, Polly, the SQLite index, the AWS SDK that lists
# and presigns) to native code with the runtime's own ReadyToRun compiler, crossgen2.
#
# Why: a module's code starts as the JIT's unoptimised tier 0 and waits for the tiering delay before it is
# recompiled, a delay that PowerShell's own start-up keeps extending. Measured with DOTNET_JitDisasmSummary, a
# 4,000-object prefetch ran every one of its engine methods at tier 0 to the end. ReadyToRun code is optimised from
# the first call (hot methods still move on to tier 1 later), and the JIT no longer compiles ~1,900 engine and SDK
# methods at start-up. bench/cheap.md measures the difference (the -CheapBaseline run of an IL-only build).
#
# Why by hand: the SDK's PublishReadyToRun needs a runtime identifier, and publishing for one would also drop the
# other platforms' native SQLite libraries from deps/. A ReadyToRun image keeps its IL: on any other OS or CPU the
# runtime ignores the native code and JITs the IL as before, so the module stays one folder for every platform.
# Only a linux-x64 build host compiles (the compiler package is that platform's); elsewhere this says so and
# leaves the IL-only assemblies.
$ErrorActionPreference = 'Stop'
# Paths relative to the module folder: the cmdlets (module root, compiled against the running PowerShell's own
# assemblies, as every ReadyToRun library is against the versions of its references it was built with) and deps/.
$assemblies = @('FiftyOneCache', 'deps/FiftyOneCache.Engine', 'deps/Polly.Core', 'deps/Microsoft.Data.Sqlite', 'deps/SQLitePCLRaw.core',
    'deps/AWSSDK.Core', 'deps/AWSSDK.S3')
if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
    Write-Host 'ReadyToRun: skipped (the compiler package is for linux-x64 build hosts); the module keeps IL-only assemblies'
    return
}
$runtimeVersion = [Environment]::Version.ToString(3)
$frameworkDir = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
$packages = Get-NuGetPackageRoot # build/Common.ps1
$crossgen = Join-Path $packages "microsoft.netcore.app.crossgen2.linux-x64/$runtimeVersion/tools/crossgen2"
if (-not (Test-Path $crossgen)) {
    # Restored by src/FiftyOneCache/FiftyOneCache.csproj (PackageDownload) for the SDK's bundled runtime.
    $found = Get-ChildItem (Join-Path $packages 'microsoft.netcore.app.crossgen2.linux-x64') -Directory -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -like "$($runtimeVersion.Split('.')[0]).*" } | Sort-Object { [version]$_.Name } | Select-Object -Last 1
    if (-not $found) { throw "ReadyToRun: crossgen2 $runtimeVersion not found under $packages (dotnet restore downloads it)" }
    $crossgen = Join-Path $found.FullName 'tools/crossgen2'
}
if (-not ([IO.File]::GetUnixFileMode($crossgen) -band [IO.UnixFileMode]::UserExecute)) { & chmod u+x $crossgen }
$deps = Join-Path $ModuleDir 'deps'
$automation = [psobject].Assembly.Location # System.Management.Automation, which the cmdlets reference
$work = Join-Path $ModuleDir '.r2r'
New-Item -ItemType Directory -Force $work | Out-Null
try {
    foreach ($name in $assemblies) {
        $il = Join-Path $ModuleDir "$name.dll"
        $leaf = Split-Path $name -Leaf
        $native = Join-Path $work "$leaf.dll"
        # A response file: PowerShell would expand the reference wildcards itself on Unix, into extra inputs.
        $rsp = Join-Path $work "$leaf.rsp"
        Set-Content $rsp -Value @($il, '-o', $native, '--targetos', 'linux', '--targetarch', 'x64', '-O',
            '-r', (Join-Path $frameworkDir '*.dll'), '-r', (Join-Path $deps '*.dll'), '-r', $automation)
        $log = & $crossgen "@$rsp" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ReadyToRun: crossgen2 failed for $leaf ($LASTEXITCODE): $($log -join ' | ')" }
        Move-Item $native $il -Force
    }
}
finally { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
Write-Host "ReadyToRun: $($assemblies.Count) assemblies precompiled for linux-x64 against .NET $runtimeVersion"

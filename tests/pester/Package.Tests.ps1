# A user's first hour: publish to a local repository, install with both PowerShellGet and PSResourceGet into
# an empty module path, import by name, run every cmdlet, uninstall. Also dependency isolation.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "foc-pkg-$([guid]::NewGuid().ToString('N'))"
    $script:repo = Join-Path $work 'repo'
    New-Item -ItemType Directory -Force $repo | Out-Null
    $name = "FocTest$PID"
    Register-PSResourceRepository -Name $name -Uri $repo -Trusted
    try { Publish-PSResource -Path $env:FOC_MODULE_PATH -Repository $name -SkipDependenciesCheck }
    finally { Unregister-PSResourceRepository -Name $name }
    $script:url = New-HttpTestFile "pkg/$PID/a.bin" 5000

    # Runs a script in a fresh pwsh whose only user module path is $ModuleRoot; returns its output lines.
    function Invoke-Fresh([string] $ModuleRoot, [string] $Script) {
        $cache = Join-Path $work "cache-$([guid]::NewGuid().ToString('N'))"
        $env:FOC_T_REPO = $repo; $env:FOC_T_URL = $url; $env:FOC_T_MODROOT = $ModuleRoot
        $env:FIFTYONE_MEDIA_CACHE_DIR = $cache
        $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $cache 'cfg.json'
        $oldPath = $env:PSModulePath
        $env:PSModulePath = "$ModuleRoot$([IO.Path]::PathSeparator)$([IO.Path]::Combine($PSHOME, 'Modules'))"
        try { $out = Invoke-Pwsh -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" } }
        finally { $env:PSModulePath = $oldPath }
        return $out
    }
    $script:useEveryCmdlet = @'
$ErrorActionPreference = 'Stop'
Import-Module FiftyOneCache
$m = Get-Module FiftyOneCache
"MODULE $($m.Version) $($m.ModuleBase)"
$r = Invoke-MediaDownload $env:FOC_T_URL
"DOWNLOAD $($r.Status)"
"LOCAL $(Test-Path (Get-MediaLocalPath $env:FOC_T_URL))"
"STATS $((Get-MediaCacheStats).CurrentCount)"
"ENTRY $(@(Get-MediaCacheEntry).Count)"
"HEALTHY $((Test-MediaCache).Healthy)"
Set-MediaCacheConfig -NumWorkers 3
"CONFIG $((Get-MediaCacheConfig).NumWorkers)"
Clear-MediaCache -Confirm:$false
"CLEARED $((Get-MediaCacheStats).CurrentCount)"
"HELP $((Get-Help Invoke-MediaDownload).Synopsis)"
'@
}

AfterAll {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Packaging' {
    It 'produces a package with a complete manifest' {
        $pkg = Get-ChildItem $repo -Filter 'FiftyOneCache.*.nupkg'
        $pkg | Should -HaveCount 1
        $m = Import-PowerShellDataFile (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
        $m.CompatiblePSEditions | Should -Be @('Core')
        $m.PowerShellVersion | Should -Be '7.6'
        $m.CmdletsToExport | Should -Not -Contain '*'
        $m.CmdletsToExport | Should -Contain 'Invoke-MediaDownload'
        $m.PrivateData.PSData.Tags | Should -Contain 'FiftyOne'
        $m.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $m.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'installs with Install-Module (PowerShellGet), imports by name and runs every cmdlet' {
        $root = Join-Path $work 'psget'
        New-Item -ItemType Directory -Force $root | Out-Null
        $out = Invoke-Fresh $root @'
Register-PSRepository -Name FocT -SourceLocation $env:FOC_T_REPO -InstallationPolicy Trusted
Save-Module FiftyOneCache -Repository FocT -Path $env:FOC_T_MODROOT
Unregister-PSRepository -Name FocT
'@
        (Get-ChildItem $root).Name | Should -Contain 'FiftyOneCache'
        $out = Invoke-Fresh $root $useEveryCmdlet
        $out | Should -Contain 'DOWNLOAD Downloaded'
        $out | Should -Contain 'LOCAL True'
        $out | Should -Contain 'STATS 1'
        $out | Should -Contain 'HEALTHY True'
        $out | Should -Contain 'CONFIG 3'
        $out | Should -Contain 'CLEARED 0'
        ($out | Where-Object { $_ -like 'MODULE *' }) | Should -BeLike "*$root*"
        ($out | Where-Object { $_ -like 'HELP *' }) | Should -Be 'HELP Downloads media into the cache with the full worker pool.'
    }

    It 'installs with Install-PSResource (PSResourceGet) and uninstalls leaving nothing behind' {
        $root = Join-Path $work 'psres'
        New-Item -ItemType Directory -Force $root | Out-Null
        $null = Invoke-Fresh $root @'
Register-PSResourceRepository -Name FocT -Uri $env:FOC_T_REPO -Trusted
Save-PSResource -Name FiftyOneCache -Repository FocT -Path $env:FOC_T_MODROOT -TrustRepository
Unregister-PSResourceRepository -Name FocT
'@
        $out = Invoke-Fresh $root $useEveryCmdlet
        $out | Should -Contain 'DOWNLOAD Downloaded'
        $out | Should -Contain 'CLEARED 0'
        $null = Invoke-Fresh $root 'Uninstall-PSResource -Name FiftyOneCache -Path $env:FOC_T_MODROOT -ErrorAction SilentlyContinue; Remove-Item (Join-Path $env:FOC_T_MODROOT FiftyOneCache) -Recurse -Force -ErrorAction SilentlyContinue'
        Get-ChildItem $root -Recurse -File | Should -BeNullOrEmpty
    }
}

Describe 'Dependency isolation' {
    It 'imports and works in a session that already loaded other versions of AWSSDK.Core, MongoDB.Bson and Google.Apis.Core' {
        $nuget = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
        $others = @(
            (Join-Path $nuget.Trim() 'awssdk.core/3.7.402/lib/netstandard2.0/AWSSDK.Core.dll'),
            (Join-Path $nuget.Trim() 'mongodb.bson/2.30.0/lib/netstandard2.1/MongoDB.Bson.dll'),
            (Join-Path $nuget.Trim() 'google.apis.core/1.68.0/lib/netstandard2.0/Google.Apis.Core.dll')
        )
        foreach ($o in $others) { $o | Should -Exist }
        $env:FOC_T_OTHERS = $others -join [IO.Path]::PathSeparator
        $cache = Join-Path $work 'iso'
        $env:FIFTYONE_MEDIA_CACHE_DIR = $cache
        $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $cache 'cfg.json'
        $env:FOC_T_URL = $url
        $out = Invoke-Pwsh -NoProfile -NonInteractive -Command @'
$ErrorActionPreference = 'Stop'
foreach ($p in $env:FOC_T_OTHERS -split [IO.Path]::PathSeparator) { Add-Type -Path $p }
Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
"LOADED " + (([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'AWSSDK.Core','MongoDB.Bson','Google.Apis.Core' } | ForEach-Object { $_.GetName().Name + '=' + $_.GetName().Version }) | Sort-Object) -join ','
(Invoke-MediaDownload $env:FOC_T_URL).Status
(Get-MediaLocalPath s3://bucket/key.jpg -NoDownload)
(Get-MediaLocalPath gs://bucket/key.jpg -NoDownload)
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'FiftyOneCache.Engine' }
"ENGINE CONTEXT " + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name
'@ 2>&1 | ForEach-Object { "$_" }
        $out | Should -Contain 'Downloaded'
        $loaded = $out | Where-Object { $_ -like 'LOADED *' }
        $loaded | Should -Match 'AWSSDK.Core=3\.3\.0\.0'
        $out | Should -Contain 'ENGINE CONTEXT FiftyOneCache'
        ($out | Where-Object { $_ -like '*/media/s3/bucket/key.jpg' }) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Precompiled code' {
    It 'ships the engine and the SDKs a download runs through as ReadyToRun images, and a download runs them unjitted' {
        if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
            Set-ItResult -Skipped -Because 'build/ReadyToRun.ps1 precompiles on linux-x64 build hosts only'
            return
        }
        foreach ($name in 'FiftyOneCache', 'deps/FiftyOneCache.Engine', 'deps/Polly.Core', 'deps/Microsoft.Data.Sqlite', 'deps/SQLitePCLRaw.core',
                          'deps/AWSSDK.Core', 'deps/AWSSDK.S3') {
            $stream = [IO.File]::OpenRead((Join-Path $env:FOC_MODULE_PATH "$name.dll"))
            try { $native = [Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size }
            finally { $stream.Dispose() }
            $native | Should -BeGreaterThan 0 -Because "$name.dll should carry ReadyToRun code"
        }
        # A fresh process lists what the JIT compiles: the item's and the downloader's own methods must not be among
        # them (an image the runtime rejected, or IL only, puts every one of them there at tier 0).
        $cache = Join-Path $work 'r2r'
        $env:FIFTYONE_MEDIA_CACHE_DIR = $cache
        $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $cache 'cfg.json'
        $env:FOC_T_URL = $url
        $env:DOTNET_JitDisasmSummary = '1'
        try {
            $out = Invoke-Pwsh -NoProfile -NonInteractive -Command @'
Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
"STATUS " + (Invoke-MediaDownload $env:FOC_T_URL).Status
'@ 2>&1 | ForEach-Object { "$_" }
        }
        finally { Remove-Item Env:DOTNET_JitDisasmSummary }
        ($out -join "`n") | Should -Match 'STATUS Downloaded' # the JIT's lines and the script's share stdout, unbroken or not
        @($out | Where-Object { $_ -match 'JIT compiled ' }).Count | Should -BeGreaterThan 100 -Because 'the JIT lists what it compiles'
        $jitted = @($out | Where-Object { $_ -match 'JIT compiled FiftyOneCache\.(Engine\.Cache\.(CacheItem|Downloader)|Cmdlets\.InvokeMediaDownloadCommand)\b' })
        $jitted | Should -BeNullOrEmpty -Because 'the engine is precompiled'
    }
}

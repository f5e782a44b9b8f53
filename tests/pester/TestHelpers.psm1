# Shared by the Pester suites: the built module, the harness's servers, and a fresh cache per test.
function Import-FiftyOneCache {
    Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') -Force -Global -ErrorAction Stop
}

function Get-TestServers {
    if (-not $env:FOC_TEST_SERVERS) { throw 'FOC_TEST_SERVERS is not set: run the tests through build.ps1 -Task Test' }
    return Get-Content $env:FOC_TEST_SERVERS -Raw | ConvertFrom-Json
}

function New-TestCache {
    # A private cache and config file, so tests never touch the user's ~/fiftyone
    $dir = Join-Path ([IO.Path]::GetTempPath()) "foc-pester-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $dir | Out-Null
    $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $dir 'media_cache_config.json'
    $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $dir 'cache'
    Remove-Item Env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES, Env:FIFTYONE_MEDIA_CACHE_NUM_WORKERS -ErrorAction SilentlyContinue
    return $dir
}

function New-HttpTestFile {
    # Writes a file of random bytes under the HTTP server's root and returns its URL.
    param([string] $RelativePath, [int] $Size = 10000)
    $s = Get-TestServers
    $full = Join-Path $s.http.root $RelativePath
    New-Item -ItemType Directory -Force (Split-Path $full) | Out-Null
    $bytes = [byte[]]::new($Size)
    [Random]::Shared.NextBytes($bytes)
    [IO.File]::WriteAllBytes($full, $bytes)
    return "$($s.http.url)/$($RelativePath -replace '\\','/')"
}

# pwsh from the tool manifest runs as 'dotnet pwsh.dll'; child processes must be started the same way.
# Returns @{ File; Prefix } for ProcessStartInfo/Start-Process: File, then Prefix + your arguments.
function Get-PwshLaunch {
    $exe = [Environment]::ProcessPath
    if ((Split-Path $exe -Leaf) -match '^dotnet(\.exe)?$') { return @{ File = $exe; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) } }
    return @{ File = $exe; Prefix = @() }
}

function Invoke-Pwsh {
    $l = Get-PwshLaunch
    & $l.File @($l.Prefix + $args)
}

Export-ModuleMember -Function Import-FiftyOneCache, Get-TestServers, New-TestCache, New-HttpTestFile, Get-PwshLaunch, Invoke-Pwsh

# FiftyOne's cache layout: files under media/<store>/<bucket>/<key>, and a cache of the previous layout moved in
# place by the first process of this version that opens it, while a second one waits.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../reliability/ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = "layout-" + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:urls = foreach ($i in 0..39) { New-HttpTestFile "$run/d$($i % 4)/o$i.bin" (1000 + $i) }
    function Get-Requests {
        $s = Invoke-RestMethod "$($servers.http.url)/__stats"
        $n = 0; foreach ($p in $s.requests.PSObject.Properties) { if ($p.Name -like "/$run/*") { $n += [int]$p.Value } }
        return $n
    }
    function Start-Child([string] $Script, [hashtable] $Environment) {
        Start-PwshScript $Script ($Environment + @{
            FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH })
    }
}

Describe 'Cache layout' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'puts s3:// and http:// objects where FiftyOne puts them, under media/' {
        $u = $urls[0]
        $hostPart = ([uri]$u).Host + '_' + ([uri]$u).Port
        Get-MediaLocalPath $u | Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/http/$hostPart/$run/d0/o0.bin")
        Get-MediaLocalPath 's3://voxel51-test/images/000001.jpg' -NoDownload |
            Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR 'media/s3/voxel51-test/images/000001.jpg')
    }

    It 'moves a cache of the previous layout in place, once, with nothing downloaded again, while a second process waits' {
        if (-not (Get-Command sqlite3 -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'sqlite3 is needed to write the previous layout'; return }
        $cache = $env:FIFTYONE_MEDIA_CACHE_DIR
        $list = Join-Path $dir 'urls.txt'
        Set-Content $list $urls
        # The previous version's cache: filled by a child process, then rewritten to the old shape (stores at the top,
        # index rows without media/, no layout version).
        $fill = Start-Child 'Import-Module (Join-Path $env:FOC_MODULE_PATH "FiftyOneCache.psd1"); $null = Get-Content $env:FOC_LIST | Invoke-MediaDownload' @{ FOC_LIST = $list }
        $fill.WaitForExit(120000) | Should -BeTrue
        $fill.ExitCode | Should -Be 0
        Move-Item (Join-Path $cache 'media/http') (Join-Path $cache 'http')
        Remove-Item (Join-Path $cache 'media')
        sqlite3 (Join-Path $cache '.fiftyonecache/index.db') "UPDATE entries SET path = substr(path, 7) WHERE path LIKE 'media/%'; DELETE FROM meta WHERE key IN ('layout', 'layout_migration');"
        $LASTEXITCODE | Should -Be 0
        $requests = Get-Requests

        $child = @'
Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
$verbose = [System.Collections.Generic.List[string]]::new()
$paths = Get-Content $env:FOC_LIST | Get-MediaLocalPath -Verbose 4>&1 | ForEach-Object {
    if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $_ } }
[pscustomobject]@{ Paths = @($paths); Moved = @($verbose | Where-Object { $_ -like '*Moved the cache*' }).Count } |
    ConvertTo-Json -Depth 3 | Set-Content $env:FOC_OUT
'@
        $outs = 1, 2 | ForEach-Object { Join-Path $dir "out$_.json" }
        $procs = foreach ($o in $outs) { Start-Child $child @{ FOC_LIST = $list; FOC_OUT = $o } }
        foreach ($p in $procs) { $p.WaitForExit(120000) | Should -BeTrue -Because 'neither process may hang' }
        $results = $outs | ForEach-Object { Get-Content $_ -Raw | ConvertFrom-Json }
        ($results | Measure-Object Moved -Sum).Sum | Should -Be 1 -Because 'one process moves the cache; the other finds it moved'
        foreach ($r in $results) {
            $r.Paths | Should -HaveCount 40
            $r.Paths | ForEach-Object { $_ | Should -BeLike (Join-Path $cache 'media/http/*'); $_ | Should -Exist }
        }
        Get-Requests | Should -Be $requests -Because 'nothing is downloaded again'
        Join-Path $cache 'http' | Should -Not -Exist
        $t = Test-MediaCache
        $t.Healthy | Should -BeTrue
        $t.IndexedEntries | Should -Be 40
    }
}

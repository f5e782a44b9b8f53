# Part 5 and 6: hostile paths and settings, file modes, and credentials that must never be printed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:hostPort = ([uri]$servers.http.url).Authority
    $script:corpus = Get-Content (Join-Path $PSScriptRoot 'corpus/paths.json') -Raw | ConvertFrom-Json | ForEach-Object { $_ -replace 'HOST', $hostPort }
    $script:configs = Get-Content (Join-Path $PSScriptRoot 'corpus/configs.json') -Raw | ConvertFrom-Json
    function Get-Tree([string] $Root) { Get-ChildItem $Root -Recurse -Force -File -ErrorAction SilentlyContinue | ForEach-Object { "$($_.FullName)|$($_.Length)|$($_.LastWriteTimeUtc.Ticks)" } }
}

Describe 'Hostile input' {
    It 'maps every corpus path safely or refuses it clearly, writing nothing outside the cache' {
        $sandbox = Join-Path ([IO.Path]::GetTempPath()) "foc-hostile-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory -Force (Join-Path $sandbox 'outside') | Out-Null
        Set-Content (Join-Path $sandbox 'outside/keep.txt') 'x'
        $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $sandbox 'cache'
        $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $sandbox 'cfg.json'
        $env:AWS_ENDPOINT_URL = $servers.s3.endpoint; $env:AWS_ACCESS_KEY_ID = 'S3RVER'; $env:AWS_SECRET_ACCESS_KEY = 'S3RVER'
        # A few hostile keys that really exist, so that their safe mapping is exercised end to end.
        $http = [Net.Http.HttpClient]::new()
        foreach ($k in 'CON', 'nul.txt', 'caf%C3%A9.jpg', 'cafe%CC%81.jpg', ('x' * 200 + '.jpg')) {
            try { $null = $http.PutAsync("$($servers.s3.endpoint)/media/$k", [Net.Http.StringContent]::new("key $k")).GetAwaiter().GetResult() }
            catch { Write-Warning "s3rver did not store key '$k': $_" }
        }
        $before = Get-Tree $sandbox | Where-Object { $_ -notlike "$($env:FIFTYONE_MEDIA_CACHE_DIR)*" }
        $tmpBefore = Get-ChildItem ([IO.Path]::GetTempPath()) -Force | Where-Object Name -in 'pwned', 'escape', 'b'
        $refused = 0; $mapped = 0; $local = 0; $bad = @()
        try {
            foreach ($p in $corpus) {
                $r = Invoke-MediaDownload -Path $p -ErrorVariable errs -ErrorAction SilentlyContinue 2>$null
                if ($errs.Count -gt 0) {
                    $refused++
                    if (-not $errs[0].FullyQualifiedErrorId -or -not $errs[0].Exception.Message) { $bad += "no clear error: $p" }
                    if ("$($errs[0])" -match 'CANARY') { $bad += "secret printed: $p" }
                } elseif ($r.Status -eq 'Local') { $local++ }
                else {
                    $mapped++
                    if (-not $r.LocalPath.StartsWith($env:FIFTYONE_MEDIA_CACHE_DIR + [IO.Path]::DirectorySeparatorChar)) { $bad += "outside: $p -> $($r.LocalPath)" }
                }
            }
            $after = Get-Tree $sandbox | Where-Object { $_ -notlike "$($env:FIFTYONE_MEDIA_CACHE_DIR)*" }
            $outside = @(Compare-Object @($before) @($after)).Count + @(Get-ChildItem $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -File -Force | Where-Object { $_.FullName -notlike "$($env:FIFTYONE_MEDIA_CACHE_DIR)/*" }).Count
            Compare-Object @($before) @($after) | Should -BeNullOrEmpty
            Get-ChildItem ([IO.Path]::GetTempPath()) -Force | Where-Object Name -in 'pwned', 'escape', 'b' | Should -Be $tmpBefore
            Get-ChildItem $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -File -Force | ForEach-Object { $_.FullName | Should -BeLike "$($env:FIFTYONE_MEDIA_CACHE_DIR)/*" }
            $nfc = Get-MediaLocalPath "s3://media/caf$([char]0xE9).jpg" -NoDownload
            $nfd = Get-MediaLocalPath "s3://media/cafe$([char]0x301).jpg" -NoDownload
            $nfc | Should -Not -Be $nfd
            Write-ReliabilityFigure 'hostile-paths' @{ tried = $corpus.Count; refusedWithError = $refused; mappedInsideCache = $mapped; localUnchanged = $local; problems = $bad; writtenOutside = $outside }
            $bad | Should -BeNullOrEmpty
        } finally {
            Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
            Remove-Item $sandbox -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'refuses every malformed setting with a terminating error naming its source' {
        $dir = New-TestCache
        $tried = 0; $named = 0
        try {
            foreach ($text in $configs.files) {
                $tried++
                Set-Content $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH $text
                $e = $null; try { Get-MediaCacheStats -ErrorAction Stop | Out-Null } catch { $e = $_ }
                if ($e.FullyQualifiedErrorId -like 'InvalidConfiguration,*' -and "$e" -match [regex]::Escape($env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH)) { $named++ }
                $e.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*' -Because $text
                "$e" | Should -Match ([regex]::Escape($env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH))
            }
            Remove-Item $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH
            foreach ($pair in $configs.environment) {
                $tried++
                Set-Item "Env:$($pair[0])" $pair[1]
                $e = $null; try { Get-MediaCacheConfig -ErrorAction Stop | Out-Null } catch { $e = $_ }
                Remove-Item "Env:$($pair[0])"
                if ($e.FullyQualifiedErrorId -like 'InvalidConfiguration,*' -and "$e" -match $pair[0]) { $named++ }
                $e.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*' -Because "$pair"
                "$e" | Should -Match $pair[0]
            }
            foreach ($ini in $configs.ini) {
                $tried++
                $f = Join-Path $dir "minio-$tried.ini"
                Set-Content $f $ini
                $env:MINIO_CONFIG_FILE = $f
                $e = $null; try { Get-MediaLocalPath s3://media/x -NoDownload -ErrorAction Stop | Out-Null } catch { $e = $_ }
                Remove-Item Env:MINIO_CONFIG_FILE
                if ($e.FullyQualifiedErrorId -like 'InvalidConfiguration,*') { $named++ }
                $e.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*' -Because $ini
            }
            Write-ReliabilityFigure 'hostile-settings' @{ tried = $tried; refusedWithNamedSource = $named }
        } finally { Remove-Item Env:MINIO_CONFIG_FILE -ErrorAction SilentlyContinue; Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Security' {
    It 'creates the cache directory 0700 and the index files 0600' -Skip:$IsWindows {
        $dir = New-TestCache
        try {
            $null = Invoke-MediaDownload (New-HttpTestFile "sec/$PID/a.bin" 100)
            $cache = $env:FIFTYONE_MEDIA_CACHE_DIR
            $cacheMode = & stat -c '%a' $cache
            $metaMode = & stat -c '%a' (Join-Path $cache '.fiftyonecache')
            $modes = foreach ($f in Get-ChildItem (Join-Path $cache '.fiftyonecache') -Filter 'index.db*') { "$($f.Name)=$(& stat -c '%a' $f.FullName)" }
            Write-ReliabilityFigure 'file-modes' @{ cacheDir = $cacheMode; metaDir = $metaMode; index = $modes }
            $cacheMode | Should -Be '700'
            $metaMode | Should -Be '700'
            $modes | ForEach-Object { $_ | Should -Match '=600$' }
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'never prints planted credentials in any stream or log' {
        $dir = New-TestCache
        try {
            $key = Join-Path $dir 'key.json'
            Set-Content $key '{"type":"service_account","client_email":"x@y","private_key":"CANARY-GCS-KEY-3"'
            $log = Join-Path $dir 'log.jsonl'
            $envs = @{
                FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH
                AWS_ENDPOINT_URL = $servers.s3.endpoint; AWS_ACCESS_KEY_ID = 'WRONGKEYID'; AWS_SECRET_ACCESS_KEY = 'CANARY-AWS-SECRET-1'
                MINIO_ENDPOINT_URL = $servers.s3.endpoint; MINIO_ACCESS_KEY = 'NOTAKEY'; MINIO_SECRET_ACCESS_KEY = 'CANARY-MINIO-SECRET-2'; MINIO_ALIAS = 'mm'
                GOOGLE_APPLICATION_CREDENTIALS = $key; FOC_LOG = $log
                # Passed through the environment so that the script's own text (echoed in error positions) holds no canary.
                FOC_CANARY_URL = "http://user:CANARY-URL-4@$hostPort/x.jpg"; FOC_CANARY_DB = 'mongodb://u:CANARY-DB-5@127.0.0.1:1/?serverSelectionTimeoutMS=500'
            }
            $p = Start-PwshScript @'
$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'
Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')
& {
  's3://media/a.jpg', 'mm://media/a.jpg', 'gs://bucket/a.jpg', $env:FOC_CANARY_URL | Invoke-MediaDownload -LogPath $env:FOC_LOG -Verbose -Debug
  Get-MediaLocalPath -Dataset x -DatabaseUri $env:FOC_CANARY_DB -Verbose
  Get-MediaCacheConfig -Verbose | Format-List | Out-String
  $Error | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception.ToString() }
} *>&1 | Out-String -Width 400 | Set-Content $env:FOC_OUT
'@ ($envs + @{ FOC_OUT = (Join-Path $dir 'out.txt') })
            $p.WaitForExit(120000) | Should -BeTrue
            $text = (Get-Content (Join-Path $dir 'out.txt') -Raw) + (Get-Content $log -Raw -ErrorAction SilentlyContinue)
            $found = @('CANARY-AWS-SECRET-1', 'CANARY-MINIO-SECRET-2', 'CANARY-GCS-KEY-3', 'CANARY-URL-4', 'CANARY-DB-5') | Where-Object { $text -match $_ }
            Write-ReliabilityFigure 'secrets' @{ canaries = 5; outputChars = $text.Length; leaked = @($found) }
            $text.Length | Should -BeGreaterThan 200
            $found | Should -BeNullOrEmpty
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

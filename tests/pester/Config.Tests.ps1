# media_cache_config.json as FiftyOne reads it: Python's json.load decides what is valid, both ways.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
}

Describe 'Configuration file as FiftyOne reads it' {
    BeforeEach { $script:dir = New-TestCache; $script:file = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses a trailing comma with the file, line and column Python would give' {
        Set-Content $file "{`n  `"num_workers`": 4,`n}"
        $err = $null
        try { Get-MediaCacheConfig -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*'
        "$err" | Should -BeLike "*$file*Expecting property name enclosed in double quotes: line 3 column 1 (char 22)*"
    }

    It 'writes a file that Python reads back with the same values, keeping keys it does not manage' {
        Set-Content $file '{"fiftyone_only": {"a": [1, NaN]}}'
        Set-MediaCacheConfig -CacheSizeBytes 5000000 -NumWorkers 3 -CacheDir (Join-Path $dir "caf$([char]0xe9)")
        (Get-MediaCacheConfig).NumWorkers | Should -Be 3
        if (-not (Get-Command python3 -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'python3 is not installed'; return }
        $py = python3 -c "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); print(json.dumps([d['cache_size_bytes'], d['num_workers'], d['cache_dir'], str(d['fiftyone_only']['a'])]))" $file
        $LASTEXITCODE | Should -Be 0
        $v = $py | ConvertFrom-Json
        $v[0] | Should -Be 5000000
        $v[1] | Should -Be 3
        $v[2] | Should -Be (Join-Path $dir "caf$([char]0xe9)")
        $v[3] | Should -Be '[1, nan]'
    }
}

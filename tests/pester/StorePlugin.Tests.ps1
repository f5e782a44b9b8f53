# A store added from outside the module by one registration (the test assembly's [assembly: StorePlugin]), loaded
# through FOC_STORE_PLUGINS, works through every cmdlet without a change elsewhere: paths, layout, configuration
# keys, credential trace, completion, prewarm, entries, statistics and clear.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:plugin = Get-ChildItem (Join-Path $PSScriptRoot '../FiftyOneCache.Tests/bin/*/net10.0/FiftyOneCache.Tests.dll') -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTime | Select-Object -Last 1
}

Describe 'StorePlugin: a store added from outside the module (mem://, test-only)' {
    BeforeEach {
        $script:dir = New-TestCache
        $script:seed = Join-Path $dir 'seed'
        New-Item -ItemType Directory (Join-Path $seed 'bkt/img'), (Join-Path $seed 'other') | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $seed 'bkt/img/a.jpg'), [byte[]](0..255 * 12))
        [IO.File]::WriteAllBytes((Join-Path $seed 'bkt/img/b.jpg'), [byte[]]::new(1234))
    }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'gets paths, layout, configuration and every cmdlet from one registration' {
        if (-not $plugin) { throw 'FiftyOneCache.Tests.dll is not built: run the tests through build.ps1 -Task Test' }
        $script = Join-Path $dir 'run.ps1'
        Set-Content $script @'
param($ModulePath, $Seed, $Out)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$r = [ordered]@{}
Set-MediaCacheConfig -MemSeedDir $Seed -StoreSetting @{ mem_profile = 'bkt' }
$c = Get-MediaCacheConfig
$r.MemSeedDir = $c.MemSeedDir
$r.StoreSettings = $c.StoreSettings['mem_profile']
$r.Trace = $c.Stores['mem']
$line = 'Set-MediaCacheConfig -Remove mem_'
$r.Completion = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
$line = 'Set-MediaCacheConfig -MemProfile '
$r.Profiles = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
$r.Local = "$(Get-MediaLocalPath mem://bkt/img/a.jpg -NoDownload -WarningAction SilentlyContinue)"
$r.Downloaded = @(Invoke-MediaDownload mem://bkt/img/ -Recurse | ForEach-Object { "$($_.Source)=$($_.Status)" } | Sort-Object)
$r.Path = "$(Get-MediaLocalPath mem://bkt/img/a.jpg)"
$r.Same = [Linq.Enumerable]::SequenceEqual([IO.File]::ReadAllBytes($r.Path), [IO.File]::ReadAllBytes((Join-Path $Seed 'bkt/img/a.jpg')))
$r.Entries = @(Get-MediaCacheEntry 'mem://bkt/*' | ForEach-Object Source | Sort-Object)
$r.Stats = (Get-MediaCacheStats).CurrentCount
$r.ItemStats = (Get-MediaCacheStats mem://bkt/img/a.jpg, mem://bkt/img/missing.jpg).MissingCount
$r.Cleared = (Clear-MediaCache mem://bkt/img/a.jpg -Force -PassThru).Status.ToString()
$r.After = @(Get-MediaCacheEntry | ForEach-Object Source)
# The storage operations ask the store's declared capabilities, never its name: mem:// is listed, read only, and its
# ETag is an MD5 (StoreCapabilities.ETagIsMd5), so a second copy to the same local file is skipped unread.
$dst = Join-Path $Seed '../copied'
$r.Listed = @(Get-MediaFile 'mem://bkt/img/*.jpg' -Name)
$r.Copies = @(1, 2 | ForEach-Object { $x = Copy-MediaFile mem://bkt/img/a.jpg "$dst/" -PassThru; "$($x.Status):$($x.Method)" })
$werr = $null
Copy-MediaFile (Join-Path $Seed 'bkt/img/b.jpg') mem://bkt/new.jpg -ErrorAction SilentlyContinue -ErrorVariable werr
$r.WriteError = "$($werr[0].FullyQualifiedErrorId)|$($werr[0])"
$err = $null
Get-MediaLocalPath nope://x/y -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
$r.Unsupported = "$($err[0])"
$r | ConvertTo-Json -Depth 3 | Set-Content $Out
'@
        $out = Join-Path $dir 'out.json'
        $env:FOC_STORE_PLUGINS = $plugin.FullName
        try { $log = Invoke-Pwsh -NoProfile -NonInteractive -File $script -ModulePath (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') -Seed $seed -Out $out 2>&1 | Out-String }
        finally { Remove-Item Env:FOC_STORE_PLUGINS }
        if (-not (Test-Path $out)) { throw "the child session failed: $log" }
        $r = Get-Content $out -Raw | ConvertFrom-Json

        $r.MemSeedDir | Should -Be $seed
        $r.StoreSettings | Should -Be 'bkt'
        $r.Trace | Should -Be "objects of $seed (from mem_seed_dir), profile bkt"
        $r.Completion | Should -Contain 'mem_seed_dir'
        $r.Profiles | Should -Be @('bkt', 'other') # the plug-in's own completion, on a parameter made from its key
        $r.Local | Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR 'media/mem/v1/bkt/img/a.jpg')
        $r.Downloaded | Should -Be @('mem://bkt/img/a.jpg=Downloaded', 'mem://bkt/img/b.jpg=Downloaded')
        $r.Path | Should -Be $r.Local
        $r.Same | Should -BeTrue
        $r.Entries | Should -Be @('mem://bkt/img/a.jpg', 'mem://bkt/img/b.jpg')
        $r.Stats | Should -Be 2
        $r.ItemStats | Should -Be 1
        $r.Cleared | Should -Be 'Removed'
        $r.After | Should -Be @('mem://bkt/img/b.jpg')
        $r.Unsupported | Should -BeLike '*mem://*'
        $r.Listed | Should -Be @('a.jpg', 'b.jpg') # a wildcard expands over the plug-in's own listing
        $r.Copies | Should -Be @('Copied:streamed', 'Skipped:the destination is identical')
        $r.WriteError | Should -BeLike 'DestinationNotWritable,*|*In-memory test store paths cannot be written*'
    }

    It 'refuses its keys in a session that did not load it' {
        if (-not $plugin) { throw 'FiftyOneCache.Tests.dll is not built' }
        Import-FiftyOneCache
        { Set-MediaCacheConfig -StoreSetting @{ mem_seed_dir = $seed } -ErrorAction Stop } | Should -Throw '*not a store setting*'
        (Get-Command Set-MediaCacheConfig).Parameters.Keys | Should -Not -Contain 'MemSeedDir'
        (Get-Command Set-MediaCacheConfig).Parameters.Keys | Should -Contain 'AzureProfile'
    }
}

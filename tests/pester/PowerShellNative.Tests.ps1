# Issue 16: the module as a PowerShell user meets it. Objects pipe into each other, paths resolve as the shell
# resolves them, -WhatIf and -Repair tell the truth, errors are short and exact, and the views read well at 120
# columns. One It per behaviour; each fails when the behaviour is broken.
BeforeDiscovery {
    Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') -Force
    $script:cmdlets = @(Get-Command -Module FiftyOneCache -CommandType Cmdlet | ForEach-Object Name)
    $script:producers = 'CacheEntry', 'MediaItemResult', 'ClearResult', 'MediaMetadata'
    $script:consumers = 'Get-MediaLocalPath', 'Invoke-MediaDownload', 'Get-MediaCacheStats', 'Get-MediaCacheEntry', 'Clear-MediaCache', 'Update-MediaMetadata'
    $script:matrix = foreach ($p in $producers) { foreach ($c in $consumers) { @{ Producer = $p; Consumer = $c } } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:n = 0
    # A real image on the HTTP server (metadata can be computed from it); a new name per call.
    function New-Image([string] $Folder = 'imgs', [string] $Name) {
        $script:n++
        if (-not $Name) { $Name = "img$($script:n).bmp" }
        $rel = "psnative/$run/$Folder/$Name"
        $full = Join-Path $servers.http.root $rel
        New-Item -ItemType Directory -Force (Split-Path $full) | Out-Null
        [IO.File]::WriteAllBytes($full, (New-BmpBytes (8 + $script:n) 6))
        return "$($servers.http.url)/$rel"
    }
    function Set-HttpFaults($Rules) {
        Invoke-RestMethod -Method Post -Uri "$($servers.http.url)/__faults" -Body (ConvertTo-Json @($Rules) -Depth 4) -ContentType 'application/json' | Out-Null
    }
    function Clear-HttpFaults { Invoke-RestMethod -Method Delete -Uri "$($servers.http.url)/__faults" | Out-Null }
    # Output as a 120-column terminal shows it, without colour codes.
    function Show([Parameter(ValueFromPipeline)] $InputObject) {
        begin { $all = [Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { $PSStyle.OutputRendering = 'PlainText'; ($all | Out-String -Width 120) }
    }
    # A child pwsh (as a user's terminal): what it prints, host output included.
    function Invoke-Script([string] $Text) {
        $file = Join-Path $dir "script-$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content $file ("`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$(Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')'`n" + $Text)
        (Invoke-Pwsh -NoProfile -NonInteractive -File $file 2>&1 | Out-String)
    }
    # Runs a script in a runspace of its own and returns its progress records (they cannot be redirected).
    function Get-ProgressRecords([scriptblock] $Script, [object[]] $Arguments) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')'").AddStatement()
            $null = $ps.AddScript($Script.ToString())
            foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
            $null = $ps.Invoke()
            if ($ps.Streams.Error.Count) { throw $ps.Streams.Error[0] }
            return @($ps.Streams.Progress)
        } finally { $ps.Dispose() }
    }
}

Describe 'Pipelines between our own cmdlets' {
    BeforeEach { $script:dir = New-TestCache; $ConfirmPreference = 'High' }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'an entry piped into Clear-MediaCache removes that item and only that one' {
        $a = New-Image; $b = New-Image
        $null = Invoke-MediaDownload $a, $b
        $r = Get-MediaCacheEntry "*/$(Split-Path $b -Leaf)" | Clear-MediaCache -Force -PassThru
        $r.Status | Should -Be 'Removed'
        $r.Source | Should -Be $b
        @(Get-MediaCacheEntry).Source | Should -Be @($a)
    }

    It 'an entry piped into Invoke-MediaDownload -Update refreshes that item' {
        $a = New-Image
        $null = Invoke-MediaDownload $a
        $r = Get-MediaCacheEntry -LiteralPath $a | Invoke-MediaDownload -Update
        $r.Source | Should -Be $a
        $r.Status | Should -Be 'Cached'
    }

    It '<Producer> objects bind by property name into <Consumer>' -ForEach $matrix {
        $url = New-Image
        $decoy = New-Image   # cached too: a consumer that fell back to "everything" would show it
        $null = Invoke-MediaDownload $url, $decoy
        $object = switch ($Producer) {
            'CacheEntry' { Get-MediaCacheEntry -LiteralPath $url }
            'MediaItemResult' { Invoke-MediaDownload $url }
            'ClearResult' { Clear-MediaCache -LiteralPath $url -Force -PassThru; $null = Invoke-MediaDownload $url }
            'MediaMetadata' { Update-MediaMetadata $url }
        }
        @($object).Count | Should -Be 1
        $cached = Get-MediaLocalPath -NoDownload $url
        switch ($Consumer) {
            'Get-MediaLocalPath' {
                $object | Get-MediaLocalPath | Should -Be $cached
                $d = $object | Get-MediaLocalPath -Detailed
                $d.Source | Should -Be $url
                $d.Status | Should -Be 'Cached'
            }
            'Invoke-MediaDownload' { ($object | Invoke-MediaDownload).Source | Should -Be $url }
            'Get-MediaCacheStats' {
                $s = $object | Get-MediaCacheStats
                $s.RequestedCount | Should -Be 1
                $s.CurrentCount | Should -Be 1
            }
            'Get-MediaCacheEntry' { @($object | Get-MediaCacheEntry).Source | Should -Be @($url) }
            'Clear-MediaCache' {
                $r = $object | Clear-MediaCache -Force -PassThru
                $r.Source | Should -Be $url
                $r.Status | Should -Be 'Removed'
                $cached | Should -Not -Exist
                (Get-MediaCacheEntry).Source | Should -Be @($decoy)
            }
            'Update-MediaMetadata' { ($object | Update-MediaMetadata).Source | Should -Be $url }
        }
    }

    It 'a URL piped into Get-MediaCacheEntry lists only that item' {
        $a = New-Image; $b = New-Image
        $null = Invoke-MediaDownload $a, $b
        $e = @($a | Get-MediaCacheEntry -ErrorVariable errs)
        $errs | Should -BeNullOrEmpty
        $e.Source | Should -Be @($a)
    }

    It 'input piped into Get-MediaCacheEntry or Clear-MediaCache that names nothing lists and clears nothing' {
        $null = Invoke-MediaDownload (New-Image), (New-Image)
        @(@() | Get-MediaCacheEntry).Count | Should -Be 0
        @() | Clear-MediaCache -Force
        @(Get-MediaCacheEntry).Count | Should -Be 2
    }

    It 'Clear-MediaCache -Path with a wildcard removes the cached items it matches' {
        $a = New-Image 'keep'; $b = New-Image 'drop'; $c = New-Image 'drop'
        $null = Invoke-MediaDownload $a, $b, $c
        $r = Clear-MediaCache "$($servers.http.url)/psnative/$run/drop/*" -Force -PassThru
        @($r | Where-Object Status -eq Removed).Count | Should -Be 2
        @(Get-MediaCacheEntry).Source | Should -Be @($a)
    }

    # Issue 23 changed this: a wildcard that matches nothing is silent, as with Remove-Item and Get-ChildItem (the
    # error for a literal path that is not cached is tested in PowerShellNative2.Tests.ps1).
    It '<_> with a wildcard that matches no cached item is silent and acts on nothing' -ForEach 'Clear-MediaCache', 'Get-MediaCacheStats', 'Get-MediaCacheEntry' {
        $null = Invoke-MediaDownload (New-Image)
        $extra = if ($_ -eq 'Clear-MediaCache') { @{ Force = $true } } else { @{} }
        $out = & $_ "$($servers.http.url)/psnative/$run/nothing-here/*" @extra -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -BeNullOrEmpty
        if ($_ -eq 'Get-MediaCacheStats') { $out.RequestedCount | Should -Be 0 } else { $out | Should -BeNullOrEmpty }
        @(Get-MediaCacheEntry).Count | Should -Be 1
    }

    It '-LiteralPath (alias PSPath) takes a name with wildcard characters as it is' {
        $star = New-Image 'lit' 'a*.bmp'; $other = New-Image 'lit' 'ab.bmp'
        $null = Invoke-MediaDownload $star, $other
        (Get-MediaCacheEntry -LiteralPath $star).Source | Should -Be $star
        $r = Clear-MediaCache -PSPath $star -Force -PassThru
        $r.Status | Should -Be 'Removed'
        @(Get-MediaCacheEntry).Source | Should -Be @($other)
    }

    It 'files from Get-ChildItem pipe into <_> as literal local paths' -ForEach 'Clear-MediaCache', 'Get-MediaCacheStats', 'Get-MediaCacheEntry', 'Invoke-MediaDownload' {
        $cmd = $_
        $null = Invoke-MediaDownload (New-Image)
        $files = 1..2 | ForEach-Object { $f = Join-Path $dir "local[$_].txt"; Set-Content -LiteralPath $f 'x'; $f }
        $extra = if ($cmd -eq 'Clear-MediaCache') { @{ Force = $true; PassThru = $true } } else { @{} }
        $out = Get-ChildItem -LiteralPath $files | & $cmd @extra -ErrorVariable errs -ErrorAction SilentlyContinue
        switch ($cmd) {
            'Clear-MediaCache' { $out.Status | Should -Be @('Local', 'Local'); $out.LocalPath | Should -Be $files }
            'Get-MediaCacheStats' { $out.RequestedCount | Should -Be 2; $out.CurrentCount | Should -Be 0 }
            'Get-MediaCacheEntry' { $out | Should -BeNullOrEmpty; $errs.Count | Should -Be 2; $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound' }
            'Invoke-MediaDownload' { $out.Status | Should -Be @('Local', 'Local'); $out.Source | Should -Be $files }
        }
        if ($cmd -ne 'Get-MediaCacheEntry') { $errs | Should -BeNullOrEmpty }
        @(Get-MediaCacheEntry).Count | Should -Be 1
    }

    It 'Clear-MediaCache -Force removes without asking; -Force -WhatIf removes nothing' {
        $a = New-Image
        $null = Invoke-MediaDownload $a
        $ConfirmPreference = 'High'
        Clear-MediaCache $a -Force -WhatIf
        @(Get-MediaCacheEntry).Count | Should -Be 1
        # Without -Force, ConfirmImpact High asks; this session cannot be asked, so only -Force gets through.
        Clear-MediaCache -Force
        @(Get-MediaCacheEntry).Count | Should -Be 0
    }
}

Describe 'Paths as the shell resolves them' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'a relative local path resolves against the current location' {
        Push-Location $dir
        try { Get-MediaLocalPath pic1.png | Should -Be (Join-Path $dir 'pic1.png') } finally { Pop-Location }
    }

    It '~ resolves to the home directory' {
        Get-MediaLocalPath ~/x.jpg | Should -Be (Join-Path $HOME 'x.jpg')
    }

    It 'a PSDrive path resolves through its provider' {
        $null = New-PSDrive -Name "foc$run" -PSProvider FileSystem -Root $dir
        try { Get-MediaLocalPath "foc$($run):/sub/pic.png" | Should -Be (Join-Path $dir 'sub/pic.png') }
        finally { Remove-PSDrive "foc$run" }
    }

    It 'prewarming a local file that does not exist is a non-terminating ObjectNotFound error' {
        $url = New-Image
        $out = @(Invoke-MediaDownload (Join-Path $dir 'missing.jpg'), $url -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Message | Should -BeLike '*missing.jpg*'
        $out.Source | Should -Be @($url)            # the batch goes on
        # FiftyOne's rule stays for Get-MediaLocalPath: local paths come back as they are.
        Get-MediaLocalPath (Join-Path $dir 'missing.jpg') | Should -Be (Join-Path $dir 'missing.jpg')
    }

    It '<Typed> gets a warning naming <Meant>' -ForEach @(
        @{ Typed = 'gs:/bucket-a/x.jpg'; Meant = 'gs://bucket-a/x.jpg' }
        @{ Typed = 's3:bucket-a/x.jpg'; Meant = 's3://bucket-a/x.jpg' }
        @{ Typed = 's3//bucket-a/x.jpg'; Meant = 's3://bucket-a/x.jpg' }
        @{ Typed = 'https:/example.com/x.jpg'; Meant = 'https://example.com/x.jpg' }
    ) {
        $null = Get-MediaLocalPath $Typed -WarningVariable w -WarningAction SilentlyContinue
        @($w).Count | Should -Be 1
        "$w" | Should -BeLike "*did you mean '$Meant'*"
    }

    It 'a local path with a colon that is no cloud path gets no warning' {
        $null = Get-MediaLocalPath 'notes:2024.txt', 'data/pic.png' -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -BeNullOrEmpty
    }

    It '<Name> does not create a cache directory that does not exist, and says so' -ForEach @(
        @{ Name = 'Get-MediaCacheStats'; Run = { param($d) Get-MediaCacheStats -CacheDir $d } }
        @{ Name = 'Get-MediaCacheEntry'; Run = { param($d) Get-MediaCacheEntry -CacheDir $d } }
        @{ Name = 'Test-MediaCache'; Run = { param($d) Test-MediaCache -CacheDir $d } }
        @{ Name = 'Get-MediaLocalPath -NoDownload'; Run = { param($d) Get-MediaLocalPath -NoDownload 's3://bucket-a/k.jpg' -CacheDir $d } }
    ) {
        $typo = Join-Path $dir 'typo-dir'
        $all = @(& $Run $typo 3>&1)
        $w = $all | Where-Object { $_ -is [Management.Automation.WarningRecord] }
        $out = $all | Where-Object { $_ -isnot [Management.Automation.WarningRecord] }
        $typo | Should -Not -Exist
        "$w" | Should -BeLike "*$typo does not exist*"
        switch ($Name) {
            'Get-MediaCacheStats' { $out.CurrentCount | Should -Be 0 }
            'Test-MediaCache' { $out.IndexedEntries | Should -Be 0; $out.FilesOnDisk | Should -Be 0 }
            'Get-MediaLocalPath -NoDownload' { $out | Should -Be (Join-Path $typo 'media/s3/bucket-a/k.jpg') }
            default { $out | Should -BeNullOrEmpty }
        }
    }
}

Describe '-WhatIf, repair and errors that tell the truth' {
    BeforeEach { $script:dir = New-TestCache; Clear-HttpFaults }
    AfterEach { Clear-HttpFaults; Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Update-MediaMetadata -WhatIf downloads nothing and prints What if lines' {
        $url = New-Image
        $text = Invoke-Script "`$env:FIFTYONE_MEDIA_CACHE_DIR = '$env:FIFTYONE_MEDIA_CACHE_DIR'; '$url' | Update-MediaMetadata -WhatIf"
        $text | Should -BeLike "*What if:*$url*"
        $env:FIFTYONE_MEDIA_CACHE_DIR | Should -Not -Exist
        Get-MediaLocalPath -NoDownload $url -WarningAction SilentlyContinue | Should -Not -Exist
    }

    It 'Test-MediaCache -Repair deletes a file whose size differs from its record; next use downloads it again' {
        $url = New-Image
        $local = (Invoke-MediaDownload $url).LocalPath
        $good = [IO.File]::ReadAllBytes($local)
        [IO.File]::AppendAllText($local, 'corrupt')
        $null = Test-MediaCache -Repair
        $local | Should -Not -Exist
        Get-MediaCacheEntry -LiteralPath $url -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $again = Invoke-MediaDownload $url
        $again.Status | Should -Be 'Downloaded'
        [IO.File]::ReadAllBytes($again.LocalPath) | Should -Be $good
    }

    It 'after -Repair the report shows the state after the repair, and what was done' {
        $url = New-Image
        $local = (Invoke-MediaDownload $url).LocalPath
        [IO.File]::AppendAllText($local, 'corrupt')
        $r = Test-MediaCache -Repair
        $r.Healthy | Should -BeTrue
        $r.SizeMismatches | Should -Be 0
        $r.Problems | Should -BeNullOrEmpty
        "$($r.Repairs)" | Should -BeLike '*deleted a file whose size differs*'
        (Test-MediaCache).Healthy | Should -BeTrue
    }

    It 'an unhealthy report lists its problems and suggests -Repair in its default view' {
        $url = New-Image
        $local = (Invoke-MediaDownload $url).LocalPath
        [IO.File]::AppendAllText($local, 'corrupt')
        $text = Test-MediaCache | Show
        $text | Should -Match 'Healthy\s*:\s*False'
        $text | Should -Match 'Problems\s*:\s*size differs'
        $text | Should -BeLike '*Test-MediaCache -Repair*'
        $local | Should -Exist   # the check alone changes nothing
    }

    It 'a 404 answered with an HTML page (<Case>) says not found (HTTP 404) and leaves the page out' -ForEach @(
        @{ Case = 'served as text/html'; Type = 'text/html; charset=utf-8'; Body = '<div class="err"><h1>Sorry, this page went fishing</h1></div>' }
        @{ Case = 'a whole page under another type'; Type = 'text/plain'; Body = '<!DOCTYPE html><html><head><title>Oops</title></head><body><h1>Sorry, this page went fishing</h1></body></html>' }
    ) {
        $url = "$($servers.http.url)/psnative/$run/gone.jpg"
        Set-HttpFaults @{ match = "$run/gone.jpg"; kind = 'status'; status = 404; contentType = $Type; body = $Body }
        $null = Invoke-MediaDownload $url -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*not found (HTTP 404)*'
        $errs[0].Exception.Message | Should -Not -BeLike '*fishing*'
        $errs[0].Exception.Message | Should -Not -BeLike '*<*'
    }

    It '-SkipFailures warnings name the URL once' {
        $url = "$($servers.http.url)/psnative/$run/absent.jpg"
        $null = Invoke-MediaDownload $url -SkipFailures -WarningVariable w -WarningAction SilentlyContinue
        @($w).Count | Should -Be 1
        ([regex]::Matches("$w", [regex]::Escape($url))).Count | Should -Be 1
    }

    It 'a GCS setup error says what is wrong, not "One or more errors occurred."' {
        $saved = @{}
        foreach ($k in 'STORAGE_EMULATOR_HOST', 'GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_CONFIG', 'GCE_METADATA_HOST') { $saved[$k] = [Environment]::GetEnvironmentVariable($k) }
        try {
            Remove-Item Env:STORAGE_EMULATOR_HOST, Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue
            $env:CLOUDSDK_CONFIG = Join-Path $dir 'no-gcloud'     # no gcloud login
            $env:GCE_METADATA_HOST = '127.0.0.1:9'                # no metadata server (and no request leaves the machine)
            $null = Invoke-MediaDownload 'gs://bucket-a/x.jpg' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].Exception.Message | Should -Not -BeLike '*One or more errors occurred*'
            $errs[0].Exception.Message | Should -BeLike '*no GCS credentials found*'
        } finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
    }
}

Describe 'What a person sees' {
    BeforeEach { $script:dir = New-TestCache; Clear-HttpFaults }
    AfterEach { Clear-HttpFaults; Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'the Invoke-MediaDownload table at 120 columns tells the rows of one folder apart' {
        $folder = 'datasets/coco-2017/validation/data/very/long/folder/names/that/go/on'
        $urls = 1..3 | ForEach-Object { New-Image $folder ('0000000001{0:d2}.bmp' -f $_) }
        $text = $urls | Invoke-MediaDownload | Show
        foreach ($u in $urls) { $text | Should -BeLike "*$(Split-Path $u -Leaf)*" }
        ($text -split "`n" | Where-Object { $_.Length -gt 120 }) | Should -BeNullOrEmpty
        # The rest is in the list view.
        $list = Invoke-MediaDownload $urls[0] | Format-List | Out-String -Width 400
        $list | Should -Match "Source\s*:\s*$([regex]::Escape($urls[0]))"
        $list | Should -Match 'LocalPath\s*:\s*/'
    }

    It 'progress for one large file shows bytes done of total, percent, ETA and the file' {
        $url = "$($servers.http.url)/psnative/$run/big/large-file.bin"
        New-Item -ItemType Directory -Force (Join-Path $servers.http.root "psnative/$run/big") | Out-Null
        $bytes = [byte[]]::new(3MB); [Random]::Shared.NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $servers.http.root "psnative/$run/big/large-file.bin"), $bytes)
        Set-HttpFaults @{ match = "$run/big/large-file.bin"; kind = 'drip'; delayMs = 15; times = 1 }
        $recs = Get-ProgressRecords { param($u) $null = Invoke-MediaDownload $u } @($url)
        $mid = @($recs | Where-Object { $_.RecordType -ne 'Completed' -and $_.PercentComplete -gt 0 -and $_.PercentComplete -lt 100 })
        $mid.Count | Should -BeGreaterThan 0
        $mid[0].StatusDescription | Should -Match '[\d.]+ (B|KB|MB) of 3 MB'
        $mid[0].StatusDescription | Should -BeLike '*large-file.bin*'
        $mid[0].StatusDescription | Should -Match '/s'
        $mid[0].SecondsRemaining | Should -BeGreaterThan 0
    }

    It 'progress for a batch shows items done of total, bytes, rate and the current item' {
        $urls = foreach ($i in 1..4) {
            $rel = "psnative/$run/batch/part$i.bin"
            New-Item -ItemType Directory -Force (Split-Path (Join-Path $servers.http.root $rel)) | Out-Null
            $b = [byte[]]::new(1MB); [Random]::Shared.NextBytes($b)
            [IO.File]::WriteAllBytes((Join-Path $servers.http.root $rel), $b)
            "$($servers.http.url)/$rel"
        }
        Set-HttpFaults @{ match = "/$run/batch/"; kind = 'drip'; delayMs = 25 }
        $recs = Get-ProgressRecords { param($u) $null = $u | Invoke-MediaDownload -NumWorkers 1 } @(, $urls)
        # While items are still under way (the last record may come after the last item).
        $mid = @($recs | Where-Object { $_.RecordType -ne 'Completed' -and $_.StatusDescription -match '^[0-3]/4 items' })
        $mid.Count | Should -BeGreaterThan 0
        $mid[-1].StatusDescription | Should -Match '^[0-3]/4 items, [\d.]+ (B|KB|MB) of (at least )?[\d.]+ (KB|MB), [\d.]+ (B|KB|MB)/s, (\d files in flight, )?part\d\.bin$'
        $mid[-1].PercentComplete | Should -BeGreaterThan 0
    }

    It 'sizes are written one way in every view' {
        $urls = 1..2 | ForEach-Object { New-Image }
        $null = Invoke-MediaDownload $urls
        (Get-MediaCacheStats | Show) | Should -Match 'CacheSize\s*:\s*128 GB'
        $views = @(
            (Invoke-MediaDownload $urls | Show), (Get-MediaCacheEntry | Show), (Get-MediaCacheStats | Show),
            (Invoke-MediaDownload $urls -Summary | Show), (Clear-MediaCache $urls[0] -Force -PassThru | Show)
        ) -join "`n"
        # Every size: a number, one space, a unit; never "128.0GB" or a bare byte count in a size column.
        $views | Should -Not -MatchExactly '\d(B|KB|MB|GB)\b' # units are upper case; a random hex folder name (…60b/) is not a size
        $views | Should -Not -Match '\d\.0 (KB|MB|GB)'
        $views | Should -Match '\d+(\.\d)? (B|KB) '
    }

    It 'Get-MediaCacheConfig shows a 1 MB limit in a readable unit' {
        $env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES = '1000000'
        try { $text = Get-MediaCacheConfig | Show } finally { Remove-Item Env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES }
        $text | Should -Match 'CacheSizeBytes\s*:\s*976\.6 KB \(1000000 bytes\)'
        $text | Should -Not -Match '0\.0 GB'
    }

    It 'the summary shows the rate per second and a readable duration' {
        $text = Invoke-MediaDownload (New-Image), (New-Image) -Summary | Show
        $text | Should -Match 'BytesPerSecond\s*:\s*[\d.]+ (B|KB|MB|GB)/s'
        $text | Should -Match 'Duration\s*:\s*[\d.]+ (ms|s)\b'
        $text | Should -Not -Match '\d\d:\d\d:\d\d\.\d+'
    }

    It 'the demo shows the module views: readable sizes and durations, no raw TimeSpans' {
        $demo = Join-Path $PSScriptRoot '../../build/DemoSteps.ps1'
        $work = Join-Path $dir 'demo'
        $text = Invoke-Pwsh -NoProfile -NonInteractive -File $demo -HttpUrl $servers.http.url -HttpRoot $servers.http.root -WorkDir $work `
            -ModulePath (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') 2>&1 | Out-String
        $text = $text -replace '\x1b\[[0-9;]*m', ''
        $LASTEXITCODE | Should -Be 0
        $text | Should -Not -Match '\d\d:\d\d:\d\d\.\d{7}'
        $text | Should -Match 'Downloaded\s+[\d.]+ KB\s+\d+ ms'
        $text | Should -Match 'CurrentSize\s*:\s*[\d.]+ KB'
        $text | Should -Not -Match 'warning NU\d+'
        (Get-Content (Join-Path $PSScriptRoot '../../build/Demo.ps1') -Raw) | Should -Not -Match 'Format-Table\s+\w+\s*,'
    }

    It 'Get-MediaLocalPath declares both of its output types' {
        (Get-Command Get-MediaLocalPath).OutputType.Name | Should -Contain 'System.String'
        (Get-Command Get-MediaLocalPath).OutputType.Name | Should -Contain 'FiftyOneCache.Engine.Cache.MediaItemResult'
    }

    It '<_> has an online help URI into the project docs' -ForEach $cmdlets {
        $uri = (Get-Command $_).HelpUri
        $project = (Import-PowerShellDataFile (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')).PrivateData.PSData.ProjectUri
        $uri | Should -Be "$project/blob/main/docs/help/$_.md"
        Join-Path $PSScriptRoot "../../docs/help/$_.md" | Should -Exist
        (Get-Help $_).relatedLinks.navigationLink[0].uri | Should -Be $uri
    }

    It 'the fleet example numbers its shards from 0' {
        $doc = Get-Content (Join-Path $PSScriptRoot '../../docs/help/Invoke-MediaDownload.md') -Raw
        $fleet = [regex]::Match($doc, '(?s)### Example \d+: Fleet.*?(?=### Example|## PARAMETERS)').Value
        $fleet | Should -Not -BeNullOrEmpty
        $fleet | Should -Match '0/4'
        $fleet | Should -Match '3/4'
        $fleet | Should -Not -Match '-Shard 4/4'
        [regex]::Matches($fleet, '(\d+)/(\d+)') | ForEach-Object { [int]$_.Groups[1].Value | Should -BeLessThan ([int]$_.Groups[2].Value) }
    }

    It '-Verbose says what happened to each item: status, local path and size' {
        $urls = 1..3 | ForEach-Object { New-Image }
        $null = Invoke-MediaDownload $urls[0]
        $lines = @(Invoke-MediaDownload $urls -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        foreach ($u in $urls) {
            $mine = @($lines | Where-Object { $_.StartsWith("$u → ") })
            $mine.Count | Should -Be 1
            $mine[0] | Should -Match "→ (Downloaded|Cached), /\S+$([regex]::Escape((Split-Path $u -Leaf))), [\d.]+ (B|KB)"
        }
        @($lines | Where-Object { $_ -like "$($urls[0]) → Cached*" }).Count | Should -Be 1
    }
}

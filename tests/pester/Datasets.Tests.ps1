# FiftyOne datasets in the harness's MongoDB-wire server: dataset-scoped cmdlets and metadata written back.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $servers = Get-TestServers
    $script:uri = $servers.mongo.uri
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:root = $servers.http.root
    function Add-Image([string] $Rel, [int] $W, [int] $H) {
        $full = Join-Path $root $Rel
        New-Item -ItemType Directory -Force (Split-Path $full) | Out-Null
        [IO.File]::WriteAllBytes($full, (New-BmpBytes $W $H))
        return "$($servers.http.url)/$Rel"
    }
    $script:urls = @((Add-Image "ds/$run/a.bmp" 32 16), (Add-Image "ds/$run/b.bmp" 20 10), (Add-Image "ds/$run/c.bmp" 8 8))
    $script:localImg = Join-Path ([IO.Path]::GetTempPath()) "foc-ds-$run.bmp"
    [IO.File]::WriteAllBytes($localImg, (New-BmpBytes 4 2))
    $script:name = "ds-$run"
    $script:seed = New-FiftyOneDataset -Uri $uri -Name $name -Samples @(
        @{ filepath = $urls[0]; tags = @('train') }, @{ filepath = $urls[1]; tags = @('val') },
        @{ filepath = $localImg; tags = @('train') }, @{ filepath = $urls[2]; tags = @() })
    $env:FIFTYONE_DATABASE_URI = $uri
}

AfterAll { Remove-Item Env:FIFTYONE_DATABASE_URI -ErrorAction SilentlyContinue; Remove-Item $localImg -ErrorAction SilentlyContinue }

Describe 'Dataset input' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'returns one local path per sample in sample order (a drop-in for values("filepath"))' {
        $paths = Get-MediaLocalPath -Dataset $name
        $paths | Should -HaveCount 4
        $paths[0] | Should -BeLike "*/media/http/*/ds/$run/a.bmp"
        $paths[2] | Should -Be $localImg
        $paths[3] | Should -BeLike "*/ds/$run/c.bmp"
        $paths | ForEach-Object { $_ | Should -Exist }
    }

    It 'restricts to tags and to a filepath wildcard' {
        (Get-MediaLocalPath -Dataset $name -Tag train) | Should -HaveCount 2
        (Get-MediaLocalPath -Dataset $name -FilePathLike '*/b.bmp' -NoDownload) | Should -HaveCount 1
    }

    It 'downloads, reports stats for and clears a dataset' {
        $r = Invoke-MediaDownload -Dataset $name -Summary
        $r.Downloaded | Should -Be 3
        $s = Get-MediaCacheStats -Dataset $name
        $s.CurrentCount | Should -Be 3
        $s.RequestedCount | Should -Be 4
        Clear-MediaCache -Dataset $name -Tag val -Confirm:$false
        (Get-MediaCacheStats -Dataset $name).CurrentCount | Should -Be 2
        $localImg | Should -Exist
    }

    It 'computes metadata and writes it the way FiftyOne does, skipping samples that have it' {
        $sum = Update-MediaMetadata -Dataset $name -Confirm:$false
        $sum.Computed | Should -Be 4
        $sum.Written | Should -Be 4
        $docs = Get-FiftyOneSamples $seed
        $a = $docs | Where-Object { $_['filepath'].AsString -eq $urls[0] }
        $md = $a['metadata'].AsBsonDocument
        $md['_cls'].AsString | Should -Be 'ImageMetadata'
        $md['width'].ToInt32() | Should -Be 32
        $md['height'].ToInt32() | Should -Be 16
        $md['num_channels'].ToInt32() | Should -Be 3
        $md['size_bytes'].ToInt64() | Should -Be (54 + 96 * 16)
        $md['mime_type'].AsString | Should -Be 'image/bmp'
        (Update-MediaMetadata -Dataset $name -Confirm:$false).Skipped | Should -Be 4
        (Update-MediaMetadata -Dataset $name -Overwrite -Tag val -Confirm:$false).Computed | Should -Be 1
    }

    It 'emits metadata objects for plain paths' {
        $m = $urls[1], $localImg | Update-MediaMetadata
        $m | Should -HaveCount 2
        ($m | Where-Object Path -eq $localImg).Width | Should -Be 4
    }

    It 'completes dataset names' {
        $r = TabExpansion2 -inputScript "Get-MediaLocalPath -Dataset ds-$($run.Substring(0,4))" -cursorColumn (31 + 4)
        $r.CompletionMatches.CompletionText | Should -Contain $name
    }
}

Describe 'Dataset errors' {
    It 'names an unknown dataset' {
        { Get-MediaLocalPath -Dataset "missing-$run" -ErrorAction Stop } | Should -Throw -ErrorId 'DatasetNotFound,*'
    }

    It 'says the database is unreachable, with the password masked' {
        $err = $null
        try { Get-MediaLocalPath -Dataset x -DatabaseUri 'mongodb://user:CANARY-DB-PW@127.0.0.1:1/?serverSelectionTimeoutMS=1000' -ErrorAction Stop }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DatabaseUnavailable,*'
        "$err" | Should -Not -Match 'CANARY-DB-PW'
        "$err" | Should -Match 'user:\*\*\*\*@127.0.0.1:1'
    }
}

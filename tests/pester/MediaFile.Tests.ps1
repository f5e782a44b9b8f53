# Get-/Copy-/Move-/Remove-MediaFile (FiftyOne's list_files, copy_files, move_files, delete_files) on every store,
# against the harness's real servers: moto_server (S3), s3rver (MinIO forms), Azurite, the GCS fake, local folders.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $servers = Get-TestServers
    $script:stores = @(
        @{ Name = 'S3 (moto)'; Kind = 's3' }
        @{ Name = 'MinIO (s3rver)'; Kind = 'minio' }
        @{ Name = 'GCS (fake)'; Kind = 'gs' }
        @{ Name = 'Azure (Azurite)'; Kind = 'azure' }
        @{ Name = 'local'; Kind = 'local' }
    ) | Where-Object { $_.Kind -ne 's3' -or $servers.PSObject.Properties['moto'] }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'AzuriteHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:localRoot = Join-Path ([IO.Path]::GetTempPath()) "foc-ops-$run"
    New-Item -ItemType Directory $localRoot | Out-Null
    New-AzuriteContainer "ops-$run"
    Invoke-RestMethod -Method Post -Uri "$($servers.gcs.url)/storage/v1/b" -Body '{"name":"gops"}' -ContentType 'application/json' | Out-Null
    $script:http = [Net.Http.HttpClient]::new()
    function New-Bytes([int] $Size) { $b = [byte[]]::new($Size); [Random]::Shared.NextBytes($b); return , $b }
    function Sha([string] $p) { (Get-FileHash -LiteralPath $p -Algorithm SHA256).Hash }
    function Set-StoreEnv {
        if ($servers.PSObject.Properties['moto']) {
            $env:AWS_ENDPOINT_URL = $servers.moto.endpoint; $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'testing'
        }
        $env:MINIO_ENDPOINT_URL = $servers.s3.endpoint; $env:MINIO_ACCESS_KEY = 'S3RVER'; $env:MINIO_SECRET_ACCESS_KEY = 'S3RVER'; $env:MINIO_ALIAS = 'mymin'
        $env:STORAGE_EMULATOR_HOST = $servers.gcs.url
        $env:AZURE_STORAGE_ACCOUNT = 'devstoreaccount1'; $env:AZURE_STORAGE_KEY = $servers.azure.key; $env:AZURE_STORAGE_ACCOUNT_URL = $servers.azure.url; $env:AZURE_ALIAS = 'az'
    }
    function Clear-StoreEnv {
        Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:MINIO_ENDPOINT_URL, Env:MINIO_ACCESS_KEY,
            Env:MINIO_SECRET_ACCESS_KEY, Env:MINIO_ALIAS, Env:STORAGE_EMULATOR_HOST, Env:AZURE_STORAGE_ACCOUNT, Env:AZURE_STORAGE_KEY,
            Env:AZURE_STORAGE_ACCOUNT_URL, Env:AZURE_ALIAS -ErrorAction SilentlyContinue
    }
    # A folder of each store for this run (ends with '/').
    function Root([string] $Kind, [string] $Sub) {
        switch ($Kind) {
            's3' { "s3://media/ops-$run/$Sub/" }
            'minio' { "mymin://media/ops-$run/$Sub/" }
            'gs' { "gs://gops/ops-$run/$Sub/" }
            'azure' { "az://ops-$run/$Sub/" }
            'local' { Join-Path $localRoot "store/$Sub/" }
        }
    }
    # The source tree: two small files, a dot file, and one of 20 MB (S3 multipart of 3 parts, 3 GCS chunks, 3 Azure blocks).
    $script:src = Join-Path $localRoot 'src'
    New-Item -ItemType Directory (Join-Path $src 'sub') -Force | Out-Null
    [IO.File]::WriteAllBytes((Join-Path $src 'a.jpg'), (New-Bytes 20000))
    [IO.File]::WriteAllBytes((Join-Path $src 'sub/b c.jpg'), (New-Bytes 3000))
    [IO.File]::WriteAllBytes((Join-Path $src '.hidden'), (New-Bytes 10))
    [IO.File]::WriteAllBytes((Join-Path $src 'big.bin'), (New-Bytes (20MB + 123)))
}

AfterAll {
    Clear-StoreEnv
    Remove-Item $localRoot -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'MediaFile operations on <Name>' -ForEach $stores {
    BeforeAll { $script:dir = New-TestCache; Set-StoreEnv; $script:up = Root $Kind 'up' }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'uploads a folder with -Recurse, large files in verified parts, and lists it sorted' {
        $r = Copy-MediaFile "$src/" $up -Recurse -PassThru
        $r.Count | Should -Be 4
        $r | ForEach-Object { $_.Status | Should -Be 'Copied' }
        $list = @(Get-MediaFile $up -Recurse -Force)
        ($list.Path | ForEach-Object { ($_ -replace '\\', '/').Split('/')[-1] }) | Should -Be @('.hidden', 'a.jpg', 'big.bin', 'b c.jpg')
        ($list | Where-Object { $_.Path -like '*big.bin' }).Size | Should -Be (20MB + 123)
        if ($Kind -eq 's3') { ($list | Where-Object { $_.Path -like '*big.bin' }).ETag | Should -Match '-3$' }
        Get-MediaFile $up -Recurse -Name | Should -Be @('a.jpg', 'big.bin', 'sub/b c.jpg')
        Get-MediaFile $up -Name | Should -Be @('a.jpg', 'big.bin')
    }

    It 'downloads what it uploaded byte for byte, and a missing folder lists nothing without error' {
        $back = Join-Path $localRoot "back-$Kind"
        Copy-MediaFile $up "$back/" -Recurse
        foreach ($f in 'a.jpg', 'big.bin', 'sub/b c.jpg') { Sha (Join-Path $back $f) | Should -Be (Sha (Join-Path $src $f)) }
        @(Get-MediaFile (Root $Kind 'nothing-here') -ErrorVariable e -ErrorAction SilentlyContinue).Count | Should -Be 0
        $e.Count | Should -Be 0
    }

    It 'skips an identical destination on a re-run; -Force copies again; -NoClobber never overwrites' {
        $r = Copy-MediaFile "$src/" $up -Recurse -PassThru
        $r | ForEach-Object { $_.Status | Should -Be 'Skipped' }
        (Copy-MediaFile (Join-Path $src 'a.jpg') $up -Force -PassThru).Status | Should -Be 'Copied'
        [IO.File]::WriteAllBytes((Join-Path $localRoot "other-$Kind.jpg"), (New-Bytes 77))
        $n = Copy-MediaFile (Join-Path $localRoot "other-$Kind.jpg") "${up}a.jpg" -NoClobber -PassThru
        $n.Status | Should -Be 'Skipped'
        (Get-MediaFile $up | Where-Object { $_.Path -like '*a.jpg' }).Size | Should -Be 20000
    }

    It 'copies within the store on the server, moves, and removes a prefix; -WhatIf changes nothing' {
        $cp = Root $Kind 'copy'
        $r = Copy-MediaFile $up $cp -Recurse -PassThru
        # MinIO too: CopyObject through the S3 protocol (an AWS SDK client at the MinIO endpoint), no bytes through the client.
        $r | ForEach-Object { $_.Method | Should -Be $(if ($Kind -eq 'local') { 'streamed' } else { 'server-side' }) }
        Get-MediaFile $cp -Recurse -Name | Should -Be @('a.jpg', 'big.bin', 'sub/b c.jpg')
        $mv = Root $Kind 'moved'
        Copy-MediaFile $cp $mv -Recurse -WhatIf
        @(Get-MediaFile $mv -Recurse).Count | Should -Be 0
        Move-MediaFile "${cp}a.jpg" $mv -PassThru | ForEach-Object { $_.Status | Should -Be 'Moved' }
        Get-MediaFile $mv -Name | Should -Be @('a.jpg')
        Get-MediaFile $cp -Recurse -Name | Should -Be @('big.bin', 'sub/b c.jpg')
        Get-MediaFile $cp -Recurse | Remove-MediaFile -WhatIf
        @(Get-MediaFile $cp -Recurse).Count | Should -Be 2
        Get-MediaFile $cp -Recurse | Remove-MediaFile -Force
        @(Get-MediaFile $cp -Recurse).Count | Should -Be 0
        Remove-MediaFile $mv -Recurse -Force -PassThru | ForEach-Object { $_.Status | Should -Be 'Removed' }
        @(Get-MediaFile $mv -Recurse).Count | Should -Be 0
    }

    It 'keeps the cache coherent: an overwrite or a delete drops the cached copy' -Skip:($Kind -eq 'local') {
        $item = "${up}a.jpg"
        (Invoke-MediaDownload $item).Status | Should -Be 'Downloaded'
        $new = Join-Path $localRoot "new-$Kind.jpg"
        [IO.File]::WriteAllBytes($new, (New-Bytes 4321))
        Copy-MediaFile $new $item
        Sha (Get-MediaLocalPath $item) | Should -Be (Sha $new)
        Remove-MediaFile $item -Force
        (Get-MediaCacheStats -Path $item).MissingCount | Should -Be 1
    }
}

Describe 'MediaFile operations across stores and rules' {
    BeforeAll { $script:dir = New-TestCache; Set-StoreEnv }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'copies cloud to cloud (MinIO to GCS to Azure) and an http(s) URL as a source, streamed and verified' {
        $f = Join-Path $src 'big.bin'
        Copy-MediaFile $f "mymin://media/x-$run/big.bin"
        (Copy-MediaFile "mymin://media/x-$run/big.bin" "gs://gops/x-$run/" -PassThru).Method | Should -Be 'streamed'
        (Copy-MediaFile "gs://gops/x-$run/big.bin" "az://ops-$run/x/" -PassThru).Method | Should -Be 'streamed'
        Copy-MediaFile "az://ops-$run/x/big.bin" (Join-Path $localRoot 'x3.bin')
        Sha (Join-Path $localRoot 'x3.bin') | Should -Be (Sha $f)
        $url = New-HttpTestFile "ops-$run/h.jpg" 5000
        (Copy-MediaFile $url "gs://gops/x-$run/h/" -PassThru).Path | Should -Be "gs://gops/x-$run/h/h.jpg"
        # A URL's '?' begins its query (a presigned URL), not a wildcard: http(s) cannot be listed, so -Path takes it as it is.
        (Copy-MediaFile "${url}?X-Amz-Signature=a*b" (Join-Path $localRoot 'hq.jpg') -PassThru).Status | Should -Be 'Copied'
    }

    It 'GCS uploads a large file as a chunked resumable upload and copies by rewrite' {
        $before = (Invoke-RestMethod "$($servers.gcs.url)/__stats")
        Copy-MediaFile (Join-Path $src 'big.bin') "gs://gops/r-$run/big.bin"
        $after = Invoke-RestMethod "$($servers.gcs.url)/__stats"
        $puts = ($after.requests.PSObject.Properties | Where-Object Name -like 'PUT /upload/*' | Measure-Object Value -Sum).Sum -
                ($before.requests.PSObject.Properties | Where-Object Name -like 'PUT /upload/*' | Measure-Object Value -Sum).Sum
        $puts | Should -BeGreaterOrEqual 3
        Copy-MediaFile "gs://gops/r-$run/big.bin" "gs://gops/r-$run/copy.bin"
        (Invoke-RestMethod "$($servers.gcs.url)/__stats").copies | Should -BeGreaterThan $after.copies
    }

    It 'S3 deletes many objects with DeleteObjects' -Skip:(-not $servers.PSObject.Properties['moto']) {
        Copy-MediaFile "$src/" "s3://media/del-$run/" -Recurse
        $r = Get-MediaFile "s3://media/del-$run/" -Recurse -Force | Remove-MediaFile -Force -PassThru
        $r.Count | Should -Be 4
        $r | ForEach-Object { $_.Method | Should -Be 'batch' }
        @(Get-MediaFile "s3://media/del-$run/" -Recurse -Force).Count | Should -Be 0
    }

    It 'removes local folders left empty, up the tree, and no further' {
        $deep = Join-Path $localRoot 'tree/keep/a/b'
        New-Item -ItemType Directory $deep -Force | Out-Null
        Set-Content (Join-Path $localRoot 'tree/keep/stay.txt') 'x'
        Set-Content (Join-Path $deep 'f.txt') 'x'
        Remove-MediaFile (Join-Path $deep 'f.txt') -Force
        Test-Path (Join-Path $localRoot 'tree/keep/a') | Should -BeFalse
        Test-Path (Join-Path $localRoot 'tree/keep/stay.txt') | Should -BeTrue
    }

    It 'never lets a listed key escape a local destination folder (.., absolute keys)' {
        # GCS object names may hold '..' segments and leading slashes; the fake stores them as given.
        foreach ($name in "esc-$run/ok.jpg", "esc-$run/a/../../../evil-$run.txt", "esc-$run//tmp/evil-abs-$run.txt") {
            $r = $http.PostAsync("$($servers.gcs.url)/upload/storage/v1/b/gops/o?uploadType=media&name=$([uri]::EscapeDataString($name))", [Net.Http.ByteArrayContent]::new([byte[]](1, 2, 3))).GetAwaiter().GetResult()
            $r.IsSuccessStatusCode | Should -BeTrue
        }
        $into = Join-Path $localRoot 'into/inner'
        New-Item -ItemType Directory $into -Force | Out-Null
        Copy-MediaFile "gs://gops/esc-$run/" "$into/" -Recurse -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'DestinationOutsideFolder,*' }).Count | Should -Be 2
        Test-Path (Join-Path $into 'ok.jpg') | Should -BeTrue
        @(Get-ChildItem $localRoot -Recurse -Filter "evil*-$run.txt").Count | Should -Be 0
        Test-Path "/tmp/evil-abs-$run.txt" | Should -BeFalse
    }

    It 'reports one error per failed item (ErrorId, path as TargetObject) and goes on; http(s) cannot be listed' {
        $out = Copy-MediaFile "gs://gops/none-$run/missing.jpg", (Join-Path $src 'a.jpg') "gs://gops/e-$run/" -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ObjectNotFound,*'
        $errs[0].TargetObject | Should -Be "gs://gops/none-$run/missing.jpg"
        Get-MediaFile 'https://example.invalid/x/' -ErrorVariable le -ErrorAction SilentlyContinue
        $le[0].Exception.Message | Should -BeLike '*cannot be listed*'
    }

    It 'binds pairs by property name (Import-Csv with Path and Destination)' {
        $csv = Join-Path $localRoot 'pairs.csv'
        @([pscustomobject]@{ Path = (Join-Path $src 'a.jpg'); Destination = "az://ops-$run/csv/one.jpg" },
          [pscustomobject]@{ Path = (Join-Path $src 'sub/b c.jpg'); Destination = "az://ops-$run/csv/two.jpg" }) | Export-Csv $csv
        Import-Csv $csv | Copy-MediaFile
        Get-MediaFile "az://ops-$run/csv/" -Name | Should -Be @('one.jpg', 'two.jpg')
    }
}

Describe 'MediaFile operations: Copy-MediaFile -Dataset (upload_media)' {
    BeforeAll {
        $script:dir = New-TestCache; Set-StoreEnv
        $script:uri = $servers.mongo.uri
        $script:dsRoot = Join-Path $localRoot 'ds'
        New-Item -ItemType Directory (Join-Path $dsRoot 'left'), (Join-Path $dsRoot 'right') -Force | Out-Null
        foreach ($p in 'left/1.jpg', 'right/1.jpg', 'left/2.jpg') { [IO.File]::WriteAllBytes((Join-Path $dsRoot $p), (New-Bytes 5000)) }
        function New-Ds([string] $Name) {
            New-FiftyOneDataset -Uri $uri -Name $Name -Samples @(
                @{ filepath = (Join-Path $dsRoot 'left/1.jpg') }, @{ filepath = (Join-Path $dsRoot 'right/1.jpg') }, @{ filepath = (Join-Path $dsRoot 'left/2.jpg') })
        }
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses two samples with one basename before uploading anything' {
        $null = New-Ds "up1-$run"
        { Copy-MediaFile -Dataset "up1-$run" -DatabaseUri $uri -Destination "s3://media/ds1-$run/" -ErrorAction Stop } | Should -Throw '*would both be uploaded*'
        @(Get-MediaFile "s3://media/ds1-$run/" -Recurse).Count | Should -Be 0
    }

    It 'keeps subfolders with -RelativeTo, updates filepaths after upload, returns remote paths in sample order, and -Cache Copy makes the next read a hit' {
        $seed = New-Ds "up2-$run"
        $out = Copy-MediaFile -Dataset "up2-$run" -DatabaseUri $uri -Destination "gs://gops/ds2-$run/" -RelativeTo $dsRoot -UpdateFilePath -Cache Copy
        $out | Should -Be @("gs://gops/ds2-$run/left/1.jpg", "gs://gops/ds2-$run/right/1.jpg", "gs://gops/ds2-$run/left/2.jpg")
        (Get-FiftyOneSamples $seed | ForEach-Object { $_['filepath'].AsString }) | Sort-Object | Should -Be ($out | Sort-Object)
        $before = (Invoke-RestMethod "$($servers.gcs.url)/__stats").requests.PSObject.Properties | Measure-Object Value -Sum
        $r = Invoke-MediaDownload "gs://gops/ds2-$run/left/1.jpg"
        $r.Status | Should -Be 'Cached'
        Sha $r.LocalPath | Should -Be (Sha (Join-Path $dsRoot 'left/1.jpg'))
        ((Invoke-RestMethod "$($servers.gcs.url)/__stats").requests.PSObject.Properties | Measure-Object Value -Sum).Sum | Should -Be $before.Sum
    }
}

Describe 'MediaFile operations: wildcards and -LiteralPath' {
    BeforeAll {
        $script:dir = New-TestCache; Set-StoreEnv
        # One remote folder and one local folder with the same names, '[' in one of them.
        $script:names = @('a1.jpg', 'a2.jpg', 'B.jpg', 'b.png', 'sub/a3.jpg', 'x1.jpg', 'x[1].jpg')
        $script:wsrc = Join-Path $localRoot 'wsrc'
        foreach ($n in $names) {
            $f = Join-Path $wsrc $n
            New-Item -ItemType Directory (Split-Path $f) -Force | Out-Null
            [IO.File]::WriteAllBytes($f, (New-Bytes 100))
        }
        $script:remote = if ($servers.PSObject.Properties['moto']) { "s3://media/w-$run/" } else { "mymin://media/w-$run/" }
        Copy-MediaFile -LiteralPath "$wsrc/" -Destination $remote -Recurse
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'expands a wildcard in a remote key over a listing: sorted, per segment, case-sensitive' {
        Get-MediaFile "${remote}a*.jpg" -Name | Should -Be @('a1.jpg', 'a2.jpg')          # '*' stays in its segment
        Get-MediaFile "${remote}*.jpg" -Name | Should -Be @('B.jpg', 'a1.jpg', 'a2.jpg', 'x1.jpg', 'x[1].jpg') # not sub/a3.jpg; ordinal order
        Get-MediaFile "${remote}*/a?.jpg" -Name | Should -Be @('sub/a3.jpg')
        Get-MediaFile "${remote}[bB].*" -Name | Should -Be @('B.jpg', 'b.png')
        @(Get-MediaFile "${remote}A*.jpg").Count | Should -Be 0                            # keys are case-sensitive
        $out = Join-Path $localRoot 'wcopy'
        $r = Copy-MediaFile "${remote}a?.jpg" $out -PassThru                               # into -Destination as a folder
        $r.Path | Sort-Object | Should -Be @((Join-Path $out 'a1.jpg'), (Join-Path $out 'a2.jpg')) # results come as they finish
    }

    It 'expands a local wildcard through the provider (relative paths)' {
        Push-Location $wsrc
        try {
            Get-MediaFile './a*.jpg' -Name | Should -Be @('a1.jpg', 'a2.jpg')
            $out = Join-Path $localRoot 'wlocal'
            Copy-MediaFile './x*.jpg' $out
            (Get-ChildItem -LiteralPath $out -Name | Sort-Object) | Should -Be (@('x1.jpg', 'x[1].jpg') | Sort-Object)
        }
        finally { Pop-Location }
    }

    It 'takes -LiteralPath literally: a [ in a name, remote and local' {
        # As a pattern, x[1].jpg is x1.jpg (and the name itself); literally it is only the bracketed file.
        Get-MediaFile "${remote}x[1].jpg" -Name | Should -Be @('x1.jpg', 'x[1].jpg')
        Remove-MediaFile -LiteralPath "${remote}x[1].jpg" -Force
        Get-MediaFile "${remote}x*" -Name | Should -Be @('x1.jpg')
        $copy = Join-Path $localRoot 'wlit'
        New-Item -ItemType Directory $copy | Out-Null
        Copy-MediaFile -LiteralPath (Join-Path $wsrc 'x[1].jpg') -Destination "$copy/"
        Copy-MediaFile -LiteralPath (Join-Path $wsrc 'x1.jpg') -Destination "$copy/"
        Remove-MediaFile -LP (Join-Path $copy 'x[1].jpg') -Force
        (Get-ChildItem -LiteralPath $copy -Name) | Should -Be @('x1.jpg')
    }

    It 'is silent when a wildcard matches nothing, and reports a literal path that does not exist' {
        Remove-MediaFile "${remote}zz*" -Force -ErrorVariable e1 -ErrorAction SilentlyContinue
        Remove-MediaFile (Join-Path $wsrc 'zz*') -Force -ErrorVariable e2 -ErrorAction SilentlyContinue
        Copy-MediaFile "${remote}zz*" (Join-Path $localRoot 'none/') -ErrorVariable e3 -ErrorAction SilentlyContinue
        @($e1).Count + @($e2).Count + @($e3).Count | Should -Be 0
        # S3 answers 204 to a delete of a missing key: the store declares it, so a literal path is looked up first.
        Remove-MediaFile -LiteralPath "${remote}missing.jpg", (Join-Path $wsrc 'missing.jpg') -Force -ErrorVariable e4 -ErrorAction SilentlyContinue
        @($e4).Count | Should -Be 2
        $e4 | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ObjectNotFound,*' }
        @($e4.TargetObject) | Should -Contain "${remote}missing.jpg"
        # list_files of a folder that does not exist is no error (FiftyOne returns []).
        @(Get-MediaFile -LiteralPath "${remote}nofolder/" -ErrorVariable e5 -ErrorAction SilentlyContinue).Count + @($e5).Count | Should -Be 0
    }

    It 'binds Get-MediaFile output into Remove-MediaFile literally, whatever the names (a [ too)' {
        $p = "${remote}pipe/"
        Copy-MediaFile -LiteralPath (Join-Path $wsrc 'x[1].jpg'), (Join-Path $wsrc 'a1.jpg') -Destination $p
        Copy-MediaFile -LiteralPath (Join-Path $wsrc 'x1.jpg') -Destination $p
        # A listed object's Path is taken literally: x[1].jpg is not the pattern that also matches x1.jpg.
        Get-MediaFile $p | Where-Object Path -Like '*x`[1`].jpg' | Remove-MediaFile -Force
        Get-MediaFile $p -Name | Should -Be @('a1.jpg', 'x1.jpg')
        Get-MediaFile $p | Remove-MediaFile -Force -ErrorVariable e -ErrorAction SilentlyContinue
        @($e).Count | Should -Be 0
        @(Get-MediaFile $p).Count | Should -Be 0
    }

    It 'completes remote paths from what the cache holds' {
        $item = "${remote}a1.jpg"
        Invoke-MediaDownload $item | Out-Null
        $line = "Get-MediaFile ${remote}a"
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Contain $item
    }
}

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
        ($m | Where-Object Source -eq $localImg).Width | Should -Be 4
    }

    It 'completes dataset names' {
        $r = TabExpansion2 -inputScript "Get-MediaLocalPath -Dataset ds-$($run.Substring(0,4))" -cursorColumn (31 + 4)
        $r.CompletionMatches.CompletionText | Should -Contain $name
    }
}

Describe 'Dataset media as FiftyOne sees them (media fields, group slices, 3D assets)' {
    BeforeAll {
        $script:http = $servers.http.url
        function Add-File([string] $Rel, [string] $Text) {
            $full = Join-Path $root $Rel
            New-Item -ItemType Directory -Force (Split-Path $full) | Out-Null
            [IO.File]::WriteAllText($full, $Text)
            return "$http/$Rel"
        }
        # A second media field: thumbnail_path, listed in app_config.media_fields; one sample has none.
        $script:thumbName = "thumbs-$run"
        $script:full1 = Add-Image "mf/$run/full/1.bmp" 40 20
        $script:thumb1 = Add-Image "mf/$run/thumb/1.bmp" 4 2
        $script:full2 = Add-Image "mf/$run/full/2.bmp" 30 10
        $script:thumbSeed = New-FiftyOneDataset -Uri $uri -Name $thumbName -MediaFields filepath, thumbnail_path -Samples @(
            @{ filepath = $full1; fields = @{ thumbnail_path = $thumb1 } }, @{ filepath = $full2 })
        # A grouped dataset: two groups, each with a left and a right image.
        $script:groupName = "grouped-$run"
        $null = New-FiftyOneDataset -Uri $uri -Name $groupName -GroupSlices @{ left = 'image'; right = 'image' } -Samples @(
            @{ filepath = (Add-Image "grp/$run/left/1.bmp" 2 2); group = 'left'; groupId = 1 },
            @{ filepath = (Add-Image "grp/$run/right/1.bmp" 2 2); group = 'right'; groupId = 1 },
            @{ filepath = (Add-Image "grp/$run/left/2.bmp" 2 2); group = 'left'; groupId = 2 },
            @{ filepath = (Add-Image "grp/$run/right/2.bmp" 2 2); group = 'right'; groupId = 2 })
        # A 3D dataset: a .fo3d scene (FiftyOne's format) whose two assets are given relative to the scene.
        $script:pcd = Add-File "3d/$run/pcd/points.pcd" "VERSION .7`nPOINTS 0`n"
        $script:obj = Add-File "3d/$run/scenes/meshes/m.obj" "v 0 0 0`n"
        $script:scene = Add-File "3d/$run/scenes/s.fo3d" (@{
            _type = 'Scene'; name = 'Scene'; visible = $true; fo3d_version = '1.0'
            children = @(@{ _type = 'PointCloud'; name = 'pts'; pcdPath = '../pcd/points.pcd'; children = @() },
                         @{ _type = 'ObjMesh'; name = 'mesh'; objPath = 'meshes/m.obj'; children = @() })
            background = $null; camera = @{ up = 'Y' }; lights = $null } | ConvertTo-Json -Depth 6)
        $script:sceneName = "scenes-$run"
        $null = New-FiftyOneDataset -Uri $uri -Name $sceneName -MediaType 3d -Samples @(@{ filepath = $scene })
    }
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'takes every media field of app_config.media_fields by default, skipping samples without one' {
        (Invoke-MediaDownload -Dataset $thumbName -Summary).Downloaded | Should -Be 3
        (Get-MediaLocalPath $thumb1 -NoDownload) | Should -Exist
        $s = Get-MediaCacheStats -Dataset $thumbName
        $s.RequestedCount | Should -Be 3
        $s.CurrentCount | Should -Be 3
    }

    It 'gives one path per sample from Get-MediaLocalPath (filepath), as get_local_paths does, whatever media_fields lists' {
        $p = @(Get-MediaLocalPath -Dataset $thumbName)
        $p | Should -HaveCount 2 -Because 'two samples: one path each, from filepath, though app_config.media_fields also lists thumbnail_path'
        $p[0] | Should -BeLike "*/mf/$run/full/1.bmp"
        $p[1] | Should -BeLike "*/mf/$run/full/2.bmp"
        (Get-MediaLocalPath $thumb1 -NoDownload) | Should -Not -Exist
        Get-MediaLocalPath -Dataset $sceneName | Should -HaveCount 1 -Because 'a 3D sample is its scene; its assets are downloaded beside it'
        Join-Path (Split-Path (Get-MediaLocalPath $scene -NoDownload)) 'meshes/m.obj' | Should -Exist
    }

    It 'takes only the fields named with -MediaField, and names the media fields when one is unknown' {
        $p = Get-MediaLocalPath -Dataset $thumbName -MediaField thumbnail_path
        $p | Should -HaveCount 1
        $p | Should -BeLike "*/media/http/*/mf/$run/thumb/1.bmp"
        Clear-MediaCache -Dataset $thumbName -MediaField thumbnail_path -Confirm:$false
        (Get-MediaCacheStats -Dataset $thumbName).CurrentCount | Should -Be 0
        $null = Invoke-MediaDownload -Dataset $thumbName
        Clear-MediaCache -Dataset $thumbName -MediaField thumbnail_path -Confirm:$false
        (Get-MediaCacheStats -Dataset $thumbName -MediaField filepath).CurrentCount | Should -Be 2
        $err = $null
        try { Get-MediaLocalPath -Dataset $thumbName -MediaField thumbnails -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidDatasetSelection,*'
        "$err" | Should -Match "'thumbnails'.*filepath, thumbnail_path"
    }

    It 'computes metadata from the filepath only, as FiftyOne does' {
        (Update-MediaMetadata -Dataset $thumbName -Confirm:$false).Computed | Should -Be 2
        $a = Get-FiftyOneSamples $thumbSeed | Where-Object { $_['filepath'].AsString -eq $full1 }
        $a['metadata'].AsBsonDocument['width'].ToInt32() | Should -Be 40
        { Update-MediaMetadata -Dataset $thumbName -MediaField thumbnail_path -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterNotApplicable,*'
    }

    It 'takes every group slice by default and the chosen ones with -GroupSlice' {
        $all = Get-MediaLocalPath -Dataset $groupName
        $all | Should -HaveCount 4
        $right = Get-MediaLocalPath -Dataset $groupName -GroupSlice right
        $right | Should -HaveCount 2
        $right | ForEach-Object { $_ | Should -BeLike "*/grp/$run/right/*.bmp" }
        (Get-MediaCacheStats -Dataset $groupName -GroupSlice left).CurrentCount | Should -Be 2
        { Get-MediaLocalPath -Dataset $groupName -GroupSlice center -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDatasetSelection,*'
        { Get-MediaLocalPath -Dataset $thumbName -GroupSlice left -ErrorAction Stop } | Should -Throw '*not a grouped dataset*'
    }

    It 'downloads a .fo3d scene with the assets it references, where the scene''s relative paths find them' {
        $r = Invoke-MediaDownload -Dataset $sceneName
        $r | Should -HaveCount 3
        ($r | Where-Object Status -eq 'Downloaded') | Should -HaveCount 3
        $localScene = Get-MediaLocalPath $scene -NoDownload
        Join-Path (Split-Path $localScene) '../pcd/points.pcd' | Should -Exist
        Join-Path (Split-Path $localScene) 'meshes/m.obj' | Should -Exist
        (Get-MediaCacheStats -Dataset $sceneName).CurrentCount | Should -Be 3
        (Get-MediaCacheStats -Dataset $sceneName -IncludeAssets:$false).RequestedCount | Should -Be 1
        Clear-MediaCache -Dataset $sceneName -Confirm:$false
        (Get-MediaCacheStats).CurrentCount | Should -Be 0
    }

    It 'leaves the assets out with -IncludeAssets:$false' {
        Get-MediaLocalPath -Dataset $sceneName -IncludeAssets:$false | Should -HaveCount 1
        (Get-MediaCacheStats).CurrentCount | Should -Be 1
        (Get-MediaLocalPath $pcd -NoDownload) | Should -Not -Exist
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

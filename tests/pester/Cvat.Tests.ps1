# New-CvatAnnotation as a user runs it: against the CVAT fake (the harness's, or one started here) and the
# harness's MongoDB. The dataset is seeded with the MongoDB driver the module ships.
BeforeDiscovery {
    $script:servers = if ($env:FOC_TEST_SERVERS -and (Test-Path $env:FOC_TEST_SERVERS)) { Get-Content $env:FOC_TEST_SERVERS -Raw | ConvertFrom-Json } else { $null }
    $script:noMongo = -not ($servers -and $servers.PSObject.Properties['mongo'] -and $servers.mongo.uri)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $servers = if ($env:FOC_TEST_SERVERS -and (Test-Path $env:FOC_TEST_SERVERS)) { Get-Content $env:FOC_TEST_SERVERS -Raw | ConvertFrom-Json } else { $null }
    $script:cvatUrl = if ($servers -and $servers.PSObject.Properties['cvat']) { $servers.cvat.url } else { $null }
    if (-not $cvatUrl) {
        # No harness instance: start the fake for this file and stop it in AfterAll.
        $psi = [Diagnostics.ProcessStartInfo]::new('node')
        foreach ($a in @((Join-Path $PSScriptRoot '../fakes/cvat-fake.js'), '--port', '0', '--delay', '50')) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.UseShellExecute = $false
        $script:fakeProcess = [Diagnostics.Process]::Start($psi)
        $script:cvatUrl = ($fakeProcess.StandardOutput.ReadLine() -replace '^READY ', '').Trim()
    }
    $script:http = [Net.Http.HttpClient]::new()
    function Invoke-Control([string] $Method, [string] $Path, $Body) {
        $req = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::new($Method), "$cvatUrl$Path")
        if ($null -ne $Body) { $req.Content = [Net.Http.StringContent]::new(($Body | ConvertTo-Json -Depth 10), [Text.Encoding]::UTF8, 'application/json') }
        $resp = $http.Send($req)
        $text = $resp.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        if (-not $resp.IsSuccessStatusCode) { throw "$Method $Path -> $([int]$resp.StatusCode) $text" }
        if ($text) { $text | ConvertFrom-Json -Depth 20 }
    }
    $script:password = 'pester-Pa55word'
    $script:credential = [pscredential]::new('annotator', (ConvertTo-SecureString $password -AsPlainText -Force))

    function New-MongoDataset([string] $Uri, [string] $Name, [string[]] $FilePaths) {
        # The module's own MongoDB driver, loaded from its deps folder (LoadFrom resolves its dependencies there).
        $deps = Join-Path $env:FOC_MODULE_PATH 'deps'
        $null = [Reflection.Assembly]::LoadFrom((Join-Path $deps 'MongoDB.Driver.dll'))
        $db = [MongoDB.Driver.MongoClient]::new($Uri).GetDatabase('fiftyone')
        $dsId = [MongoDB.Bson.ObjectId]::GenerateNewId()
        $coll = "samples.$dsId"
        $doc = [MongoDB.Bson.BsonDocument]::new()
        $null = $doc.Add('_id', $dsId).Add('name', $Name).Add('version', '1.3.0').Add('media_type', 'image').Add('sample_collection_name', $coll).Add('annotation_runs', [MongoDB.Bson.BsonDocument]::new())
        # PowerShell fills no optional .NET parameters: settings, options and tokens are passed explicitly.
        $none = [Threading.CancellationToken]::None
        $db.GetCollection[MongoDB.Bson.BsonDocument]('datasets', $null).InsertOne($doc, $null, $none)
        foreach ($p in $FilePaths) {
            $s = [MongoDB.Bson.BsonDocument]::new()
            $null = $s.Add('_id', [MongoDB.Bson.ObjectId]::GenerateNewId()).Add('filepath', $p).Add('_media_type', 'image').Add('tags', [MongoDB.Bson.BsonArray]::new())
            $db.GetCollection[MongoDB.Bson.BsonDocument]($coll, $null).InsertOne($s, $null, $none)
        }
        return [pscustomobject]@{ Db = $db; Id = $dsId }
    }
}

AfterAll {
    if ($script:fakeProcess) { $fakeProcess.Kill($true); $fakeProcess.Dispose() }
    $http.Dispose()
}

Describe 'New-CvatAnnotation' {
    BeforeEach {
        $script:dir = New-TestCache
        Invoke-Control POST '/__control/reset' $null | Out-Null
        Invoke-Control POST '/__control/users' @{ username = 'annotator'; password = $password } | Out-Null
        Invoke-Control DELETE '/__control/log' $null | Out-Null
        Remove-Item Env:FIFTYONE_CVAT_URL, Env:FIFTYONE_CVAT_USERNAME, Env:FIFTYONE_CVAT_PASSWORD -ErrorAction SilentlyContinue
    }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'is exported with -WhatIf support and a documented result' {
        $c = Get-Command New-CvatAnnotation
        $c.Parameters.Keys | Should -Contain 'WhatIf'
        $c.OutputType.Type.Name | Should -Contain 'CvatAnnotationResult'
    }

    It 'refuses to start without a CVAT URL, naming the environment variable' {
        { New-CvatAnnotation -Dataset d -AnnotationKey k -LabelField f -Classes a -DatabaseUri 'mongodb://127.0.0.1:1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'CvatUrlMissing,FiftyOneCache.Cmdlets.NewCvatAnnotationCommand' -ExpectedMessage '*FIFTYONE_CVAT_URL*'
        @(Invoke-Control GET '/__control/log' $null).Count | Should -Be 0
    }

    It 'reports an unreachable FiftyOne database before contacting CVAT' {
        $env:FIFTYONE_CVAT_URL = $cvatUrl
        { New-CvatAnnotation -Dataset d -AnnotationKey k -LabelField f -Classes a -Credential $credential -DatabaseUri 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300' -ErrorAction Stop } |
            Should -Throw -ErrorId 'DatabaseUnavailable,FiftyOneCache.Cmdlets.NewCvatAnnotationCommand'
        @(Invoke-Control GET '/__control/log' $null).Count | Should -Be 0
    }

    It '-WhatIf validates, shows the requests, and sends CVAT nothing but GETs' -Skip:$noMongo {
        $files = 1..3 | ForEach-Object { $f = Join-Path $dir "img$_.jpg"; [IO.File]::WriteAllBytes($f, [byte[]]::new(500 + $_)); $f }
        $uri = (Get-TestServers).mongo.uri
        $null = New-MongoDataset $uri "whatif$PID" $files
        $env:FIFTYONE_CVAT_URL = $cvatUrl
        $out = New-CvatAnnotation -Dataset "whatif$PID" -AnnotationKey r1 -LabelField gt -Classes car, person -Credential $credential -DatabaseUri $uri -WhatIf -Verbose 4>&1 | Out-String
        $out | Should -Match 'POST /api/tasks'
        $log = @(Invoke-Control GET '/__control/log' $null)
        $log.Count | Should -BeGreaterThan 0
        @($log | Where-Object method -ne 'GET').Count | Should -Be 0
        @((Invoke-Control GET '/__control/state' $null).tasks).Count | Should -Be 0
    }

    It 'uploads a dataset, emits the task and job ids, and records the run in MongoDB' -Skip:$noMongo {
        $files = 1..3 | ForEach-Object { $f = Join-Path $dir "img$_.jpg"; [IO.File]::WriteAllBytes($f, [byte[]]::new(500 + $_)); $f }
        $uri = (Get-TestServers).mongo.uri
        $seed = New-MongoDataset $uri "real$PID" $files
        $db = $seed.Db
        $r = New-CvatAnnotation -Dataset "real$PID" -AnnotationKey round1 -LabelField gt -LabelType detections -Classes car, person -CvatUrl $cvatUrl -Credential $credential -DatabaseUri $uri -TaskSize 2 -Confirm:$false
        $r.Mode | Should -Be 'Upload'
        $r.TaskIds.Count | Should -Be 2
        $r.JobIds.Count | Should -BeGreaterOrEqual 2
        $r.TaskUrls[0] | Should -BeLike "$cvatUrl/tasks/*"
        ($r | Format-List | Out-String) | Should -Match 'TaskIds\s*:'
        $filter = [MongoDB.Driver.BsonDocumentFilterDefinition[MongoDB.Bson.BsonDocument]]::new([MongoDB.Bson.BsonDocument]::new('key', 'round1').Add('_dataset_id', $seed.Id))
        $cursor = $db.GetCollection[MongoDB.Bson.BsonDocument]('runs', $null).FindSync[MongoDB.Bson.BsonDocument]($filter, $null, [Threading.CancellationToken]::None)
        $runs = @(while ($cursor.MoveNext([Threading.CancellationToken]::None)) { $cursor.Current })
        $runs.Count | Should -Be 1
        $runs[0]['config']['method'].AsString | Should -Be 'cvat'
        ($runs[0].ToString()) | Should -Not -Match $password
        $runs[0]['_fiftyonecache']['status'].AsString | Should -Be 'complete'
        $state = Invoke-Control GET '/__control/state' $null
        @($state.tasks.uploadedFiles).Count | Should -Be 3
    }

    It 'chooses the CVAT storage attached for the MinIO endpoint of the MinIO ini profile' -Skip:$noMongo {
        # MinIO is the harness's s3rver, configured only through an ini profile (no MINIO_* variables); CVAT holds two
        # storages of the bucket with the manifest: one for another endpoint (attached first), one for this endpoint.
        $s3 = (Get-TestServers).s3
        $run = [guid]::NewGuid().ToString('N').Substring(0, 8)
        Remove-Item Env:MINIO_ENDPOINT_URL, Env:MINIO_ACCESS_KEY, Env:MINIO_SECRET_ACCESS_KEY, Env:MINIO_ALIAS, Env:MINIO_CONFIG_FILE, Env:MINIO_PROFILE -ErrorAction SilentlyContinue
        $manifest = "{`"version`":`"1.1`"}`n{`"type`":`"images`"}`n" + (('a', 'b' | ForEach-Object { "{`"name`":`"$_`",`"extension`":`".jpg`",`"width`":64,`"height`":48,`"meta`":{`"related_images`":[]}}" }) -join "`n") + "`n"
        foreach ($o in @(@("$run/a.jpg", [byte[]]::new(700)), @("$run/b.jpg", [byte[]]::new(800)), @("$run/manifest.jsonl", [Text.Encoding]::UTF8.GetBytes($manifest)))) {
            $resp = $http.PutAsync("$($s3.endpoint)/media/$($o[0])", [Net.Http.ByteArrayContent]::new($o[1])).GetAwaiter().GetResult()
            $resp.IsSuccessStatusCode | Should -BeTrue
        }
        $ini = Join-Path $dir 'minio.ini'
        Set-Content $ini "[default]`nendpoint_url = http://127.0.0.1:1`n[lab]`naccess_key = S3RVER`nsecret_access_key = S3RVER`nendpoint_url = $($s3.endpoint)`nalias = lab`n"
        Set-MediaCacheConfig -MinioConfigFile $ini -MinioProfile lab
        $key = "$run/manifest.jsonl"
        $storage = { param($endpoint) Invoke-Control POST '/__control/cloudstorages' @{
            provider_type = 'AWS_S3_BUCKET'; resource = 'media'; display_name = "minio $endpoint"; manifests = @($key)
            manifest_contents = @{ $key = $manifest }; specific_attributes = "endpoint_url=$([Uri]::EscapeDataString($endpoint))" } }
        $other = & $storage 'http://other.example:9000'
        $mine = & $storage $s3.endpoint
        $uri = (Get-TestServers).mongo.uri
        $null = New-MongoDataset $uri "minio$run" @("lab://media/$run/a.jpg", "lab://media/$run/b.jpg")

        $r = New-CvatAnnotation -Dataset "minio$run" -AnnotationKey m1 -LabelField gt -Classes car -CvatUrl $cvatUrl -Credential $credential -DatabaseUri $uri -CloudManifest "lab://media/$key" -Confirm:$false

        $r.Mode | Should -Be 'CloudManifest'
        $task = @((Invoke-Control GET '/__control/state' $null).tasks)[0]
        $task.dataRequest.cloud_storage_id | Should -Be $mine.id
        $task.dataRequest.cloud_storage_id | Should -Not -Be $other.id
    }

    It '-CloudStorageId without a cloud manifest is refused before anything is sent' {
        { New-CvatAnnotation -Dataset d -AnnotationKey k -LabelField f -Classes a -CvatUrl $cvatUrl -Credential $credential -DatabaseUri 'mongodb://127.0.0.1:1' -CloudStorageId 51 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CloudStorageIdWithoutManifest,FiftyOneCache.Cmdlets.NewCvatAnnotationCommand'
        @(Invoke-Control GET '/__control/log' $null).Count | Should -Be 0
    }
}

# s3:// and MinIO paths through the cmdlets against the real s3rver started by the harness.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:s3 = (Get-TestServers).s3
    $script:http = [Net.Http.HttpClient]::new()
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)

    # s3rver accepts unsigned PUTs, so seeding needs no SDK (and no aws-chunked framing can slip into the bytes).
    function Put-S3([string] $Bucket, [string] $Key, [byte[]] $Bytes) {
        $content = [Net.Http.ByteArrayContent]::new($Bytes)
        $r = $http.PutAsync("$($s3.endpoint)/$Bucket/$Key", $content).GetAwaiter().GetResult()
        if (-not $r.IsSuccessStatusCode) { throw "PUT $Key failed: $($r.StatusCode)" }
    }
    function New-Bytes([int] $Size) { $b = [byte[]]::new($Size); [Random]::Shared.NextBytes($b); return , $b }
    function Set-S3Env {
        $env:AWS_ENDPOINT_URL = $s3.endpoint; $env:AWS_ACCESS_KEY_ID = 'S3RVER'; $env:AWS_SECRET_ACCESS_KEY = 'S3RVER'
        Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue
    }
    function Set-MinioEnv {
        $env:MINIO_ENDPOINT_URL = $s3.endpoint; $env:MINIO_ACCESS_KEY = 'S3RVER'; $env:MINIO_SECRET_ACCESS_KEY = 'S3RVER'; $env:MINIO_ALIAS = 'mymin'
    }
    function Clear-StoreEnv {
        Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_PROFILE, Env:AWS_SHARED_CREDENTIALS_FILE,
            Env:AWS_CONFIG_FILE, Env:AWS_DEFAULT_PROFILE,
            Env:MINIO_ENDPOINT_URL, Env:MINIO_ACCESS_KEY, Env:MINIO_SECRET_ACCESS_KEY, Env:MINIO_ALIAS, Env:MINIO_CONFIG_FILE, Env:MINIO_PROFILE -ErrorAction SilentlyContinue
    }
    $script:small = New-Bytes 150000
    Put-S3 'media' "$run/img/a.jpg" $small
    Put-S3 'media' "$run/img/b.jpg" (New-Bytes 1000)
}

AfterAll { Clear-StoreEnv }

Describe 'S3 store' {
    BeforeEach { $script:dir = New-TestCache; Set-S3Env }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'downloads s3:// objects into s3/bucket/key with their exact bytes' {
        $r = Invoke-MediaDownload "s3://media/$run/img/a.jpg"
        $r.Status | Should -Be 'Downloaded'
        $r.LocalPath | Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/s3/media/$run/img/a.jpg")
        [IO.File]::ReadAllBytes($r.LocalPath) | Should -Be $small
        (Invoke-MediaDownload "s3://media/$run/img/a.jpg").Status | Should -Be 'Cached'
    }

    It 'downloads a large object in parallel ranges, verified by hash' {
        $big = New-Bytes (40MB + 12345)
        Put-S3 'media' "$run/big.bin" $big
        $r = Invoke-MediaDownload "s3://media/$run/big.bin"
        $r.Size | Should -Be $big.Length
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($big)))
    }

    It 'expands a prefix with more than 1,000 keys (paging) and streams the downloads' {
        $tasks = foreach ($i in 1..1050) {
            $http.PutAsync("$($s3.endpoint)/media/$run/many/$i.bin", [Net.Http.StringContent]::new("object $i"))
        }
        [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]$tasks)
        $results = Invoke-MediaDownload "s3://media/$run/many/" -Recurse
        @($results).Count | Should -Be 1050
        @($results | Where-Object Status -ne 'Downloaded').Count | Should -Be 0
        Get-Content (Get-MediaLocalPath "s3://media/$run/many/777.bin") -Raw | Should -Be 'object 777'
    }

    It 're-downloads with -Update only when the object changed' {
        Put-S3 'media' "$run/upd.bin" ([Text.Encoding]::UTF8.GetBytes('version 1'))
        (Invoke-MediaDownload "s3://media/$run/upd.bin").Status | Should -Be 'Downloaded'
        (Invoke-MediaDownload "s3://media/$run/upd.bin" -Update).Status | Should -Be 'Cached'
        Put-S3 'media' "$run/upd.bin" ([Text.Encoding]::UTF8.GetBytes('version 2, longer'))
        $r = Invoke-MediaDownload "s3://media/$run/upd.bin" -Update
        $r.Status | Should -Be 'Updated'
        Get-Content $r.LocalPath -Raw | Should -Be 'version 2, longer'
    }

    It 'fails fast on a missing key and a missing bucket, naming the item and the reason' {
        $null = Invoke-MediaDownload "s3://media/$run/nope.jpg", "s3://no-such-bucket-$run/x.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'ObjectNotFound,*' }
        ($errs | Where-Object { "$_" -like "*nope.jpg*" }).Exception.Message | Should -Match 'no such key'
        ($errs | Where-Object { "$_" -like "*no-such-bucket*" }).Exception.Message | Should -Match 'does not exist'
    }

    It 'reports wrong credentials as AccessDenied without printing the secret' {
        $env:AWS_ACCESS_KEY_ID = 'WRONGKEYID'; $env:AWS_SECRET_ACCESS_KEY = 'CANARY-SECRET-9f31'
        $null = Invoke-MediaDownload "s3://media/$run/img/a.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue -Verbose 4>&1 | Tee-Object -Variable verbose
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        ($errs + $verbose | Out-String) | Should -Not -Match 'CANARY-SECRET'
    }

    It 'uses a named profile from aws_config_file and says so with -Verbose' {
        Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY
        $creds = Join-Path $dir 'credentials'
        Set-Content $creds "[other]`naws_access_key_id = WRONG`naws_secret_access_key = x`n[media-reader]`naws_access_key_id = S3RVER`naws_secret_access_key = CANARY-PROFILE-SECRET`n"
        Set-MediaCacheConfig -AwsConfigFile $creds -AwsProfile media-reader
        $out = Invoke-MediaDownload "s3://media/$run/img/b.jpg" -Verbose 4>&1
        ($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String) | Should -Match "profile 'media-reader'"
        ($out | Out-String) | Should -Not -Match 'CANARY-PROFILE-SECRET'
        ($out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Status | Should -Be 'Downloaded'
    }

    It 'reads endpoint_url and keys of the [default] profile when no profile is named, and downloads over http' {
        Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY
        $cfg = Join-Path $dir 'aws-config'
        Set-Content $cfg "[default]`nendpoint_url = $($s3.endpoint)`nregion = us-east-1`naws_access_key_id = S3RVER`naws_secret_access_key = S3RVER`n"
        $env:AWS_CONFIG_FILE = $cfg; $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $dir 'no-credentials'
        $r = Invoke-MediaDownload "s3://media/$run/img/a.jpg"
        $r.Status | Should -Be 'Downloaded'
        # Hashes, not Should -Be on byte arrays: Pester compares arrays item by item (tens of seconds for 150 KB).
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($small)))
    }

    It 'names the profile it could not find' {
        Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY
        $env:AWS_PROFILE = "missing-$run"
        $null = Invoke-MediaDownload "s3://media/$run/img/b.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NoCredentials,*'
        $errs[0].Exception.Message | Should -Match "missing-$run"
    }

    It 'binds objects with BucketName and Key properties (Get-S3Object output)' {
        $objs = [pscustomobject]@{ BucketName = 'media'; Key = "$run/img/a.jpg" }, [pscustomobject]@{ BucketName = 'media'; Key = "$run/img/b.jpg" }
        $paths = $objs | Get-MediaLocalPath
        $paths | Should -HaveCount 2
        $paths[1] | Should -BeLike "*/media/s3/media/$run/img/b.jpg"
    }
}

Describe 'MinIO store' {
    BeforeEach { $script:dir = New-TestCache; Clear-StoreEnv }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue; Clear-StoreEnv }

    It 'downloads alias and endpoint-URL forms from environment settings into minio/bucket/key' {
        Set-MinioEnv
        $a = Invoke-MediaDownload "mymin://media/$run/img/a.jpg"
        $b = Invoke-MediaDownload "$($s3.endpoint)/media/$run/img/b.jpg"
        $a.LocalPath | Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/minio/media/$run/img/a.jpg")
        $b.LocalPath | Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/minio/media/$run/img/b.jpg")
        [IO.File]::ReadAllBytes($a.LocalPath) | Should -Be $small
    }

    It 'reads endpoint, keys and alias from a profile of the MinIO ini file and lists prefixes' {
        $ini = Join-Path $dir 'minio.ini'
        Set-Content $ini "[default]`nendpoint_url = http://127.0.0.1:1`n[lab]`naccess_key = S3RVER`nsecret_access_key = S3RVER`nendpoint_url = $($s3.endpoint)`nalias = lab`nregion = us-east-1`n"
        Set-MediaCacheConfig -MinioConfigFile $ini -MinioProfile lab
        $r = Invoke-MediaDownload "lab://media/$run/img/" -Recurse
        @($r).Count | Should -Be 2
        ($r.Source | Sort-Object) | Should -Be @("lab://media/$run/img/a.jpg", "lab://media/$run/img/b.jpg")
    }

    It 'downloads a large object through ranged reads (the Minio client''s own ranged reads are not used)' {
        Set-MinioEnv
        $big = New-Bytes (36MB)
        Put-S3 'media' "$run/minio-big.bin" $big
        $r = Invoke-MediaDownload "mymin://media/$run/minio-big.bin"
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($big)))
    }
}

Describe 'Mixed stores in one pipeline' {
    BeforeEach { $script:dir = New-TestCache; Set-S3Env; Set-MinioEnv }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue; Clear-StoreEnv }

    It 'keeps input order across s3, MinIO, http and local paths' {
        $url = New-HttpTestFile "mixed/$run/c.bin" 3000
        $local = Join-Path $dir 'local.jpg'
        Set-Content $local 'x'
        $inputs = "s3://media/$run/img/a.jpg", "mymin://media/$run/img/b.jpg", $url, $local
        $out = $inputs | Get-MediaLocalPath
        $out | Should -HaveCount 4
        $out[0] | Should -BeLike '*/media/s3/media/*'
        $out[1] | Should -BeLike '*/media/minio/media/*'
        $out[2] | Should -BeLike '*/media/http/127.0.0.1_*'
        $out[3] | Should -Be $local
        $out | ForEach-Object { $_ | Should -Exist }
    }
}

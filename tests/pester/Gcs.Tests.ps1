# gs:// paths through the cmdlets with the real Google.Cloud.Storage.V1 client against tests/fakes/gcs-fake.js.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:gcs = (Get-TestServers).gcs.url
    $script:http = [Net.Http.HttpClient]::new()
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    function Put-Gcs([string] $Name, [byte[]] $Bytes) {
        $r = $http.PostAsync("$gcs/upload/storage/v1/b/gbucket/o?uploadType=media&name=$([uri]::EscapeDataString($Name))", [Net.Http.ByteArrayContent]::new($Bytes)).GetAwaiter().GetResult()
        if (-not $r.IsSuccessStatusCode) { throw "upload $Name failed: $($r.StatusCode)" }
    }
    function Set-Faults($Rules) { Invoke-RestMethod -Method Post -Uri "$gcs/__faults" -Body (ConvertTo-Json @($Rules) -Depth 4) | Out-Null }
    function New-Bytes([int] $Size) { $b = [byte[]]::new($Size); [Random]::Shared.NextBytes($b); return , $b }
    function Sha([byte[]] $b) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($b)) }
    $script:small = New-Bytes 20000
    Put-Gcs "$run/a.jpg" $small
    Put-Gcs "$run/b c.jpg" (New-Bytes 500)
}

AfterAll { Remove-Item Env:STORAGE_EMULATOR_HOST, Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue }

Describe 'GCS store' {
    BeforeEach {
        $script:dir = New-TestCache
        $env:STORAGE_EMULATOR_HOST = $gcs
        Invoke-RestMethod -Method Delete -Uri "$gcs/__faults" | Out-Null
    }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'downloads gs:// objects into gs/bucket/key, names with spaces included' {
        $r = Invoke-MediaDownload "gs://gbucket/$run/a.jpg", "gs://gbucket/$run/b c.jpg"
        $r | ForEach-Object { $_.Status | Should -Be 'Downloaded' }
        (Get-MediaLocalPath "gs://gbucket/$run/a.jpg") | Should -Be (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/gs/gbucket/$run/a.jpg")
        [IO.File]::ReadAllBytes((Get-MediaLocalPath "gs://gbucket/$run/a.jpg")) | Should -Be $small
    }

    It 'downloads a large object in parallel ranges and verifies its CRC32C' {
        $big = New-Bytes (40MB + 7)
        Put-Gcs "$run/big.bin" $big
        $r = Invoke-MediaDownload "gs://gbucket/$run/big.bin"
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be (Sha $big)
        $ranged = (Invoke-RestMethod "$gcs/__stats").requests.PSObject.Properties | Where-Object Name -like "GET */$run%2Fbig.bin"
        ($ranged.Value | Measure-Object -Sum).Sum | Should -BeGreaterThan 2   # metadata + several ranges
    }

    It 'never serves a corrupted body: checksum mismatch, no file at the final path' {
        Put-Gcs "$run/corrupt.bin" (New-Bytes 5000)
        Set-Faults @{ match = "$run/corrupt.bin"; kind = 'corrupt'; times = 50 }
        $null = Invoke-MediaDownload "gs://gbucket/$run/corrupt.bin" -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ChecksumMismatch,*'
        Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/gs/gbucket/$run/corrupt.bin" | Should -Not -Exist
        Get-ChildItem (Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/gs/gbucket/$run") -Force -Filter '.foc-*' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Test-MediaCache).Healthy | Should -BeTrue
    }

    It 'retries a 503 honouring Retry-After and recovers from a reset mid-body' {
        $bytes = New-Bytes 300000
        Put-Gcs "$run/flaky.bin" $bytes
        Set-Faults @(@{ match = "$run/flaky.bin?alt=media"; kind = 'status'; status = 503; retryAfter = 2; times = 1 },
                     @{ match = "$run/flaky.bin?alt=media"; kind = 'reset'; afterBytes = 100000; times = 1 })
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-MediaDownload "gs://gbucket/$run/flaky.bin"
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be (Sha $bytes)
    }

    It 're-downloads with -Update when the generation changed' {
        Put-Gcs "$run/gen.txt" ([Text.Encoding]::UTF8.GetBytes('one'))
        (Invoke-MediaDownload "gs://gbucket/$run/gen.txt").Status | Should -Be 'Downloaded'
        (Invoke-MediaDownload "gs://gbucket/$run/gen.txt" -Update).Status | Should -Be 'Cached'
        Put-Gcs "$run/gen.txt" ([Text.Encoding]::UTF8.GetBytes('two!'))
        $r = Invoke-MediaDownload "gs://gbucket/$run/gen.txt" -Update
        $r.Status | Should -Be 'Updated'
        Get-Content $r.LocalPath -Raw | Should -Be 'two!'
    }

    It 'lists a prefix across pages (more than 1,000 objects)' {
        $tasks = foreach ($i in 1..1020) {
            $http.PostAsync("$gcs/upload/storage/v1/b/gbucket/o?uploadType=media&name=$run%2Fmany%2F$i.txt", [Net.Http.StringContent]::new("n$i"))
        }
        [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]$tasks)
        $r = Invoke-MediaDownload "gs://gbucket/$run/many/" -Recurse -Summary
        $r.Downloaded | Should -Be 1020
        $r.Failed | Should -Be 0
    }

    It 'fails fast on missing objects and buckets, naming them' {
        $null = Invoke-MediaDownload "gs://gbucket/$run/none.jpg", "gs://no-bucket-$run/x.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ObjectNotFound,*' }
        ($errs | Where-Object { "$_" -like '*no-bucket*' }).Exception.Message | Should -Match 'does not exist'
        ($errs | Where-Object { "$_" -like '*none.jpg*' }).Exception.Message | Should -Match 'No such object'
    }

    It 'reports a malformed credentials file once, naming its source and no key material' {
        Remove-Item Env:STORAGE_EMULATOR_HOST
        $key = Join-Path $dir 'key.json'
        Set-Content $key '{"type":"service_account","private_key":"CANARY-PRIVATE-KEY"'
        Set-MediaCacheConfig -GoogleApplicationCredentials $key
        $null = Invoke-MediaDownload "gs://gbucket/$run/a.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NoCredentials,*'
        $errs[0].Exception.Message | Should -Match 'google_application_credentials'
        ($errs | Out-String) | Should -Not -Match 'CANARY-PRIVATE-KEY'
    }

    It 'mixes gs, http and local paths in one ordered pipeline' {
        $url = New-HttpTestFile "gcsmix/$run/x.bin" 100
        $local = Join-Path $dir 'l.txt'; Set-Content $local 'l'
        $out = "gs://gbucket/$run/a.jpg", $url, $local | Get-MediaLocalPath
        $out[0] | Should -BeLike '*/media/gs/gbucket/*'
        $out[1] | Should -BeLike '*/media/http/*'
        $out[2] | Should -Be $local
    }
}

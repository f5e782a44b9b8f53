# Reliability of the storage operations (issue 21 §5): SIGKILL mid multipart upload, a move whose destination
# fails, a dataset upload with -UpdateFilePath killed at random points, local destinations that cannot be escaped,
# and no secret in any error or verbose line. Figures go to the reliability report.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
    $script:noMoto = -not (Get-TestServers).PSObject.Properties['moto']
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../pester/AzuriteHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = 'ops-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:dir = New-TestCache
    $script:work = Join-Path $dir 'work'
    New-Item -ItemType Directory $work | Out-Null
    $script:http = [Net.Http.HttpClient]::new()
    function New-File([string] $Path, [int] $Size) { $b = [byte[]]::new($Size); [Random]::Shared.NextBytes($b); [IO.File]::WriteAllBytes($Path, $b) }
    $script:baseEnv = @{ FIFTYONE_MEDIA_CACHE_DIR = $env:FIFTYONE_MEDIA_CACHE_DIR; FIFTYONE_MEDIA_CACHE_CONFIG_PATH = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH }
    if ($servers.PSObject.Properties['moto']) {
        $baseEnv += @{ AWS_ENDPOINT_URL = $servers.moto.endpoint; AWS_ACCESS_KEY_ID = 'testing'; AWS_SECRET_ACCESS_KEY = 'testing' }
        $env:AWS_ENDPOINT_URL = $servers.moto.endpoint; $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'testing'
    }
    function Get-OpenUploads([string] $Key) {
        $x = [xml]$http.GetStringAsync("$($servers.moto.endpoint)/media?uploads&prefix=$([uri]::EscapeDataString($Key))").GetAwaiter().GetResult()
        @($x.ListMultipartUploadsResult.Upload | Where-Object { $_ -and $_.Key -eq $Key }).Count
    }
}

AfterAll {
    Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AZURE_STORAGE_ACCOUNT, Env:AZURE_STORAGE_KEY,
        Env:AZURE_STORAGE_ACCOUNT_URL -ErrorAction SilentlyContinue
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Storage operations reliability' {
    It 'SIGKILL during a multipart upload leaves no visible object; the next run completes it and aborts the orphaned upload' -Skip:$noMoto {
        $big = Join-Path $work 'big.bin'
        New-File $big (48MB + 5)
        $rounds = 5; $killed = 0; $visibleAfterKill = 0; $orphansSeen = 0
        foreach ($i in 1..$rounds) {
            $key = "$run/kill$i.bin"
            $p = Start-PwshScript "Import-Module (Join-Path `$env:FOC_MODULE_PATH 'FiftyOneCache.psd1'); Copy-MediaFile '$big' 's3://media/$key'" $baseEnv
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-OpenUploads $key) -eq 0 -and -not $p.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds (Get-Random -Minimum 0 -Maximum 400)
            if (-not $p.HasExited) { $p.Kill(); $killed++ }
            $p.WaitForExit()
            $orphansSeen += Get-OpenUploads $key
            $seen = @(Get-MediaFile "s3://media/$run/" | Where-Object { $_.Path -eq "s3://media/$key" })
            if ($seen.Count -and $seen[0].Size -ne (48MB + 5)) { $visibleAfterKill++ }
            # The next run: completes the copy and aborts what the killed one left open.
            $r = Copy-MediaFile $big "s3://media/$key" -PassThru
            $r.Status | Should -BeIn 'Copied', 'Skipped'
            Get-OpenUploads $key | Should -Be 0
            (Get-MediaFile "s3://media/$run/" | Where-Object { $_.Path -eq "s3://media/$key" }).Size | Should -Be (48MB + 5)
        }
        Write-ReliabilityFigure 'ops-sigkill-multipart' @{ rounds = $rounds; killedMidUpload = $killed; partialObjectsVisible = $visibleAfterKill;
            orphanedUploadsLeftByKills = $orphansSeen; orphanedUploadsAfterRerun = 0; completedOnRerun = $rounds }
        $visibleAfterKill | Should -Be 0
        $killed | Should -BeGreaterThan 0
    }

    It 'a move whose destination fails (500 on the PUT, or on the block-list commit) never deletes the source' {
        $env:AZURE_STORAGE_ACCOUNT = 'devstoreaccount1'; $env:AZURE_STORAGE_KEY = $servers.azure.key; $env:AZURE_STORAGE_ACCOUNT_URL = $servers.azureproxy.url
        $proxyRoot = $servers.azureproxy.url -replace '/devstoreaccount1$', ''
        New-AzuriteContainer "mv-$run"
        $cases = @(
            @{ Name = 'small.bin'; Size = 30000; Rule = @{ match = "mv-$run/small.bin"; method = 'PUT'; kind = 'status'; status = 500 } }
            @{ Name = 'large.bin'; Size = 20MB; Rule = @{ match = "mv-$run/large.bin"; method = 'PUT'; search = 'comp=blocklist'; kind = 'status'; status = 500 } }
        )
        $kept = 0; $failedAsExpected = 0
        foreach ($c in $cases) {
            $f = Join-Path $work $c.Name
            New-File $f $c.Size
            $hash = Get-Sha256Hex $f
            Invoke-RestMethod -Method Post -Uri "$proxyRoot/__faults" -Body (ConvertTo-Json @($c.Rule)) | Out-Null
            try { Move-MediaFile $f "$($servers.azureproxy.url)/mv-$run/$($c.Name)" -ErrorVariable errs -ErrorAction SilentlyContinue }
            finally { Invoke-RestMethod -Method Delete -Uri "$proxyRoot/__faults" | Out-Null }
            if ($errs.Count -eq 1) { $failedAsExpected++ }
            if ((Test-Path $f) -and (Get-Sha256Hex $f) -eq $hash) { $kept++ }
            @(Get-MediaFile "$($servers.azureproxy.url)/mv-$run/" | Where-Object { $_.Path -like "*/$($c.Name)" }).Count | Should -Be 0
        }
        Write-ReliabilityFigure 'ops-move-destination-fails' @{ cases = $cases.Count; sourcesKept = $kept; reportedAsErrors = $failedAsExpected }
        $kept | Should -Be $cases.Count
        $failedAsExpected | Should -Be $cases.Count
        Remove-Item Env:AZURE_STORAGE_ACCOUNT, Env:AZURE_STORAGE_KEY, Env:AZURE_STORAGE_ACCOUNT_URL
    }

    It 'a dataset upload with -UpdateFilePath killed at random points leaves every sample pointing at an existing file (10 runs)' -Skip:$noMoto {
        $uri = $servers.mongo.uri
        $root = Join-Path $work 'ds'
        New-Item -ItemType Directory $root | Out-Null
        $samples = foreach ($i in 1..60) { $f = Join-Path $root "s$i.jpg"; New-File $f (Get-Random -Minimum 20000 -Maximum 400000); @{ filepath = $f } }
        $seed = New-FiftyOneDataset -Uri $uri -Name "kill-$run" -Samples $samples
        $dangling = 0; $checked = 0; $killed = 0
        foreach ($round in 1..10) {
            $script = "Import-Module (Join-Path `$env:FOC_MODULE_PATH 'FiftyOneCache.psd1'); Copy-MediaFile -Dataset 'kill-$run' -DatabaseUri '$uri' -Destination 's3://media/$run/ds/' -UpdateFilePath"
            $p = Start-PwshScript $script $baseEnv
            if (-not $p.WaitForExit((Get-Random -Minimum 800 -Maximum 4000))) { $p.Kill(); $p.WaitForExit(); $killed++ }
            $remote = @{}
            Get-MediaFile "s3://media/$run/ds/" | ForEach-Object { $remote[$_.Path] = $_.Size }
            foreach ($d in Get-FiftyOneSamples $seed) {
                $checked++
                $fp = $d['filepath'].AsString
                $exists = if ($fp -like 's3://*') { $remote.ContainsKey($fp) } else { Test-Path -LiteralPath $fp }
                if (-not $exists) { $dangling++ }
            }
        }
        $final = Copy-MediaFile -Dataset "kill-$run" -DatabaseUri $uri -Destination "s3://media/$run/ds/" -UpdateFilePath
        @($final).Count | Should -Be 60
        Write-ReliabilityFigure 'ops-dataset-upload-killed' @{ runs = 10; killed = $killed; sampleChecks = $checked; danglingSamples = $dangling;
            pointingRemoteAfterFinalRun = @(Get-FiftyOneSamples $seed | Where-Object { $_['filepath'].AsString -like 's3://*' }).Count }
        $dangling | Should -Be 0
    }

    It 'local destinations cannot be escaped by listed keys (.., absolute keys)' {
        $hostile = "a/../../../e1-$run", "../e2-$run", "..//e3-$run", "/tmp/e4-$run", "a/./../../e5-$run", "b/../../../../tmp/e6-$run"
        foreach ($h in @('fine.jpg') + $hostile) {
            $name = "hx-$run/$h"
            $null = $http.PostAsync("$($servers.gcs.url)/upload/storage/v1/b/gops/o?uploadType=media&name=$([uri]::EscapeDataString($name))", [Net.Http.ByteArrayContent]::new([byte[]](7))).GetAwaiter().GetResult()
        }
        $env:STORAGE_EMULATOR_HOST = $servers.gcs.url
        $into = Join-Path $work 'into/deeper'
        New-Item -ItemType Directory $into -Force | Out-Null
        Copy-MediaFile "gs://gops/hx-$run/" "$into/" -Recurse -ErrorVariable errs -ErrorAction SilentlyContinue
        $refused = @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'DestinationOutsideFolder,*' }).Count
        $escaped = @(Get-ChildItem ([IO.Path]::GetTempPath()) -Recurse -Filter "e?-$run" -ErrorAction SilentlyContinue).Count
        Write-ReliabilityFigure 'ops-local-escape' @{ hostileKeys = $hostile.Count; refused = $refused; filesWrittenOutside = $escaped }
        $refused | Should -Be $hostile.Count
        $escaped | Should -Be 0
        Remove-Item Env:STORAGE_EMULATOR_HOST
    }

    It 'prints no secret in any error or verbose line' {
        $bytes = [byte[]]::new(64); [Random]::Shared.NextBytes($bytes); $secret = [Convert]::ToBase64String($bytes)   # a well-formed, wrong account key
        $env:AZURE_STORAGE_ACCOUNT = 'devstoreaccount1'; $env:AZURE_STORAGE_KEY = $secret; $env:AZURE_STORAGE_ACCOUNT_URL = $servers.azure.url
        $f = Join-Path $work 'secret-test.bin'; New-File $f 1000
        $lines = & { Copy-MediaFile $f "$($servers.azure.url)/nope-$run/x.bin" -Verbose -ErrorAction Continue; Get-MediaFile "$($servers.azure.url)/nope-$run/" -Verbose -ErrorAction Continue; Remove-MediaFile "$($servers.azure.url)/nope-$run/x.bin" -Force -Verbose -ErrorAction Continue } *>&1 | ForEach-Object { "$_" }
        $leaks = @($lines | Where-Object { $_.Contains($secret) -or $_.Contains($secret.TrimEnd('=')) }).Count
        Write-ReliabilityFigure 'ops-no-secrets' @{ linesChecked = @($lines).Count; linesWithSecret = $leaks }
        @($lines).Count | Should -BeGreaterThan 0
        $leaks | Should -Be 0
        Remove-Item Env:AZURE_STORAGE_ACCOUNT, Env:AZURE_STORAGE_KEY, Env:AZURE_STORAGE_ACCOUNT_URL
    }
}

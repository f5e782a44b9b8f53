# Part 3 and 4: faulty networks (HTTP server and the fault proxy in front of s3rver and Azurite) and a full disk.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../pester/TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = "faults-" + [guid]::NewGuid().ToString('N').Substring(0, 6)
    function Set-Faults([string] $Base, $Rules) { Invoke-RestMethod -Method Post -Uri "$Base/__faults" -Body (ConvertTo-Json @($Rules) -Depth 4) | Out-Null }
    function Clear-Faults([string] $Base) { Invoke-RestMethod -Method Delete -Uri "$Base/__faults" | Out-Null }
    function Test-Fault([string] $Name, [int] $Size, [hashtable] $Rule, [double] $MinSeconds = 0) {
        $url = New-HttpTestFile "$run/$Name.bin" $Size
        $src = Get-Sha256Hex (Join-Path $servers.http.root "$run/$Name.bin")
        Set-Faults $servers.http.url (@{ match = "/$run/$Name.bin" } + $Rule)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-MediaDownload $url -ErrorVariable errs -ErrorAction SilentlyContinue
        $sw.Stop()
        Clear-Faults $servers.http.url
        $ok = $r -and $r.Status -eq 'Downloaded' -and (Get-Sha256Hex $r.LocalPath) -eq $src
        $partial = @(Get-ChildItem $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -File -Force | Where-Object { $_.Name -like '.foc-*' }).Count
        return [pscustomobject]@{ Name = $Name; Ok = $ok; Error = ($errs | Select-Object -First 1); Seconds = $sw.Elapsed.TotalSeconds; Partial = $partial; MinSeconds = $MinSeconds }
    }
}

Describe 'Faulty network' {
    BeforeAll { $script:dir = New-TestCache; $script:outcomes = @() }
    AfterAll {
        Write-ReliabilityFigure 'faults' @{ injected = $outcomes.Count; succeededWithCorrectBytes = @($outcomes | Where-Object Ok).Count;
            failedClearly = @($outcomes | Where-Object { -not $_.Ok -and $_.Error }).Count; partialFilesVisible = ($outcomes | Measure-Object Partial -Sum).Sum;
            cases = @($outcomes | ForEach-Object { "$($_.Name): $(if ($_.Ok) { 'ok' } else { $_.Error.FullyQualifiedErrorId }) in $([math]::Round($_.Seconds, 2)) s" }) }
        Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'recovers with correct bytes from <Name>' -ForEach @(
        @{ Name = 'reset-mid-body'; Size = 300000; Rule = @{ kind = 'reset'; afterBytes = 120000; times = 2 }; Min = 0 }
        @{ Name = 'retry-after-503'; Size = 20000; Rule = @{ kind = 'status'; status = 503; retryAfter = 1; times = 2 }; Min = 1.9 }
        @{ Name = 'retry-after-429'; Size = 20000; Rule = @{ kind = 'status'; status = 429; retryAfter = 2; times = 1 }; Min = 1.9 }
        @{ Name = 'burst-500'; Size = 20000; Rule = @{ kind = 'status'; status = 500; times = 3 }; Min = 0 }
        @{ Name = 'truncated-full-length'; Size = 300000; Rule = @{ kind = 'truncate'; afterBytes = 7000; times = 2 }; Min = 0 }
        @{ Name = 'slow-drip'; Size = 200000; Rule = @{ kind = 'drip'; delayMs = 20; times = 1 }; Min = 0 }
        @{ Name = 'wrong-etag-ranged'; Size = 40MB; Rule = @{ kind = 'wrong-etag'; times = 3 }; Min = 0 }
        @{ Name = 'reset-ranged-part'; Size = 40MB; Rule = @{ kind = 'reset'; afterBytes = 1000000; times = 3 }; Min = 0 }
    ) {
        $o = Test-Fault $Name $Size $Rule $Min
        $script:outcomes += $o
        $o.Ok | Should -BeTrue -Because "$($o.Error)"
        $o.Seconds | Should -BeGreaterOrEqual $Min
        $o.Partial | Should -Be 0
    }

    It 'gives up on <Name> after bounded retries with a clear error and nothing visible' -ForEach @(
        @{ Name = 'endless-503'; Rule = @{ kind = 'status'; status = 503; retryAfter = 1; times = 100 }; Id = 'TransferFailed' }
        @{ Name = 'endless-truncation'; Rule = @{ kind = 'truncate'; afterBytes = 100; times = 100 }; Id = 'TransferFailed' }
        @{ Name = 'forbidden'; Rule = @{ kind = 'status'; status = 403; times = 100 }; Id = 'AccessDenied' }
    ) {
        $o = Test-Fault $Name 50000 $Rule
        $script:outcomes += $o
        $o.Ok | Should -BeFalse
        $o.Error.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $o.Error.Exception.Message | Should -Match $Name
        $o.Seconds | Should -BeLessThan 60
        Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/http" | Get-ChildItem -Recurse -File -Filter "$Name.bin" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $o.Partial | Should -Be 0
    }

    It 'retries S3 reads through the fault proxy (reset, then 503 with Retry-After)' {
        $env:AWS_ENDPOINT_URL = $servers.s3proxy.endpoint; $env:AWS_ACCESS_KEY_ID = 'S3RVER'; $env:AWS_SECRET_ACCESS_KEY = 'S3RVER'
        try {
            $bytes = [byte[]]::new(500000); [Random]::Shared.NextBytes($bytes)
            $null = [Net.Http.HttpClient]::new().PutAsync("$($servers.s3.endpoint)/media/$run/s3.bin", [Net.Http.ByteArrayContent]::new($bytes)).GetAwaiter().GetResult()
            Set-Faults $servers.s3proxy.endpoint @(@{ match = "/media/$run/s3.bin"; kind = 'status'; status = 503; retryAfter = 1; times = 1 },
                                                   @{ match = "/media/$run/s3.bin"; kind = 'reset'; afterBytes = 100000; times = 1 })
            $r = Invoke-MediaDownload "s3://media/$run/s3.bin"
            Clear-Faults $servers.s3proxy.endpoint
            (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
            $script:outcomes += [pscustomobject]@{ Name = 's3-proxy-503-then-reset'; Ok = $true; Error = $null; Seconds = 0; Partial = 0 }
        } finally { Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue }
    }

    It 'retries a throttled S3 listing page through the fault proxy' {
        $env:AWS_ENDPOINT_URL = $servers.s3proxy.endpoint; $env:AWS_ACCESS_KEY_ID = 'S3RVER'; $env:AWS_SECRET_ACCESS_KEY = 'S3RVER'
        try {
            $http = [Net.Http.HttpClient]::new()
            foreach ($i in 1..3) { $null = $http.PutAsync("$($servers.s3.endpoint)/media/$run/list/$i.bin", [Net.Http.ByteArrayContent]::new([byte[]]@(1, 2, $i))).GetAwaiter().GetResult() }
            $before = (Invoke-RestMethod "$($servers.s3proxy.endpoint)/__stats").faultsInjected
            # The listing is GET /media?list-type=2&prefix=... (path style): its first page answers 503 once.
            Set-Faults $servers.s3proxy.endpoint @(@{ match = '/^\/media\/?$/'; kind = 'status'; status = 503; retryAfter = 1; times = 1 })
            $s = Invoke-MediaDownload "s3://media/$run/list/" -Recurse -Summary
            Clear-Faults $servers.s3proxy.endpoint
            (Invoke-RestMethod "$($servers.s3proxy.endpoint)/__stats").faultsInjected | Should -Be ($before + 1)
            $s.Downloaded | Should -Be 3
            $s.Failed | Should -Be 0
        } finally { Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue }
    }

    It 'recovers Azure reads through the fault proxy from <Name>' -ForEach @(
        @{ Name = 'az-503-retry-after'; Size = 300000; Rule = @{ kind = 'status'; status = 503; retryAfter = 1; times = 2 }; Min = 0.9 }
        @{ Name = 'az-reset-mid-body'; Size = 300000; Rule = @{ kind = 'reset'; afterBytes = 100000; times = 2 }; Min = 0 }
        @{ Name = 'az-reset-ranged-part'; Size = 40MB; Rule = @{ kind = 'reset'; afterBytes = 1000000; times = 3 }; Min = 0 }
        @{ Name = 'az-wrong-etag'; Size = 40MB; Rule = @{ kind = 'wrong-etag'; times = 2 }; Min = 0 }
    ) {
        Import-Module (Join-Path $PSScriptRoot '../pester/AzuriteHelpers.psm1') -Force
        $proxy = $servers.azureproxy.url; $proxyRoot = $proxy -replace '/devstoreaccount1$', ''
        $container = "faults-az"
        New-AzuriteContainer $container
        $bytes = [byte[]]::new($Size); [Random]::Shared.NextBytes($bytes)
        Set-AzuriteBlob $container "$run/$Name.bin" $bytes
        $env:AZURE_STORAGE_ACCOUNT = 'devstoreaccount1'; $env:AZURE_STORAGE_KEY = $servers.azure.key; $env:AZURE_STORAGE_ACCOUNT_URL = $proxy
        try {
            $before = (Invoke-RestMethod "$proxyRoot/__stats").faultsInjected
            Set-Faults $proxyRoot (@{ match = "/$container/$run/$Name.bin" } + $Rule)
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $r = Invoke-MediaDownload (Get-AzuriteBlobUrl $container "$run/$Name.bin" $proxy) -ErrorVariable errs -ErrorAction SilentlyContinue
            $sw.Stop()
            $injected = (Invoke-RestMethod "$proxyRoot/__stats").faultsInjected - $before
            Clear-Faults $proxyRoot
            $ok = $r -and $r.Status -eq 'Downloaded' -and (Get-Sha256Hex $r.LocalPath) -eq [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes))
            $partial = @(Get-ChildItem $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -File -Force | Where-Object { $_.Name -like '.foc-*' }).Count
            $script:outcomes += [pscustomobject]@{ Name = $Name; Ok = $ok; Error = ($errs | Select-Object -First 1); Seconds = $sw.Elapsed.TotalSeconds; Partial = $partial }
            $ok | Should -BeTrue -Because "$($errs | Select-Object -First 1)"
            $injected | Should -BeGreaterThan 0
            $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual $Min
            $partial | Should -Be 0
        } finally { Remove-Item Env:AZURE_STORAGE_ACCOUNT, Env:AZURE_STORAGE_KEY, Env:AZURE_STORAGE_ACCOUNT_URL -ErrorAction SilentlyContinue }
    }
}

Describe 'Disk full' {
    It 'fails clearly on ENOSPC, removes the partial file, keeps the index consistent and stays usable' {
        $root = Join-Path ([IO.Path]::GetTempPath()) "foc-enospc-$run"
        New-Item -ItemType Directory -Force $root | Out-Null
        & mount -t tmpfs -o size=4m tmpfs $root 2>$null
        if ($LASTEXITCODE -ne 0) {
            Write-ReliabilityFigure 'disk-full' @{ ran = $false; reason = 'tmpfs could not be mounted (needs root)' }
            Set-ItResult -Skipped -Because 'a small tmpfs cannot be mounted here (needs root)'
            return
        }
        try {
            $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $root 'cache'
            $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path ([IO.Path]::GetTempPath()) "foc-enospc-$run.json"
            $big = New-HttpTestFile "$run/too-big.bin" 6MB
            $small = New-HttpTestFile "$run/fits.bin" 100000
            $null = Invoke-MediaDownload $big -ErrorVariable errs -ErrorAction SilentlyContinue
            $partialLeft = @(Get-ChildItem $env:FIFTYONE_MEDIA_CACHE_DIR -Recurse -File -Force | Where-Object { $_.Name -like '.foc-*' -or $_.Name -eq 'too-big.bin' }).Count
            $healthy = (Test-MediaCache).Healthy
            $after = (Invoke-MediaDownload $small).Status
            # Figures as measured, then the asserts.
            Write-ReliabilityFigure 'disk-full' @{ ran = $true; errorId = "$($errs[0].FullyQualifiedErrorId)"; message = "$($errs[0].Exception.Message)"; partialFilesLeft = $partialLeft; healthyAfter = $healthy; nextDownload = "$after" }
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'WriteFailed,*'
            $errs[0].Exception.Message | Should -Match 'space'
            $partialLeft | Should -Be 0
            $healthy | Should -BeTrue
            $after | Should -Be 'Downloaded'
        } finally {
            Clear-MediaCache -Confirm:$false -ErrorAction SilentlyContinue
            Remove-Module FiftyOneCache -Force   # closes the index on the tmpfs before it is unmounted
            & umount $root 2>$null
            Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
            Import-FiftyOneCache
        }
    }
}

# s3:// against moto_server, for what it does as S3 does and s3rver does not: multipart ETags ending in "-N",
# bucket policies (a Deny is a 403), S3's listing order; and an endpoint taken from an AWS profile.
# Skipped, with the reason, when the harness found no moto_server command.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $servers = Get-TestServers
    $script:motoSkip = if (-not $servers.PSObject.Properties['moto']) {
        $reason = if ($servers.PSObject.Properties['unavailable'] -and $servers.unavailable.PSObject.Properties['moto']) { $servers.unavailable.moto } else { 'the harness did not start it' }
        "moto_server is not available: $reason"
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:moto = (Get-TestServers).moto
    $script:http = [Net.Http.HttpClient]::new()
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    # moto checks no signatures by default: plain PUTs seed objects and set policies.
    function Put-Moto([string] $Bucket, [string] $Key, [byte[]] $Bytes) {
        $uri = "$($moto.endpoint)/$Bucket/" + (($Key -split '/' | ForEach-Object { [Uri]::EscapeDataString($_) }) -join '/')
        $r = $http.PutAsync($uri, [Net.Http.ByteArrayContent]::new($Bytes)).GetAwaiter().GetResult()
        if (-not $r.IsSuccessStatusCode) { throw "PUT $Key failed: $($r.StatusCode)" }
    }
    function New-Bytes([int] $Size) { $b = [byte[]]::new($Size); [Random]::Shared.NextBytes($b); return , $b }
    function Set-MotoEnv {
        $env:AWS_ENDPOINT_URL = $moto.endpoint; $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'testing'
        Remove-Item Env:AWS_PROFILE, Env:AWS_DEFAULT_PROFILE, Env:AWS_CONFIG_FILE, Env:AWS_SHARED_CREDENTIALS_FILE -ErrorAction SilentlyContinue
    }
    function Clear-AwsEnv {
        Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_PROFILE, Env:AWS_DEFAULT_PROFILE,
            Env:AWS_CONFIG_FILE, Env:AWS_SHARED_CREDENTIALS_FILE -ErrorAction SilentlyContinue
    }
}

AfterAll { Clear-AwsEnv }

Describe 'S3 store on moto_server' -Skip:([bool]$motoSkip) {
    BeforeEach { $script:dir = New-TestCache; Set-MotoEnv }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue; Clear-AwsEnv }

    It 'accepts a multipart upload''s ETag (MD5 of the part MD5s, then -N), which is not an MD5 of the bytes' {
        # Uploaded by boto3 with 5 MiB parts, as FiftyOne users' tools upload large media.
        $file = Join-Path $dir 'multi.bin'
        $bytes = New-Bytes (11MB + 4321)
        [IO.File]::WriteAllBytes($file, $bytes)
        $py = @'
import sys, boto3
from boto3.s3.transfer import TransferConfig
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
s3.upload_file(sys.argv[2], "media", sys.argv[3], Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
print(s3.head_object(Bucket="media", Key=sys.argv[3])["ETag"])
'@
        $etag = & python3 -c $py $moto.endpoint $file "$run/multi.bin" 2>&1
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "boto3 could not upload: $etag"; return }
        "$etag" | Should -Match '-3"?$'
        $r = Invoke-MediaDownload "s3://media/$run/multi.bin"
        $r.Status | Should -Be 'Downloaded'
        $r.ETag | Should -Match '-3$'
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
        (Invoke-MediaDownload "s3://media/$run/multi.bin" -Update).Status | Should -Be 'Cached'
    }

    It 'reports a bucket policy that denies GetObject as a non-terminating AccessDenied (403) naming the item' {
        Put-Moto 'other-bucket' "$run/denied.jpg" (New-Bytes 2000)
        Put-Moto 'media' "$run/allowed.jpg" (New-Bytes 2000)
        $policy = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Deny'; Principal = '*'; Action = 's3:GetObject'; Resource = 'arn:aws:s3:::other-bucket/*' }) } | ConvertTo-Json -Depth 5
        $resp = $http.PutAsync("$($moto.endpoint)/other-bucket?policy", [Net.Http.StringContent]::new($policy)).GetAwaiter().GetResult()
        $resp.IsSuccessStatusCode | Should -BeTrue
        try {
            $out = Invoke-MediaDownload "s3://other-bucket/$run/denied.jpg", "s3://media/$run/allowed.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue
            @($out | Where-Object Status -eq 'Downloaded').Source | Should -Be "s3://media/$run/allowed.jpg"
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
            $errs[0].TargetObject | Should -Be "s3://other-bucket/$run/denied.jpg"
            $errs[0].Exception.Message | Should -Match ([regex]::Escape("s3://other-bucket/$run/denied.jpg"))
            $errs[0].Exception.Message | Should -Match '403'
        } finally {
            $null = $http.DeleteAsync("$($moto.endpoint)/other-bucket?policy").GetAwaiter().GetResult()
        }
    }

    It 'expands a prefix with -Recurse in S3''s listing order (UTF-8 byte order)' {
        # Byte order puts 'B' before 'a', '-' before '/', and U+FF21 (EF BC A1) before U+1F600 (F0 9F 98 80),
        # which UTF-16 (ordinal string) order reverses.
        $keys = 'a.bin', 'B.bin', 'a/b.bin', 'a-b.bin', '_x.bin', "$([char]0xFF21).bin", "$([char]::ConvertFromUtf32(0x1F600)).bin", 'Z.bin'
        foreach ($k in ($keys | Sort-Object { [guid]::NewGuid() })) { Put-Moto 'media' "$run/order/$k" ([Text.Encoding]::UTF8.GetBytes($k)) }
        $utf8Order = $keys | Sort-Object -Property @{ Expression = { [Convert]::ToHexString([Text.Encoding]::UTF8.GetBytes($_)) } }
        # Results stream in completion order; Sequence is the order the prefix expanded in.
        $r = Invoke-MediaDownload "s3://media/$run/order/" -Recurse | Sort-Object Sequence
        @($r).Count | Should -Be $keys.Count
        $r.Source | Should -Be ($utf8Order | ForEach-Object { "s3://media/$run/order/$_" })
    }

    It 'downloads over http from an endpoint_url in an AWS profile''s [services] section' {
        Clear-AwsEnv
        $cfg = Join-Path $dir 'aws-config'
        Set-Content $cfg @"
[profile moto]
aws_access_key_id = testing
aws_secret_access_key = testing
region = us-east-1
services = local-moto

[services local-moto]
s3 =
  endpoint_url = $($moto.endpoint)
"@
        $env:AWS_CONFIG_FILE = $cfg; $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $dir 'no-credentials'; $env:AWS_PROFILE = 'moto'
        $bytes = New-Bytes 30000
        Put-Moto 'media' "$run/from-profile.jpg" $bytes
        $out = Invoke-MediaDownload "s3://media/$run/from-profile.jpg" -Verbose 4>&1
        ($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String) | Should -Match ([regex]::Escape("endpoint $($moto.endpoint) (from [services local-moto]"))
        $r = $out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }
        $r.Status | Should -Be 'Downloaded'
        (Get-FileHash $r.LocalPath -Algorithm SHA256).Hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
    }
}

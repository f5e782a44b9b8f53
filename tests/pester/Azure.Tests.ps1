# Azure Blob Storage through the cmdlets with the real Azure.Storage.Blobs client against Azurite (the harness's
# "azure" server; "azureproxy" is the same Azurite behind the fault proxy). Containers are private, as on Azure.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'AzuriteHelpers.psm1') -Force
    Import-FiftyOneCache
    $s = Get-TestServers
    $script:az = $s.azure
    $script:proxy = $s.azureproxy.url
    $script:devKey = $az.key
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:c = "az-$run"
    New-AzuriteContainer $c
    function New-Bytes([int] $Size) { $b = [byte[]]::new($Size); [Random]::Shared.NextBytes($b); return , $b }
    function Sha([byte[]] $b) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($b)) }
    function Sha-File([string] $p) { (Get-FileHash $p -Algorithm SHA256).Hash }
    $script:small = New-Bytes 20000
    $script:odd = New-Bytes 3000
    $script:oddName = 'sp ace/ünï cödé #1.jpg'
    Set-AzuriteBlob $c 'a.jpg' $small
    Set-AzuriteBlob $c $oddName $odd
    $script:AzureVars = 'AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT', 'AZURE_STORAGE_KEY', 'AZURE_STORAGE_ACCOUNT_URL', 'AZURE_ALIAS',
        'AZURE_CREDENTIALS_FILE', 'AZURE_PROFILE', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'FOC_AZURE_LIST_PAGE_SIZE'
    function Clear-AzureEnv { foreach ($v in $AzureVars) { Remove-Item "Env:$v" -ErrorAction SilentlyContinue } }
    function Use-AccountKey([string] $Url = $az.url, [string] $Key = $devKey, [string] $Alias) {
        $env:AZURE_STORAGE_ACCOUNT = 'devstoreaccount1'; $env:AZURE_STORAGE_KEY = $Key; $env:AZURE_STORAGE_ACCOUNT_URL = $Url
        if ($Alias) { $env:AZURE_ALIAS = $Alias }
    }
    function Cached([string] $Rel) { Join-Path $env:FIFTYONE_MEDIA_CACHE_DIR "media/azure/devstoreaccount1/$c/$Rel" }
    # FiftyOne's ini file: [DEFAULT] values reach every profile, %(name)s refers to them, %% is a literal '%'.
    function New-AzureIni([string] $Dir, [string] $Sas) {
        $ini = Join-Path $Dir 'azure.ini'
        $root = $az.url -replace '/devstoreaccount1$', ''
        @"
[DEFAULT]
emulator = $root
account_url = %(emulator)s/devstoreaccount1

[keyprof]
account_name = devstoreaccount1
account_key = $devKey
alias = azk

[sasprof]
account_name = devstoreaccount1
sas_token = $($Sas -replace '%', '%%')
alias = azs

[connprof]
conn_str = DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$devKey;BlobEndpoint=%(account_url)s;

[badsas]
account_name = devstoreaccount1
sas_token = $Sas
"@ | Set-Content $ini
        $ini
    }
}

AfterAll { Clear-AzureEnv }

Describe 'Azure Blob Storage store' {
    BeforeEach {
        $script:dir = New-TestCache
        Clear-AzureEnv
        Invoke-RestMethod -Method Post -Uri (($proxy -replace '/devstoreaccount1$', '') + '/__reset') | Out-Null
    }
    AfterEach { Clear-AzureEnv; Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses a plain HTTP GET: the container is private' {
        { Invoke-WebRequest (Get-AzuriteBlobUrl $c 'a.jpg') -ErrorAction Stop } | Should -Throw
    }

    It 'connection string: downloads account-URL paths into media/azure/account/container/key, names the source, never the key' {
        $env:AZURE_STORAGE_CONNECTION_STRING = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$devKey;BlobEndpoint=$($az.url);"
        $out = Invoke-MediaDownload (Get-AzuriteBlobUrl $c 'a.jpg'), (Get-AzuriteBlobUrl $c $oddName) -Verbose 4>&1
        $verbose = ($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] }) -join "`n"
        $r = @($out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] } | Sort-Object Size)
        $r.Status | Should -Be @('Downloaded', 'Downloaded')
        $r.Store | Should -Be @('azure', 'azure')
        $r[0].LocalPath | Should -Be (Cached $oddName)
        $r[1].LocalPath | Should -Be (Cached 'a.jpg')
        Sha-File $r[0].LocalPath | Should -Be (Sha $odd)
        Sha-File $r[1].LocalPath | Should -Be (Sha $small)
        $verbose | Should -Match 'env AZURE_STORAGE_CONNECTION_STRING \(account key\)'
        $verbose | Should -Not -Match ([regex]::Escape($devKey))
    }

    It 'account + key with an account URL, and an alias: both spellings are one cache entry' {
        Use-AccountKey -Alias 'az'
        $r = Invoke-MediaDownload "az://$c/$oddName"
        $r.Status | Should -Be 'Downloaded'
        $r.LocalPath | Should -Be (Cached $oddName)
        (Invoke-MediaDownload (Get-AzuriteBlobUrl $c $oddName)).Status | Should -Be 'Cached'
        Get-MediaLocalPath "az://$c/a.jpg" | Should -Be (Cached 'a.jpg')
        (Get-MediaCacheEntry).Source | Should -Contain (Get-AzuriteBlobUrl $c 'a.jpg')
    }

    It 'ini profiles: account_key, sas_token with %% and conn_str, with [DEFAULT] and %(name)s interpolation' {
        $sas = New-AzuriteSas -Permissions 'rl'
        $sas | Should -Match '%'   # the point of the test: a real SAS carries %-escapes
        $env:AZURE_CREDENTIALS_FILE = New-AzureIni $dir $sas
        $env:AZURE_PROFILE = 'keyprof'
        $out = Invoke-MediaDownload "azk://$c/a.jpg" -Verbose 4>&1
        ($out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Status | Should -Be 'Downloaded'
        ($out -join "`n") | Should -Match "ini profile 'keyprof' in .*azure.ini \(account_key\)"

        New-TestCache | Out-Null
        $env:AZURE_PROFILE = 'sasprof'
        $out = Invoke-MediaDownload "azs://$c/$oddName" -Verbose 4>&1
        $r = $out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }
        $r.Status | Should -Be 'Downloaded'
        Sha-File $r.LocalPath | Should -Be (Sha $odd)
        $text = $out -join "`n"
        $text | Should -Match "ini profile 'sasprof' in .*azure.ini \(sas_token\)"
        $text | Should -Not -Match 'sig='

        New-TestCache | Out-Null
        $env:AZURE_PROFILE = 'connprof'
        (Invoke-MediaDownload (Get-AzuriteBlobUrl $c 'a.jpg')).Status | Should -Be 'Downloaded'
    }

    It 'ini profile: a SAS written without %% is a terminating configuration error naming the key, not the SAS' {
        $sas = New-AzuriteSas -Permissions 'rl'
        $env:AZURE_CREDENTIALS_FILE = New-AzureIni $dir $sas
        $env:AZURE_PROFILE = 'badsas'
        $err = $null
        try { Invoke-MediaDownload (Get-AzuriteBlobUrl $c 'a.jpg') -Verbose *>&1 | Out-String | Set-Variable all } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*'
        "$err" | Should -Match "\[badsas\] sas_token.*'%%'"
        "$all $err $($err.Exception | Out-String)" | Should -Not -Match ([regex]::Escape(($sas -split 'sig=')[1]))
    }

    It 'JSON keys azure_credentials_file/azure_profile (Set-MediaCacheConfig), with AZURE_PROFILE taking precedence' {
        $ini = New-AzureIni $dir (New-AzuriteSas -Permissions 'rl')
        Set-MediaCacheConfig -AzureCredentialsFile $ini -AzureProfile 'keyprof'
        (Get-Content $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH -Raw | ConvertFrom-Json).azure_profile | Should -Be 'keyprof'
        (Get-MediaCacheConfig).AzureProfile | Should -Be 'keyprof'
        $out = Invoke-MediaDownload "azk://$c/a.jpg" -Verbose 4>&1
        ($out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Status | Should -Be 'Downloaded'
        ($out -join "`n") | Should -Match "ini profile 'keyprof'"

        New-TestCache | Out-Null
        Set-MediaCacheConfig -AzureCredentialsFile $ini -AzureProfile 'no-such-profile'
        $env:AZURE_PROFILE = 'sasprof'   # the environment beats the JSON file
        (Invoke-MediaDownload "azs://$c/a.jpg").Status | Should -Be 'Downloaded'
        Remove-Item Env:AZURE_PROFILE
        New-TestCache | Out-Null
        Set-MediaCacheConfig -AzureCredentialsFile $ini -AzureProfile 'no-such-profile'
        { Invoke-MediaDownload (Get-AzuriteBlobUrl $c 'a.jpg') } | Should -Throw -ExpectedMessage '*no-such-profile*from azure_profile*'
    }

    It 'a wrong account key is AccessDenied per item, and the key is in no output stream' {
        $wrong = [Convert]::ToBase64String((New-Bytes 64))
        Use-AccountKey -Key $wrong
        $all = Invoke-MediaDownload (Get-AzuriteBlobUrl $c 'a.jpg'), (Get-AzuriteBlobUrl $c $oddName) -Verbose -ErrorVariable errs -ErrorAction SilentlyContinue *>&1 | Out-String
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*' }
        "$($errs[0])" | Should -Match 'access denied'
        $all + ($errs | Out-String) + ($errs.Exception | Out-String) | Should -Not -Match ([regex]::Escape($wrong))
        Cached 'a.jpg' | Should -Not -Exist
    }

    It 'a 40 MB blob arrives byte-exact through parallel ranges, its Content-MD5 verified' {
        $big = New-Bytes (40MB + 13)
        Set-AzuriteBlob $c 'big/forty.bin' $big
        Use-AccountKey -Url $proxy
        $r = Invoke-MediaDownload "$proxy/$c/big/forty.bin"
        $r.Status | Should -Be 'Downloaded'
        Sha-File $r.LocalPath | Should -Be (Sha $big)
        (Get-MediaCacheEntry).Checksum | Should -BeLike 'md5:*'
        $gets = (Invoke-RestMethod (($proxy -replace '/devstoreaccount1$', '') + '/__stats')).requests."GET /devstoreaccount1/$c/big/forty.bin"
        $gets | Should -BeGreaterOrEqual 3   # 16 MiB parts
    }

    It 'a blob whose bytes do not match its Content-MD5 never reaches the cache' {
        Set-AzuriteBlob $c 'md5/bad.bin' (New-Bytes 5000)
        Set-AzuriteBlobMd5 $c 'md5/bad.bin' ([Security.Cryptography.MD5]::HashData([byte[]](1, 2, 3)))
        Use-AccountKey
        $null = Invoke-MediaDownload (Get-AzuriteBlobUrl $c 'md5/bad.bin') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ChecksumMismatch,*'
        Cached 'md5/bad.bin' | Should -Not -Exist
    }

    It 'reads are pinned to the stat''s ETag: a blob that changed in between is stat''ed and read again' {
        Set-AzuriteBlob $c 'pin.bin' (New-Bytes 5000)
        Use-AccountKey -Url $proxy
        $root = $proxy -replace '/devstoreaccount1$', ''
        # The first answer (the SDK's HEAD) reports another ETag, as if the blob had been overwritten after it.
        Invoke-RestMethod -Method Post -Uri "$root/__faults" -Body (ConvertTo-Json @(@{ match = "/$c/pin.bin"; kind = 'wrong-etag'; times = 1 })) | Out-Null
        $r = Invoke-MediaDownload "$proxy/$c/pin.bin"
        $r.Status | Should -Be 'Downloaded'
        $r.ETag | Should -Not -BeLike 'injected-*'
        (Invoke-RestMethod "$root/__stats").requests."GET /devstoreaccount1/$c/pin.bin" | Should -Be 2   # 412, then the re-read
    }

    It '-Recurse lists across page boundaries (page size 7), retrying a failed page, by alias and by URL' {
        1..20 | ForEach-Object { Set-AzuriteBlob $c "many/$_.txt" ([Text.Encoding]::UTF8.GetBytes("n$_")) }
        Use-AccountKey -Url $proxy -Alias 'az'
        $env:FOC_AZURE_LIST_PAGE_SIZE = '7'
        $root = $proxy -replace '/devstoreaccount1$', ''
        # One listing request (the first page) answers 503: that page alone is asked again.
        Invoke-RestMethod -Method Post -Uri "$root/__faults" -Body (ConvertTo-Json @(@{ match = "/\/$c`$/"; kind = 'status'; status = 503; times = 1 })) | Out-Null
        $r = Invoke-MediaDownload "az://$c/many/" -Recurse -Summary
        $r.Downloaded | Should -Be 20
        $r.Failed | Should -Be 0
        (Invoke-RestMethod "$root/__stats").requests."GET /devstoreaccount1/$c" | Should -Be 4   # 3 pages + the retried one
        $items = Invoke-MediaDownload "$proxy/$c/many" -Recurse
        $items.Count | Should -Be 20
        $items | ForEach-Object { $_.Status | Should -Be 'Cached' }
        $items.Source | Should -Contain "$proxy/$c/many/7.txt"
    }

    It 'a page size set later in the same session takes effect' {
        1..9 | ForEach-Object { Set-AzuriteBlob $c "pages/$_.txt" ([Text.Encoding]::UTF8.GetBytes("p$_")) }
        Use-AccountKey -Url $proxy -Alias 'az'
        $root = $proxy -replace '/devstoreaccount1$', ''
        (Invoke-MediaDownload "az://$c/pages/" -Recurse -Summary).Downloaded | Should -Be 9
        (Invoke-RestMethod "$root/__stats").requests."GET /devstoreaccount1/$c" | Should -Be 1   # one page of up to 5,000
        $env:FOC_AZURE_LIST_PAGE_SIZE = '4'
        (Invoke-MediaDownload "az://$c/pages/" -Recurse -Summary).Cached | Should -Be 9
        (Invoke-RestMethod "$root/__stats").requests."GET /devstoreaccount1/$c" | Should -Be 4   # then 3 pages of 4
    }

    It '-Update re-downloads after the blob changed (new ETag), not before' {
        Set-AzuriteBlob $c 'upd.txt' ([Text.Encoding]::UTF8.GetBytes('one'))
        Use-AccountKey -Alias 'az'
        (Invoke-MediaDownload "az://$c/upd.txt").Status | Should -Be 'Downloaded'
        (Invoke-MediaDownload "az://$c/upd.txt" -Update).Status | Should -Be 'Cached'
        Set-AzuriteBlob $c 'upd.txt' ([Text.Encoding]::UTF8.GetBytes('two!'))
        $r = Invoke-MediaDownload "az://$c/upd.txt" -Update
        $r.Status | Should -Be 'Updated'
        Get-Content $r.LocalPath -Raw | Should -Be 'two!'
    }

    It 'missing blobs and containers are non-terminating ObjectNotFound while the rest continue' {
        Use-AccountKey -Alias 'az'
        $r = Invoke-MediaDownload "az://$c/none.jpg", "az://$c/a.jpg", "az://no-container-$run/x.jpg" -ErrorVariable errs -ErrorAction SilentlyContinue
        @($r).Count | Should -Be 1
        $r.Status | Should -Be 'Downloaded'
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ObjectNotFound,*' }
        ($errs | Where-Object { "$_" -like '*no-container*' }).Exception.Message | Should -Match 'does not exist'
        ($errs | Where-Object { "$_" -like '*none.jpg*' }).TargetObject | Should -Be "az://$c/none.jpg"
    }

    It 'Get-MediaCacheStats and Clear-MediaCache work on Azure items' {
        Use-AccountKey -Alias 'az'
        $null = Invoke-MediaDownload "az://$c/a.jpg", "az://$c/$oddName"
        $st = Get-MediaCacheStats "az://$c/a.jpg", "az://$c/$oddName", "az://$c/none.jpg"
        $st.CurrentCount | Should -Be 2
        $st.CurrentSize | Should -Be ($small.Length + $odd.Length)
        $st.MissingCount | Should -Be 1
        Clear-MediaCache "az://$c/a.jpg" -Confirm:$false
        Cached 'a.jpg' | Should -Not -Exist
        Cached $oddName | Should -Exist
        (Get-MediaCacheStats).CurrentCount | Should -Be 1
    }
}

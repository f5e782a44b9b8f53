# Test data in the harness's Azurite, written over REST with an account SAS signed by Azurite's published
# development key (safe to commit: it only opens the local emulator). Shared by the Pester and reliability suites.

$script:Http = [Net.Http.HttpClient]::new()

function Get-AzuriteInfo {
    if (-not $env:FOC_TEST_SERVERS) { throw 'FOC_TEST_SERVERS is not set: run the tests through build.ps1 -Task Test' }
    (Get-Content $env:FOC_TEST_SERVERS -Raw | ConvertFrom-Json).azure
}

# An account SAS (blob service; service, container and object resources) in the 2021-08-06 signing format.
function New-AzuriteSas {
    param([string] $Permissions = 'rwdlac', [string] $Key, [string] $Account = 'devstoreaccount1')
    if (-not $Key) { $Key = (Get-AzuriteInfo).key }
    $version = '2021-08-06'; $expiry = [DateTime]::UtcNow.AddHours(6).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $toSign = "$Account`n$Permissions`nb`nsco`n`n$expiry`n`nhttps,http`n$version`n`n"
    $hmac = [Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($Key))
    $sig = [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign)))
    "sv=$version&ss=b&srt=sco&sp=$Permissions&se=$([uri]::EscapeDataString($expiry))&spr=https,http&sig=$([uri]::EscapeDataString($sig))"
}

function Get-AzuriteBlobUrl([string] $Container, [string] $Name, [string] $Base) {
    if (-not $Base) { $Base = (Get-AzuriteInfo).url }
    "$Base/$Container/" + (($Name -split '/' | ForEach-Object { [uri]::EscapeDataString($_) }) -join '/')
}

function Invoke-Azurite([Net.Http.HttpMethod] $Method, [string] $Url, [byte[]] $Body, [hashtable] $Headers = @{}) {
    if (-not $script:Sas) { $script:Sas = New-AzuriteSas }
    $sep = if ($Url.Contains('?')) { '&' } else { '?' }
    $req = [Net.Http.HttpRequestMessage]::new($Method, "$Url$sep$($script:Sas)")
    $req.Headers.Add('x-ms-version', '2021-08-06')
    if ($null -ne $Body) { $req.Content = [Net.Http.ByteArrayContent]::new($Body) }
    foreach ($h in $Headers.GetEnumerator()) { $null = $req.Headers.TryAddWithoutValidation($h.Key, [string]$h.Value) }
    $r = $script:Http.SendAsync($req).GetAwaiter().GetResult()
    if (-not $r.IsSuccessStatusCode -and $r.StatusCode -ne [Net.HttpStatusCode]::Conflict) {
        throw "Azurite $Method $Url failed: $([int]$r.StatusCode) $($r.Content.ReadAsStringAsync().GetAwaiter().GetResult())"
    }
    $r
}

function New-AzuriteContainer([string] $Container) {
    $null = Invoke-Azurite ([Net.Http.HttpMethod]::Put) "$((Get-AzuriteInfo).url)/$Container`?restype=container"
}

# Uploads one block blob in a single Put Blob, so Azurite stores its Content-MD5 (as Azure does).
function Set-AzuriteBlob([string] $Container, [string] $Name, [byte[]] $Bytes) {
    $null = Invoke-Azurite ([Net.Http.HttpMethod]::Put) (Get-AzuriteBlobUrl $Container $Name) $Bytes @{ 'x-ms-blob-type' = 'BlockBlob' }
}

function Set-AzuriteBlobMd5([string] $Container, [string] $Name, [byte[]] $Md5) {
    $null = Invoke-Azurite ([Net.Http.HttpMethod]::Put) "$(Get-AzuriteBlobUrl $Container $Name)?comp=properties" $null @{ 'x-ms-blob-content-md5' = [Convert]::ToBase64String($Md5) }
}

function Remove-AzuriteBlob([string] $Container, [string] $Name) {
    $null = Invoke-Azurite ([Net.Http.HttpMethod]::Delete) (Get-AzuriteBlobUrl $Container $Name)
}

Export-ModuleMember -Function Get-AzuriteInfo, New-AzuriteSas, Get-AzuriteBlobUrl, New-AzuriteContainer, Set-AzuriteBlob, Set-AzuriteBlobMd5, Remove-AzuriteBlob

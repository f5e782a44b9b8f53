# Shared by the Pester suites: the built module, the harness's servers, and a fresh cache per test.
function Import-FiftyOneCache {
    Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') -Force -Global -ErrorAction Stop
}

function Get-TestServers {
    if (-not $env:FOC_TEST_SERVERS) { throw 'FOC_TEST_SERVERS is not set: run the tests through build.ps1 -Task Test' }
    return Get-Content $env:FOC_TEST_SERVERS -Raw | ConvertFrom-Json
}

function New-TestCache {
    # A private cache and config file, so tests never touch the user's ~/fiftyone
    $dir = Join-Path ([IO.Path]::GetTempPath()) "foc-pester-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $dir | Out-Null
    $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = Join-Path $dir 'media_cache_config.json'
    $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $dir 'cache'
    Remove-Item Env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES, Env:FIFTYONE_MEDIA_CACHE_NUM_WORKERS -ErrorAction SilentlyContinue
    return $dir
}

function New-HttpTestFile {
    # Writes a file of random bytes under the HTTP server's root and returns its URL.
    param([string] $RelativePath, [int] $Size = 10000)
    $s = Get-TestServers
    $full = Join-Path $s.http.root $RelativePath
    New-Item -ItemType Directory -Force (Split-Path $full) | Out-Null
    $bytes = [byte[]]::new($Size)
    [Random]::Shared.NextBytes($bytes)
    [IO.File]::WriteAllBytes($full, $bytes)
    return "$($s.http.url)/$($RelativePath -replace '\\','/')"
}

# A FiftyOne dataset in the harness's MongoDB, in FiftyOne's schema, seeded with the driver the module ships.
# The dataset document carries app_config.media_fields (-MediaFields) and, for a grouped dataset (-GroupSlices
# @{ left = 'image'; right = 'image' }), group_field/group_media_types/default_group_slice as FiftyOne writes them.
# A sample is a hashtable: filepath, tags, media (its _media_type), fields (more fields, e.g. thumbnail_path) and,
# in a grouped dataset, group (the slice name) with groupId (samples sharing it form one group).
function New-FiftyOneDataset {
    param([string] $Uri, [string] $Name, [object[]] $Samples, [string] $MediaType = 'image',
          [string[]] $MediaFields = @('filepath'), [hashtable] $GroupSlices, [string] $GroupField = 'group')
    $null = [Reflection.Assembly]::LoadFrom((Join-Path $env:FOC_MODULE_PATH 'deps/MongoDB.Driver.dll'))
    $db = [MongoDB.Driver.MongoClient]::new($Uri).GetDatabase('fiftyone')
    $dsId = [MongoDB.Bson.ObjectId]::GenerateNewId()
    $coll = "samples.$dsId"
    $fields = [MongoDB.Bson.BsonArray]::new(); foreach ($f in $MediaFields) { $null = $fields.Add([MongoDB.Bson.BsonString]::new($f)) }
    $app = [MongoDB.Bson.BsonDocument]::new()
    $null = $app.Add('color_scheme', [MongoDB.Bson.BsonNull]::Value).Add('grid_media_field', $MediaFields[-1]).Add('media_fields', $fields).
        Add('modal_media_field', 'filepath').Add('media_fallback', $false).Add('plugins', [MongoDB.Bson.BsonDocument]::new())
    $doc = [MongoDB.Bson.BsonDocument]::new()
    $null = $doc.Add('_id', $dsId).Add('name', $Name).Add('slug', $Name).Add('version', '1.3.0').Add('media_type', $(if ($GroupSlices) { 'group' } else { $MediaType })).
        Add('sample_collection_name', $coll).Add('annotation_runs', [MongoDB.Bson.BsonDocument]::new()).Add('created_at', [DateTime]::UtcNow).Add('app_config', $app)
    $gmt = [MongoDB.Bson.BsonDocument]::new()
    if ($GroupSlices) {
        foreach ($k in $GroupSlices.Keys | Sort-Object) { $null = $gmt.Add($k, [MongoDB.Bson.BsonString]::new($GroupSlices[$k])) }
        $null = $doc.Add('group_field', $GroupField).Add('default_group_slice', ($GroupSlices.Keys | Sort-Object | Select-Object -First 1))
    } else { $null = $doc.Add('group_field', [MongoDB.Bson.BsonNull]::Value).Add('default_group_slice', [MongoDB.Bson.BsonNull]::Value) }
    $null = $doc.Add('group_media_types', $gmt)
    $db.GetCollection[MongoDB.Bson.BsonDocument]('datasets', $null).InsertOne($doc, $null, [Threading.CancellationToken]::None)
    $groupIds = @{}
    $ids = foreach ($smp in $Samples) {
        $id = [MongoDB.Bson.ObjectId]::GenerateNewId()
        $d = [MongoDB.Bson.BsonDocument]::new()
        $tags = [MongoDB.Bson.BsonArray]::new(); foreach ($t in @($smp.tags)) { if ($t) { $null = $tags.Add([MongoDB.Bson.BsonString]::new($t)) } }
        $null = $d.Add('_id', $id).Add('filepath', $smp.filepath).Add('tags', $tags).Add('_media_type', $(if ($smp.media) { $smp.media } else { $MediaType })).
            Add('metadata', [MongoDB.Bson.BsonNull]::Value).Add('_dataset_id', $dsId).Add('created_at', [DateTime]::UtcNow)
        if ($smp.fields) { foreach ($k in $smp.fields.Keys) { $null = $d.Add($k, [MongoDB.Bson.BsonValue]::Create($smp.fields[$k])) } }
        if ($smp.group) {
            if (-not $groupIds.ContainsKey("$($smp.groupId)")) { $groupIds["$($smp.groupId)"] = [MongoDB.Bson.ObjectId]::GenerateNewId() }
            $g = [MongoDB.Bson.BsonDocument]::new()
            $null = $g.Add('_id', $groupIds["$($smp.groupId)"]).Add('_cls', 'Group').Add('name', $smp.group)
            $null = $d.Add($GroupField, $g)
        }
        $db.GetCollection[MongoDB.Bson.BsonDocument]($coll, $null).InsertOne($d, $null, [Threading.CancellationToken]::None)
        $id
    }
    [pscustomobject]@{ Id = $dsId; Collection = $coll; SampleIds = @($ids); Database = $db }
}

# The samples of a seeded dataset as BsonDocuments, in _id order.
function Get-FiftyOneSamples($Seed) {
    $c = $Seed.Database.GetCollection[MongoDB.Bson.BsonDocument]($Seed.Collection, $null)
    $f = [MongoDB.Driver.BsonDocumentFilterDefinition[MongoDB.Bson.BsonDocument]]::new([MongoDB.Bson.BsonDocument]::new())
    $cursor = $c.FindSync[MongoDB.Bson.BsonDocument]($f, $null, [Threading.CancellationToken]::None)
    $all = @(); while ($cursor.MoveNext([Threading.CancellationToken]::None)) { $all += $cursor.Current }
    return $all
}

# A real 24-bit BMP image of the given size.
function New-BmpBytes([int] $Width, [int] $Height) {
    $row = (($Width * 3 + 3) -band -4); $size = 54 + $row * $Height
    $b = [byte[]]::new($size)
    [Text.Encoding]::ASCII.GetBytes('BM').CopyTo($b, 0)
    [BitConverter]::GetBytes([int]$size).CopyTo($b, 2); [BitConverter]::GetBytes([int]54).CopyTo($b, 10)
    [BitConverter]::GetBytes([int]40).CopyTo($b, 14); [BitConverter]::GetBytes([int]$Width).CopyTo($b, 18)
    [BitConverter]::GetBytes([int]$Height).CopyTo($b, 22); [BitConverter]::GetBytes([int16]1).CopyTo($b, 26)
    [BitConverter]::GetBytes([int16]24).CopyTo($b, 28); [BitConverter]::GetBytes([int]($row * $Height)).CopyTo($b, 34)
    return , $b
}

. (Join-Path $PSScriptRoot '../../build/PwshLaunch.ps1')

Export-ModuleMember -Function New-FiftyOneDataset, Get-FiftyOneSamples, New-BmpBytes, Import-FiftyOneCache, Get-TestServers, New-TestCache, New-HttpTestFile, Get-PwshLaunch, Invoke-Pwsh

@{
    RootModule             = 'FiftyOneCache.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '5b0d3c8e-51f1-4c0a-9d6e-3f1c2a7b9e41'
    Author                 = 'FiftyOneCache contributors'
    CompanyName            = 'FiftyOneCache'
    Copyright              = '(c) FiftyOneCache contributors. Apache-2.0.'
    Description            = 'FiftyOne''s cloud-media cache for PowerShell: s3://, gs://, MinIO and http(s):// media downloaded once into a local, size-bounded, LRU-evicted cache shared with FiftyOne, with FiftyOne datasets in MongoDB and CVAT annotation.'
    PowerShellVersion      = '7.6'
    CompatiblePSEditions   = @('Core')
    CmdletsToExport        = @(
        'Get-MediaLocalPath', 'Invoke-MediaDownload', 'Get-MediaCacheStatistic', 'Clear-MediaCache', 'Remove-MediaCacheEntry',
        'Set-MediaCacheConfig', 'Get-MediaCacheConfig', 'Get-MediaCacheEntry', 'Test-MediaCache', 'Update-MediaMetadata',
        'New-CvatAnnotation', 'Get-MediaPrewarmReport',
        'Get-MediaFile', 'Copy-MediaFile', 'Move-MediaFile', 'Remove-MediaFile'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @('Get-MediaCacheStats')
    VariablesToExport      = @()
    TypesToProcess         = @('FiftyOneCache.types.ps1xml')
    FormatsToProcess       = @('FiftyOneCache.format.ps1xml')
    PrivateData            = @{
        PSData = @{
            Tags         = @('FiftyOne', 'cache', 'S3', 'GCS', 'MinIO', 'media', 'CVAT', 'MongoDB', 'Linux', 'MacOS', 'Windows', 'PSEdition_Core')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/fiftyonecache/FiftyOneCache'
            ReleaseNotes = 'First release: HTTP(S), S3, MinIO and GCS stores, FiftyOne datasets, CVAT annotation.'
        }
    }
}

# The documented scheduled/fleet prewarm script, help for every cmdlet, and tab completion, as a user meets them.
BeforeDiscovery {
    Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') -Force
    $script:cmdlets = @(Get-Command -Module FiftyOneCache -CommandType Cmdlet | ForEach-Object Name)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:script = Join-Path $PSScriptRoot '../../docs/examples/Invoke-Prewarm.ps1'
    $script:urls = 1..12 | ForEach-Object { New-HttpTestFile "examples/$PID/f$_.bin" (1000 + $_) }
}

Describe 'Invoke-Prewarm.ps1' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'prewarms a list, logs JSON lines, prints one summary and exits 0' {
        $list = Join-Path $dir 'paths.txt'
        Set-Content $list (@('# comment', '') + $urls)
        $log = Join-Path $dir 'prewarm.jsonl'
        $out = Invoke-Pwsh -NoProfile -File $script -ListPath $list -LogPath $log -ModulePath (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') 2>&1
        $LASTEXITCODE | Should -Be 0
        (($out -join "`n") -replace '\x1b\[[0-9;]*m', '') | Should -Match 'Downloaded\s*:\s*12'
        $lines = Get-Content $log | ForEach-Object { $_ | ConvertFrom-Json }
        @($lines | Where-Object type -eq 'item').Count | Should -Be 12
        ($lines | Where-Object type -eq 'summary').downloaded | Should -Be 12
    }

    It 'exits 1 when an item fails and logs the failure' {
        $list = Join-Path $dir 'paths.txt'
        Set-Content $list @($urls[0], ((Get-TestServers).http.url + "/examples/$PID/missing.bin"))
        $log = Join-Path $dir 'prewarm.jsonl'
        $null = Invoke-Pwsh -NoProfile -File $script -ListPath $list -LogPath $log -ModulePath (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') 2>&1
        $LASTEXITCODE | Should -Be 1
        $failed = Get-Content $log | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object status -eq 'Failed'
        $failed.errorId | Should -Be 'ObjectNotFound'
    }
}

Describe 'Sharding' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'splits a list into disjoint shards that together cover it' {
        # A shard may be empty (the hash decides, and the test server's port and PID are in every URL): it adds nothing.
        $seen = @(foreach ($i in 0..2) { $urls | Invoke-MediaDownload -Shard "$i/3" | ForEach-Object Source })
        @($seen).Count | Should -Be $urls.Count -Because "each item is in exactly one shard (seen: $(@($seen) -join ', '))"
        @($seen | Sort-Object -Unique).Count | Should -Be $urls.Count
    }

    It 'rejects a malformed shard with a terminating error' {
        { $urls | Invoke-MediaDownload -Shard '3/3' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidShard,FiftyOneCache.Cmdlets.InvokeMediaDownloadCommand'
    }
}

Describe 'Help' {
    It 'shows synopsis, every parameter and examples for <_>' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+ \[' # not the auto-generated syntax line
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $documented = @($help.parameters.parameter | Where-Object { $_.description } | ForEach-Object name)
        foreach ($p in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) { $documented | Should -Contain $p }
    }

    It 'has an about_FiftyOneCache topic' {
        (Get-Help about_FiftyOneCache | Out-String) | Should -Match 'CACHE LAYOUT'
    }
}

Describe 'Tab completion' {
    It 'completes AWS profile names from the shared credentials file' {
        $dir = New-TestCache
        $creds = Join-Path $dir 'credentials'
        Set-Content $creds "[default]`naws_access_key_id=x`n[media-reader]`naws_access_key_id=y`n"
        $old = $env:AWS_SHARED_CREDENTIALS_FILE
        $env:AWS_SHARED_CREDENTIALS_FILE = $creds
        try {
            $r = TabExpansion2 -inputScript 'Set-MediaCacheConfig -AwsProfile med' -cursorColumn 36
            $r.CompletionMatches.CompletionText | Should -Contain 'media-reader'
        } finally { $env:AWS_SHARED_CREDENTIALS_FILE = $old; Remove-Item $dir -Recurse -Force }
    }

    It 'completes Azure profile names from AZURE_CREDENTIALS_FILE, else the configured azure_credentials_file' {
        $dir = New-TestCache
        $ini = Join-Path $dir 'azure.ini'
        Set-Content $ini "[DEFAULT]`nalias = az`n[prod-reader]`naccount_name = a`n[staging]`naccount_name = b`n"
        try {
            Set-MediaCacheConfig -AzureCredentialsFile $ini
            $r = TabExpansion2 -inputScript 'Set-MediaCacheConfig -AzureProfile ' -cursorColumn 35
            $r.CompletionMatches.CompletionText | Should -Be @('prod-reader', 'staging')
            $other = Join-Path $dir 'other.ini'
            Set-Content $other "[from-env]`naccount_name = c`n"
            $env:AZURE_CREDENTIALS_FILE = $other
            $r = TabExpansion2 -inputScript 'Set-MediaCacheConfig -AzureProfile fr' -cursorColumn 37
            $r.CompletionMatches.CompletionText | Should -Be @('from-env')
        } finally { Remove-Item Env:AZURE_CREDENTIALS_FILE -ErrorAction SilentlyContinue; Remove-Item $dir -Recurse -Force }
    }

    It 'completes configuration keys for -Remove' {
        $r = TabExpansion2 -inputScript 'Set-MediaCacheConfig -Remove cache_s' -cursorColumn 36
        $r.CompletionMatches.CompletionText | Should -Contain 'cache_size_bytes'
    }
}

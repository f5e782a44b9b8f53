# Issue 23 (Issue23 in every test name, for -Filter): the module as a PowerShell user expects it, round 2. Results
# and entries are files to the *-Item cmdlets, -WhatIf says what the run does, view labels are properties, output
# types can be named, help is complete, prompts are Remove-Item's, configuration errors are one record with a way
# out, cached sources complete, progress does not present a growing total as the total, Test-MediaCache -Quiet,
# -Debug output, Last-Modified staleness, a host that does not resolve is not retried, and clearer names.
# One It per behaviour; each fails when its behaviour is broken (see /work/notes/issue23.md for how each was broken).
BeforeDiscovery {
    Import-Module (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') -Force
    $script:cmdlets = @(Get-Command -Module FiftyOneCache -CommandType Cmdlet | ForEach-Object Name)
    $script:risky = @(Get-Command -Module FiftyOneCache -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object Name)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
    $script:servers = Get-TestServers
    $script:run = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:n = 0
    function New-File([string] $Folder = 'files', [int] $Size = 5000) {
        $script:n++
        New-HttpTestFile "psn23/$run/$Folder/f$($script:n).bin" $Size
    }
    function Get-ServerBytes { (Invoke-RestMethod "$($servers.http.url)/__stats").bytes }
    # A child pwsh as a user's terminal (non-interactive: a prompt is an error there); output and errors as text.
    function Invoke-Script([string] $Text) {
        $file = Join-Path $dir "script-$([guid]::NewGuid().ToString('N')).ps1"
        $prelude = "`$PSStyle.OutputRendering = 'PlainText'; `$env:FIFTYONE_MEDIA_CACHE_DIR = '$env:FIFTYONE_MEDIA_CACHE_DIR'; " +
                   "`$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = '$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH'; Import-Module '$(Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')'`n"
        Set-Content $file ($prelude + $Text)
        (Invoke-Pwsh -NoProfile -NonInteractive -File $file 2>&1 | Out-String -Width 200)
    }
    # A host that answers every confirmation with "Yes" and counts the questions (ShouldProcess and ShouldContinue).
    class CountingUI : System.Management.Automation.Host.PSHostUserInterface {
        [int] $Questions
        [System.Management.Automation.Host.PSHostRawUserInterface] get_RawUI() { return $null }
        [string] ReadLine() { return '' }
        [securestring] ReadLineAsSecureString() { return $null }
        [void] Write([string] $v) { }
        [void] Write([ConsoleColor] $f, [ConsoleColor] $b, [string] $v) { }
        [void] WriteLine([string] $v) { }
        [void] WriteErrorLine([string] $v) { }
        [void] WriteDebugLine([string] $v) { }
        [void] WriteProgress([long] $s, [System.Management.Automation.ProgressRecord] $r) { }
        [void] WriteVerboseLine([string] $v) { }
        [void] WriteWarningLine([string] $v) { }
        [System.Collections.Generic.Dictionary[string, psobject]] Prompt([string] $c, [string] $m, [System.Collections.ObjectModel.Collection[System.Management.Automation.Host.FieldDescription]] $d) { return $null }
        [pscredential] PromptForCredential([string] $c, [string] $m, [string] $u, [string] $t) { return $null }
        [pscredential] PromptForCredential([string] $c, [string] $m, [string] $u, [string] $t, [System.Management.Automation.PSCredentialTypes] $a, [System.Management.Automation.PSCredentialUIOptions] $o) { return $null }
        [int] PromptForChoice([string] $c, [string] $m, [System.Collections.ObjectModel.Collection[System.Management.Automation.Host.ChoiceDescription]] $ch, [int] $d) { $this.Questions++; return 0 }
    }
    class CountingHost : System.Management.Automation.Host.PSHost {
        [CountingUI] $CountingUI = [CountingUI]::new()
        [guid] $Id = [guid]::NewGuid()
        [string] get_Name() { return 'CountingHost' }
        [version] get_Version() { return [version]'1.0' }
        [guid] get_InstanceId() { return $this.Id }
        [System.Management.Automation.Host.PSHostUserInterface] get_UI() { return $this.CountingUI }
        [cultureinfo] get_CurrentCulture() { return [cultureinfo]::InvariantCulture }
        [cultureinfo] get_CurrentUICulture() { return [cultureinfo]::InvariantCulture }
        [void] SetShouldExit([int] $c) { }
        [void] EnterNestedPrompt() { }
        [void] ExitNestedPrompt() { }
        [void] NotifyBeginApplication() { }
        [void] NotifyEndApplication() { }
    }
    # Runs a script in a runspace whose host counts questions; returns the count, the output and the errors.
    function Invoke-Counted([string] $Script) {
        $h = [CountingHost]::new()
        $rs = [runspacefactory]::CreateRunspace($h)
        $rs.Open()
        try {
            $ps = [powershell]::Create(); $ps.Runspace = $rs
            $null = $ps.AddScript("`$env:FIFTYONE_MEDIA_CACHE_DIR = '$env:FIFTYONE_MEDIA_CACHE_DIR'; `$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = '$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH'; Import-Module '$(Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')'").AddStatement()
            $null = $ps.AddScript($Script)
            $out = $ps.Invoke()
            [pscustomobject]@{ Questions = $h.CountingUI.Questions; Output = @($out); Errors = @($ps.Streams.Error) }
        } finally { $rs.Dispose() }
    }
}

Describe 'Issue23 1: results and entries are files to the *-Item cmdlets' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 a download result pipes into Copy-Item, Get-Item and Get-FileHash by its local file' {
        $url = New-File
        $dest = Join-Path $dir 'copy.bin'
        Invoke-MediaDownload $url | Copy-Item -Destination $dest
        $local = (Get-MediaCacheEntry -LiteralPath $url).LocalPath
        (Get-FileHash $dest).Hash | Should -Be (Get-FileHash -LiteralPath $local).Hash
        (Get-MediaLocalPath $url -Detailed | Get-Item).FullName | Should -Be $local
        (Invoke-MediaDownload $url | Get-FileHash).Hash | Should -Be (Get-FileHash -LiteralPath $local).Hash
    }

    It 'Issue23 a cache entry pipes into Copy-Item and Remove-Item by its local file' {
        $url = New-File
        $null = Invoke-MediaDownload $url
        $dest = Join-Path $dir 'entry-copy.bin'
        Get-MediaCacheEntry -LiteralPath $url | Copy-Item -Destination $dest
        $dest | Should -Exist
        $entry = Get-MediaCacheEntry -LiteralPath $url
        $entry.PSPath | Should -Be "Microsoft.PowerShell.Core\FileSystem::$($entry.LocalPath)"
        $entry | Remove-Item
        $entry.LocalPath | Should -Not -Exist
    }

    It 'Issue23 the remote item is Source on every object, and no object has a Path property for the *-Item cmdlets to bind' {
        $url = New-File
        $r = Invoke-MediaDownload $url
        $e = Get-MediaCacheEntry -LiteralPath $url
        $c = Clear-MediaCache -LiteralPath $url -PassThru
        foreach ($o in $r, $e, $c) {
            $o.Source | Should -Be $url
            $o.PSObject.Properties.Name | Should -Not -Contain 'Path'
        }
        [FiftyOneCache.Engine.Datasets.MediaMetadata].GetProperty('Source') | Should -Not -BeNullOrEmpty
        [FiftyOneCache.Engine.Datasets.MediaMetadata].GetProperty('Path') | Should -BeNullOrEmpty
    }

    It 'Issue23 results and entries still bind by Source into the module''s own cmdlets' {
        $url = New-File
        $null = Invoke-MediaDownload $url
        (Invoke-MediaDownload $url | Get-MediaCacheEntry).Source | Should -Be $url
        (Get-MediaCacheEntry -LiteralPath $url | Get-MediaLocalPath) | Should -Be (Get-MediaCacheEntry -LiteralPath $url).LocalPath
        (Get-MediaCacheEntry -LiteralPath $url | Get-MediaCacheStatistic).CurrentCount | Should -Be 1
        (Get-MediaCacheEntry -LiteralPath $url | Remove-MediaCacheEntry -PassThru).Status | Should -Be 'Removed'
    }
}

Describe 'Issue23 2: -WhatIf says what the run does' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 a user''s own file: -WhatIf says it is not a cached item and is not removed; the run removes nothing' {
        $null = Invoke-MediaDownload (New-File)
        $own = Join-Path $dir 'copy.txt'; Set-Content $own 'mine'
        $text = Invoke-Script "Set-Location '$dir'; Clear-MediaCache ./copy.txt -WhatIf"
        $text | Should -BeLike "*What if: '$own' is a local file, not a cached item: it is not removed.*"
        $text | Should -Not -BeLike '*Remove the cached copy*'
        (Clear-MediaCache -LiteralPath $own -PassThru).Status | Should -Be 'Local'
        $own | Should -Exist
    }

    It 'Issue23 a file from Get-ChildItem of the cache directory: -WhatIf says it is not removed' {
        $null = Invoke-MediaDownload (New-File)
        $text = Invoke-Script "Get-ChildItem -Recurse -File '$env:FIFTYONE_MEDIA_CACHE_DIR/media' | Clear-MediaCache -WhatIf"
        $text | Should -BeLike '*What if:*is a local file, not a cached item: it is not removed.*'
        $text | Should -Not -BeLike '*Remove the cached copy*'
    }

    It 'Issue23 a cached item: -WhatIf names the item and the file that would go' {
        $url = New-File
        $local = (Invoke-MediaDownload $url).LocalPath
        $text = Invoke-Script "Remove-MediaCacheEntry '$url' -WhatIf"
        $text | Should -BeLike "*What if: Performing the operation `"Remove the cached copy (* KB, $local)`" on target `"$url`".*"
        $local | Should -Exist
    }
}

Describe 'Issue23 3: a label a view shows is a property' {
    It 'Issue23 every label of every list view, and every table header but the composite ones, names a property of its type' {
        $xml = [xml](Get-Content (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.format.ps1xml') -Raw)
        $composite = 'WxH', 'Detail'
        $missing = foreach ($view in $xml.Configuration.ViewDefinitions.View) {
            $type = $view.ViewSelectedBy.TypeName -as [type]
            if (-not $type) { "$($view.Name): type $($view.ViewSelectedBy.TypeName) cannot be named"; continue }
            $names = @($type.GetProperties().Name) + @((Get-TypeData $type.FullName).Members.Keys)
            $labels = @($view.ListControl.ListEntries.ListEntry.ListItems.ListItem.Label) + @($view.TableControl.TableHeaders.TableColumnHeader.Label)
            foreach ($l in $labels | Where-Object { $_ -and $_ -notin $composite }) { if ($l -notin $names) { "$($view.Name): $l" } }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'Issue23 statistics are numbers with properties named as the view shows them; no size strings' {
        $dir = New-TestCache
        try {
            $null = Invoke-MediaDownload (New-File)
            $s = Get-MediaCacheStatistic
            $s.InFlightCount | Should -Be 0
            $s.CurrentSize | Should -BeOfType [long]
            $s.PSObject.Properties.Name | Should -Not -Contain 'CacheSizeStr'
            $s.PSObject.Properties.Name | Should -Not -Contain 'CurrentSizeStr'
            ($s | Format-List | Out-String -Width 120) | Should -Match 'InFlightCount\s*:\s*0'
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'Issue23 configuration sources are keyed by property name, as the view shows the properties' {
        $dir = New-TestCache
        try {
            $c = Get-MediaCacheConfig
            $c.Sources['CacheDir'] | Should -Be 'env:FIFTYONE_MEDIA_CACHE_DIR'
            $c.Sources.Keys | Should -Contain 'CacheSizeBytes'
            $c.Sources.Keys | Should -Not -Contain 'cache_size_bytes'
            $c.SourcesByKey['cache_dir'] | Should -Be 'env:FIFTYONE_MEDIA_CACHE_DIR'
            ($c | Format-List | Out-String -Width 120) | Should -Match 'ConfigFilePath\s*:'
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Issue23 4: output types can be named in scripts' {
    It 'Issue23 in a fresh pwsh, every advertised output type resolves by name, with enum values and -is' {
        $dir = New-TestCache
        try {
            $text = Invoke-Script @'
$types = Get-Command -Module FiftyOneCache -CommandType Cmdlet | ForEach-Object OutputType | ForEach-Object { $_.Type.FullName } | Sort-Object -Unique
foreach ($t in $types) { "TYPE $t $([bool]($t -as [type]))" }
"ENUM $([FiftyOneCache.Engine.Cache.ItemStatus]::Cached)"
"IS $((Get-MediaLocalPath /etc/hostname -Detailed) -is [FiftyOneCache.Engine.Cache.MediaItemResult])"
'@
            $text | Should -Not -Match 'TYPE \S+ False'
            $text | Should -Match 'TYPE FiftyOneCache.Engine.Cache.CacheEntry True'
            $text | Should -Match 'ENUM Cached'
            $text | Should -Match 'IS True'
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Issue23 5: help' {
    It 'Issue23 <_> shows -WhatIf and -Confirm in every syntax line' -ForEach $risky {
        $syntax = (Get-Help $_).syntax.syntaxItem
        @($syntax).Count | Should -BeGreaterThan 0
        foreach ($item in $syntax) {
            $item.parameter.name | Should -Contain 'WhatIf'
            $item.parameter.name | Should -Contain 'Confirm'
        }
    }

    It 'Help of <_> has a syntax line per parameter set, positional parameters first in the order of their positions' -ForEach $cmdlets {
        $cmd = Get-Command $_
        $items = @((Get-Help $_).syntax.syntaxItem)
        $items.Count | Should -Be $cmd.ParameterSets.Count
        for ($i = 0; $i -lt $items.Count; $i++) {
            $positional = @($cmd.ParameterSets[$i].Parameters | Where-Object Position -ge 0 | Sort-Object Position | ForEach-Object Name)
            $names = @($items[$i].parameter.name)
            if ($positional.Count) { $names[0..($positional.Count - 1)] -join ' ' | Should -Be ($positional -join ' ') -Because "$_ set $($cmd.ParameterSets[$i].Name)" }
        }
    }

    It 'Move-MediaFile has no parameter set of Copy-MediaFile''s -Dataset (a dataset is uploaded, never moved)' {
        (Get-Command Move-MediaFile).ParameterSets.Name | Should -Not -Contain 'Dataset'
        (Get-Command Copy-MediaFile).ParameterSets.Name | Should -Contain 'Dataset'
    }

    It 'Issue23 <_> numbers its examples 1..N, each title at the same indentation after a blank line' -ForEach $cmdlets {
        $PSStyle.OutputRendering = 'PlainText'
        $lines = (Get-Help $_ -Examples | Out-String -Width 200) -split "`r?`n"
        $titles = @($lines | Where-Object { $_ -match '--- Example' })
        $titles.Count | Should -BeGreaterThan 1
        for ($i = 0; $i -lt $titles.Count; $i++) { $titles[$i] | Should -Match "^    --- Example $($i + 1): \S" }
        for ($i = 1; $i -lt $lines.Count; $i++) { if ($lines[$i] -match '--- Example') { $lines[$i - 1].Trim() | Should -BeNullOrEmpty } }
    }
}

Describe 'Issue23 6: prompts as Remove-Item has them' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 removing items has Remove-Item''s impact, Medium' {
        foreach ($c in 'Clear-MediaCache', 'Remove-MediaCacheEntry') {
            $attr = (Get-Command $c).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            $attr.ConfirmImpact | Should -Be ((Get-Command Remove-Item).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact)
        }
    }

    It 'Issue23 with -Confirm, a wildcard that matches three items asks one question and removes all three' {
        $urls = 1..3 | ForEach-Object { New-File 'drop' }
        $keep = New-File 'keep'
        $null = Invoke-MediaDownload ($urls + $keep)
        $r = Invoke-Counted "Clear-MediaCache '$($servers.http.url)/psn23/$run/drop/*' -Confirm -PassThru"
        $r.Questions | Should -Be 1
        @($r.Output | Where-Object Status -eq Removed).Count | Should -Be 3
        @(Get-MediaCacheEntry).Source | Should -Be @($keep)
    }

    It 'Issue23 by default (ConfirmPreference High) a wildcard removal asks nothing' {
        $null = Invoke-MediaDownload (1..2 | ForEach-Object { New-File 'quiet' })
        $r = Invoke-Counted "Remove-MediaCacheEntry '$($servers.http.url)/psn23/$run/quiet/*'"
        $r.Questions | Should -Be 0
        @(Get-MediaCacheEntry).Count | Should -Be 0
    }

    It 'Issue23 emptying the whole cache still asks once (as High impact did); -Force, -Confirm:$false and ConfirmPreference None do not ask' {
        foreach ($case in @(@{ Call = 'Clear-MediaCache'; Asked = 1 }, @{ Call = 'Clear-MediaCache -Force'; Asked = 0 },
                            @{ Call = 'Clear-MediaCache -Confirm:$false'; Asked = 0 }, @{ Call = '$ConfirmPreference = ''None''; Clear-MediaCache'; Asked = 0 })) {
            $null = Invoke-MediaDownload (New-File 'all')
            $r = Invoke-Counted $case.Call
            $r.Questions | Should -Be $case.Asked -Because $case.Call
            @(Get-MediaCacheEntry).Count | Should -Be 0 -Because $case.Call
        }
    }

    It 'Issue23 a wildcard that matches nothing is silent; a literal path that is not cached is an ObjectNotFound error' {
        $null = Invoke-MediaDownload (New-File)
        foreach ($c in 'Clear-MediaCache', 'Remove-MediaCacheEntry', 'Get-MediaCacheEntry', 'Get-MediaCacheStatistic') {
            $null = & $c "$($servers.http.url)/psn23/$run/nothing-here/*" -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -BeNullOrEmpty -Because $c
        }
        $null = Remove-MediaCacheEntry "$($servers.http.url)/psn23/$run/not-cached.bin" -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotCached,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Get-MediaCacheEntry).Count | Should -Be 1
    }
}

Describe 'Issue23 7: configuration errors' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 -Remove takes the parameter names as well as FiftyOne''s keys' {
        Set-MediaCacheConfig -CacheSizeBytes 5GB -NumWorkers 3
        Set-MediaCacheConfig -Remove CacheSizeBytes
        Set-MediaCacheConfig -Remove num_workers
        (Get-Content $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH -Raw | ConvertFrom-Json).PSObject.Properties.Name | Should -BeNullOrEmpty
    }

    It 'Issue23 a value that cannot be used names the parameter the user typed' {
        { Set-MediaCacheConfig -CacheSizeBytes -5 -ErrorAction Stop } | Should -Throw -ExpectedMessage "Cannot set -CacheSizeBytes to '-5': *negative*"
        try { Set-MediaCacheConfig -CacheSizeBytes -5 -ErrorAction Stop } catch { $e = $_ }
        $e.Exception.Message | Should -Not -BeLike '*cache_size_bytes*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'Issue23 a config file with a trailing comma is the same InvalidData record from every cmdlet, with file, line, column and -Reset' {
        Set-Content $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH "{`n  `"cache_size_bytes`": 1000,`n}"
        $file = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH
        $calls = @(
            { Get-MediaCacheConfig }, { Get-MediaCacheStatistic }, { Get-MediaCacheEntry }, { Test-MediaCache }, { Invoke-MediaDownload /etc/hostname },
            { Get-MediaLocalPath s3://b/k -NoDownload }, { Set-MediaCacheConfig -NumWorkers 2 }, { Clear-MediaCache -WhatIf }, { Remove-MediaCacheEntry s3://b/k -WhatIf }
        )
        foreach ($call in $calls) {
            $e = $null
            try { & $call -ErrorAction Stop | Out-Null } catch { $e = $_ }
            $e | Should -Not -BeNullOrEmpty -Because "$call"
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*' -Because "$call"
            $e.CategoryInfo.Category | Should -Be 'InvalidData' -Because "$call"
            $e.TargetObject | Should -Be $file -Because "$call"
            $e.Exception.Message | Should -Match 'line 3 column 1' -Because "$call"
            $e.ErrorDetails.RecommendedAction | Should -BeLike "*Set-MediaCacheConfig -Reset*$file.bak*" -Because "$call"
        }
    }

    It 'Issue23 Set-MediaCacheConfig -Reset rewrites a file it cannot read and keeps the old one' {
        $file = $env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH
        $broken = "{`"cache_size_bytes`": 1000,}"
        Set-Content $file $broken
        Set-MediaCacheConfig -Reset -WhatIf
        (Get-Content $file -Raw).Trim() | Should -Be $broken
        Set-MediaCacheConfig -Reset -NumWorkers 3
        (Get-Content "$file.bak" -Raw).Trim() | Should -Be $broken
        (Get-MediaCacheConfig).NumWorkers | Should -Be 3
    }
}

Describe 'Issue23 8: completion of cached sources' {
    BeforeAll {
        $script:dir = New-TestCache
        $script:a = New-File 'complete'; $script:b = New-File 'complete'; $script:other = New-File 'elsewhere'
        $null = Invoke-MediaDownload $a, $b, $other
    }
    AfterAll { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 <_> completes -Path with the cached sources that start with what was typed' -ForEach 'Get-MediaCacheEntry', 'Clear-MediaCache', 'Get-MediaCacheStatistic', 'Remove-MediaCacheEntry' {
        $typed = "$_ $($servers.http.url)/psn23/$run/comp"
        $r = TabExpansion2 -inputScript $typed -cursorColumn $typed.Length
        $r.CompletionMatches.CompletionText | Should -Be @($a, $b)
    }

    It 'Issue23 with nothing typed, Get-MediaCacheEntry offers the cached sources, not the files of the current folder' {
        $typed = 'Get-MediaCacheEntry '
        $r = TabExpansion2 -inputScript $typed -cursorColumn $typed.Length
        @($r.CompletionMatches.CompletionText | Sort-Object) | Should -Be @(@($a, $b, $other) | Sort-Object)
    }
}

Describe 'Issue23 9: progress' {
    It 'Issue23 a byte total that is still growing is marked as a lower bound; several files in flight are said' {
        $p = [FiftyOneCache.Engine.Cache.TransferProgress]::new()
        $p.Submitted = 3
        $p.Started('http://h/a.bin', 1MB)
        $p.Started('http://h/b.bin', 2MB)
        $view = [FiftyOneCache.Cmdlets.ProgressView]::new('Downloading', $p)
        $text = $view.Render().StatusDescription
        $text | Should -BeLike '*of at least 3 MB*'
        $text | Should -BeLike '*2 files in flight*'
        # All input in and every item started: the total is final and shown as the total.
        $p.InputComplete = $true
        $p.Started('http://h/c.bin', 1MB)
        $text = $view.Render().StatusDescription
        $text | Should -BeLike '*of 4 MB*'
        $text | Should -Not -BeLike '*at least*'
        $text | Should -BeLike '*3 files in flight*'
    }
}

Describe 'Issue23 10: Test-MediaCache in an if' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 -Quiet returns $true for a healthy cache and $false for an unhealthy one' {
        $r = Invoke-MediaDownload (New-File)
        $q = Test-MediaCache -Quiet
        $q | Should -BeOfType [bool]
        $q | Should -BeTrue
        [IO.File]::AppendAllText($r.LocalPath, 'corrupt')
        Test-MediaCache -Quiet | Should -BeFalse
        if (Test-MediaCache -Quiet) { throw 'an unhealthy cache reads true in an if' }
    }

    It 'Issue23 problems are objects with a kind and the file' {
        $r = Invoke-MediaDownload (New-File)
        [IO.File]::AppendAllText($r.LocalPath, 'corrupt')
        $p = @((Test-MediaCache).Problems)
        $p.Count | Should -Be 1
        $p[0].Kind | Should -Be ([FiftyOneCache.Engine.Cache.CacheProblemKind]::SizeMismatch)
        $p[0].LocalPath | Should -Be $r.LocalPath
        "$($p[0])" | Should -BeLike 'size differs*'
    }

    It 'Issue23 -Repair -WhatIf writes one What if line per file and changes nothing' {
        $r1 = Invoke-MediaDownload (New-File); $r2 = Invoke-MediaDownload (New-File)
        [IO.File]::AppendAllText($r1.LocalPath, 'corrupt'); [IO.File]::AppendAllText($r2.LocalPath, 'corrupt')
        $text = Invoke-Script 'Test-MediaCache -Repair -WhatIf | Out-Null'
        @($text -split "`n" | Where-Object { $_ -like 'What if:*' }).Count | Should -Be 2
        $text | Should -BeLike "*What if:*`"$($r1.LocalPath)`"*"
        $text | Should -BeLike "*What if:*`"$($r2.LocalPath)`"*"
        $r1.LocalPath, $r2.LocalPath | Should -Exist
        Test-MediaCache -Quiet | Should -BeFalse
    }
}

Describe 'Issue23 11: -Debug' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 -Debug writes DEBUG lines for requests and asks nothing (no verbose line turned into a prompt)' {
        $url = New-File
        $null = New-Item -ItemType Directory $env:FIFTYONE_MEDIA_CACHE_DIR
        $text = Invoke-Script "Invoke-MediaDownload '$url' -Debug | Out-Null; 'DONE'"
        $text | Should -Match "DEBUG: '$([regex]::Escape($url))': answered in \d+ ms"
        $text | Should -Not -BeLike '*NonInteractive*'
        $text | Should -Not -BeLike '*VERBOSE:*'
        $text | Should -BeLike '*DONE*'
    }

    It 'Issue23 $DebugPreference and $VerbosePreference set in the caller''s own scope count as -Debug and -Verbose; without them no debug line is built' {
        $url = New-File; $url2 = New-File
        $null = New-Item -ItemType Directory $env:FIFTYONE_MEDIA_CACHE_DIR
        # A script's function sets the preferences in its own scope, as users do; the engine builds a request's debug
        # line only when the caller will see it.
        $out = @(& { $DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; Invoke-MediaDownload $url 5>&1 4>&1 })
        (@($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message) -join "`n") |
            Should -Match "'$([regex]::Escape($url))': answered in \d+ ms"
        (@($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n") |
            Should -Match ([regex]::Escape($url) + '.*Downloaded')
        $none = @(& { $DebugPreference = 'SilentlyContinue'; $VerbosePreference = 'SilentlyContinue'; Invoke-MediaDownload $url2 5>&1 4>&1 })
        @($none | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -or $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        @($none | Where-Object Status -eq 'Downloaded') | Should -HaveCount 1 # a request was made, and said nothing
    }

    It 'Issue23 -Debug says when a download waited for another process''s download of the same item' {
        $url = New-File 'locked' 1MB
        Invoke-RestMethod -Method Post -Uri "$($servers.http.url)/__faults" -ContentType 'application/json' `
            -Body (ConvertTo-Json @(@{ match = "/psn23/$run/locked/"; kind = 'drip'; delayMs = 40; times = 1 })) | Out-Null
        try {
            $other = Join-Path $dir 'other.ps1'
            Set-Content $other "`$env:FIFTYONE_MEDIA_CACHE_DIR = '$env:FIFTYONE_MEDIA_CACHE_DIR'; `$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH = '$env:FIFTYONE_MEDIA_CACHE_CONFIG_PATH'; Import-Module '$(Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1')'; Set-Content '$dir/started' x; Invoke-MediaDownload '$url' | Out-Null"
            $l = Get-PwshLaunch
            $p = Start-Process $l.File -ArgumentList @($l.Prefix + @('-NoProfile', '-NonInteractive', '-File', $other)) -PassThru
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path "$dir/started") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 1500   # the other process is inside its dripping download, holding the item's lock
            $debug = @(Invoke-MediaDownload $url -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
            $p.WaitForExit(30000) | Should -BeTrue
            $debug | Should -Match 'waited \d+ ms for the lock of .*locked/.*\(held by another process\)'
        } finally { Invoke-RestMethod -Method Delete -Uri "$($servers.http.url)/__faults" | Out-Null }
    }

    It 'Issue23 -Verbose describes the configuration in one line' {
        $text = Invoke-Script "Get-MediaCacheConfig -Verbose | Out-Null"
        @($text -split "`n" | Where-Object { $_ -like 'VERBOSE:*' }).Count | Should -Be 1
        $text | Should -Match 'VERBOSE: Cache .*CacheDir from env:FIFTYONE_MEDIA_CACHE_DIR'
    }
}

Describe 'Issue23 12: staleness without ETags' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 -Update against a server with Last-Modified and no ETag reports an unchanged file Cached and downloads nothing' {
        $url = New-File 'no-etag' 20000
        (Invoke-MediaDownload $url).Status | Should -Be 'Downloaded'
        $before = Get-ServerBytes
        (Invoke-MediaDownload $url -Update).Status | Should -Be 'Cached'
        (Get-ServerBytes) | Should -Be $before
        # A changed file (a later Last-Modified) is downloaded again.
        $full = Join-Path $servers.http.root ($url -replace '^https?://[^/]+/', '')
        [IO.File]::WriteAllBytes($full, [byte[]]::new(30000))
        (Get-Item $full).LastWriteTimeUtc = [DateTime]::UtcNow.AddMinutes(5)
        $u = Invoke-MediaDownload $url -Update
        $u.Status | Should -Be 'Updated'
        $u.Size | Should -Be 30000
    }
}

Describe 'Issue23 13: failing fast' {
    It 'Issue23 a host name that does not resolve is permanent: classified HostNotFound, not transient' {
        $e = [System.Net.Http.HttpRequestException]::new('Name or service not known (nohost.invalid:80)', [System.Net.Sockets.SocketException]::new(11001))
        $se = [FiftyOneCache.Engine.Storage.RetryPolicy]::Classify($e)
        $se.Kind | Should -Be 'HostNotFound'
        $se.IsTransient | Should -BeFalse
        $id = [FiftyOneCache.Engine.Cache.ErrorMapping]::Classify($se)
        $id.Item1 | Should -Be 'HostNotFound'
        # A DNS server that does not answer (EAI_AGAIN) may answer later: still retried.
        $again = [System.Net.Http.HttpRequestException]::new('Resource temporarily unavailable', [System.Net.Sockets.SocketException]::new(11002))
        [FiftyOneCache.Engine.Storage.RetryPolicy]::Classify($again).IsTransient | Should -BeTrue
    }

    It 'Issue23 the recommendations give plain advice, and one is for a host that does not resolve' {
        $host404 = [FiftyOneCache.Cmdlets.MediaBatchCmdlet]::RecommendedActionFor('HostNotFound')
        $host404 | Should -BeLike '*host name*typos*DNS*'
        $transfer = [FiftyOneCache.Cmdlets.MediaBatchCmdlet]::RecommendedActionFor('TransferFailed')
        $transfer | Should -Not -BeLike '*(the message*'
        $transfer | Should -BeLike '*reachable*'
    }
}

Describe 'Issue23 14: names' {
    BeforeEach { $script:dir = New-TestCache }
    AfterEach { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Issue23 Get-MediaCacheStatistic is the command and Get-MediaCacheStats its alias' {
        (Get-Command Get-MediaCacheStatistic).CommandType | Should -Be 'Cmdlet'
        $alias = Get-Command Get-MediaCacheStats
        $alias.CommandType | Should -Be 'Alias'
        $alias.ResolvedCommandName | Should -Be 'Get-MediaCacheStatistic'
    }

    It 'Issue23 the old name loads the module by itself in a fresh pwsh (the manifest exports the alias)' {
        $parent = Split-Path $env:FOC_MODULE_PATH
        $text = Invoke-Script "`$env:PSModulePath = '$parent' + [IO.Path]::PathSeparator + `$env:PSModulePath; Remove-Module FiftyOneCache; (Get-Command Get-MediaCacheStats).ResolvedCommandName"
        $text | Should -Match 'Get-MediaCacheStatistic'
    }

    It 'Issue23 Remove-MediaCacheEntry removes the named entries and requires a path' {
        $a = New-File; $b = New-File
        $null = Invoke-MediaDownload $a, $b
        (Remove-MediaCacheEntry $a -PassThru).Status | Should -Be 'Removed'
        @(Get-MediaCacheEntry).Source | Should -Be @($b)
        (Get-Command Remove-MediaCacheEntry).Parameters['Path'].ParameterSets['Path'].IsMandatory | Should -BeTrue
        (Get-Command Remove-MediaCacheEntry).DefaultParameterSet | Should -Be 'Path'
    }

    It 'Issue23 entries have LastAccessTime and CreationTime, with the old names as alias properties' {
        $url = New-File
        $null = Invoke-MediaDownload $url
        $e = Get-MediaCacheEntry -LiteralPath $url
        $e.LastAccessTime | Should -BeOfType [DateTimeOffset]
        $e.CreationTime | Should -BeOfType [DateTimeOffset]
        $e.LastAccess | Should -Be $e.LastAccessTime
        $e.Created | Should -Be $e.CreationTime
    }
}

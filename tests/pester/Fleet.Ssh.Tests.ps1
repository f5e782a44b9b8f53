# PowerShell remoting over SSH to a private sshd listening on 127.0.0.1 to 127.0.0.4 (four "hosts"), from Debian's
# openssh-server (installed when missing): docs/examples/Invoke-FleetPrewarm.ps1 fans a prewarm out with
# New-PSSession -HostName and Invoke-Command -Session -ThrottleLimit 2, each host into its own cache.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../fleet/Fleet.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../fleet/Ssh.psm1') -Force
    Import-FiftyOneCache
    $script:reason = (Install-FleetPackages).ssh # the engine's packages, installed when missing
    if ($reason) { Write-Host "skipped: $reason"; return }
    $script:s3 = (Get-TestServers).s3
    $script:run = "ssh-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:count = 400
    $http = [Net.Http.HttpClient]::new()
    $script:keys = 1..$count | ForEach-Object { "$run/img/$_.bin" }
    $puts = $keys | ForEach-Object { $http.PutAsync("$($s3.endpoint)/media/$_", [Net.Http.StringContent]::new("object $_")) }
    [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]$puts)
    $script:sshd = Start-FleetSshd -Hosts 4 -MaxSeconds 240
    $script:caches = Join-Path $sshd.Root 'caches'
    $script:logDir = Join-Path $sshd.Root 'logs'
    $example = Join-Path $PSScriptRoot '../../docs/examples/Invoke-FleetPrewarm.ps1'
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $script:summaries = & $example -HostName $sshd.Hosts -Port $sshd.Port -UserName $sshd.UserName -KeyFilePath $sshd.KeyFilePath `
        -SshOptions @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = $sshd.KnownHosts; LogLevel = 'ERROR' } -ThrottleLimit 2 `
        -Prefix "s3://media/$run/img/" -LogDir $logDir -ModulePath (Join-Path $env:FOC_MODULE_PATH 'FiftyOneCache.psd1') `
        -Environment @{ AWS_ENDPOINT_URL = $s3.endpoint; AWS_ACCESS_KEY_ID = 'S3RVER'; AWS_SECRET_ACCESS_KEY = 'S3RVER'
                        FIFTYONE_MEDIA_CACHE_DIR = (Join-Path $caches '{host}'); FIFTYONE_MEDIA_CACHE_CONFIG_PATH = (Join-Path $caches 'none.json') } 2>&1 |
        Where-Object { $_ -isnot [Management.Automation.ErrorRecord] -or $_.ToString() -notmatch 'Permanently added' }
    Write-Host "SSH fleet prewarm took $($sw.Elapsed.TotalSeconds.ToString('0.0')) s"
    Write-Host ($summaries | Format-Table PSComputerName, Shard, Total, Downloaded, Cached, Failed, Bytes | Out-String)
}

AfterAll {
    if ($sshd) {
        Stop-FleetSshd $sshd
        if (-not $env:FOC_KEEP_FLEET) { Remove-Item $sshd.Root -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Fleet: PowerShell remoting over SSH' {
    It 'returns one summary per host to the caller' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $errors = @($summaries | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        $errors | Should -BeNullOrEmpty
        @($summaries).Count | Should -Be 4
        ($summaries.PSComputerName | Sort-Object) | Should -Be @('127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4')
        ($summaries.Shard | Sort-Object) | Should -Be @('0/4', '1/4', '2/4', '3/4')
    }

    It 'splits the prefix into disjoint shards that together cover it, each in its host''s cache' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        ($summaries | Measure-Object Downloaded -Sum).Sum | Should -Be $count
        ($summaries | Measure-Object Failed -Sum).Sum | Should -Be 0
        foreach ($s in $summaries) { $s.Downloaded | Should -BeGreaterThan 0 }
        $perHost = foreach ($h in $sshd.Hosts) {
            Get-ChildItem (Join-Path $caches "$h/media/s3/media/$run/img") -File | ForEach-Object { [pscustomobject]@{ Host = $h; Name = $_.Name } }
        }
        @($perHost).Count | Should -Be $count
        @($perHost.Name | Sort-Object -Unique).Count | Should -Be $count
    }

    It 'leaves one log per host that the merged report adds up' {
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $r = Get-MediaPrewarmReport (Join-Path $logDir '*.jsonl')
        $r.LogFiles | Should -Be 4
        $r.Downloaded | Should -Be $count
        ($r.SlowestShards.Host | Sort-Object -Unique) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Shared filesystem check on a real sshfs mount' {
    BeforeAll {
        if ($reason) { $script:mountError = $reason; return }
        $script:mnt = Join-Path $sshd.Root 'mnt'
        $exported = Join-Path $sshd.Root 'exported'
        New-Item -ItemType Directory -Force $mnt, $exported | Out-Null
        $script:mountError = (Install-FleetPackages).sshfs
        if (-not $mountError) {
            $out = sshfs -p $sshd.Port -o "IdentityFile=$($sshd.KeyFilePath),StrictHostKeyChecking=no,UserKnownHostsFile=$($sshd.KnownHosts),LogLevel=ERROR" "$($sshd.UserName)@127.0.0.1:$exported" $mnt 2>&1
            if ($LASTEXITCODE -ne 0) { $script:mountError = "sshfs could not mount (no FUSE here?): $out" }
            else { $script:mounted = $true }
        }
        $script:url = New-HttpTestFile "sshfs/$PID/a.bin" 1000
        $script:testCache = New-TestCache
        $env:FIFTYONE_MEDIA_CACHE_DIR = Join-Path $mnt 'cache'
    }
    AfterAll {
        Remove-Item Env:FIFTYONE_MEDIA_CACHE_ALLOW_SHARED_FS -ErrorAction SilentlyContinue
        if ($mounted) { fusermount3 -u -z $mnt } # lazily: this process still holds the index open through its cache session
        if ($testCache) { Remove-Item $testCache -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'refuses a cache directory on fuse.sshfs, saying why and what to do' {
        if ($mountError) { Set-ItResult -Skipped -Because $mountError; return }
        $e = { Invoke-MediaDownload $url -ErrorAction Stop } | Should -Throw -ErrorId 'SharedFileSystem,FiftyOneCache.Cmdlets.InvokeMediaDownloadCommand' -PassThru
        $e.Exception.Message | Should -Match 'shared filesystem \(fuse\.sshfs\)'
        $e.Exception.Message | Should -Match 'local folder on each node'
        $e.Exception.Message | Should -Match 'FIFTYONE_MEDIA_CACHE_ALLOW_SHARED_FS=1'
        Test-Path (Join-Path $mnt 'cache') | Should -BeFalse # refused before anything was written there
    }

    It 'opens it when FIFTYONE_MEDIA_CACHE_ALLOW_SHARED_FS=1 says the folder is this host''s alone' {
        if ($mountError) { Set-ItResult -Skipped -Because $mountError; return }
        $env:FIFTYONE_MEDIA_CACHE_ALLOW_SHARED_FS = '1'
        (Invoke-MediaDownload $url).Status | Should -Be 'Downloaded'
        Test-Path (Join-Path $mnt 'cache/.fiftyonecache/index.db') | Should -BeTrue
    }
}


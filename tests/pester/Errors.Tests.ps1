# Errors that tell the truth: an unreachable server is named with its port and the time spent retrying.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-FiftyOneCache
}

Describe 'Unreachable servers' {
    It 'names the host and port and how long the retries took, and recommends checking the server' {
        $dir = New-TestCache
        try {
            # A port nobody listens on: bind one, note it, close it.
            $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
            $url = "http://127.0.0.1:$port/nothing-here.jpg"
            $r = Invoke-MediaDownload $url -ErrorVariable errs -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'TransferFailed,*'
            $errs[0].Exception.Message | Should -Match "127\.0\.0\.1:$port"
            $errs[0].Exception.Message | Should -Match 'gave up after 6 attempts over \d+(\.\d)? s'
            $errs[0].ErrorDetails.RecommendedAction | Should -Match 'reachable'
        } finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

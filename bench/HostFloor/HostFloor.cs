namespace HostFloor;

/// <summary>
/// Scenario 7's floor for any PowerShell module: what pwsh start-up, the runtime's JIT and the HTTP stack cost
/// before any cache logic. Called from a new pwsh with Add-Type -Path; the URLs must be 127.0.0.1.
/// </summary>
public static class Fetcher
{
    public static int Fetch(string[] urls, string dir, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
        var done = 0;
        Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (url, ct) =>
        {
            var uri = new Uri(url);
            if (!uri.IsLoopback) throw new ArgumentException($"not a 127.0.0.1 URL: {url}");
            var bytes = await http.GetByteArrayAsync(uri, ct).ConfigureAwait(false);
            var final = Path.Combine(dir, Path.GetFileName(uri.AbsolutePath));
            var temp = final + ".part";
            await File.WriteAllBytesAsync(temp, bytes, ct).ConfigureAwait(false);
            File.Move(temp, final, overwrite: true);
            Interlocked.Increment(ref done);
        }).GetAwaiter().GetResult();
        return done;
    }
}

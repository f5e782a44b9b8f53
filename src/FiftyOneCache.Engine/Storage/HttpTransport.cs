using System.Net;
using System.Net.Http.Headers;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// One pooled HTTP/1.1 client for every store that can hand out a URL (plain HTTP and every store that presigns):
/// the fast path for bytes, with status codes mapped to <see cref="StoreException"/> kinds.
/// </summary>
public sealed class HttpTransport : IDisposable
{
    readonly HttpClient _client;

    public HttpTransport(int maxConnectionsPerServer = 64, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnectionsPerServer,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AutomaticDecompression = DecompressionMethods.None, // cached bytes must be the object's bytes
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            UseCookies = false,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("FiftyOneCache/0.1");
        ReadTimeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>How long a read may stall before it counts as a transient failure.</summary>
    public TimeSpan ReadTimeout { get; }

    public static HttpTransport Shared { get; } = new();

    public HttpClient Client => _client;

    public async Task<RemoteStat> StatAsync(Uri url, string what, CancellationToken ct, Action<HttpRequestMessage>? prepare = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Head, url);
        prepare?.Invoke(req);
        using var resp = await SendAsync(req, what, ct).ConfigureAwait(false);
        // Servers that refuse HEAD, or answer it without a size, are asked for one byte instead; any other
        // failure is the answer (a 503 keeps its Retry-After, a 404 costs one request).
        if (resp.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
            return await StatByRangeAsync(url, what, ct, prepare).ConfigureAwait(false);
        EnsureSuccess(resp, what);
        if (resp.Content.Headers.ContentLength is null)
            return await StatByRangeAsync(url, what, ct, prepare).ConfigureAwait(false);
        return StatFrom(resp, resp.Content.Headers.ContentLength!.Value);
    }

    async Task<RemoteStat> StatByRangeAsync(Uri url, string what, CancellationToken ct, Action<HttpRequestMessage>? prepare)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        prepare?.Invoke(req);
        req.Headers.Range = new RangeHeaderValue(0, 0);
        using var resp = await SendAsync(req, what, ct).ConfigureAwait(false);
        EnsureSuccess(resp, what);
        long size = resp.StatusCode == HttpStatusCode.PartialContent && resp.Content.Headers.ContentRange?.Length is { } len
            ? len : resp.Content.Headers.ContentLength ?? -1;
        if (size < 0) throw new StoreException(StoreErrorKind.Permanent, $"{what}: the server gives no size for it");
        return StatFrom(resp, size) with { SupportsRanges = resp.StatusCode == HttpStatusCode.PartialContent };
    }

    static RemoteStat StatFrom(HttpResponseMessage resp, long size)
    {
        var ranges = resp.Headers.AcceptRanges.Contains("bytes") || resp.StatusCode == HttpStatusCode.PartialContent;
        string? checksum = null;
        if (resp.Content.Headers.ContentMD5 is { Length: 16 } md5) checksum = "md5:" + Convert.ToHexString(md5).ToLowerInvariant();
        return new RemoteStat(size, ValidatorOf(resp), checksum, resp.Content.Headers.LastModified, ranges);
    }

    /// <summary>
    /// The response's ETag; from a server that sends none, its Last-Modified date as a weak validator (a date is
    /// one, RFC 9110 8.8.1). Kept in the index like an ETag, it lets -Update see that an object has not changed
    /// (and reads use If-Unmodified-Since/If-Range with the date instead of If-Match).
    /// </summary>
    static string? ValidatorOf(HttpResponseMessage resp) =>
        RemoteStat.NormalizeETag(resp.Headers.ETag?.ToString())
        ?? (resp.Content.Headers.LastModified is { } lm ? LastModifiedValidator(lm) : null);

    const string LastModifiedPrefix = "W/\"last-modified:";

    public static string LastModifiedValidator(DateTimeOffset lastModified) => $"{LastModifiedPrefix}{lastModified.ToUnixTimeSeconds()}\"";

    static bool IsLastModifiedValidator(string? validator) => validator?.StartsWith(LastModifiedPrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// A plain GET whose headers serve as the stat: one request instead of HEAD + GET. A response without a
    /// Content-Length gets a HEAD/range stat and a fresh GET instead (its size must be known up front).
    /// </summary>
    public async Task<(RemoteStat Stat, Stream Body)> OpenWithStatAsync(Uri url, string what, CancellationToken ct)
    {
        using (var req = new HttpRequestMessage(HttpMethod.Get, url))
        {
            var resp = await SendAsync(req, what, ct).ConfigureAwait(false);
            try
            {
                EnsureSuccess(resp, what);
                if (resp.StatusCode == HttpStatusCode.OK && resp.Content.Headers.ContentLength is { } length)
                {
                    var stat = StatFrom(resp, length);
                    var body = await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    return (stat, new ResponseStream(body, resp));
                }
            }
            catch
            {
                resp.Dispose();
                throw;
            }
            resp.Dispose();
        }
        var s = await StatAsync(url, what, ct).ConfigureAwait(false);
        return (s, await OpenReadAsync(url, s, null, what, ct).ConfigureAwait(false));
    }

    /// <summary>GET of the whole object or a range; the body is streamed, never buffered.</summary>
    public async Task<Stream> OpenReadAsync(Uri url, RemoteStat expected, ByteRange? range, string what, CancellationToken ct,
                                            Action<HttpRequestMessage>? prepare = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        prepare?.Invoke(req);
        if (range is { } r) req.Headers.Range = new RangeHeaderValue(r.From, r.To);
        if (expected.ETag is { } etag && !etag.StartsWith("W/", StringComparison.Ordinal))
        {
            var quoted = new EntityTagHeaderValue($"\"{etag}\"");
            if (range is not null) req.Headers.IfRange = new RangeConditionHeaderValue(quoted);
            else req.Headers.IfMatch.Add(quoted);
        }
        else if (IsLastModifiedValidator(expected.ETag) && expected.LastModified is { } lm)
        {
            // No ETag to pin the read to: the date does it (a changed object fails with 412, or a range comes whole).
            if (range is not null) req.Headers.IfRange = new RangeConditionHeaderValue(lm);
            else req.Headers.IfUnmodifiedSince = lm;
        }
        var resp = await SendAsync(req, what, ct).ConfigureAwait(false);
        try
        {
            EnsureSuccess(resp, what);
            if (range is { } rr)
            {
                if (resp.StatusCode != HttpStatusCode.PartialContent)
                {
                    // If-Range failed (the object changed) or the server ignores ranges.
                    var now = ValidatorOf(resp);
                    if (expected.ETag is not null && now is not null && now != expected.ETag)
                        throw new StoreException(StoreErrorKind.Changed, $"{what} changed while it was being downloaded");
                    throw new StoreException(StoreErrorKind.Permanent, $"{what}: the server ignored a range request");
                }
                var cr = resp.Content.Headers.ContentRange;
                if (cr is not null && (cr.From != rr.From || cr.To != rr.To))
                    throw new StoreException(StoreErrorKind.Transient, $"{what}: the server answered range {cr.From}-{cr.To} for {rr.From}-{rr.To}");
            }
            var body = await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new ResponseStream(body, resp);
        }
        catch
        {
            resp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A PUT of bytes held in memory to a presigned URL, with their Content-MD5 (the store checks it); the ETag the
    /// store answers, as sent (null when there is none: the caller's comparison then fails).
    /// </summary>
    public async Task<string?> PutAsync(Uri url, ReadOnlyMemory<byte> body, byte[] md5, string what, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ReadOnlyMemoryContent(body) };
        req.Content.Headers.ContentMD5 = md5;
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var resp = await SendAsync(req, what, ct).ConfigureAwait(false);
        EnsureSuccess(resp, what);
        return resp.Headers.TryGetValues("ETag", out var tags) ? tags.FirstOrDefault() : null;
    }

    async Task<HttpResponseMessage> SendAsync(HttpRequestMessage req, string what, CancellationToken ct)
    {
        try
        {
            using var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            headersTimeout.CancelAfter(ReadTimeout);
            return await _client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, headersTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new StoreException(StoreErrorKind.Transient, $"{what}: no answer within {ReadTimeout.TotalSeconds:F0} s");
        }
        catch (HttpRequestException e) when (RetryPolicy.IsHostNotFound(e))
        {
            throw RetryPolicy.HostNotFound(what, e);
        }
        catch (HttpRequestException e)
        {
            throw new StoreException(StoreErrorKind.Transient, $"{what}: {e.Message}", e);
        }
    }

    static void EnsureSuccess(HttpResponseMessage resp, string what)
    {
        var code = (int)resp.StatusCode;
        if (code is >= 200 and < 300) return;
        if (code == 304) return;
        string? detail = null;
        // A web server's error page (HTML) says nothing the status does not, and inlined it buries the message.
        if (!ErrorText.IsPage(resp.Content.Headers.ContentType?.MediaType))
        {
            try
            {
                var text = resp.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                detail = ErrorText.Summarize(text);
            }
            catch { /* the detail is a courtesy */ }
        }
        throw StoreException.FromStatus(code, what, detail, RetryPolicy.ParseRetryAfter(resp.Headers.RetryAfter));
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Keeps the response alive as long as its body is read.</summary>
    sealed class ResponseStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); response.Dispose(); }
            base.Dispose(disposing);
        }
    }
}

/// <summary>Turns an error body (XML, JSON or HTML) into one short line.</summary>
public static class ErrorText
{
    /// <summary>Media types of pages meant for a browser, not for a client.</summary>
    public static bool IsPage(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));

    public static string? Summarize(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        var head = body.TrimStart();
        // An HTML page served under another type (text/plain error pages exist too): left out, as above.
        if (head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)) return null;
        var m = System.Text.RegularExpressions.Regex.Match(body, "<Message>(.*?)</Message>|\"message\"\\s*:\\s*\"(.*?)\"");
        var text = m.Success ? (m.Groups[1].Success && m.Groups[1].Length > 0 ? m.Groups[1].Value : m.Groups[2].Value) : body;
        text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", " ");
        text = System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ").Trim();
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}

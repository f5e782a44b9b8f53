using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cvat;

public enum CvatAuthMode
{
    /// <summary>POST /api/auth/login once, then <c>Authorization: Token key</c> (what CVAT's own SDK does).</summary>
    Token,
    /// <summary><c>Authorization: Basic</c> on every request: no session on the server, works behind proxies that drop cookies.</summary>
    Basic,
}

public sealed class CvatClientOptions
{
    public string? Username { get; init; }
    public string? Password { get; init; }
    /// <summary>A personal access token (CVAT 2.2x+), sent as <c>Bearer</c>; replaces username/password.</summary>
    public string? AccessToken { get; init; }
    public CvatAuthMode AuthMode { get; init; } = CvatAuthMode.Token;
    /// <summary>Organization slug sent as X-Organization; null = the personal sandbox.</summary>
    public string? Organization { get; init; }
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How long to wait for CVAT to prepare the data of one task.</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromHours(1);
    public RetryPolicy Retry { get; init; } = new() { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(250), MaxDelay = TimeSpan.FromSeconds(5) };
}

/// <summary>
/// A small CVAT v2 REST client: auth, JSON requests, pagination and error mapping. Only idempotent GETs are
/// retried (5xx, 429, connection failures): a repeated POST could create a second task.
/// </summary>
public sealed partial class CvatClient : IDisposable
{
    readonly HttpClient _http;
    readonly CvatClientOptions _options;
    readonly IEngineLog _log;
    string? _token;

    public CvatClient(string url, CvatClientOptions options, IEngineLog? log = null, HttpMessageHandler? handler = null)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
            throw new CvatException($"'{Redact.ForDisplay(url)}' is not a valid CVAT URL (http:// or https://)", ErrorKind.InvalidArgument);
        if (!string.IsNullOrEmpty(u.UserInfo))
            throw new CvatException("Put CVAT credentials in -Credential or FIFTYONE_CVAT_USERNAME/PASSWORD, not in the URL", ErrorKind.InvalidArgument);
        BaseUrl = u;
        _options = options;
        _log = log ?? NullLog.Instance;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromMinutes(10); // uploads of big batches
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.cvat+json, application/json");
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("FiftyOneCache/0.1");
        if (!string.IsNullOrEmpty(options.Organization)) _http.DefaultRequestHeaders.Add("X-Organization", options.Organization);
    }

    /// <summary>The server root, with a trailing slash (a sub-path behind a reverse proxy is kept).</summary>
    public Uri BaseUrl { get; }
    public Version? ServerVersion { get; private set; }
    /// <summary>CVAT 2.11 introduced /api/requests; older servers only have /api/tasks/{id}/status.</summary>
    public bool HasRequestsApi => ServerVersion is null || ServerVersion >= new Version(2, 11);

    public string TaskUrl(int taskId) => new Uri(BaseUrl, $"tasks/{taskId}").AbsoluteUri;
    public string JobUrl(int taskId, int jobId) => new Uri(BaseUrl, $"tasks/{taskId}/jobs/{jobId}").AbsoluteUri;

    /// <summary>Reads the server version and authenticates; the first call that can fail on bad credentials.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        if (IsConnected) return;
        var about = await GetOrThrowAsync("api/server/about", ct).ConfigureAwait(false);
        var v = about?["version"]?.GetValue<string>();
        if (v is not null && Version.TryParse(new string(v.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray()).Trim('.'), out var parsed))
            ServerVersion = parsed;
        _log.Verbose($"CVAT {v ?? "(unknown version)"} at {BaseUrl}");

        if (!string.IsNullOrEmpty(_options.AccessToken))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
            _log.Verbose("CVAT credentials: personal access token");
        }
        else if (string.IsNullOrEmpty(_options.Username) || _options.Password is null)
        {
            throw new CvatException("No CVAT credentials: pass -Credential or set FIFTYONE_CVAT_USERNAME and FIFTYONE_CVAT_PASSWORD", ErrorKind.AuthenticationError);
        }
        else if (_options.AuthMode == CvatAuthMode.Basic)
        {
            var raw = Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}");
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
            _log.Verbose($"CVAT credentials: user '{_options.Username}' (basic authentication)");
        }
        else
        {
            var body = new JsonObject { ["username"] = _options.Username, ["password"] = _options.Password };
            JsonNode? r;
            try { r = await SendJsonAsync(HttpMethod.Post, "api/auth/login", body, ct).ConfigureAwait(false); }
            catch (CvatException e) when (e.StatusCode is 400 or 401 or 403)
            {
                throw new CvatException($"CVAT login as '{_options.Username}' failed: {e.Message}", ErrorKind.AuthenticationError, e.StatusCode);
            }
            _token = r?["key"]?.GetValue<string>() ?? throw new CvatException("CVAT login returned no token", ErrorKind.AuthenticationError);
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", _token);
            _log.Verbose($"CVAT credentials: user '{_options.Username}' (token from /api/auth/login)");
        }
        // One cheap authenticated call so bad basic credentials / tokens fail here, before any work.
        var self = await GetOrThrowAsync("api/users/self", ct).ConfigureAwait(false);
        _log.Debug($"CVAT user id {self?["id"]}");
        IsConnected = true;
    }

    public bool IsConnected { get; private set; }

    internal Uri Resolve(string pathAndQuery) =>
        pathAndQuery.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || pathAndQuery.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? new Uri(pathAndQuery) : new Uri(BaseUrl, pathAndQuery);

    /// <summary>GET with retries on 5xx/429/connection failures.</summary>
    public Task<JsonNode?> GetAsync(string pathAndQuery, CancellationToken ct) =>
        _options.Retry.RunAsync(async _ =>
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, Resolve(pathAndQuery));
            return await SendAsync(req, ct, retryable: true).ConfigureAwait(false);
        }, $"GET {pathAndQuery}", _log, ct);

    /// <summary>Non-idempotent requests: one attempt, any failure is the caller's to report.</summary>
    public async Task<JsonNode?> SendJsonAsync(HttpMethod method, string pathAndQuery, JsonNode? body, CancellationToken ct,
                                               IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var req = new HttpRequestMessage(method, Resolve(pathAndQuery));
        if (body is not null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        foreach (var (k, v) in headers ?? []) req.Headers.TryAddWithoutValidation(k, v);
        return await SendAsync(req, ct, retryable: false).ConfigureAwait(false);
    }

    public async Task<JsonNode?> SendContentAsync(HttpMethod method, string pathAndQuery, HttpContent content, CancellationToken ct,
                                                  IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var req = new HttpRequestMessage(method, Resolve(pathAndQuery)) { Content = content };
        foreach (var (k, v) in headers ?? []) req.Headers.TryAddWithoutValidation(k, v);
        return await SendAsync(req, ct, retryable: false).ConfigureAwait(false);
    }

    async Task<JsonNode?> SendAsync(HttpRequestMessage req, CancellationToken ct, bool retryable)
    {
        var what = $"{req.Method} {req.RequestUri!.AbsolutePath}";
        HttpResponseMessage resp;
        try { resp = await _http.SendAsync(req, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false); }
        catch (HttpRequestException e)
        {
            var msg = Scrub($"Cannot reach CVAT at {BaseUrl} ({what}): {e.Message}");
            if (retryable) throw new StoreException(StoreErrorKind.Transient, msg, e);
            throw new CvatException(msg, ErrorKind.ConnectionError, null, e);
        }
        using (resp)
        {
            var text = await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var status = (int)resp.StatusCode;
            if (resp.IsSuccessStatusCode)
            {
                if (string.IsNullOrWhiteSpace(text)) return null;
                try { return JsonNode.Parse(text); }
                catch (System.Text.Json.JsonException) { return JsonValue.Create(text); } // e.g. text/plain from /status
            }
            var detail = Scrub(CvatException.Describe(text));
            var message = $"CVAT answered {status} {resp.ReasonPhrase} to {what}{(detail.Length > 0 ? ": " + detail : "")}";
            if (retryable && (status >= 500 || status == 429))
                throw new StoreException(StoreErrorKind.Transient, message, retryAfter: RetryPolicy.ParseRetryAfter(resp.Headers.RetryAfter), status: status);
            throw new CvatException(message, CvatException.KindFor(status), status);
        }
    }

    /// <summary>
    /// Turns a retried GET's final transient failure back into a <see cref="CvatException"/> so callers see one type.
    /// </summary>
    public async Task<JsonNode?> GetOrThrowAsync(string pathAndQuery, CancellationToken ct)
    {
        try { return await GetAsync(pathAndQuery, ct).ConfigureAwait(false); }
        catch (StoreException e) { throw new CvatException(e.Message, e.StatusCode is { } s ? CvatException.KindFor(s) : ErrorKind.ConnectionError, e.StatusCode, e); }
    }

    /// <summary>Every item of a paginated list, following <c>next</c> until null.</summary>
    public async Task<List<JsonObject>> GetAllAsync(string pathAndQuery, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        string? next = pathAndQuery + (pathAndQuery.Contains('?') ? "&" : "?") + "page_size=100";
        for (var pages = 0; next is not null && pages < 10_000; pages++)
        {
            var page = await GetOrThrowAsync(next, ct).ConfigureAwait(false);
            foreach (var r in page?["results"]?.AsArray() ?? []) if (r is JsonObject o) items.Add(o);
            next = page?["next"]?.GetValue<string>();
            // CVAT builds `next` from its own idea of its host; keep talking to the URL we were given.
            if (next is not null && Uri.TryCreate(next, UriKind.Absolute, out var nu))
            {
                var rel = BaseUrl.AbsolutePath.TrimEnd('/');
                var path = nu.AbsolutePath.StartsWith(rel + "/api/", StringComparison.Ordinal) ? nu.AbsolutePath[(rel.Length + 1)..] : nu.AbsolutePath.TrimStart('/');
                next = path + nu.Query;
            }
        }
        return items;
    }

    /// <summary>Removes the password and token from any text that came back from the server or the network stack.</summary>
    internal string Scrub(string text) => Redact.Secrets(text, [_options.Password, _token, _options.AccessToken]);

    public void Dispose() => _http.Dispose();
}

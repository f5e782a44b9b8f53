using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// Presigned GET URLs for the keys of one bucket, signed here (AWS Signature Version 4, query form) instead of by
/// the SDK for every object (S3 and MinIO). The AWS SDK's presigner runs its whole request pipeline and endpoint
/// rules engine per URL: the largest single cost per object in a prefetch of small objects. Nothing is guessed: a presigner is
/// only made from a URL the SDK produced, by re-signing that URL's own inputs (key, time, expiry, credential
/// scope) and getting the SDK's string back byte for byte; any difference (another endpoint form, an extra
/// parameter) leaves the bucket with the SDK. Keys with characters that need escaping also stay with the SDK.
/// </summary>
internal sealed class SigV4Presigner
{
    const string Algorithm = "AWS4-HMAC-SHA256";
    readonly string _base;        // scheme://host[:port]/[bucket/] — everything before the key
    readonly string _canonicalPathBase;
    readonly string _host;
    readonly string _region;
    readonly string _service;
    readonly int _expires;
    readonly string[] _urlOrder; // the parameters in the order the SDK writes them (signing sorts them; the URL need not)
    SigningKey? _signingKey; // derived once per day and secret, not per URL

    sealed record SigningKey(string Secret, string Day, byte[] Key);

    SigV4Presigner(string baseUrl, string canonicalPathBase, string host, string region, string service, int expires, string[] urlOrder)
    {
        _urlOrder = urlOrder;
        _base = baseUrl;
        _canonicalPathBase = canonicalPathBase;
        _host = host;
        _region = region;
        _service = service;
        _expires = expires;
    }

    /// <summary>Keys made only of characters that SigV4 leaves unescaped, with no empty or dot segments.</summary>
    public static bool IsPlainKey(string key)
    {
        if (key.Length == 0 || key[0] == '/' || key[^1] == '/') return false;
        foreach (var c in key)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~' or '/') continue;
            return false;
        }
        foreach (var segment in key.Split('/'))
            if (segment is "" or "." or "..") return false;
        return true;
    }

    /// <summary>
    /// A presigner for the bucket of <paramref name="sdkUrl"/> (the SDK's presigned GET of <paramref name="key"/>,
    /// made with <paramref name="credentials"/>), or null when re-signing its inputs does not give it back exactly.
    /// </summary>
    public static SigV4Presigner? Learn(string sdkUrl, string key, SigningCredentials credentials)
    {
        if (!IsPlainKey(key) || !Uri.TryCreate(sdkUrl, UriKind.Absolute, out var uri)) return null;
        var q = sdkUrl.IndexOf('?');
        if (q < 0) return null;
        var pathEnd = sdkUrl[..q];
        if (!pathEnd.EndsWith("/" + key, StringComparison.Ordinal)) return null;
        var baseUrl = pathEnd[..^key.Length];
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var part in sdkUrl[(q + 1)..].Split('&'))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) return null;
            query[part[..eq]] = Uri.UnescapeDataString(part[(eq + 1)..]);
            order.Add(part[..eq]);
        }
        if (!query.TryGetValue("X-Amz-Date", out var date) || !query.TryGetValue("X-Amz-Expires", out var exp)
            || !int.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !query.TryGetValue("X-Amz-Credential", out var credential)
            || !DateTime.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
            return null;
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request") return null;
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var presigner = new SigV4Presigner(baseUrl, uri.AbsolutePath[..^key.Length], host, scope[2], scope[3], expires, order.ToArray());
        return presigner.Presign(key, credentials, when) == sdkUrl ? presigner : null;
    }

    /// <summary>
    /// The presigned URL of <paramref name="key"/> (a plain key: see <see cref="IsPlainKey"/>) at <paramref name="now"/>
    /// for <paramref name="method"/>: GET, or PUT (an upload; the verb is the only difference in what is signed).
    /// </summary>
    public string Presign(string key, SigningCredentials credentials, DateTime now, string method = "GET")
    {
        var date = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = date[..8];
        var scope = $"{day}/{_region}/{_service}/aws4_request";
        // Values escaped as SigV4 says (RFC 3986, '/' too); the canonical query lists them sorted by name.
        var credential = Uri.EscapeDataString($"{credentials.AccessKey}/{scope}");
        var token = string.IsNullOrEmpty(credentials.Token) ? null : Uri.EscapeDataString(credentials.Token);
        var expires = _expires.ToString(CultureInfo.InvariantCulture);
        var canonicalQuery = $"X-Amz-Algorithm={Algorithm}&X-Amz-Credential={credential}&X-Amz-Date={date}&X-Amz-Expires={expires}"
            + (token is null ? "" : $"&X-Amz-Security-Token={token}") + "&X-Amz-SignedHeaders=host";
        var canonicalRequest = $"{method}\n{_canonicalPathBase}{key}\n{canonicalQuery}\nhost:{_host}\n\nhost\nUNSIGNED-PAYLOAD";
        var stringToSign = $"{Algorithm}\n{date}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signature = Hex(HMACSHA256.HashData(KeyFor(credentials.SecretKey, day), Encoding.UTF8.GetBytes(stringToSign)));
        var url = new StringBuilder(_base.Length + key.Length + 400).Append(_base).Append(key);
        var sep = '?';
        foreach (var name in _urlOrder)
        {
            var value = name switch
            {
                "X-Amz-Algorithm" => Algorithm,
                "X-Amz-Credential" => credential,
                "X-Amz-Date" => date,
                "X-Amz-Expires" => expires,
                "X-Amz-Security-Token" => token,
                "X-Amz-SignedHeaders" => "host",
                "X-Amz-Signature" => signature,
                _ => null,
            };
            if (value is null) continue; // a parameter this signature does not have (a token the learnt URL had): the check in Learn catches the rest
            url.Append(sep).Append(name).Append('=').Append(value);
            sep = '&';
        }
        if (token is not null && !_urlOrder.Contains("X-Amz-Security-Token")) url.Append("&X-Amz-Security-Token=").Append(token);
        return url.ToString();
    }

    byte[] KeyFor(string secret, string day)
    {
        if (Volatile.Read(ref _signingKey) is { } k && k.Day == day && k.Secret == secret) return k.Key;
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(day));
        foreach (var part in new[] { _region, _service, "aws4_request" })
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        Volatile.Write(ref _signingKey, new SigningKey(secret, day, key));
        return key;
    }

    static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}

/// <summary>What a SigV4 signature is made with (a store's SDK type converted, so the signer depends on no SDK).</summary>
internal sealed record SigningCredentials(string AccessKey, string SecretKey, string? Token);

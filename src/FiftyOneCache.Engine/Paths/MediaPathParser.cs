namespace FiftyOneCache.Engine.Paths;

/// <summary>
/// Turns user text into a <see cref="MediaRef"/> from the path forms the stores declare (<see cref="PathForm"/>),
/// tried in the order of <see cref="PathFormKind"/>. Built once per store registry (per cache session), not per
/// path. Local paths and file:// URIs are the parser's own; it names no store.
/// </summary>
public sealed class MediaPathParser
{
    readonly Dictionary<string, PathForm> _exact = new(StringComparer.Ordinal);
    readonly Dictionary<string, PathForm> _anyUrl = new(StringComparer.Ordinal);
    readonly PathForm[] _endpoints;
    readonly PathForm[] _patterns;
    readonly string _supported;

    /// <param name="forms">Every form of every store.</param>
    /// <param name="hints">More ways to spell paths, for the unsupported-scheme message (e.g. an alias not configured).</param>
    /// <exception cref="PathFormConflictException">Two stores claim one scheme.</exception>
    public MediaPathParser(IEnumerable<PathForm> forms, IEnumerable<string>? hints = null)
    {
        var all = forms.ToList();
        foreach (var f in all)
        {
            if (f.Kind is PathFormKind.Endpoint or PathFormKind.UrlPattern) continue;
            var pattern = f.Pattern.ToLowerInvariant();
            var table = f.Kind == PathFormKind.AnyUrl ? _anyUrl : _exact;
            // A scheme is one store's: an alias that spells another store's scheme would make paths ambiguous.
            var clash = _exact.GetValueOrDefault(pattern) ?? _anyUrl.GetValueOrDefault(pattern) ?? (pattern == "file" ? f : null);
            if (clash is not null) throw new PathFormConflictException(f, clash == f ? null : clash);
            table[pattern] = f;
        }
        _endpoints = all.Where(f => f.Kind == PathFormKind.Endpoint).OrderByDescending(f => f.Pattern.Length).ToArray();
        _patterns = all.Where(f => f.Kind == PathFormKind.UrlPattern).ToArray();
        Forms = all;
        _supported = string.Join(", ", all.Where(f => f.Kind != PathFormKind.UrlPattern).Select(f => f.Description)
            .Concat(hints ?? []).Distinct(StringComparer.Ordinal));
    }

    /// <summary>The forms this parser knows, in declaration order.</summary>
    public IReadOnlyList<PathForm> Forms { get; }

    /// <summary>Every way to spell a path that the registered stores declare, for messages.</summary>
    public string Supported => _supported;

    public MediaRef Parse(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        var raw = text.Trim();
        if (raw.Length == 0) throw new InvalidMediaPathException(text, "the path is empty");
        if (raw.IndexOf('\0') >= 0) throw new InvalidMediaPathException(text, "the path contains a NUL character");

        var sep = raw.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 1) // no scheme, or a Windows drive letter such as C:\
            return raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? LocalFromFileUri(text, raw) : Local(text, raw);

        var input = new PathText(text, raw, raw[..sep].ToLowerInvariant(), raw[(sep + 3)..]);
        if (input.Scheme == "file") return LocalFromFileUri(text, raw);
        if (_exact.TryGetValue(input.Scheme, out var exact) && exact.Parse(input) is { } e) return e;
        foreach (var f in _endpoints)
            if (raw.StartsWith(f.Pattern, StringComparison.OrdinalIgnoreCase) && f.Parse(input) is { } m) return m;
        foreach (var f in _patterns)
            if (f.Parse(input) is { } m) return m;
        if (_anyUrl.TryGetValue(input.Scheme, out var any) && any.Parse(input) is { } u) return u;
        throw new InvalidMediaPathException(text, $"unsupported scheme '{input.Scheme}://'; use {_supported} or a local path");
    }

    /// <summary>A local path as given, made absolute.</summary>
    public static MediaRef Local(string text, string raw) => new(text, MediaRef.LocalStore, "", Path.GetFullPath(raw));

    static MediaRef LocalFromFileUri(string text, string raw)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var u) || !u.IsFile)
            throw new InvalidMediaPathException(text, "not a valid file:// URI");
        return new(text, MediaRef.LocalStore, "", u.LocalPath);
    }

    /// <summary>A bucket/key path (rest = "bucket/key") of a store whose paths name a bucket, then a key.</summary>
    public static MediaRef Bucketed(string text, string store, string rest)
    {
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0) throw new InvalidMediaPathException(text, "the bucket name is missing");
        if (!IsValidBucket(bucket))
            throw new InvalidMediaPathException(text, $"'{bucket}' is not a valid bucket name (3-222 characters: lowercase letters, digits, '.', '-', '_')");
        KeyRules.Check(text, key);
        return new MediaRef(text, store, bucket, key);
    }

    static bool IsValidBucket(string b) =>
        b.Length is >= 3 and <= 222 && b.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_')
        && char.IsLetterOrDigit(b[0]) && char.IsLetterOrDigit(b[^1]) && !b.Contains("..");
}

/// <summary>Two stores claim one scheme (an alias spelling a built-in scheme or another store's alias).</summary>
public sealed class PathFormConflictException(PathForm form, PathForm? other)
    : Exception(other is null || other.Kind is PathFormKind.Scheme or PathFormKind.AnyUrl
        ? $"'{form.Pattern}' would shadow a built-in scheme{(other is null ? "" : $" ({other.Pattern}:// of the {other.Store} store)")}"
        : $"'{form.Pattern}' would shadow {other.Description}, which the {other.Store} store already claims{(other.Source is { } s ? $" (from {s})" : "")}")
{
    public PathForm Form { get; } = form;
    public PathForm? Other { get; } = other;
}

/// <summary>Rules every object key obeys before it may become a cache path.</summary>
public static class KeyRules
{
    public const int MaxKeyBytes = 4096;

    public static void Check(string text, string key)
    {
        if (key.IndexOf('\0') >= 0) throw new InvalidMediaPathException(text, "the key contains a NUL character");
        if (System.Text.Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            throw new InvalidMediaPathException(text, $"the key is longer than {MaxKeyBytes} bytes");
        CheckDotSegments(text, key);
    }

    public static void CheckDotSegments(string text, string path)
    {
        foreach (var seg in path.Split('/', '\\'))
            if (seg is "." or "..")
                throw new InvalidMediaPathException(text, $"the path contains a '{seg}' segment, which could point outside its bucket");
    }
}

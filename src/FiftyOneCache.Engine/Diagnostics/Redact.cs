using System.Text.RegularExpressions;

namespace FiftyOneCache.Engine.Diagnostics;

/// <summary>Masks credentials in text before it reaches any output stream.</summary>
public static partial class Redact
{
    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?<user>[^:/@\s]*):(?<pw>[^@/\s]*)@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?i)(?<k>X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential|Signature|sig|access_token|token|key|password|secret)=(?<v>[^&\s""']+)")]
    private static partial Regex QuerySecrets();

    /// <summary>Masks passwords embedded in URIs and signed-URL query parameters.</summary>
    public static string ForDisplay(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        // Both patterns need a character most paths lack (user info an '@', a query secret an '='): a cache item's
        // name is redacted on every miss, and the regexes would scan it for nothing.
        if (text.IndexOf('@') < 0 && text.IndexOf('=') < 0) return text;
        var s = UserInfo().Replace(text, m => $"{m.Groups["scheme"].Value}{m.Groups["user"].Value}:****@");
        return QuerySecrets().Replace(s, m => $"{m.Groups["k"].Value}=****");
    }

    /// <summary>Masks every occurrence of the given secret values (used on messages that come from SDKs).</summary>
    public static string Secrets(string text, IEnumerable<string?> secrets)
    {
        foreach (var s in secrets)
            if (!string.IsNullOrEmpty(s) && s.Length >= 4) text = text.Replace(s, "****", StringComparison.Ordinal);
        return ForDisplay(text);
    }
}

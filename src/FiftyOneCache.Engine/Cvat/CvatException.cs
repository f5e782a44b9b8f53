using System.Text;
using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// A failure talking to CVAT, with CVAT's own message. Messages never carry credentials: they are
/// built from CVAT's response body and scrubbed of the password and token before they leave the client.
/// </summary>
public sealed class CvatException : Exception
{
    public CvatException(string message, ErrorKind kind, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    public ErrorKind Kind { get; }
    public int? StatusCode { get; }

    /// <summary>
    /// Flattens a DRF-shaped error body into one line: <c>detail</c> if present, else
    /// <c>field: message</c> pairs (nested lists included), else the list or string as it is.
    /// </summary>
    public static string Describe(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        JsonNode? node;
        try { node = JsonNode.Parse(body); }
        catch (System.Text.Json.JsonException) { return Trim(body); }
        if (node is JsonObject o && o["detail"] is JsonValue d) return Trim(d.ToString());
        var sb = new StringBuilder();
        Flatten(node, "", sb);
        return Trim(sb.Length > 0 ? sb.ToString() : body);
    }

    static void Flatten(JsonNode? node, string path, StringBuilder sb)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                    Flatten(v, k == "non_field_errors" ? path : path.Length == 0 ? k : $"{path}.{k}", sb);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    // A list of objects is per-item errors (labels[0].name); a list of strings is messages.
                    var itemPath = a[i] is JsonObject ? $"{path}[{i}]" : path;
                    Flatten(a[i], itemPath, sb);
                }
                break;
            case JsonValue v:
                if (sb.Length > 0) sb.Append("; ");
                if (path.Length > 0) sb.Append(path).Append(": ");
                sb.Append(v.ToString());
                break;
        }
    }

    // Long HTML error pages (a proxy in front of CVAT) would drown the message.
    static string Trim(string s)
    {
        s = s.Trim();
        return s.Length <= 600 ? s : s[..600] + "…";
    }

    public static ErrorKind KindFor(int status) => status switch
    {
        401 => ErrorKind.AuthenticationError,
        403 => ErrorKind.PermissionDenied,
        404 => ErrorKind.ObjectNotFound,
        400 or 409 or 413 or 415 => ErrorKind.InvalidArgument,
        429 => ErrorKind.LimitsExceeded,
        _ => ErrorKind.ConnectionError,
    };
}

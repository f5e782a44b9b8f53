namespace FiftyOneCache.Engine.Paths;

/// <summary>A path or URL that cannot be cached safely; the message names the path and the reason.</summary>
public sealed class InvalidMediaPathException : Exception
{
    public InvalidMediaPathException(string path, string reason)
        : base($"Invalid media path '{Diagnostics.Redact.ForDisplay(path)}': {reason}")
    {
        MediaPath = path;
        Reason = reason;
    }

    public string MediaPath { get; }
    public string Reason { get; }
}

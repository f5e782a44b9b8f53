using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Formatting;

/// <summary>
/// What the format views call. The engine lives in the module's own load context, where PowerShell's type
/// lookup does not see it; this class sits in the cmdlet assembly and hands the engine's one formatter on.
/// </summary>
public static class Display
{
    public static string Size(long bytes) => Sizes.Humanize(bytes);

    public static string Rate(double bytesPerSecond) => Sizes.Rate(bytesPerSecond);

    public static string Duration(TimeSpan t) => Sizes.Duration(t);

    /// <summary>
    /// The end of a path or URL, which is what tells items of one folder apart: long paths keep their last
    /// <paramref name="width"/> characters behind an ellipsis (tables cut from the right otherwise).
    /// </summary>
    public static string Tail(string? path, int width = 72)
    {
        if (string.IsNullOrEmpty(path)) return "";
        if (path.Length <= width) return path;
        var tail = path[^(width - 2)..];
        // Start at a separator so that the first segment shown is whole (a cut inside "://" drops the scheme).
        var sep = tail.IndexOf('/');
        if (sep >= 0 && sep < tail.Length / 2) tail = tail[sep..].TrimStart('/');
        return "…/" + tail;
    }
}

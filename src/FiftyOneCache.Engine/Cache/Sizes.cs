using System.Globalization;

namespace FiftyOneCache.Engine.Cache;

public static class Sizes
{
    /// <summary>Human-readable size the way FiftyOne prints it (e.g. "128.0GB").</summary>
    public static string Humanize(long bytes)
    {
        if (bytes < 0) return "unlimited";
        string[] units = { "B", "KB", "MB", "GB", "TB", "PB" };
        double v = bytes;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes}B" : v.ToString("0.0", CultureInfo.InvariantCulture) + units[u];
    }

    /// <summary>Parses "500MB", "1.5GB", "137438953472" or "-1".</summary>
    public static long Parse(string text)
    {
        var s = text.Trim().ToUpperInvariant().Replace(" ", "");
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        (string suffix, long mult)[] units = { ("KIB", 1L << 10), ("MIB", 1L << 20), ("GIB", 1L << 30), ("TIB", 1L << 40),
            ("KB", 1L << 10), ("MB", 1L << 20), ("GB", 1L << 30), ("TB", 1L << 40), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("T", 1L << 40), ("B", 1) };
        foreach (var (suffix, mult) in units)
            if (s.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(s[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0)
                return (long)(d * mult);
        throw new FormatException($"'{text}' is not a size (examples: 500MB, 1.5GB, 137438953472, -1)");
    }
}

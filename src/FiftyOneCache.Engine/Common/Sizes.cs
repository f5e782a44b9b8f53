using System.Globalization;

namespace FiftyOneCache.Engine;

/// <summary>The one way sizes and durations are written everywhere: views, messages, progress and statistics.</summary>
public static class Sizes
{
    static readonly string[] Units = { "B", "KB", "MB", "GB", "TB", "PB" };

    /// <summary>
    /// Binary units (1 KB = 1024 B, as <see cref="Parse"/> reads them), at most one decimal, a space before the
    /// unit: "512 B", "25.8 KB", "128 GB". Negative sizes are the "no limit" setting.
    /// </summary>
    public static string Humanize(long bytes)
    {
        if (bytes < 0) return "unlimited";
        double v = bytes;
        var u = 0;
        while (v >= 1024 && u < Units.Length - 1) { v /= 1024; u++; }
        // 1023.96 KB would round to "1024 KB": say "1 MB" instead.
        if (u < Units.Length - 1 && Math.Round(v, 1) >= 1024) { v /= 1024; u++; }
        return v.ToString(u == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + Units[u];
    }

    /// <summary>A transfer rate: "15.2 MB/s".</summary>
    public static string Rate(double bytesPerSecond) =>
        Humanize(double.IsFinite(bytesPerSecond) && bytesPerSecond > 0 ? (long)bytesPerSecond : 0) + "/s";

    /// <summary>A duration a person reads at a glance: "149 ms", "12.3 s", "2 min 03 s", "1 h 02 min".</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        var ic = CultureInfo.InvariantCulture;
        if (t.TotalSeconds < 1) return ((long)Math.Round(t.TotalMilliseconds)).ToString(ic) + " ms";
        if (t.TotalSeconds < 60) return t.TotalSeconds.ToString("0.0", ic) + " s";
        if (t.TotalHours < 1) return string.Format(ic, "{0} min {1:00} s", (int)t.TotalMinutes, t.Seconds);
        return string.Format(ic, "{0} h {1:00} min", (int)t.TotalHours, t.Minutes);
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

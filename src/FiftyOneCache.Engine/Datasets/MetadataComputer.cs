using MetadataExtractor;
using MetadataExtractor.Formats.Bmp;
using MetadataExtractor.Formats.FileType;
using MetadataExtractor.Formats.Gif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.QuickTime;
using MetadataExtractor.Formats.WebP;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// Computes FiftyOne metadata from a local (cached) file with MetadataExtractor. Video frame counts and rates are
/// not among MetadataExtractor's QuickTime tags, so those two come from the MP4 sample tables (<see cref="Mp4Tracks"/>).
/// </summary>
public static class MetadataComputer
{
    static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase) { ".mp4", ".m4v", ".mov", ".qt", ".3gp" };

    public static MediaMetadata Compute(string path, string? mediaType = null)
    {
        var fi = new FileInfo(path);
        if (!fi.Exists) throw new FileNotFoundException($"'{path}' does not exist", path);
        IReadOnlyList<MetadataExtractor.Directory> dirs;
        try { dirs = ImageMetadataReader.ReadMetadata(path); }
        catch (ImageProcessingException e) { throw new InvalidDataException($"'{path}': {e.Message}", e); }
        var mime = dirs.OfType<FileTypeDirectory>().FirstOrDefault()?.GetString(FileTypeDirectory.TagDetectedFileMimeType);
        var isVideo = mediaType == "video" || dirs.OfType<QuickTimeMovieHeaderDirectory>().Any() || VideoExtensions.Contains(fi.Extension);
        if (isVideo) return Video(path, fi.Length, mime, dirs);
        var (w, h, c) = ImageSize(dirs);
        if (w is null) throw new InvalidDataException($"'{path}' is not an image MetadataExtractor can read (detected: {mime ?? "unknown type"})");
        return new MediaMetadata { Path = path, Kind = "ImageMetadata", SizeBytes = fi.Length, MimeType = mime, Width = w, Height = h, NumChannels = c };
    }

    static (int? W, int? H, int? C) ImageSize(IReadOnlyList<MetadataExtractor.Directory> dirs)
    {
        if (dirs.OfType<JpegDirectory>().FirstOrDefault() is { } j)
            return (j.GetImageWidth(), j.GetImageHeight(), j.TryGetInt32(JpegDirectory.TagNumberOfComponents, out var n) ? n : 3);
        if (dirs.OfType<PngDirectory>().FirstOrDefault() is { } p)
        {
            var type = p.TryGetInt32(PngDirectory.TagColorType, out var t) ? t : 2;
            var channels = type switch { 0 => 1, 4 => 2, 6 => 4, _ => 3 }; // gray, gray+alpha, RGBA; RGB and palette are 3
            return (p.GetInt32(PngDirectory.TagImageWidth), p.GetInt32(PngDirectory.TagImageHeight), channels);
        }
        if (dirs.OfType<BmpHeaderDirectory>().FirstOrDefault() is { } b)
        {
            var bpp = b.TryGetInt32(BmpHeaderDirectory.TagBitsPerPixel, out var x) ? x : 24;
            return (b.GetInt32(BmpHeaderDirectory.TagImageWidth), Math.Abs(b.GetInt32(BmpHeaderDirectory.TagImageHeight)), bpp == 32 ? 4 : bpp <= 8 ? 1 : 3);
        }
        if (dirs.OfType<GifHeaderDirectory>().FirstOrDefault() is { } g)
            return (g.GetInt32(GifHeaderDirectory.TagImageWidth), g.GetInt32(GifHeaderDirectory.TagImageHeight), 3);
        if (dirs.OfType<WebPDirectory>().FirstOrDefault() is { } w)
            return (w.GetInt32(WebPDirectory.TagImageWidth), w.GetInt32(WebPDirectory.TagImageHeight),
                    w.TryGetBoolean(WebPDirectory.TagHasAlpha, out var a) && a ? 4 : 3);
        return (null, null, null);
    }

    static MediaMetadata Video(string path, long size, string? mime, IReadOnlyList<MetadataExtractor.Directory> dirs)
    {
        var track = Mp4Tracks.ReadVideoTrack(path);
        var tkhd = dirs.OfType<QuickTimeTrackHeaderDirectory>()
            .FirstOrDefault(d => d.TryGetDouble(QuickTimeTrackHeaderDirectory.TagWidth, out var w) && w > 0);
        int? width = tkhd is not null && tkhd.TryGetDouble(QuickTimeTrackHeaderDirectory.TagWidth, out var tw) ? (int)tw : track?.Width;
        int? height = tkhd is not null && tkhd.TryGetDouble(QuickTimeTrackHeaderDirectory.TagHeight, out var th) ? (int)th : track?.Height;
        double? duration = track?.Duration;
        if (duration is null && dirs.OfType<QuickTimeMovieHeaderDirectory>().FirstOrDefault() is { } mvhd
            && mvhd.TryGetInt64(QuickTimeMovieHeaderDirectory.TagTimeScale, out var scale) && scale > 0
            && mvhd.TryGetInt64(QuickTimeMovieHeaderDirectory.TagDuration, out var units))
            duration = (double)units / scale;
        var frames = track?.SampleCount;
        double? rate = frames is > 0 && duration is > 0 ? Math.Round(frames.Value / duration.Value, 3) : null;
        return new MediaMetadata
        {
            Path = path, Kind = "VideoMetadata", SizeBytes = size, MimeType = mime ?? "video/mp4", Width = width, Height = height,
            FrameRate = rate, TotalFrameCount = frames, Duration = duration, Encoding = track?.Codec,
        };
    }
}

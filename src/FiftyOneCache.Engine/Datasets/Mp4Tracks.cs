using System.Buffers.Binary;
using System.Text;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// Reads the video track's sample table from an MP4/QuickTime file: frame count (stts), duration in the track's
/// timescale (mdhd) and codec (stsd). Only box headers are read; media data is skipped.
/// </summary>
public static class Mp4Tracks
{
    public sealed record VideoTrack(long SampleCount, double? Duration, string? Codec, int? Width, int? Height);

    static readonly HashSet<string> Containers = new() { "moov", "trak", "mdia", "minf", "stbl" };

    public static VideoTrack? ReadVideoTrack(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        VideoTrack? found = null;
        Walk(fs, 0, fs.Length, null, ref found);
        return found;
    }

    sealed class TrackState { public bool IsVideo; public long Samples; public long TimeScale; public long Units; public string? Codec; public int? W, H; }

    static void Walk(FileStream fs, long start, long end, TrackState? track, ref VideoTrack? found)
    {
        var header = new byte[16];
        var pos = start;
        while (pos + 8 <= end && found is null)
        {
            fs.Position = pos;
            if (fs.ReadAtLeast(header.AsSpan(0, 8), 8, throwOnEndOfStream: false) < 8) return;
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = Encoding.ASCII.GetString(header, 4, 4);
            var headerLen = 8;
            if (size == 1) { if (fs.ReadAtLeast(header.AsSpan(8, 8), 8, throwOnEndOfStream: false) < 8) return; size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)); headerLen = 16; }
            else if (size == 0) size = end - pos;
            if (size < headerLen || pos + size > end) return;
            var body = pos + headerLen;
            if (type == "trak")
            {
                var t = new TrackState();
                Walk(fs, body, pos + size, t, ref found);
                if (found is null && t.IsVideo)
                    found = new VideoTrack(t.Samples, t.TimeScale > 0 ? (double)t.Units / t.TimeScale : null, t.Codec, t.W, t.H);
            }
            else if (Containers.Contains(type)) Walk(fs, body, pos + size, track, ref found);
            else if (track is not null) ReadLeaf(fs, type, body, size - headerLen, track);
            pos += size;
        }
    }

    static void ReadLeaf(FileStream fs, string type, long body, long len, TrackState t)
    {
        var buf = new byte[Math.Min(len, 4096)];
        fs.Position = body;
        var n = fs.Read(buf, 0, buf.Length);
        var b = buf.AsSpan(0, n);
        switch (type)
        {
            case "hdlr" when b.Length >= 12:
                t.IsVideo = Encoding.ASCII.GetString(b.Slice(8, 4)) == "vide";
                break;
            case "mdhd" when b.Length >= 24:
                if (b[0] == 1 && b.Length >= 36) { t.TimeScale = BinaryPrimitives.ReadUInt32BigEndian(b[20..]); t.Units = (long)BinaryPrimitives.ReadUInt64BigEndian(b[24..]); }
                else { t.TimeScale = BinaryPrimitives.ReadUInt32BigEndian(b[12..]); t.Units = BinaryPrimitives.ReadUInt32BigEndian(b[16..]); }
                break;
            case "stts" when b.Length >= 8:
                var entries = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
                long total = 0;
                for (var i = 0; i < entries && 8 + i * 8 + 8 <= b.Length; i++) total += BinaryPrimitives.ReadUInt32BigEndian(b[(8 + i * 8)..]);
                t.Samples = total;
                break;
            case "stsd" when b.Length >= 16 + 36:
                t.Codec = Encoding.ASCII.GetString(b.Slice(12, 4)).Trim('\0', ' ');
                t.W = BinaryPrimitives.ReadUInt16BigEndian(b[(16 + 24)..]);
                t.H = BinaryPrimitives.ReadUInt16BigEndian(b[(16 + 26)..]);
                break;
        }
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FiftyOneCache.Tests.Datasets;

/// <summary>Real, minimal media files written by the tests: a PNG and an MP4 whose facts are known.</summary>
internal static class MediaFiles
{
    public static byte[] Png(int width, int height, byte colorType = 6)
    {
        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width * channels; x++) raw.WriteByte((byte)(x * 7 + y));
        }
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(zs);
        var png = new MemoryStream();
        png.Write(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = colorType;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", z.ToArray());
        Chunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var td = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(td);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(td));
        s.Write(crc);
    }

    /// <summary>An MP4 with one video track: <paramref name="frames"/> samples over <paramref name="seconds"/>.</summary>
    public static byte[] Mp4(int width, int height, int frames, double seconds, string codec = "avc1")
    {
        const uint timescale = 1000;
        var units = (uint)(seconds * timescale);
        byte[] Box(string type, params byte[][] parts)
        {
            var body = parts.SelectMany(p => p).ToArray();
            var b = new byte[8 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(b, (uint)b.Length);
            Encoding.ASCII.GetBytes(type).CopyTo(b, 4);
            body.CopyTo(b, 8);
            return b;
        }
        byte[] U32(params uint[] v) { var b = new byte[v.Length * 4]; for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(i * 4), v[i]); return b; }
        byte[] Zeros(int n) => new byte[n];
        var matrix = U32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
        var mvhd = Box("mvhd", U32(0, 0, 0, timescale, units, 0x10000), new byte[] { 1, 0, 0, 0 }, Zeros(8), matrix, Zeros(24), U32(2));
        var tkhd = Box("tkhd", U32(0x7, 0, 0, 1, 0, units), Zeros(8), new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, matrix, U32((uint)width << 16, (uint)height << 16));
        var mdhd = Box("mdhd", U32(0, 0, 0, timescale, units), new byte[] { 0x55, 0xC4, 0, 0 });
        var hdlr = Box("hdlr", U32(0, 0), Encoding.ASCII.GetBytes("vide"), Zeros(12), Encoding.ASCII.GetBytes("Video\0"));
        var entry = new byte[86];
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(6), 1);          // data reference index
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(24), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(26), (ushort)height);
        var stsd = Box("stsd", U32(0, 1), Box(codec, entry));
        var stts = Box("stts", U32(0, 1, (uint)frames, (uint)(units / Math.Max(frames, 1))));
        var stbl = Box("stbl", stsd, stts, Box("stsc", U32(0, 0)), Box("stsz", U32(0, 0, 0)), Box("stco", U32(0, 0)));
        var minf = Box("minf", Box("vmhd", U32(1), Zeros(8)), stbl);
        var moov = Box("moov", mvhd, Box("trak", tkhd, Box("mdia", mdhd, hdlr, minf)));
        var ftyp = Box("ftyp", Encoding.ASCII.GetBytes("isom"), U32(512), Encoding.ASCII.GetBytes("isomiso2avc1mp41"));
        return ftyp.Concat(moov).Concat(Box("mdat", Zeros(64))).ToArray();
    }
}

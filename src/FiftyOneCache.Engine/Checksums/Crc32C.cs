using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace FiftyOneCache.Engine.Checksums;

/// <summary>CRC-32C (Castagnoli), the checksum GCS reports; SSE4.2 when the CPU has it.</summary>
public sealed class Crc32C
{
    const uint Poly = 0x82F63B78;
    static readonly uint[] Table = BuildTable();
    uint _crc = 0xFFFFFFFF;

    static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Poly : c >> 1;
            t[i] = c;
        }
        return t;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        if (Sse42.X64.IsSupported)
        {
            while (data.Length >= 8)
            {
                crc = (uint)Sse42.X64.Crc32(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
        }
        if (Sse42.IsSupported)
        {
            foreach (var b in data) crc = Sse42.Crc32(crc, b);
        }
        else
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        _crc = crc;
    }

    public uint Value => _crc ^ 0xFFFFFFFF;

    /// <summary>Big-endian bytes, as GCS encodes them in base64.</summary>
    public byte[] GetBigEndianBytes()
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, Value);
        return b;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var c = new Crc32C();
        c.Append(data);
        return c.Value;
    }
}

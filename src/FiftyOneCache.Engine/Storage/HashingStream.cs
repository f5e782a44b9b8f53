using System.Security.Cryptography;

namespace FiftyOneCache.Engine.Storage;

/// <summary>A read-through stream that computes the MD5 of what was read and counts it: what an upload is verified against.</summary>
public sealed class HashingStream(Stream inner, long length, Action<long>? progress = null) : Stream
{
    readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    long _read;

    public long BytesRead => _read;
    public string Md5Hex() => Convert.ToHexString(_md5.GetCurrentHash()).ToLowerInvariant();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Took(buffer[..n]);
        return n;
    }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Took(buffer.Span[..n]);
        return n;
    }
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    void Took(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return;
        _md5.AppendData(bytes);
        _read += bytes.Length;
        progress?.Invoke(bytes.Length);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _md5.Dispose(); inner.Dispose(); }
        base.Dispose(disposing);
    }
}

namespace FiftyOneCache.Engine.Storage;

/// <summary>A seekable read-only stream over a part's bytes, without copying them (SDKs rewind it on a retry).</summary>
public sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> bytes) : Stream
{
    long _position;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;
    public override long Position { get => _position; set => _position = Math.Clamp(value, 0, bytes.Length); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, bytes.Length - _position);
        bytes.Span.Slice((int)_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => bytes.Length + offset,
    };
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

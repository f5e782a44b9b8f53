using System.Buffers;
using FiftyOneCache.Engine.Checksums;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;
using Microsoft.Win32.SafeHandles;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// The one downloader every store shares: a temporary file beside the target, parallel byte ranges for large
/// objects (bounded memory: one buffer per range in flight), retries that resume from the last byte written,
/// size and checksum verification, then an atomic rename. Nothing incomplete ever appears at the final path.
/// </summary>
public sealed class Downloader
{
    public long PartSize { get; init; } = 16L << 20;
    public long SingleStreamThreshold { get; init; } = 32L << 20;
    public int RangeConcurrency { get; init; } = 8;
    public int BufferSize { get; init; } = 256 << 10;
    /// <summary>Objects up to this size are read whole into memory and written with one write.</summary>
    public long SmallObjectLimit { get; init; } = 1 << 20;
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
    public IEngineLog Log { get; init; } = NullLog.Instance;

    /// <summary>The temporary name used while an object downloads: hidden, in the target's directory.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, $".foc-{CacheLayout.ShortHash(Path.GetFileName(finalPath))}.part");

    public static bool IsTempName(string fileName) =>
        fileName.StartsWith(".foc-", StringComparison.Ordinal) && fileName.EndsWith(".part", StringComparison.Ordinal);

    /// <summary>Fetches one object into its final path (see <see cref="Transfer"/>).</summary>
    public async Task DownloadAsync(Transfer t, CancellationToken ct)
    {
        var size = t.Stat.Size;
        if (size <= SmallObjectLimit)
        {
            await DownloadSmallAsync(t, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            using (var handle = CreateTemp(t.TempPath, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous))
            {
                RandomAccess.SetLength(handle, size);
                if (size > SingleStreamThreshold && t.Stat.SupportsRanges)
                {
                    if (t.TakeOpened() is { } unused) await unused.DisposeAsync().ConfigureAwait(false);
                    var parts = new List<ByteRange>();
                    for (long from = 0; from < size; from += PartSize) parts.Add(new ByteRange(from, Math.Min(size, from + PartSize) - 1));
                    // Ranges arrive in parallel; their writes take turns. A buffered write holds the file's inode lock
                    // anyway, and writers queued in the kernel spin on it (rwsem_spin_on_owner: CPU, not throughput).
                    using var writes = new SemaphoreSlim(1, 1);
                    await Parallel.ForEachAsync(parts, new ParallelOptions { MaxDegreeOfParallelism = RangeConcurrency, CancellationToken = ct },
                        async (part, token) => await ReadToFileAsync(t, new FileTarget(handle, writes), part, ranged: true, token).ConfigureAwait(false)).ConfigureAwait(false);
                }
                else await ReadToFileAsync(t, new FileTarget(handle, null), t.Whole, t.Stat.SupportsRanges, ct).ConfigureAwait(false);
                if (RandomAccess.GetLength(handle) != size)
                    throw new StoreException(StoreErrorKind.Corrupt, $"{t.What}: received {RandomAccess.GetLength(handle)} bytes, expected {size}");
            }
            if (await ChecksumVerifier.VerifyAsync(t.Stat.Checksum, t.TempPath, ct).ConfigureAwait(false) is { } bad)
                throw new StoreException(StoreErrorKind.Corrupt, $"{t.What}: {bad}");
            File.Move(t.TempPath, t.FinalPath, overwrite: true);
        }
        catch
        {
            TryDelete(t.TempPath);
            throw;
        }
    }

    /// <summary>
    /// A small object (most media) in one piece: read whole into a pooled buffer, verified in memory, then one
    /// write to the temporary file and the rename. Per object that is open, write, close, rename, where the
    /// general path needs a truncate, several positioned writes through the thread pool and a second read to verify.
    /// </summary>
    async Task DownloadSmallAsync(Transfer t, CancellationToken ct)
    {
        var size = (int)t.Stat.Size;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            await ReadAsync(t, t.Whole, t.Stat.SupportsRanges, new MemorySink(buffer), ct).ConfigureAwait(false);
            if (ChecksumVerifier.Verify(t.Stat.Checksum, buffer.AsSpan(0, size)) is { } bad)
                throw new StoreException(StoreErrorKind.Corrupt, $"{t.What}: {bad}");
            try
            {
                WriteWhole(t.TempPath, buffer.AsSpan(0, size));
                File.Move(t.TempPath, t.FinalPath, overwrite: true);
            }
            catch
            {
                TryDelete(t.TempPath);
                throw;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One synchronous write: a small write costs less inline than a hop through the thread pool.</summary>
    static void WriteWhole(string temp, ReadOnlySpan<byte> bytes)
    {
        using var handle = CreateTemp(temp, FileAccess.Write, FileShare.None, FileOptions.None);
        RandomAccess.Write(handle, bytes, 0);
    }

    /// <summary>
    /// A new, empty temporary file. Created with O_EXCL rather than truncated: .NET truncates FileMode.Create with
    /// ftruncate(0), which makes ext4 (auto_da_alloc) allocate and start writing the file back on close, a disk
    /// write per object inside close(). A temp file already there is a crashed download's (the caller holds the
    /// object's lock): it goes first.
    /// </summary>
    static SafeFileHandle CreateTemp(string temp, FileAccess access, FileShare share, FileOptions options)
    {
        try { return File.OpenHandle(temp, FileMode.CreateNew, access, share, options); }
        catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            // The object's folder is new, or was removed since (emptied by eviction or clear): make it, once per miss.
            // (.NET reports a missing folder as FileNotFound when another download made the folder in between.)
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            return File.OpenHandle(temp, FileMode.CreateNew, access, share, options);
        }
        catch (IOException) when (File.Exists(temp))
        {
            File.Delete(temp);
            return File.OpenHandle(temp, FileMode.CreateNew, access, share, options);
        }
    }

    /// <summary>
    /// The one read loop: reads <paramref name="range"/> of the object into <paramref name="sink"/>, retrying through
    /// the policy; a retry asks only for the bytes still missing where the store takes ranges, otherwise starts over.
    /// The first attempt reads the transfer's already open body, if any.
    /// </summary>
    async Task ReadAsync(Transfer t, ByteRange range, bool ranged, IByteSink sink, CancellationToken ct)
    {
        var length = range.Length;
        long done = 0;
        await Retry.RunAsync(async attempt =>
        {
            if (!ranged && done > 0) { t.OnBytes?.Invoke(-done); done = 0; } // no ranges: start over
            // The whole object from its start is a plain GET; anything else asks for the bytes still missing.
            ByteRange? ask = !ranged || (done == 0 && range == t.Whole) ? null : new ByteRange(range.From + done, range.To);
            await using var body = t.TakeOpened() ?? await t.Store.OpenReadAsync(t.Item, t.Stat, ask, ct).ConfigureAwait(false);
            // One stall timer per attempt, re-armed before each read (a linked source and a timer per read cost more
            // than the read of a small object's few buffers).
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
            while (done < length)
            {
                var into = sink.Next(done, length - done);
                var n = await ReadWithTimeoutAsync(body, into, t.What, stall, ct).ConfigureAwait(false);
                if (n == 0) break;
                await sink.WriteAsync(into[..n], range.From + done, ct).ConfigureAwait(false);
                done += n;
                t.OnBytes?.Invoke(n);
            }
            if (done < length)
                throw new StoreException(StoreErrorKind.Transient, $"{t.What}: the connection ended after {range.From + done} of {t.Stat.Size} bytes");
            if (await ReadWithTimeoutAsync(body, new byte[1], t.What, stall, ct).ConfigureAwait(false) > 0)
                throw new StoreException(StoreErrorKind.Corrupt, $"{t.What}: the server sent more than the {t.Stat.Size} bytes it announced");
            return true;
        }, t.What, Log, ct).ConfigureAwait(false);
    }

    /// <summary>Where the read loop puts bytes: the next buffer to read into, and what to do with what was read.</summary>
    interface IByteSink
    {
        Memory<byte> Next(long done, long remaining);
        ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken ct);
    }

    /// <summary>A small object: read straight into its whole-object buffer, nothing to write until it is verified.</summary>
    sealed class MemorySink(byte[] buffer) : IByteSink
    {
        public Memory<byte> Next(long done, long remaining) => buffer.AsMemory((int)done, (int)remaining);
        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken ct) => ValueTask.CompletedTask;
    }

    /// <summary>A range of a large object: read through a pooled buffer of its own, written at its offset.</summary>
    sealed class FileSink(FileTarget target, byte[] buffer) : IByteSink
    {
        public Memory<byte> Next(long done, long remaining) => buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining));

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken ct)
        {
            if (target.Turns is not { } turns)
            {
                await RandomAccess.WriteAsync(target.Handle, data, offset, ct).ConfigureAwait(false);
                return;
            }
            await turns.WaitAsync(ct).ConfigureAwait(false);
            try { await RandomAccess.WriteAsync(target.Handle, data, offset, ct).ConfigureAwait(false); }
            finally { turns.Release(); }
        }
    }

    /// <summary>The temporary file, and the turn its parallel ranges take to write (none for a single stream).</summary>
    readonly record struct FileTarget(SafeFileHandle Handle, SemaphoreSlim? Turns);

    /// <summary>Bounded memory: one buffer per range in flight.</summary>
    async Task ReadToFileAsync(Transfer t, FileTarget target, ByteRange range, bool ranged, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try { await ReadAsync(t, range, ranged, new FileSink(target, buffer), ct).ConfigureAwait(false); }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>One read that fails as transient when no byte arrives within <see cref="StallLimit"/>.</summary>
    static async Task<int> ReadWithTimeoutAsync(Stream body, Memory<byte> buffer, string what, CancellationTokenSource stall, CancellationToken ct)
    {
        stall.CancelAfter(StallLimit);
        try { return await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        { throw new StoreException(StoreErrorKind.Transient, $"{what}: no data for 60 s"); }
        catch (IOException e)
        { throw new StoreException(StoreErrorKind.Transient, $"{what}: {e.Message}", e); }
        catch (HttpRequestException e)
        { throw new StoreException(StoreErrorKind.Transient, $"{what}: {e.Message}", e); }
    }

    /// <summary>Deletes a file if it can; false when the file is in use or not ours to delete.</summary>
    public static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}

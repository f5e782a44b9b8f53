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

    /// <param name="opened">A whole-object body already open (a GET that served as the stat): the first attempt
    /// reads it instead of asking again. Only used when the object goes in one stream.</param>
    public async Task DownloadAsync(IObjectStore store, MediaRef item, RemoteStat stat, string finalPath,
                                    Action<long>? onBytes, CancellationToken ct, Stream? opened = null)
    {
        var temp = TempPathFor(finalPath);
        var what = $"'{Redact.ForDisplay(item.Original)}'";
        if (stat.Size <= SmallObjectLimit)
        {
            await DownloadSmallAsync(store, item, stat, temp, finalPath, what, onBytes, ct, opened).ConfigureAwait(false);
            return;
        }
        try
        {
            using (var handle = CreateTemp(temp, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous))
            {
                if (stat.Size > 0) RandomAccess.SetLength(handle, stat.Size);
                if (stat.Size > SingleStreamThreshold && stat.SupportsRanges)
                {
                    if (opened is not null) await opened.DisposeAsync().ConfigureAwait(false);
                    await DownloadPartsAsync(store, item, stat, handle, what, onBytes, ct).ConfigureAwait(false);
                }
                else
                    await DownloadRangeAsync(store, item, stat, handle, new ByteRange(0, stat.Size - 1), stat.Size > 0 && stat.SupportsRanges, what, onBytes, ct, opened).ConfigureAwait(false);
                if (RandomAccess.GetLength(handle) != stat.Size)
                    throw new StoreException(StoreErrorKind.Corrupt, $"{what}: received {RandomAccess.GetLength(handle)} bytes, expected {stat.Size}");
            }
            if (await ChecksumVerifier.VerifyAsync(stat.Checksum, temp, ct).ConfigureAwait(false) is { } bad)
                throw new StoreException(StoreErrorKind.Corrupt, $"{what}: {bad}");
            File.Move(temp, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A small object (most media) in one piece: read whole into a pooled buffer, verified in memory, then one
    /// write to the temporary file and the rename. Per object that is open, write, close, rename, where the
    /// general path needs a truncate, several positioned writes through the thread pool and a second read to verify.
    /// </summary>
    async Task DownloadSmallAsync(IObjectStore store, MediaRef item, RemoteStat stat, string temp, string finalPath, string what,
                                  Action<long>? onBytes, CancellationToken ct, Stream? opened)
    {
        var size = (int)stat.Size;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var done = 0;
            await Retry.RunAsync(async attempt =>
            {
                // A retry resumes from the bytes already held where the store takes ranges; otherwise it starts over.
                if (done > 0 && !stat.SupportsRanges) { onBytes?.Invoke(-done); done = 0; }
                ByteRange? ask = done > 0 ? new ByteRange(done, stat.Size - 1) : null;
                var first = Interlocked.Exchange(ref opened, null);
                await using var body = first ?? await store.OpenReadAsync(item, stat, ask, ct).ConfigureAwait(false);
                while (done < size)
                {
                    var n = await ReadWithTimeoutAsync(body, buffer.AsMemory(done, size - done), what, ct).ConfigureAwait(false);
                    if (n == 0) break;
                    done += n;
                    onBytes?.Invoke(n);
                }
                if (done < size)
                    throw new StoreException(StoreErrorKind.Transient, $"{what}: the connection ended after {done} of {stat.Size} bytes");
                if (await ReadWithTimeoutAsync(body, new byte[1], what, ct).ConfigureAwait(false) > 0)
                    throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the server sent more than the {stat.Size} bytes it announced");
                return true;
            }, what, Log, ct).ConfigureAwait(false);
            if (ChecksumVerifier.Verify(stat.Checksum, buffer.AsSpan(0, size)) is { } bad)
                throw new StoreException(StoreErrorKind.Corrupt, $"{what}: {bad}");
            try
            {
                WriteWhole(temp, buffer.AsSpan(0, size));
                File.Move(temp, finalPath, overwrite: true);
            }
            catch
            {
                TryDelete(temp);
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

    async Task DownloadPartsAsync(IObjectStore store, MediaRef item, RemoteStat stat, SafeFileHandle handle, string what,
                                  Action<long>? onBytes, CancellationToken ct)
    {
        var parts = new List<ByteRange>();
        for (long from = 0; from < stat.Size; from += PartSize)
            parts.Add(new ByteRange(from, Math.Min(stat.Size, from + PartSize) - 1));
        await Parallel.ForEachAsync(parts, new ParallelOptions { MaxDegreeOfParallelism = RangeConcurrency, CancellationToken = ct },
            async (part, token) => await DownloadRangeAsync(store, item, stat, handle, part, true, what, onBytes, token).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    /// <summary>Downloads one range into the file at its offset; a retry asks only for the bytes still missing.</summary>
    async Task DownloadRangeAsync(IObjectStore store, MediaRef item, RemoteStat stat, SafeFileHandle handle, ByteRange range,
                                  bool ranged, string what, Action<long>? onBytes, CancellationToken ct, Stream? opened = null)
    {
        if (range.Length <= 0 && stat.Size == 0)
        {
            using var empty = opened ?? await Retry.RunAsync(_ => store.OpenReadAsync(item, stat, null, ct), what, Log, ct).ConfigureAwait(false);
            return;
        }
        long done = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await Retry.RunAsync(async attempt =>
            {
                if (!ranged && done > 0) { onBytes?.Invoke(-done); done = 0; } // no ranges: start over
                ByteRange? ask = ranged ? new ByteRange(range.From + done, range.To) : null;
                if (ranged && ask!.Value.From == 0 && ask.Value.To == stat.Size - 1 && attempt == 1) ask = null; // whole object: a plain GET
                var first = Interlocked.Exchange(ref opened, null);
                await using var body = first ?? await store.OpenReadAsync(item, stat, ask, ct).ConfigureAwait(false);
                while (done < range.Length)
                {
                    var want = (int)Math.Min(buffer.Length, range.Length - done);
                    var n = await ReadWithTimeoutAsync(body, buffer.AsMemory(0, want), what, ct).ConfigureAwait(false);
                    if (n == 0) break;
                    await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, n), range.From + done, ct).ConfigureAwait(false);
                    done += n;
                    onBytes?.Invoke(n);
                }
                if (done < range.Length)
                    throw new StoreException(StoreErrorKind.Transient, $"{what}: the connection ended after {range.From + done} of {stat.Size} bytes");
                if (await ReadWithTimeoutAsync(body, buffer.AsMemory(0, 1), what, ct).ConfigureAwait(false) > 0)
                    throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the server sent more than the {stat.Size} bytes it announced");
                return true;
            }, what, Log, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static async Task<int> ReadWithTimeoutAsync(Stream body, Memory<byte> buffer, string what, CancellationToken ct)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(TimeSpan.FromSeconds(60));
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

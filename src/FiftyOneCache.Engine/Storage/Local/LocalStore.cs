using System.Runtime.CompilerServices;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Local;

/// <summary>
/// Local paths as a store, for FiftyOne's list/copy/move/delete: files are written to a temporary name beside the
/// destination and renamed into place once complete (a killed run leaves no half file under the real name); a delete
/// removes the folders it leaves empty, up the tree (fiftyone.core.storage's rule for local paths).
/// </summary>
public sealed class LocalStore : IObjectStore, IStoreOperations
{
    public static LocalStore Instance { get; } = new();

    public string Name => MediaRef.LocalStore;
    public string DescribeCredentials() => "local files: the process's own permissions";

    public Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct)
    {
        var fi = new FileInfo(item.Key);
        if (!fi.Exists) throw new StoreException(StoreErrorKind.NotFound, $"'{item.Key}' was not found: no such file", status: 404);
        return Task.FromResult(new RemoteStat(fi.Length, null, null, fi.LastWriteTimeUtc));
    }

    public Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct)
    {
        try
        {
            var fs = new FileStream(item.Key, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            if (range is { } r) fs.Position = r.From;
            return Task.FromResult<Stream>(fs);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StoreException(StoreErrorKind.NotFound, $"'{item.Key}' was not found: no such file", e, status: 404);
        }
    }

    /// <summary>Every file under the folder, recursively (the caller keeps the top level for a listing without -Recurse).</summary>
    public async IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var dir = prefix.Key;
        if (!Directory.Exists(dir)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        foreach (var f in Directory.EnumerateFiles(dir, "*", options))
        {
            ct.ThrowIfCancellationRequested();
            if (Downloader.IsTempName(Path.GetFileName(f))) continue; // an upload or download in flight
            var fi = new FileInfo(f);
            yield return new ListedItem(new MediaRef(f, MediaRef.LocalStore, "", f), new RemoteStat(fi.Length, null, null, fi.LastWriteTimeUtc));
        }
    }

    public async Task<RemoteStat> WriteAsync(MediaRef dest, Stream source, long length, UploadOptions options, CancellationToken ct)
    {
        var final = dest.Key;
        var dir = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(dir);
        var temp = Downloader.TempPathFor(final);
        try
        {
            using var hashing = new HashingStream(source, length);
            await using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await hashing.CopyToAsync(fs, 1 << 20, ct).ConfigureAwait(false);
                await fs.FlushAsync(ct).ConfigureAwait(false);
            }
            if (hashing.BytesRead != length)
                throw new StoreException(StoreErrorKind.Corrupt, $"'{final}': {hashing.BytesRead} bytes arrived where {length} were expected");
            if (options.IfNotExists && File.Exists(final))
                throw new StoreException(StoreErrorKind.Permanent, $"'{final}': a file is already there (-NoClobber)");
            File.Move(temp, final, overwrite: true);
            var fi = new FileInfo(final);
            return new RemoteStat(fi.Length, null, "md5:" + hashing.Md5Hex(), fi.LastWriteTimeUtc);
        }
        catch
        {
            Downloader.TryDelete(temp);
            throw;
        }
    }

    public Task<bool> DeleteAsync(MediaRef item, CancellationToken ct)
    {
        if (!File.Exists(item.Key)) return Task.FromResult(false);
        File.Delete(item.Key);
        EmptyFolders.RemoveUpward(Path.GetDirectoryName(item.Key));
        return Task.FromResult(true);
    }

    public Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct) =>
        Task.FromResult<RemoteStat?>(null); // streamed through WriteAsync: temp-then-rename and an MD5 on the way

    /// <summary>A rename where the file system allows it (same volume); false when it must be copied instead.</summary>
    public static bool TryRename(string source, string dest, bool overwrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        try { File.Move(source, dest, overwrite); }
        catch (IOException) when (File.Exists(source)) { return false; }
        EmptyFolders.RemoveUpward(Path.GetDirectoryName(source));
        return true;
    }
}

using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

public sealed partial class MediaCache
{
    /// <summary>
    /// Makes a local file the cached copy of the remote object it was just uploaded as (upload_media's -Cache Copy|Move):
    /// under the object's lock, copied (or moved) to a temporary name beside the cache path, renamed into place and
    /// recorded with the object's size, ETag and checksum, so the next read is a hit with no request.
    /// </summary>
    public async Task<string> AdoptAsync(MediaRef remote, string localFile, RemoteStat stat, bool move, CancellationToken ct)
    {
        if (remote.IsLocal) throw new ArgumentException("only a remote object has a cached copy", nameof(remote));
        var rel = RelativePathOf(remote);
        var full = FullPathOf(rel);
        using var held = await Locks.AcquireAsync(rel, ct).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Downloader.TempPathFor(full);
        try
        {
            var moved = false;
            if (move)
            {
                try { File.Move(localFile, temp, overwrite: true); moved = true; }
                catch (IOException) when (File.Exists(localFile)) { /* another volume: copy, then delete below */ }
            }
            if (!moved) File.Copy(localFile, temp, overwrite: true);
            if (new FileInfo(temp).Length != stat.Size)
                throw new IOException($"'{localFile}' has changed since it was uploaded as '{remote.Original}' ({stat.Size} bytes)");
            File.Move(temp, full, overwrite: true);
            await Index.CompleteAsync(rel, remote.Canonical, stat.Size, stat.ETag, stat.Checksum).ConfigureAwait(false);
            if (move && !moved) File.Delete(localFile);
        }
        catch
        {
            Downloader.TryDelete(temp);
            throw;
        }
        return full;
    }
}

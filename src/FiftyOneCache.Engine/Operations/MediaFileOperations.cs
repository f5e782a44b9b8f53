using System.Diagnostics;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Engine.Storage.Local;

namespace FiftyOneCache.Engine.Operations;

/// <summary>
/// FiftyOne's list_files, copy_files, move_files and delete_files on every store: the planning (what goes where),
/// skip-if-same, server-side copies within a store, streaming between stores, the source deleted only after the
/// destination is verified, and the cache kept coherent with what was written or removed.
/// </summary>
public sealed class MediaFileOperations(MediaCache cache)
{
    public MediaCache Cache => cache;

    public MediaRef Parse(string path) => cache.Parser.Parse(path);

    /// <summary>What the store says a file is (NotFound as a <see cref="StoreException"/>).</summary>
    public Task<RemoteStat> StatAsync(string path, CancellationToken ct)
    {
        var m = Parse(path);
        return StoreOf(m).Read.StatAsync(m, ct);
    }

    (IObjectStore Read, IStoreOperations? Write) StoreOf(MediaRef m)
    {
        if (m.IsLocal) return (LocalStore.Instance, LocalStore.Instance);
        var s = cache.Stores.Get(m.Store);
        return (s, s as IStoreOperations);
    }

    /// <summary>What the object's store can do (local files: <see cref="StoreCapabilities.Local"/>), as its backend declares it.</summary>
    public StoreCapabilities Capabilities(MediaRef m) =>
        m.IsLocal ? StoreCapabilities.Local : cache.Stores.Backend(m.Store)?.Capabilities ?? StoreCapabilities.ReadOnly;

    ContentIdentity? _identity;
    ContentIdentity Identity => _identity ??= new ContentIdentity(Capabilities);

    string TitleOf(MediaRef m) => m.IsLocal ? "local" : cache.Stores.Backend(m.Store)?.Title ?? m.Store;

    /// <summary>The stores that can do something, for messages ("Amazon S3, MinIO, ... or local paths").</summary>
    string StoresThat(Func<StoreCapabilities, bool> can) =>
        string.Join(", ", cache.Stores.Backends.Where(b => can(b.Capabilities)).Select(b => b.Title)) + " or local paths";

    /// <summary>Whether the destination's store copies this pair with no bytes through the client.</summary>
    bool CopiesServerSide(MediaRef src, MediaRef dst) =>
        !src.IsLocal && !dst.IsLocal && src.Store == dst.Store && Capabilities(dst).ServerSideCopy switch
        {
            ServerSideCopy.WithinStore => true,
            ServerSideCopy.WithinRoot => src.SameRoot(dst),
            _ => false,
        };

    static bool IsFolderText(string text) => text.EndsWith('/') || text.EndsWith('\\');

    // ---- list_files -------------------------------------------------------------------------------------------

    /// <summary>Files under a folder, sorted; a missing folder gives none (FiftyOne returns []).</summary>
    public async Task<List<MediaFileInfo>> ListAsync(string folder, bool recurse, bool relative, bool includeHidden, CancellationToken ct)
    {
        var m = Parse(folder);
        if (!Capabilities(m).CanList)
            throw new StoreException(StoreErrorKind.Permanent, $"'{Redact.ForDisplay(folder)}': {TitleOf(m)} paths cannot be listed; list folders of {StoresThat(c => c.CanList)}");
        var prefix = m.IsLocal ? m with { Key = Path.GetFullPath(m.Key) } : m.Key.Length == 0 || m.Key.EndsWith('/') ? m : m with { Key = m.Key + "/" };
        var (store, _) = StoreOf(prefix);
        var found = new List<MediaFileInfo>();
        try
        {
            await foreach (var item in store.ListAsync(prefix, ct).ConfigureAwait(false))
            {
                var rel = RelativeOf(prefix, item.Item);
                if (rel.Length == 0 || !recurse && rel.Contains('/')) continue;
                if (!includeHidden && rel.Split('/').Any(s => s.StartsWith('.'))) continue;
                var stat = item.Stat;
                found.Add(new MediaFileInfo(relative ? rel : item.Item.Original, stat?.Size ?? 0, stat?.LastModified, stat?.ETag) { Store = m.Store, RelativePath = rel, Listed = stat });
            }
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound) { return []; }
        found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return found;
    }

    /// <summary>
    /// The objects whose key starts with <paramref name="fixedPath"/>'s key (a key prefix, not a folder: <c>p/a</c>
    /// finds <c>p/a1</c> and <c>p/ab/c</c>) and that <paramref name="keyMatches"/> accepts, sorted by path: how a
    /// wildcard in a remote path expands (the caller holds the pattern). <see cref="MediaFileInfo.RelativePath"/> is
    /// the key. A missing bucket or prefix finds nothing.
    /// </summary>
    public async Task<List<MediaFileInfo>> FindAsync(string fixedPath, Func<string, bool> keyMatches, CancellationToken ct)
    {
        var m = Parse(fixedPath);
        if (m.IsLocal) throw new ArgumentException("local wildcards are the shell's to expand", nameof(fixedPath));
        if (!Capabilities(m).CanList)
            throw new StoreException(StoreErrorKind.Permanent, $"'{Redact.ForDisplay(fixedPath)}': {TitleOf(m)} paths cannot be listed, so wildcards cannot be expanded; use -LiteralPath");
        var found = new List<MediaFileInfo>();
        try
        {
            await foreach (var item in StoreOf(m).Read.ListAsync(m, ct).ConfigureAwait(false))
                if (keyMatches(item.Item.Key))
                    found.Add(new MediaFileInfo(item.Item.Original, item.Stat?.Size ?? 0, item.Stat?.LastModified, item.Stat?.ETag) { Store = m.Store, RelativePath = item.Item.Key });
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound) { return []; }
        found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return found;
    }

    static string RelativeOf(MediaRef prefix, MediaRef item) => prefix.IsLocal
        ? Path.GetRelativePath(prefix.Key, item.Key).Replace('\\', '/')
        : item.Key.StartsWith(prefix.Key, StringComparison.Ordinal) ? item.Key[prefix.Key.Length..] : item.Key;

    // ---- planning ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The pairs one -Path/-Destination means: a folder source (trailing '/', or a local folder) with -Recurse gives
    /// every file under it at the same relative place under the destination; a destination ending in '/' (or an
    /// existing local folder) takes the source's name, as Copy-Item.
    /// </summary>
    public async Task<List<TransferPair>> PlanAsync(string source, string destination, bool recurse, CancellationToken ct)
    {
        var src = Parse(source);
        var dst = Parse(destination);
        var srcIsFolder = IsFolderText(source) || src.IsLocal && Directory.Exists(src.Key);
        if (srcIsFolder)
        {
            if (!recurse) throw new OperationException(source, $"'{Redact.ForDisplay(source)}' is a folder: add -Recurse to copy what is under it", errorId: "SourceIsFolder");
            var files = await ListAsync(source, recurse: true, relative: false, includeHidden: true, ct).ConfigureAwait(false);
            var existing = await ListDestinationAsync(destination, dst, files.Count, ct).ConfigureAwait(false);
            return files.Select(f =>
            {
                try
                {
                    return new TransferPair(f.Path, Join(destination, f.RelativePath, dst))
                    {
                        DestinationAbsent = existing is not null && !existing.Contains(f.RelativePath), SourceStat = f.Listed,
                    };
                }
                catch (OperationException e) { return new TransferPair(f.Path, "") { Error = new OperationException(f.Path, e.Message, e, e.ErrorId) }; }
            }).ToList();
        }
        if (IsFolderText(destination) || dst.IsLocal && Directory.Exists(dst.Key))
            return [new TransferPair(source, Join(destination, BaseName(src), dst))];
        return [new TransferPair(source, destination)];
    }

    /// <summary>
    /// The relative paths already under a remote destination folder, in one listing (as rclone does), so that a folder
    /// copy needs no HEAD per object to learn that its destinations are new. Null (then each destination is stat'ed)
    /// for a single file, a local destination (a stat costs nothing there), a failed listing, or a destination folder
    /// far larger than the copy (past 2 keys per file + 1,000 the listing stops: HEADs cost less).
    /// </summary>
    async Task<HashSet<string>?> ListDestinationAsync(string destination, MediaRef dst, int files, CancellationToken ct)
    {
        if (dst.IsLocal || files < 2) return null;
        var folder = dst.Key.Length == 0 || dst.Key.EndsWith('/') ? dst : dst with { Key = dst.Key + "/" };
        var limit = 2L * files + 1000;
        var found = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in StoreOf(folder).Read.ListAsync(folder, ct).ConfigureAwait(false))
            {
                if (found.Count >= limit) return null;
                found.Add(RelativeOf(folder, item.Item));
            }
        }
        catch (StoreException) { return null; }
        return found;
    }

    public static string BaseName(MediaRef m)
    {
        var key = m.IsLocal ? m.Key : m.Key;
        var name = key.TrimEnd('/', '\\');
        var cut = name.LastIndexOfAny(['/', '\\']);
        return cut >= 0 ? name[(cut + 1)..] : name;
    }

    /// <summary>A relative path under a folder. A local folder is never escaped (no '..' or absolute path gets out).</summary>
    public static string Join(string folder, string relative, MediaRef? parsedFolder = null)
    {
        if (parsedFolder is { IsLocal: true } local || parsedFolder is null && !folder.Contains("://", StringComparison.Ordinal))
        {
            var root = Path.GetFullPath(parsedFolder?.Key ?? folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            var full = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new OperationException(relative, $"'{relative}' would be written outside the destination folder '{root}'", errorId: "DestinationOutsideFolder");
            return full;
        }
        return folder.TrimEnd('/') + "/" + relative.TrimStart('/');
    }

    // ---- copy_files / move_files ------------------------------------------------------------------------------

    public async Task<TransferResult> CopyAsync(TransferPair pair, TransferOptions options, OperationProgress? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var src = Parse(pair.Source);
        var dst = Parse(pair.Destination);
        if (!Capabilities(dst).CanWrite)
            throw new OperationException(pair.Destination, $"'{Redact.ForDisplay(pair.Destination)}': {TitleOf(dst)} paths cannot be written; copy to {StoresThat(c => c.CanWrite)}", errorId: "DestinationNotWritable");
        if (options.Move && !Capabilities(src).CanDelete)
            throw new OperationException(pair.Source, $"'{Redact.ForDisplay(pair.Source)}': a {TitleOf(src)} source cannot be moved (it cannot be deleted); use Copy-MediaFile", errorId: "SourceNotDeletable");
        if (src.Canonical == dst.Canonical)
            throw new OperationException(pair.Source, $"'{Redact.ForDisplay(pair.Source)}' is its own destination", errorId: "SameSourceAndDestination");
        var (srcStore, srcOps) = StoreOf(src);
        var (dstStore, dstOps) = StoreOf(dst);
        if (dstOps is null)
            throw new OperationException(pair.Destination, $"the {dst.Store} store cannot be written", errorId: "DestinationNotWritable");

        // A destination the plan's listing did not find is written from the source's listed stat: no HEAD of either.
        var known = pair.DestinationAbsent && pair.SourceStat is not null;
        var srcStat = known ? pair.SourceStat! : await srcStore.StatAsync(src, ct).ConfigureAwait(false);
        progress?.Started(pair.Source, srcStat.Size);
        var dstStat = known ? null : await TryStatAsync(dstStore, dst, ct).ConfigureAwait(false);
        if (dstStat is not null && !options.Force)
        {
            string? why = options.NoClobber ? "the destination exists (-NoClobber)"
                : await Identity.SameAsync(src, srcStat, dst, dstStat, ct).ConfigureAwait(false) ? "the destination is identical" : null;
            if (why is not null)
            {
                progress?.Transferred(srcStat.Size);
                if (options.Move && !options.NoClobber)
                {
                    await DeleteSourceAsync(src, srcOps!, ct).ConfigureAwait(false);
                    return Result(pair, TransferStatus.Moved, dstStat, "identical destination; source removed", clock);
                }
                return Result(pair, TransferStatus.Skipped, dstStat, why, clock);
            }
        }

        if (options.Move && src.IsLocal && dst.IsLocal && LocalStore.TryRename(src.Key, dst.Key, overwrite: !options.NoClobber))
        {
            var st = await dstStore.StatAsync(dst, ct).ConfigureAwait(false);
            progress?.Transferred(srcStat.Size);
            return Result(pair, TransferStatus.Moved, st, "rename", clock);
        }

        RemoteStat? written = null;
        var method = "server-side";
        var upload = options.Upload with { IfNotExists = options.NoClobber };
        if (CopiesServerSide(src, dst) && dstOps is not null)
        {
            written = await dstOps.CopyWithinAsync(src, srcStat, dst, upload, ct).ConfigureAwait(false);
            if (written is not null) progress?.Transferred(srcStat.Size);
        }
        if (written is null)
        {
            method = "streamed";
            long sent = 0;
            // The whole transfer is one attempt of the retry policy: a transient failure re-reads the source from the start.
            written = await RetryPolicy.Default.RunAsync(async attempt =>
            {
                if (sent > 0) { progress?.Transferred(-sent); sent = 0; }
                await using var body = await srcStore.OpenReadAsync(src, srcStat, null, ct).ConfigureAwait(false);
                await using var counted = new ProgressStream(body, srcStat.Size, n => { sent += n; progress?.Transferred(n); });
                return await dstOps!.WriteAsync(dst, counted, srcStat.Size, upload, ct).ConfigureAwait(false);
            }, $"copying '{Redact.ForDisplay(pair.Source)}'", cache.Log, ct).ConfigureAwait(false);
        }
        Verify(pair, srcStat, written);
        await CacheCoherence.DropAsync(cache, dst, ct).ConfigureAwait(false);
        if (options.Move)
        {
            await DeleteSourceAsync(src, srcOps!, ct).ConfigureAwait(false);
            return Result(pair, TransferStatus.Moved, written, method, clock);
        }
        return Result(pair, TransferStatus.Copied, written, method, clock);
    }

    /// <summary>After the destination was verified: the source goes, and its cached copy with it.</summary>
    async Task DeleteSourceAsync(MediaRef src, IStoreOperations ops, CancellationToken ct)
    {
        await ops.DeleteAsync(src, ct).ConfigureAwait(false);
        await CacheCoherence.DropAsync(cache, src, ct).ConfigureAwait(false);
    }

    static void Verify(TransferPair pair, RemoteStat src, RemoteStat written)
    {
        if (written.Size != src.Size)
            throw new StoreException(StoreErrorKind.Corrupt, $"'{Redact.ForDisplay(pair.Destination)}' holds {written.Size} bytes where the source has {src.Size}");
        if (src.Checksum is { } a && written.Checksum is { } b && a.Split(':')[0] == b.Split(':')[0] && a != b)
            throw new StoreException(StoreErrorKind.Corrupt, $"'{Redact.ForDisplay(pair.Destination)}' has checksum {b} where the source has {a}");
    }

    static TransferResult Result(TransferPair pair, TransferStatus status, RemoteStat stat, string method, Stopwatch clock) => new()
    {
        Path = pair.Destination, Source = pair.Source, Status = status, Size = stat.Size, ETag = stat.ETag, Checksum = stat.Checksum, Method = method, Duration = clock.Elapsed,
    };

    static async Task<RemoteStat?> TryStatAsync(IObjectStore store, MediaRef m, CancellationToken ct)
    {
        try { return await store.StatAsync(m, ct).ConfigureAwait(false); }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound) { return null; }
    }

    // ---- delete_files -----------------------------------------------------------------------------------------

    /// <summary>The files one path means: itself (given literally), or with -Recurse everything under a folder (listed).</summary>
    public async Task<List<DeleteTarget>> PlanDeleteAsync(string path, bool recurse, CancellationToken ct)
    {
        var m = Parse(path);
        if (!Capabilities(m).CanDelete)
            throw new OperationException(path, $"'{Redact.ForDisplay(path)}': {TitleOf(m)} paths cannot be deleted", errorId: "DestinationNotWritable");
        if (IsFolderText(path) || m.IsLocal && Directory.Exists(m.Key))
        {
            if (!recurse) throw new OperationException(path, $"'{Redact.ForDisplay(path)}' is a folder: add -Recurse to delete what is under it", errorId: "SourceIsFolder");
            return (await ListAsync(path, recurse: true, relative: false, includeHidden: true, ct).ConfigureAwait(false)).Select(f => new DeleteTarget(f.Path, Listed: true)).ToList();
        }
        return [new DeleteTarget(path, Listed: false)];
    }

    bool NeedsExistenceCheck(string path)
    {
        try { var m = Parse(path); return !m.IsLocal && !Capabilities(m).DeleteReportsMissing; }
        catch (InvalidMediaPathException) { return false; } // reported by the delete itself
    }

    /// <summary>
    /// Deletes files; many of one store that deletes in batches (S3 DeleteObjects) go together. One outcome per path.
    /// A path given literally on a store whose deletes do not say whether the object was there
    /// (<see cref="StoreCapabilities.DeleteReportsMissing"/>) is looked up first, so a missing one is an error as on
    /// every other store; paths a listing found are not.
    /// </summary>
    public async IAsyncEnumerable<Outcome<string, TransferResult>> DeleteAsync(IReadOnlyList<DeleteTarget> targets, int workers, OperationProgress? progress,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var check = targets.Where(t => !t.Listed && NeedsExistenceCheck(t.Path)).Select(t => t.Path).Distinct(StringComparer.Ordinal).ToList();
        var missing = new HashSet<string>(StringComparer.Ordinal);
        if (check.Count > 0)
        {
            var looked = OperationRunner.Run(check, workers, async (p, token) =>
            {
                var m = Parse(p);
                return await TryStatAsync(StoreOf(m).Read, m, token).ConfigureAwait(false) is not null;
            }, ct);
            await foreach (var o in looked.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (o.Error is null && o.Result) continue;
                missing.Add(o.Input);
                yield return new(o.Input, null, o.Error ?? new OperationException(o.Input, $"'{Redact.ForDisplay(o.Input)}' was not found", errorId: "ObjectNotFound"));
            }
        }
        var paths = targets.Select(t => t.Path).Where(p => !missing.Contains(p)).ToList();
        var batched = new List<(string Path, MediaRef Ref, IBatchDelete Store)>();
        var single = new List<string>();
        foreach (var p in paths)
        {
            MediaRef? m = null;
            try { m = Parse(p); }
            catch (InvalidMediaPathException) { single.Add(p); continue; } // reported by the per-item path below
            if (!m.IsLocal && Capabilities(m).CanDelete && cache.Stores.Get(m.Store) is IBatchDelete b && paths.Count > 1) batched.Add((p, m, b));
            else single.Add(p);
        }
        foreach (var group in batched.GroupBy(x => x.Store))
        foreach (var chunk in group.Chunk(1000))
        {
            IReadOnlyList<StoreException?>? errors = null;
            Exception? all = null;
            try { errors = await group.Key.DeleteManyAsync(chunk.Select(c => c.Ref).ToList(), ct).ConfigureAwait(false); }
            catch (StoreException e) { all = e; }
            for (var i = 0; i < chunk.Length; i++)
            {
                var err = all ?? errors![i];
                if (err is null) await CacheCoherence.DropAsync(cache, chunk[i].Ref, ct).ConfigureAwait(false);
                yield return err is null
                    ? new(chunk[i].Path, new TransferResult { Path = chunk[i].Path, Status = TransferStatus.Removed, Method = "batch" }, null)
                    : new(chunk[i].Path, null, err);
            }
        }
        var reader = OperationRunner.Run(single, workers, async (p, token) =>
        {
            var m = Parse(p);
            var (_, ops) = StoreOf(m);
            if (ops is null) throw new OperationException(p, $"the {m.Store} store cannot delete", errorId: "DestinationNotWritable");
            var existed = await ops.DeleteAsync(m, token).ConfigureAwait(false);
            await CacheCoherence.DropAsync(cache, m, token).ConfigureAwait(false);
            if (!existed && Capabilities(m).DeleteReportsMissing) throw new OperationException(p, $"'{Redact.ForDisplay(p)}' was not found", errorId: "ObjectNotFound");
            return new TransferResult { Path = p, Status = TransferStatus.Removed, Method = "delete" };
        }, ct);
        await foreach (var o in reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (o.Result is not null) progress?.Transferred(0);
            yield return o;
        }
    }
}

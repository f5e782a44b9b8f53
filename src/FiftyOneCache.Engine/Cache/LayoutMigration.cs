using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Moves a cache written before layout 2 (<c>{cache_dir}/s3/b/k</c>) to FiftyOne's layout (<c>{cache_dir}/media/s3/b/k</c>)
/// in place, the first time a new version opens it: nothing is downloaded again and sizes, ETags and last-access
/// times stay in their rows.
/// <para>
/// Crash safety: the index rows are rewritten in the same transaction that records a journal entry
/// (<c>layout_migration</c> in the meta table); the store directories are then renamed whole (one rename per store,
/// atomic on one file system); a last transaction drops the journal and records <c>layout = 2</c>. A run that finds
/// the journal (a crash in between) only finishes the renames, which are idempotent: a source that is gone with its
/// target present is done. Processes take <c>layout.lock</c> for the whole run, so a second one waits and then finds
/// the new layout.
/// </para>
/// </summary>
public sealed class LayoutMigration
{
    public const string CurrentLayout = "2";
    public const string LayoutKey = "layout";
    public const string JournalKey = "layout_migration";
    const string Prefix = CacheLayout.MediaDir + "/";

    readonly string _cacheDir;
    readonly CacheIndex _index;
    readonly IEngineLog _log;

    public LayoutMigration(string cacheDir, CacheIndex index, IEngineLog? log = null)
    {
        _cacheDir = cacheDir;
        _index = index;
        _log = log ?? NullLog.Instance;
    }

    /// <summary>The lock every process takes while it checks or migrates the layout.</summary>
    public static NamedLock LockFor(string cacheDir) => new(Path.Combine(cacheDir, Paths.CacheLayout.MetaDir, "layout.lock"));

    /// <summary>Brings the cache at <paramref name="cacheDir"/> to the current layout; a no-op when it is there.</summary>
    public static void Ensure(string cacheDir, CacheIndex index, IEngineLog log) => new LayoutMigration(cacheDir, index, log).Run();

    /// <summary>True when there is something to do: old store directories, rows outside media/, or an unfinished run.</summary>
    public bool IsNeeded() =>
        _index.Meta.Get(LayoutKey) != CurrentLayout || _index.Meta.Get(JournalKey) is not null || OldStoreDirs().Any();

    public void Run()
    {
        if (!IsNeeded()) return; // the common case costs two meta reads and a few stat calls, no lock
        using (LockFor(_cacheDir).AcquireAsync(CancellationToken.None).GetAwaiter().GetResult())
        {
            // Re-check under the lock: another process may have finished while this one waited.
            if (!IsNeeded()) return;
            var old = OldStoreDirs().ToList();
            var rows = _index.Meta.Get(JournalKey) is null ? RewriteIndex() : 0;
            foreach (var dir in old) MoveStoreDirectory(dir);
            Finish();
            if (old.Count > 0 || rows > 0)
                _log.Verbose($"Moved the cache in {_cacheDir} to FiftyOne's layout (media/<store>/<bucket>/<key>): " +
                             $"{rows} indexed file(s) kept, nothing downloaded again");
        }
    }

    /// <summary>Step 1: every row gets the media/ prefix, and the journal says the files are to follow, in one transaction.</summary>
    public int RewriteIndex() =>
        _index.Meta.PrefixPaths(Prefix, new Dictionary<string, string?> { [JournalKey] = "moving-files" });

    /// <summary>Step 2, per store directory: one rename, or a merge into a target that already exists. Idempotent.</summary>
    public void MoveStoreDirectory(string store)
    {
        var src = Path.Combine(_cacheDir, store);
        var dst = Path.Combine(_cacheDir, CacheLayout.MediaDir, store);
        if (!Directory.Exists(src)) return; // done by an earlier run
        FilePermissions.CreateOwnerOnlyDirectory(Path.Combine(_cacheDir, CacheLayout.MediaDir));
        try
        {
            if (!Directory.Exists(dst))
            {
                Directory.Move(src, dst);
                return;
            }
        }
        catch (IOException) when (Directory.Exists(src) && !Directory.Exists(dst))
        {
            // The rename was refused (an open handle on Windows, another volume): move file by file instead.
        }
        Merge(src, dst);
    }

    /// <summary>Step 3: the journal goes and the layout version is recorded, in one transaction.</summary>
    public void Finish() =>
        _index.Meta.Set(new Dictionary<string, string?> { [JournalKey] = null, [LayoutKey] = CurrentLayout });

    IEnumerable<string> OldStoreDirs() => StoreBackends.LegacyLayoutDirs.Distinct().Where(d => Directory.Exists(Path.Combine(_cacheDir, d)));

    /// <summary>
    /// Moves every file of <paramref name="src"/> under <paramref name="dst"/>. A file already at the target is the one
    /// the index describes (rows already under media/ won over old ones), so the old copy goes.
    /// </summary>
    void Merge(string src, string dst)
    {
        foreach (var file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories).ToList())
        {
            var target = Path.Combine(dst, Path.GetRelativePath(src, file));
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (File.Exists(target)) File.Delete(file);
                else File.Move(file, target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot finish moving the cache in {_cacheDir} to FiftyOne's layout: {file}: {e.Message}. " +
                                      "Close other programs that use the cache and run the command again; the move resumes where it stopped.", e);
            }
        }
        DeleteEmptyTree(src);
    }

    static void DeleteEmptyTree(string dir)
    {
        foreach (var sub in Directory.EnumerateDirectories(dir)) DeleteEmptyTree(sub);
        if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
    }
}

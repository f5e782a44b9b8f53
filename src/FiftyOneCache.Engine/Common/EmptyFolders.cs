namespace FiftyOneCache.Engine;

/// <summary>
/// Folders left empty by a delete: removed up the tree, stopping at the first that holds anything (FiftyOne's rule
/// for delete_files), or at a root that is never removed (the cache directory). Shared by the cache's removals and
/// the local store's deletes.
/// </summary>
public static class EmptyFolders
{
    /// <summary>Removes <paramref name="dir"/> and its parents while they are empty; never <paramref name="stopAt"/> or above it.</summary>
    public static void RemoveUpward(string? dir, string? stopAt = null)
    {
        var root = stopAt is null ? null : Path.GetFullPath(stopAt).TrimEnd(Path.DirectorySeparatorChar);
        while (!string.IsNullOrEmpty(dir) && Path.GetPathRoot(dir) != dir)
        {
            if (root is not null && !(dir.Length > root.Length && dir.StartsWith(root, StringComparison.Ordinal))) return;
            try
            {
                if (!Directory.Exists(dir) || Directory.EnumerateFileSystemEntries(dir).Any()) return;
                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
            dir = Path.GetDirectoryName(dir);
        }
    }

    /// <summary>Removes every empty folder under <paramref name="dir"/>, and <paramref name="dir"/> itself if it ends empty.</summary>
    public static void RemoveTree(string dir)
    {
        try
        {
            foreach (var sub in Directory.EnumerateDirectories(dir)) RemoveTree(sub);
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

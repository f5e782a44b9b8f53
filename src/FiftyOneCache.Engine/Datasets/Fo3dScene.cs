using System.Text.Json;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// FiftyOne's .fo3d scene files (fiftyone.core.threed): a JSON scene graph whose nodes reference assets by path:
/// point clouds (pcdPath), meshes (objPath with mtlPath, plyPath, stlPath, gltfPath, fbxPath) and the background
/// (image, or the six faces in cube). FiftyOne writes the keys in camelCase and reads snake_case too; files written
/// by early versions used *_url. A relative path is relative to the scene file's own directory, wherever it lives.
/// </summary>
public static class Fo3dScene
{
    // Compared without case and without '_', so pcdPath, pcd_path and PcdPath are one key.
    static readonly HashSet<string> AssetKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "pcdpath", "plypath", "objpath", "mtlpath", "fbxpath", "stlpath", "gltfpath",
        "pcdurl", "plyurl", "objurl", "mtlurl", "fbxurl", "stlurl", "gltfurl",
    };

    public static bool IsScene(string path)
    {
        var end = path.IndexOfAny(new[] { '?', '#' }, Math.Max(0, path.IndexOf("://", StringComparison.Ordinal) + 3));
        return (end < 0 ? path : path[..end]).EndsWith(".fo3d", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The asset paths the scene references, as written, each once, in order of appearance.</summary>
    public static IReadOnlyList<string> AssetPaths(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var found = new List<string>();
        Walk(doc.RootElement, found, inBackground: false);
        return found.Distinct(StringComparer.Ordinal).ToList();
    }

    static void Walk(JsonElement e, List<string> found, bool inBackground)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var key = p.Name.Replace("_", "");
                    if (p.Value.ValueKind == JsonValueKind.String && (AssetKeys.Contains(key) || inBackground && key.Equals("image", StringComparison.OrdinalIgnoreCase)))
                        Add(found, p.Value.GetString());
                    else if (inBackground && key.Equals("cube", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var face in p.Value.EnumerateArray())
                            if (face.ValueKind == JsonValueKind.String) Add(found, face.GetString());
                    }
                    else Walk(p.Value, found, key.Equals("background", StringComparison.OrdinalIgnoreCase));
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) Walk(item, found, false);
                break;
        }
    }

    static void Add(List<string> found, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path)) found.Add(path.Trim());
    }

    /// <summary>
    /// Where an asset is: an absolute path or URL as it is; a relative one joined to the scene's directory and
    /// normalised, as FiftyOne's Scene does (s3://b/scenes/a.fo3d + ../pcd/x.pcd = s3://b/pcd/x.pcd). Null when
    /// the relative path climbs above the bucket (or host) that holds the scene.
    /// </summary>
    public static string? Resolve(string scenePath, string assetPath)
    {
        if (assetPath.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(assetPath) || assetPath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return assetPath;
        var sep = scenePath.IndexOf("://", StringComparison.Ordinal);
        if (sep < 0) // a local scene: the file system resolves it
            return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(scenePath)) ?? "", assetPath));
        var rootEnd = scenePath.IndexOf('/', sep + 3);
        if (rootEnd < 0) return null;
        var q = scenePath.IndexOfAny(new[] { '?', '#' }, rootEnd);
        var key = q < 0 ? scenePath[(rootEnd + 1)..] : scenePath[(rootEnd + 1)..q];
        var parts = key.Split('/').SkipLast(1).ToList(); // the scene's directory
        foreach (var seg in assetPath.Replace('\\', '/').Split('/'))
        {
            if (seg is "" or ".") continue;
            if (seg == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(seg);
        }
        return $"{scenePath[..rootEnd]}/{string.Join('/', parts)}";
    }
}

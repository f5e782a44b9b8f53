using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// Which of a dataset's media to take, with FiftyOne's defaults (download_media(media_fields=None,
/// group_slices=None, include_assets=True)): every field in app_config.media_fields, every group slice, and the
/// assets of .fo3d scenes.
/// </summary>
public sealed record MediaSelection(IReadOnlyList<string>? MediaFields = null, bool IncludeAssets = true)
{
    /// <summary>FiftyOne's compute_metadata describes a sample's filepath only, never its other media or assets.</summary>
    public static readonly MediaSelection FilePathOnly = new(new[] { "filepath" }, IncludeAssets: false);
}

/// <summary>
/// Streams a dataset's media files, one <see cref="SampleRef"/> each, in sample (_id) order and, within a sample, in
/// media-field order; the assets of a 3D scene follow the scene. Samples without a field are skipped for that field.
/// </summary>
public sealed class DatasetMediaReader(FiftyOneDataset dataset)
{
    /// <summary>Gives a scene file's text (reading or fetching the scene), or null when it cannot be had.</summary>
    public Func<string, string?>? ReadScene { get; init; }

    /// <summary>Gives a scene file's text only if it is at hand already (never fetches); used with <see cref="DeferAssets"/>.</summary>
    public Func<string, string?>? PeekScene { get; init; }

    /// <summary>
    /// For commands that download: a scene goes downstream first and its assets follow once the scene's copy is
    /// there (checked after each later sample; at the end <see cref="ReadScene"/> waits for or fetches what is left),
    /// so the scene is downloaded once, by the command's own pipeline, and reported as such.
    /// Without it the assets are listed before the scene goes downstream (a consumer may remove the scene).
    /// </summary>
    public bool DeferAssets { get; init; }

    /// <summary>Told about a scene whose assets cannot be listed (not valid JSON, or an asset path that leaves its bucket).</summary>
    public Action<string>? Warn { get; init; }

    public IReadOnlyList<string> FieldsFor(MediaSelection selection)
    {
        if (selection.MediaFields is not { Count: > 0 } wanted) return dataset.MediaFields;
        var unknown = wanted.Where(f => !dataset.MediaFields.Contains(f)).ToList();
        if (unknown.Count > 0)
            throw new DatasetException($"Dataset '{dataset.Name}' has no media field {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                                       $"its media fields (app_config.media_fields) are {string.Join(", ", dataset.MediaFields)}", DatasetErrorKind.InvalidArgument);
        return wanted.Distinct().ToList();
    }

    /// <summary>Checks fields and slices up front (throws <see cref="DatasetException"/>), without MongoDB types in its signature.</summary>
    public void Check(SampleFilter filter, MediaSelection selection)
    {
        FieldsFor(selection);
        dataset.Query(filter);
    }

    public IEnumerable<SampleRef> Stream(SampleFilter filter, MediaSelection selection, CancellationToken ct = default)
    {
        var fields = FieldsFor(selection);
        var projection = new BsonDocument { ["_media_type"] = 1, ["metadata._cls"] = 1 };
        foreach (var f in fields) projection[f] = 1;
        if (dataset.GroupField is { } gf) projection[gf + ".name"] = 1;
        var options = new FindOptions<BsonDocument, BsonDocument> { BatchSize = FiftyOneDataset.BatchSize, Projection = projection, Sort = new BsonDocument("_id", 1) };
        var pending = new List<SampleRef>(); // scenes sent downstream whose assets are still to come (DeferAssets)
        using var cursor = dataset.Samples.FindSync(dataset.Query(filter), options, ct);
        while (cursor.MoveNext(ct))
            foreach (var d in cursor.Current)
            {
                var sample = new SampleRef(d["_id"].AsObjectId, "", d.TryGetValue("_media_type", out var mt) && mt.IsString ? mt.AsString : null,
                    d.TryGetValue("metadata", out var md) && md.IsBsonDocument)
                {
                    GroupSlice = dataset.GroupField is { } g && ValueAt(d, g + ".name") is { IsString: true } s ? s.AsString : null,
                };
                foreach (var field in fields)
                {
                    var path = ValueAt(d, field) is { IsString: true } v ? v.AsString : null;
                    // A sample without filepath is broken and reported as such downstream; other fields are optional.
                    if (string.IsNullOrEmpty(path) && field != "filepath") continue;
                    var item = sample with { FilePath = path ?? "", Field = field };
                    var isScene = selection.IncludeAssets && path is not null && Fo3dScene.IsScene(path);
                    if (!isScene) { yield return item; continue; }
                    if (DeferAssets)
                    {
                        yield return item;
                        pending.Add(item);
                        continue;
                    }
                    var assets = AssetItems(item, ReadScene).ToList();
                    yield return item;
                    foreach (var a in assets) yield return a;
                }
                for (var i = 0; i < pending.Count; i++)
                {
                    if (PeekScene?.Invoke(pending[i].FilePath) is not { } json) continue;
                    foreach (var a in AssetItems(pending[i], _ => json)) yield return a;
                    pending.RemoveAt(i--);
                }
            }
        foreach (var scene in pending)
            foreach (var a in AssetItems(scene, ReadScene)) yield return a;
    }

    IEnumerable<SampleRef> AssetItems(SampleRef scene, Func<string, string?>? read) =>
        Assets(scene.FilePath, read).Select(a => scene with { FilePath = a, Scene = scene.FilePath });

    IEnumerable<string> Assets(string scene, Func<string, string?>? read)
    {
        var json = read?.Invoke(scene);
        if (json is null) return Array.Empty<string>();
        IReadOnlyList<string> written;
        try { written = Fo3dScene.AssetPaths(json); }
        catch (System.Text.Json.JsonException e)
        {
            Warn?.Invoke($"{scene}: not a valid .fo3d scene, its assets are skipped: {e.Message}");
            return Array.Empty<string>();
        }
        var resolved = new List<string>();
        foreach (var a in written)
        {
            if (Fo3dScene.Resolve(scene, a) is { } r) resolved.Add(r);
            else Warn?.Invoke($"{scene}: asset '{a}' points above the scene's bucket and is skipped");
        }
        return resolved.Distinct(StringComparer.Ordinal);
    }

    /// <summary>The value at a dotted path (embedded documents), or null.</summary>
    static BsonValue? ValueAt(BsonDocument d, string path)
    {
        BsonValue cur = d;
        foreach (var part in path.Split('.'))
        {
            if (!cur.IsBsonDocument || !cur.AsBsonDocument.TryGetValue(part, out var next)) return null;
            cur = next;
        }
        return cur;
    }
}

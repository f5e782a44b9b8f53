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
/// media-field order, each 3D scene followed by its assets. Samples without a field are skipped for that field.
/// </summary>
public sealed class DatasetMediaReader(FiftyOneDataset dataset)
{
    /// <summary>Gives a scene file's text (reading or fetching the scene), or null when it cannot be had.</summary>
    public Func<string, string?>? ReadScene { get; init; }

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

    public IEnumerable<SampleRef> Stream(SampleFilter filter, MediaSelection selection, CancellationToken ct = default)
    {
        var fields = FieldsFor(selection);
        var projection = new BsonDocument { ["_media_type"] = 1, ["metadata._cls"] = 1 };
        foreach (var f in fields) projection[f] = 1;
        if (dataset.GroupField is { } gf) projection[gf + ".name"] = 1;
        var options = new FindOptions<BsonDocument, BsonDocument> { BatchSize = FiftyOneDataset.BatchSize, Projection = projection, Sort = new BsonDocument("_id", 1) };
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
                    // Assets are listed before the scene is handed on: a consumer that clears the scene must not
                    // take away the copy they are read from.
                    var assets = selection.IncludeAssets && path is not null && Fo3dScene.IsScene(path) ? Assets(path).ToList() : null;
                    yield return item;
                    foreach (var asset in assets ?? Enumerable.Empty<string>()) yield return item with { FilePath = asset, Scene = path };
                }
            }
    }

    IEnumerable<string> Assets(string scene)
    {
        var json = ReadScene?.Invoke(scene);
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

using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// FiftyOne label types and the CVAT label (<c>PatchedLabelRequest</c>) shape that annotates them, following
/// the label types FiftyOne's CVAT backend supports (CVATBackend.supported_label_types).
/// </summary>
public static class CvatLabels
{
    /// <summary>FiftyOne label type → CVAT label "type" (the tool annotators get).</summary>
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["classification"] = "tag",
        ["classifications"] = "tag",
        ["detection"] = "rectangle",
        ["detections"] = "rectangle",
        ["instance"] = "polygon",
        ["instances"] = "polygon",
        ["polygon"] = "polygon",
        ["polygons"] = "polygon",
        ["polyline"] = "polyline",
        ["polylines"] = "polyline",
        ["keypoint"] = "points",
        ["keypoints"] = "points",
        ["segmentation"] = "mask",
    };

    public static IEnumerable<string> Supported => Types.Keys;

    /// <summary>The canonical (lower-case) FiftyOne label type, or a validation error naming the supported ones.</summary>
    public static string Normalize(string labelType) =>
        Types.ContainsKey(labelType) ? labelType.ToLowerInvariant()
            : throw new AnnotationValidationException($"Label type '{labelType}' is not supported with CVAT; use one of: {string.Join(", ", Types.Keys)}");

    public static JsonArray Build(string labelType, IReadOnlyList<string> classes)
    {
        var type = Types[Normalize(labelType)];
        var names = classes.Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        if (names.Count == 0)
            throw new AnnotationValidationException("Classes are required: CVAT needs at least one label (-Classes cat, dog)");
        var dupes = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) throw new AnnotationValidationException($"Duplicate class(es): {string.Join(", ", dupes)}");
        var tooLong = names.Where(n => n.Length > 64).ToList();
        if (tooLong.Count > 0) throw new AnnotationValidationException($"CVAT label names are at most 64 characters: {string.Join(", ", tooLong)}");
        return new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["type"] = type, ["attributes"] = new JsonArray() }).ToArray());
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// A CVAT dataset manifest (manifest.jsonl), per CVAT's dataset-manifest specification
/// (site/content/en/docs/manual/advanced/dataset_manifest.md; validators in utils/dataset_manifest/core.py):
/// line 1 <c>{"version":"1.0"|"1.1"}</c>, line 2 <c>{"type":"images"|"video"}</c>, then for images one JSON
/// object per image with <c>name</c> (relative to the manifest's directory, no extension), <c>extension</c>
/// (with the dot), <c>width</c>, <c>height</c>; for video one <c>{"properties":{"name","resolution","length"}}</c>
/// line followed by key-frame lines. Checked here so a bad manifest fails before CVAT is asked for anything:
/// CVAT itself only finds out in its background job, after the task exists.
/// </summary>
public sealed class CvatManifest
{
    public static readonly string[] SupportedVersions = ["1.0", "1.1"];

    CvatManifest(string version, string type) { Version = version; Type = type; }

    public string Version { get; }
    /// <summary>"images" or "video".</summary>
    public string Type { get; }
    public bool IsVideo => Type == "video";
    /// <summary>Image entries as full names relative to the manifest directory (name + extension), in file order.</summary>
    public IReadOnlyList<string> Images => _images;
    /// <summary>The video's name (relative to the manifest directory) for a video manifest.</summary>
    public string? VideoName { get; private set; }
    public int? VideoLength { get; private set; }

    readonly List<string> _images = new();
    readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public bool Contains(string relativeName) => IsVideo ? VideoName == relativeName : _names.Contains(relativeName);

    public static CvatManifest Parse(string text, string source)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0) count--; // one trailing newline is normal
        if (count < 2) throw Bad(source, 0, "a manifest starts with a version line and a type line");
        var version = Field(Line(lines[0], source, 1), "version", source, 1);
        if (!SupportedVersions.Contains(version))
            throw Bad(source, 1, $"unsupported manifest version '{version}' (CVAT reads {string.Join(", ", SupportedVersions)})");
        var type = Field(Line(lines[1], source, 2), "type", source, 2);
        if (type is not ("images" or "video")) throw Bad(source, 2, $"unknown manifest type '{type}' (expected images or video)");
        var m = new CvatManifest(version, type);
        for (var i = 2; i < count; i++)
        {
            if (lines[i].Trim().Length == 0) throw Bad(source, i + 1, "blank line (every entry is on exactly one line, no blank lines)");
            var o = Line(lines[i], source, i + 1);
            if (m.IsVideo) m.AddVideoLine(o, source, i + 1);
            else m.AddImage(o, source, i + 1);
        }
        if (m.IsVideo && m.VideoName is null) throw Bad(source, 3, "a video manifest needs a {\"properties\":{\"name\":…}} line");
        if (!m.IsVideo && m._images.Count == 0) throw Bad(source, 3, "the manifest lists no images");
        return m;
    }

    void AddImage(JsonObject o, string source, int line)
    {
        var name = o["name"] is JsonValue nv && nv.TryGetValue<string>(out var n) ? n : null;
        var ext = o["extension"] is JsonValue ev && ev.TryGetValue<string>(out var e) ? e : null;
        if (string.IsNullOrEmpty(name)) throw Bad(source, line, "an image entry needs a string \"name\"");
        if (ext is null || (ext.Length > 0 && !ext.StartsWith('.'))) throw Bad(source, line, $"image '{name}' needs an \"extension\" such as \".jpg\" (with the dot)");
        // CVAT reads width/height of every image it uses when creating a task from a cloud manifest.
        if (!IsInt(o["width"]) || !IsInt(o["height"])) throw Bad(source, line, $"image '{name}{ext}' needs integer \"width\" and \"height\"");
        var full = name + ext;
        if (!_names.Add(full)) throw Bad(source, line, $"image '{full}' is listed twice");
        _images.Add(full);
    }

    void AddVideoLine(JsonObject o, string source, int line)
    {
        if (o["properties"] is JsonObject p)
        {
            if (VideoName is not null) throw Bad(source, line, "a video manifest describes one video only");
            VideoName = p["name"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : throw Bad(source, line, "video properties need a \"name\"");
            VideoLength = IsInt(p["length"]) ? p["length"]!.GetValue<int>() : throw Bad(source, line, "video properties need an integer \"length\"");
            return;
        }
        if (VideoName is null) throw Bad(source, line, "the video properties line must come before key frames");
        if (!IsInt(o["number"])) throw Bad(source, line, "a key-frame line needs an integer \"number\"");
    }

    static bool IsInt(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out _);

    static JsonObject Line(string text, string source, int line)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw Bad(source, line, "each line must be a JSON object");
        }
        catch (JsonException e) { throw Bad(source, line, $"not valid JSON ({e.Message})"); }
    }

    static string Field(JsonObject o, string name, string source, int line) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(source, line, $"expected {{\"{name}\": …}} on line {line}");

    static InvalidCvatManifestException Bad(string source, int line, string why) =>
        new($"'{source}' is not a valid CVAT manifest{(line > 0 ? $" (line {line})" : "")}: {why}");
}

public sealed class InvalidCvatManifestException(string message) : Exception(message);

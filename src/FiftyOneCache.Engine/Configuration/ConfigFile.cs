using System.Text.Json;
using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Configuration;

/// <summary>Writes FiftyOne's JSON config file in place, keeping every key this module does not manage.</summary>
public static class ConfigFile
{
    public static void Update(string path, IReadOnlyDictionary<string, object?> changes, IEnumerable<string>? remove = null)
    {
        JsonObject root = new();
        if (File.Exists(path))
        {
            foreach (var (k, v) in ConfigLoader.ReadFile(path))
                root[k] = JsonNode.Parse(v.GetRawText());
        }
        foreach (var (key, value) in changes)
        {
            var parsed = ConfigValues.Parse(key, value, $"parameter {key}");
            root[key] = parsed switch
            {
                null => null,
                long l => JsonValue.Create(l),
                int i => JsonValue.Create(i),
                bool b => JsonValue.Create(b),
                string s => JsonValue.Create(s),
                _ => JsonValue.Create(parsed.ToString()),
            };
        }
        foreach (var key in remove ?? Array.Empty<string>()) root.Remove(key);

        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(tmp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, path, overwrite: true);
    }
}

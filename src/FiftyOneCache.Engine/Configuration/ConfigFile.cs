using System.Text.Json;
using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Configuration;

/// <summary>
/// Writes FiftyOne's JSON config file in place, keeping every key this module does not manage exactly as it was
/// written (a value such as NaN, which Python writes and reads, survives a rewrite). The output is plain JSON that
/// Python's json.load reads.
/// </summary>
public static class ConfigFile
{
    public static void Update(string path, IReadOnlyDictionary<string, object?> changes, IEnumerable<string>? remove = null)
    {
        var root = new List<KeyValuePair<string, string>>(); // key -> JSON text, in file order
        if (File.Exists(path))
            foreach (var e in ConfigLoader.ReadFile(path)) root.Add(new(e.Key, e.RawJson));
        void Set(string key, string json)
        {
            var i = root.FindIndex(p => p.Key == key);
            if (i >= 0) root[i] = new(key, json);
            else root.Add(new(key, json));
        }
        foreach (var (key, value) in changes)
        {
            var parsed = ConfigValues.Parse(key, value, $"parameter {key}");
            JsonNode? node = parsed switch
            {
                null => null,
                long l => JsonValue.Create(l),
                int i => JsonValue.Create(i),
                bool b => JsonValue.Create(b),
                string s => JsonValue.Create(s),
                _ => JsonValue.Create(parsed.ToString()),
            };
            Set(key, node?.ToJsonString() ?? "null");
        }
        foreach (var key in remove ?? Array.Empty<string>()) root.RemoveAll(p => p.Key == key);
        var text = root.Count == 0 ? "{}" :
            "{\n" + string.Join(",\n", root.Select(p => $"  {JsonSerializer.Serialize(p.Key)}: {p.Value}")) + "\n}";

        Write(path, text);
    }

    /// <summary>The name a reset keeps the previous file under.</summary>
    public static string BackupPathOf(string path) => path + ".bak";

    /// <summary>
    /// Starts the file afresh (an empty object) whatever it holds, readable or not; the previous file is kept as
    /// <see cref="BackupPathOf"/> (replacing an older backup). Returns the backup's path, or null when there was no file.
    /// </summary>
    public static string? Reset(string path)
    {
        string? backup = null;
        if (File.Exists(path))
        {
            backup = BackupPathOf(path);
            File.Copy(path, backup, overwrite: true);
        }
        Write(path, "{}");
        return backup;
    }

    /// <summary>Temp file, then rename: a reader sees the old file or the new one, never half of one.</summary>
    static void Write(string path, string text)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(tmp, text + "\n");
        File.Move(tmp, path, overwrite: true);
    }
}

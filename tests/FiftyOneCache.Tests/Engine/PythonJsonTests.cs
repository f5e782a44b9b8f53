using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// media_cache_config.json is read as FiftyOne reads it: Python's json.load on a file opened in text mode. Each row
/// gives a file's text and what Python says about it (null: accepted). The module must say the same thing; when
/// python3 is on the machine, Python itself is asked about every row, so the table cannot drift from the oracle.
/// </summary>
public class PythonJsonTests
{
    public static readonly TheoryData<string, string?> Cases = new()
    {
        { """{"num_workers": 4, }""", "Expecting property name enclosed in double quotes: line 1 column 20 (char 19)" },
        { "{\"num_workers\": 4 // workers\n}", "Expecting ',' delimiter: line 1 column 19 (char 18)" },
        { "/* c */ {\"a\": 1}", "Expecting value: line 1 column 1 (char 0)" },
        { "{'a': 1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)" },
        { "{a: 1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)" },
        { "{\"a\": \"x\ty\"}", "Invalid control character at: line 1 column 9 (char 8)" },
        { """{"a": NaN}""", null },
        { """{"a": Infinity, "b": -Infinity}""", null },
        { """{"a": 1, "a": 2}""", null },
        { """{"a": [1, 2,]}""", "Expecting value: line 1 column 13 (char 12)" },
        { """{"a": 01}""", "Expecting ',' delimiter: line 1 column 8 (char 7)" },
        { """{"a": 1.}""", "Expecting ',' delimiter: line 1 column 8 (char 7)" },
        { """{"a": .5}""", "Expecting value: line 1 column 7 (char 6)" },
        { """{"a": 1e5, "b": -0.5E-3, "c": 0, "d": -0}""", null },
        { """{"a": "\x"}""", "Invalid \\escape: line 1 column 8 (char 7)" },
        { """{"a": "\u12G4"}""", "Invalid \\uXXXX escape: line 1 column 9 (char 8)" },
        { """{"a": "\ud83d\ude00 ok", "b": "\ud800", "c": "\u00e9\/"}""", null },
        { """{"a": 1} x""", "Extra data: line 1 column 10 (char 9)" },
        { "\uFEFF{\"a\": 1}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)" },
        { "", "Expecting value: line 1 column 1 (char 0)" },
        { "  \n ", "Expecting value: line 2 column 2 (char 4)" },
        { """{"a": 1""", "Expecting ',' delimiter: line 1 column 8 (char 7)" },
        { """{"a" 1}""", "Expecting ':' delimiter: line 1 column 6 (char 5)" },
        { """{"a": tru}""", "Expecting value: line 1 column 7 (char 6)" },
        { "{\"a\":\n  [1,\n   2,,]}", "Expecting value: line 3 column 6 (char 17)" },
        { "{\"\u00e9\U0001F600\": \"x\", \"b\": ,}", "Expecting value: line 1 column 18 (char 17)" },
        { """{"a": "unterminated}""", "Unterminated string starting at: line 1 column 7 (char 6)" },
        { """{"a": +1}""", "Expecting value: line 1 column 7 (char 6)" },
        { """{"a": -}""", "Expecting value: line 1 column 7 (char 6)" },
        { """{"a": nan}""", "Expecting value: line 1 column 7 (char 6)" },
        { "{\"a\": 1}\r\n", null },
        { "{\"a\":\r\n 1,\r\n}", "Expecting property name enclosed in double quotes: line 3 column 1 (char 10)" },
        { "{\"a\": \"x\ry\"}", "Invalid control character at: line 1 column 9 (char 8)" },
        { """{"a": 1e}""", "Expecting ',' delimiter: line 1 column 8 (char 7)" },
        { """{"a": -Infinity1}""", "Expecting ',' delimiter: line 1 column 16 (char 15)" },
        { """{"a": {"b": [true, false, null, {"c": "d"}]}}""", null },
        { """{"a": "\u12"}""", "Invalid \\uXXXX escape: line 1 column 9 (char 8)" },
        { "[1, 2]", null },
        { "{\"a\": 1}\u00a0", "Extra data: line 1 column 9 (char 8)" },
    };

    static string? ModuleSays(string text)
    {
        try { PythonJson.ParseTopLevelObject(text); return null; }
        catch (PythonJsonException e) { return e.Message; }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AcceptsAndRejectsWhatPythonDoesAtTheSamePlace(string text, string? python) => Assert.Equal(python, ModuleSays(text));

    /// <summary>Runs python3's json.load on every case (as files, in text mode, as FiftyOne opens them).</summary>
    static List<string?>? AskPython(IReadOnlyList<byte[]> files, string dir)
    {
        var paths = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            var p = Path.Combine(dir, $"case{i}.json");
            File.WriteAllBytes(p, files[i]);
            paths.Add(p);
        }
        const string script = """
            import json, sys
            out = []
            for p in json.load(sys.stdin):
                try:
                    with open(p, encoding="utf-8") as f:
                        json.load(f)
                    out.append(None)
                except json.JSONDecodeError as e:
                    out.append(str(e))
            print(json.dumps(out))
            """;
        ProcessStartInfo psi = new("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        Process? proc;
        try { proc = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception) { return null; } // no python3 here: the table stands on its own
        using (proc)
        {
            proc!.StandardInput.Write(JsonSerializer.Serialize(paths));
            proc.StandardInput.Close();
            var output = proc.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            return JsonSerializer.Deserialize<List<string?>>(output);
        }
    }

    [Fact]
    public void TheTableIsWhatPythonItselfSays()
    {
        using var dir = new TempDir();
        var rows = Cases.Select(r => ((string)r[0], (string?)r[1])).ToList();
        var python = AskPython(rows.Select(r => new UTF8Encoding(false).GetBytes(r.Item1)).ToList(), dir.Path);
        if (python is null) return;
        for (var i = 0; i < rows.Count; i++)
            Assert.True(rows[i].Item2 == python[i], $"case {i} {JsonSerializer.Serialize(rows[i].Item1)}: table says '{rows[i].Item2}', python says '{python[i]}'");
    }

    [Fact]
    public void ARejectedFileIsATerminatingErrorNamingFileLineAndColumn()
    {
        using var dir = new TempDir();
        var file = dir.Sub("media_cache_config.json");
        File.WriteAllText(file, "{\n  \"num_workers\": 4,\n}\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(env: _ => null, configPath: file));
        Assert.Contains(file, e.Message);
        Assert.Contains("Expecting property name enclosed in double quotes: line 3 column 1 (char 22)", e.Message);
    }

    [Fact]
    public void ARepeatedKeyKeepsItsLastValueAsPythonDoes()
    {
        using var dir = new TempDir();
        var file = dir.Sub("c.json");
        File.WriteAllText(file, """{"num_workers": 3, "cache_size_bytes": 5000, "num_workers": 9}""");
        Assert.Equal(9, ConfigLoader.Load(env: _ => null, configPath: file).NumWorkers);
    }

    [Theory]
    [InlineData("cache_size_bytes", "NaN")]
    [InlineData("num_workers", "Infinity")]
    [InlineData("download_size_bytes", "-Infinity")]
    public void NaNIsValidJsonButNotAValueForANumericKey(string key, string value)
    {
        using var dir = new TempDir();
        var file = dir.Sub("c.json");
        File.WriteAllText(file, $$"""{"{{key}}": {{value}}}""");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(env: _ => null, configPath: file));
        Assert.Equal(key, e.Key);
        Assert.Contains(value, e.Message);
        Assert.Contains("not finite", e.Message);
    }

    [Fact]
    public void AWrittenFileIsReadByPythonWithTheSameValuesAndForeignKeysKeptVerbatim()
    {
        using var dir = new TempDir();
        var file = dir.Sub("media_cache_config.json");
        File.WriteAllText(file, "{\"fiftyone_key\": NaN, \"nested\": {\"x\": [1, 2.5e3]}, \"num_workers\": 2, \"num_workers\": 3}");
        ConfigFile.Update(file, new Dictionary<string, object?>
        {
            ["cache_dir"] = "/tmp/caf\u00e9 \"q\"\\x", ["cache_size_bytes"] = 5000L, ["cache_app_images"] = true,
        }, new[] { "num_workers" });
        var text = File.ReadAllText(file);
        Assert.Contains("\"fiftyone_key\": NaN", text);
        Assert.Contains("[1, 2.5e3]", text);
        var c = ConfigLoader.Load(env: _ => null, configPath: file);
        Assert.Equal("/tmp/caf\u00e9 \"q\"\\x", c.CacheDir);
        Assert.Equal(Environment.ProcessorCount, c.NumWorkers);

        ProcessStartInfo psi = new("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); print(json.dumps([d['cache_dir'], d['cache_size_bytes'], d['cache_app_images'], 'num_workers' in d, d['nested'], str(d['fiftyone_key'])]))");
        psi.ArgumentList.Add(file);
        Process? proc;
        try { proc = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception) { return; }
        using (proc)
        {
            var output = proc!.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            Assert.True(proc.ExitCode == 0, proc.StandardError.ReadToEnd());
            Assert.Equal("""["/tmp/caf\u00e9 \"q\"\\x", 5000, true, false, {"x": [1, 2500.0]}, "nan"]""", output.Trim());
        }
    }
}

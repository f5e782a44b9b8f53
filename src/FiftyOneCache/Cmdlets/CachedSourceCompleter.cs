using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Hosting;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Completes -Path/-LiteralPath of the commands that act on what is cached (Get-MediaCacheEntry,
/// Remove-MediaCacheEntry, Clear-MediaCache, Get-MediaCacheStatistic) with the sources of cached entries that
/// start with what was typed, in the cache that -CacheDir on the same line (else the configuration) names.
/// Reads only: a cache directory that does not exist offers nothing and is not created; completion never fails
/// loudly.
/// </summary>
public sealed class CachedSourceCompleter : IArgumentCompleter
{
    const int MaxResults = 200;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = Unquote(wordToComplete ?? "");
        List<string> sources;
        try
        {
            var overrides = new Dictionary<string, object?>();
            if (fakeBoundParameters["CacheDir"] is string dir && dir.Length > 0) overrides[ConfigKeys.CacheDir] = ConfigValues.ExpandHome(dir);
            var config = ConfigLoader.Load(overrides);
            if (!Directory.Exists(config.CacheDir)) return [];
            var cache = CacheSessions.Get(config);
            // The index query takes '*' and '?' as wildcards: it is asked for the text before the first of them, and
            // what was typed decides.
            var cut = typed.IndexOfAny(['*', '?']);
            sources = cache.Entries((cut < 0 ? typed : typed[..cut]) + "*")
                .Select(e => e.Source)
                .Where(s => s.StartsWith(typed, StringComparison.Ordinal))
                .Take(MaxResults)
                .ToList();
        }
        catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException or InvalidOperationException
                                       or Engine.Paths.InvalidMediaPathException)
        {
            return [];
        }
        return sources.Select(s => new CompletionResult(Quote(s), s, CompletionResultType.ParameterValue, s));
    }

    static string Unquote(string word) =>
        word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word.Trim(word[0]) : word;

    /// <summary>Sources with spaces or characters PowerShell reads specially are single-quoted.</summary>
    static string Quote(string s) =>
        s.IndexOfAny([' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#', '|', '<', '>']) >= 0
            ? "'" + s.Replace("'", "''") + "'" : s;
}

using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Paths;

/// <summary>
/// -Path / -LiteralPath for the commands that act on what is cached (Clear-MediaCache, Get-MediaCacheStats,
/// Get-MediaCacheEntry). A -Path with wildcard characters is matched, case-sensitively as object keys are, against
/// the sources of the cached entries; a pattern that matches nothing yields nothing, silently (as Remove-Item
/// and Get-ChildItem do; -Verbose says so). The item spelled exactly like the pattern counts as a match (keys and URLs may contain '?' or
/// '['). -LiteralPath takes names as they are. Local paths are resolved as the shell resolves them.
/// </summary>
internal sealed class CachedItemSelector(PSCmdlet cmdlet, ItemPathResolver resolver)
{
    /// <summary>The items named by one input; errors are written and yield nothing.</summary>
    public IEnumerable<string> Select(string input, bool literal, Func<MediaCache?> cache)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(input))
        {
            var resolved = resolver.Resolve(literal ? input : WildcardPattern.Unescape(input), out var error);
            if (resolved is null) { cmdlet.WriteError(error!); yield break; }
            yield return resolved;
            yield break;
        }
        var pattern = new WildcardPattern(input, WildcardOptions.CultureInvariant);
        var c = cache();
        var matched = 0;
        if (c is not null)
        {
            var literalText = WildcardPattern.Unescape(input);
            foreach (var e in c.Entries(LiteralPrefix(input) + "*"))
            {
                if (!pattern.IsMatch(e.Source) && e.Source != literalText) continue;
                matched++;
                yield return e.Source;
            }
        }
        // As Get-ChildItem and Remove-Item: a wildcard that matches nothing is no error (a literal name is).
        if (matched == 0)
            cmdlet.WriteVerbose($"No cached item matches '{input}' (use -LiteralPath for a name that contains wildcard characters).");
    }

    /// <summary>The text before the first wildcard character: narrows the index query, the pattern decides.</summary>
    static string LiteralPrefix(string pattern)
    {
        var i = pattern.IndexOfAny(new[] { '*', '?', '[', '`' });
        return i < 0 ? pattern : pattern[..i];
    }
}

using System.Management.Automation;
using FiftyOneCache.Engine.Operations;
using Microsoft.PowerShell.Commands;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// One path as a *-MediaFile cmdlet received it, resolved: <see cref="Expanded"/> when a wildcard found it (then a
/// missing match is no error), and for a remote match what the listing said (<see cref="Listed"/>).
/// </summary>
internal readonly record struct ResolvedPath(string Path, bool Expanded, MediaFileInfo? Listed = null);

/// <summary>
/// -Path and -LiteralPath of Get-, Copy-, Move- and Remove-MediaFile, as the *-Item cmdlets read them. Local paths
/// go through the provider (relative paths, ~, PSDrives; wildcards expanded by it). A remote path with a wildcard in
/// its key expands over a listing of the fixed key prefix before the first wildcard character; each '/'-separated
/// segment of the key matches its pattern segment case-sensitively (keys are), so '*' stays within one segment as it
/// does in a folder; paths of stores that cannot be listed (http(s) URLs, whose '?' begins a query) are taken as
/// they are. Matches come sorted; a wildcard that matches nothing gives nothing (as Remove-Item).
/// A -Path that names an existing file exactly is that file even if its name holds wildcard characters, so the
/// objects Get-MediaFile emits (their Path binds -Path) pipe on whatever their names.
/// </summary>
internal sealed class MediaPathInput(PSCmdlet cmdlet, Func<MediaFileOperations> ops, CancellationToken ct)
{
    static readonly char[] WildcardChars = ['*', '?', '['];

    public List<ResolvedPath> Resolve(string given, bool literal)
    {
        if (given.Contains("://", StringComparison.Ordinal))
            return literal || FirstWildcard(given) < 0 ? [new(given, false)] : ExpandRemote(given);
        if (literal || !WildcardPattern.ContainsWildcardCharacters(given)) return [new(Local(given), false)];
        return ExpandLocal(given);
    }

    /// <summary>A local path as the shell resolves it, literally; a trailing separator (a folder) is kept.</summary>
    public string Local(string path) =>
        cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path) + (path.EndsWith('/') || path.EndsWith('\\') ? "/" : "");

    static int FirstWildcard(string remote)
    {
        var start = remote.IndexOf("://", StringComparison.Ordinal) + 3;
        return remote.IndexOfAny(WildcardChars, start);
    }

    List<ResolvedPath> ExpandRemote(string given)
    {
        var first = FirstWildcard(given);
        var fixedText = given[..first];
        // A store that cannot be listed has no wildcards: an http(s) URL's '?' starts its query (a presigned URL).
        try { if (!ops().Capabilities(ops().Parse(fixedText)).CanList) return [new(given, false)]; }
        catch (Engine.Paths.InvalidMediaPathException) { } // reported below or by the operation
        if (fixedText.IndexOf('/', fixedText.IndexOf("://", StringComparison.Ordinal) + 3) < 0)
            throw new OperationException(given, $"'{Engine.Diagnostics.Redact.ForDisplay(given)}': wildcards are expanded in the key, not in the bucket or container name", errorId: "WildcardInBucket");
        var fixedKey = ops().Parse(fixedText).Key;
        var patternKey = fixedKey + given[first..];
        var segments = patternKey.Split('/').Select(s => new WildcardPattern(s, WildcardOptions.None)).ToArray();
        bool Matches(string key)
        {
            if (key == patternKey) return true; // the name itself, wildcard characters and all
            var parts = key.Split('/');
            if (parts.Length != segments.Length) return false;
            for (var i = 0; i < parts.Length; i++) if (!segments[i].IsMatch(parts[i])) return false;
            return true;
        }
        var folder = fixedKey[..(fixedKey.LastIndexOf('/') + 1)];
        return ops().FindAsync(fixedText, Matches, ct).GetAwaiter().GetResult()
            .Select(f => new ResolvedPath(f.Path, true, f with { RelativePath = f.RelativePath[folder.Length..] })).ToList();
    }

    List<ResolvedPath> ExpandLocal(string given)
    {
        var found = new List<string>();
        try
        {
            found.AddRange(cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(given, out var provider));
            if (provider.ImplementingType != typeof(FileSystemProvider))
                throw new OperationException(given, $"'{given}' is on the {provider.Name} provider; only file system paths are media files", errorId: "NotAFileSystemPath");
        }
        catch (ItemNotFoundException) { }
        if (found.Count == 0)
        {
            var exact = Local(given);
            return File.Exists(exact) || Directory.Exists(exact) ? [new(exact, false)] : [];
        }
        found.Sort(StringComparer.Ordinal);
        return found.Select(f => new ResolvedPath(f, true)).ToList();
    }
}

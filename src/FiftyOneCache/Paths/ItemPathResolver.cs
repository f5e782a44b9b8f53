using System.Management.Automation;
using FiftyOneCache.Engine.Paths;
using Microsoft.PowerShell.Commands;

namespace FiftyOneCache.Paths;

/// <summary>
/// Resolves what a user typed the way the shell would: remote paths (every form a registered store claims) go to the
/// engine untouched and parsed once, local paths are resolved through the PowerShell provider, so that the current location,
/// `~` and PSDrives mean what they mean everywhere else in PowerShell (the .NET current directory is where pwsh
/// started, not where the user has cd'ed to). -CacheDir goes through the same resolution.
/// </summary>
internal sealed class ItemPathResolver(PSCmdlet cmdlet, Func<MediaPathParser> parser)
{
    readonly MistypedPathCheck _mistyped = new(parser);

    /// <summary>The path to hand to the engine, or null with <paramref name="error"/> set when it cannot be taken.</summary>
    public string? Resolve(string input, out ErrorRecord? error) => Resolve(input, out _, out error);

    /// <summary>
    /// The path to hand to the engine and its parsed reference (null when the parser refused it: the engine reports
    /// why), or null with <paramref name="error"/> set when it cannot be taken. The path is parsed here once; the
    /// reference travels with the item to the engine.
    /// </summary>
    public string? Resolve(string input, out MediaRef? parsed, out ErrorRecord? error)
    {
        error = null;
        parsed = TryParse(input);
        if (parsed is null || !parsed.IsLocal) return input;
        if (input.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return input; // a file:// URI is already absolute
        string resolved;
        try
        {
            resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(input, out var provider, out _);
            if (provider.ImplementingType != typeof(FileSystemProvider))
            {
                parsed = null;
                error = new ErrorRecord(new ArgumentException($"'{input}' is a {provider.Name} path, not a file: media paths are files or {parser().Supported}."),
                    "NotAFileSystemPath", ErrorCategory.InvalidArgument, input);
                return null;
            }
        }
        catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException
                                       or NotSupportedException or ArgumentException)
        {
            // "gs:/bucket/x" names no PSDrive: a file name with a colon, relative to the current location like any other
            // (FiftyOne's rule: local paths are used as they are), and a warning says what was probably meant.
            resolved = InCurrentLocation(input);
        }
        if (_mistyped.LikelyIntended(input) is { } intended)
            cmdlet.WriteWarning($"'{input}' is taken as a local path ({resolved}); did you mean '{intended}'?");
        parsed = MediaPathParser.Local(resolved, resolved);
        return resolved;
    }

    string InCurrentLocation(string input)
    {
        try { return System.IO.Path.GetFullPath(input, cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PSInvalidOperationException) { return input; }
    }

    /// <summary>-CacheDir and other directory parameters: resolved like any local path.</summary>
    public static string ResolveDirectory(PSCmdlet cmdlet, string path) => cmdlet.GetUnresolvedProviderPathFromPSPath(path);

    MediaRef? TryParse(string input)
    {
        try { return parser().Parse(input); }
        catch (InvalidMediaPathException) { return null; } // the engine reports it, with the reason
    }
}

/// <summary>
/// A local path that looks like a cloud path with its slashes mistyped ("gs:/bucket/x", "s3:bucket/x",
/// "s3//bucket/x", "https:/host/x"): the candidate "scheme://rest" is offered when the parser takes it as a
/// remote path, so every scheme the parser knows (MinIO aliases included) is covered and nothing else is.
/// </summary>
internal sealed class MistypedPathCheck(Func<MediaPathParser> parser)
{
    static readonly System.Text.RegularExpressions.Regex Shape = new(
        @"^\s*(?<scheme>[A-Za-z][A-Za-z0-9+.-]+)(?::(?![/\\]{2}(?=[^/\\]))[/\\]*|[/\\]{2})(?<rest>[^/\\].*)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public string? LikelyIntended(string input)
    {
        var m = Shape.Match(input);
        if (!m.Success) return null;
        var scheme = m.Groups["scheme"].Value;
        if (scheme.Equals("file", StringComparison.OrdinalIgnoreCase)) return null;
        var candidate = $"{scheme}://{m.Groups["rest"].Value.Replace('\\', '/')}";
        try { return parser().Parse(candidate).IsLocal ? null : candidate; }
        catch (InvalidMediaPathException) { return null; }
    }
}

using System.Management.Automation;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// The one error record for configuration that cannot be used, whichever cmdlet meets it: InvalidData, ErrorId
/// InvalidConfiguration, the file (or other source) as TargetObject, the line and column where the JSON breaks,
/// and a recommendation that names the way out (Set-MediaCacheConfig -Reset for FiftyOne's config file).
/// </summary>
internal static class ConfigErrors
{
    const string FilePrefix = "config file ";

    public static ErrorRecord Record(ConfigException e)
    {
        var file = e.FilePath ?? (e.Source.StartsWith(FilePrefix, StringComparison.Ordinal) ? e.Source[FilePrefix.Length..] : null);
        var record = new ErrorRecord(e, "InvalidConfiguration", ErrorCategory.InvalidData, file ?? e.Source);
        var where = e.Line is { } line ? $" at line {line}, column {e.Column}" : "";
        var advice = file is not null
            ? $"Correct {file}{where}, or run 'Set-MediaCacheConfig -Reset' to start it afresh (the current file is kept as {ConfigFile.BackupPathOf(file)})."
            : $"Correct {e.Source}; Get-MediaCacheConfig shows the configuration in effect once it can be read.";
        record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = advice };
        return record;
    }
}

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Cmdlets;

/// <summary>Completes profile names from ~/.aws/credentials, ~/.aws/config, the MinIO ini file and the Azure credentials file.</summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var files = parameterName.StartsWith("Minio", StringComparison.OrdinalIgnoreCase)
            ? new[] { Environment.GetEnvironmentVariable("MINIO_CONFIG_FILE") }
            : parameterName.StartsWith("Azure", StringComparison.OrdinalIgnoreCase)
            ? new[] { AzureCredentialsFile(fakeBoundParameters) }
            : new[]
            {
                Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials"),
                Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config"),
            };
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var f in files.Where(f => !string.IsNullOrEmpty(f) && File.Exists(f)))
            foreach (Match m in Regex.Matches(File.ReadAllText(f!), @"^\s*\[(?:profile\s+)?([^\]]+)\]", RegexOptions.Multiline))
                names.Add(m.Groups[1].Value.Trim());
        names.Remove("DEFAULT"); // configparser's defaults section is not a profile
        return names.Where(n => n.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }

    /// <summary>The Azure ini file in effect: AZURE_CREDENTIALS_FILE, else -AzureCredentialsFile on the same line, else the configured one.</summary>
    static string? AzureCredentialsFile(IDictionary bound)
    {
        if (Environment.GetEnvironmentVariable("AZURE_CREDENTIALS_FILE") is { Length: > 0 } env) return env;
        if (bound["AzureCredentialsFile"] is string typed && typed.Length > 0) return ConfigValues.ExpandHome(typed);
        try { return ConfigLoader.Load().AzureCredentialsFile is { } f ? ConfigValues.ExpandHome(f) : null; }
        catch (ConfigException) { return null; } // completion never fails loudly; Set-MediaCacheConfig reports the file
    }
}

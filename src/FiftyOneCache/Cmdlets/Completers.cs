using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace FiftyOneCache.Cmdlets;

/// <summary>Completes profile names from ~/.aws/credentials, ~/.aws/config and the MinIO ini file.</summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var files = parameterName.StartsWith("Minio", StringComparison.OrdinalIgnoreCase)
            ? new[] { Environment.GetEnvironmentVariable("MINIO_CONFIG_FILE") }
            : new[]
            {
                Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials"),
                Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config"),
            };
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var f in files.Where(f => !string.IsNullOrEmpty(f) && File.Exists(f)))
            foreach (Match m in Regex.Matches(File.ReadAllText(f!), @"^\s*\[(?:profile\s+)?([^\]]+)\]", RegexOptions.Multiline))
                names.Add(m.Groups[1].Value.Trim());
        return names.Where(n => n.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

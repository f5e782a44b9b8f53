using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Engine.Storage.S3;

namespace FiftyOneCache.Cmdlets;

/// <summary>Completes profile names from the AWS files (as boto3 reads them) and the MinIO ini file.</summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (parameterName.StartsWith("Minio", StringComparison.OrdinalIgnoreCase))
        {
            if (Environment.GetEnvironmentVariable("MINIO_CONFIG_FILE") is { Length: > 0 } f && File.Exists(f))
                foreach (Match m in Regex.Matches(File.ReadAllText(f), @"^\s*\[(?:profile\s+)?([^\]]+)\]", RegexOptions.Multiline))
                    names.Add(m.Groups[1].Value.Trim());
        }
        else
        {
            // The profiles boto3 knows (not [services] or [sso-session] sections), from the files it reads.
            try { names.UnionWith(AwsSharedConfig.Load(null, Environment.GetEnvironmentVariable).Profiles.Keys); }
            catch (StoreException) { } // a file botocore cannot parse offers no completions
        }
        return names.Where(n => n.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

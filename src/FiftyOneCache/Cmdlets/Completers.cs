using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Engine.Storage.Azure;
using FiftyOneCache.Engine.Storage.S3;

namespace FiftyOneCache.Cmdlets;

/// <summary>Completes profile names from the AWS files (as boto3 reads them), the MinIO ini file and the Azure credentials file.</summary>
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
        else if (parameterName.StartsWith("Azure", StringComparison.OrdinalIgnoreCase))
        {
            // The sections FiftyOne's configparser sees (its DEFAULT section is not a profile).
            try
            {
                if (AzureCredentialsFile(fakeBoundParameters) is { } f && File.Exists(f))
                    names.UnionWith(ConfigParserIni.Parse(File.ReadAllText(f), f).Sections);
            }
            catch (ConfigException) { } // a file configparser cannot read offers no completions
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

    /// <summary>The Azure ini file in effect: AZURE_CREDENTIALS_FILE, else -AzureCredentialsFile on the same line, else the configured one.</summary>
    static string? AzureCredentialsFile(IDictionary bound)
    {
        if (Environment.GetEnvironmentVariable("AZURE_CREDENTIALS_FILE") is { Length: > 0 } env) return env;
        if (bound["AzureCredentialsFile"] is string typed && typed.Length > 0) return ConfigValues.ExpandHome(typed);
        try { return ConfigLoader.Load().AzureCredentialsFile is { } f ? ConfigValues.ExpandHome(f) : null; }
        catch (ConfigException) { return null; } // completion never fails loudly; Set-MediaCacheConfig reports the file
    }
}

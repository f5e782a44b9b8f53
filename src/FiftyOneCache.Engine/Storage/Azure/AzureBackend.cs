using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Azure Blob Storage, as FiftyOne configures it (<see cref="AzureSettings"/>): public blob URLs, URLs under the
/// configured account URL and the alias scheme (<see cref="AzureRouting"/>), cached at
/// <c>media/azure/&lt;account&gt;/&lt;container&gt;/&lt;blob&gt;</c>; attached to CVAT as AZURE_CONTAINER.
/// </summary>
public sealed class AzureBackend : StoreBackend
{
    public const string StoreName = "azure";
    public const string CredentialsFileKey = "azure_credentials_file";
    public const string ProfileKey = "azure_profile";

    public override string Name => StoreName;
    public override string Title => "Azure Blob Storage";
    public override IReadOnlyList<string> LegacyLayoutDirs => [StoreName];
    public override IReadOnlyList<ConfigKeyDef> ConfigKeys =>
        [new(CredentialsFileKey, ConfigValueKind.Path), new(ProfileKey, ConfigValueKind.String, Completes: true)];
    public override IReadOnlyList<string> SessionVariables => ["AZURE_*", AzureSettings.PageSizeVariable];
    public override string UnconfiguredHint => "an Azure alias (AZURE_ALIAS)";

    /// <summary>Copy Blob from the source's URL (across containers and accounts); DeleteIfExists says whether it was there; ETags are opaque.</summary>
    public override StoreCapabilities Capabilities { get; } = new() { CanWrite = true, CanDelete = true, ServerSideCopy = ServerSideCopy.WithinStore };

    /// <summary>
    /// CVAT's Azure storages name the container as their resource and show no account; an Azure blob is spelled by its
    /// URL (account and container in it), so the container root's manifest is ../ per key level up.
    /// </summary>
    public override CvatStorageMapping Cvat { get; } = new("AZURE_CONTAINER", UsesEndpoint: false, DefaultEndpointName: "Azure")
    {
        RootManifest = first =>
        {
            var url = new Uri(first.Url!, string.Concat(Enumerable.Repeat("../", first.Key.Count(c => c == '/'))) + "manifest.jsonl");
            return first with { Key = "manifest.jsonl", Url = url, Original = url.AbsoluteUri };
        },
    };

    /// <summary>
    /// Azure settings are read when the cache opens (no network): the alias and account URL decide how paths parse,
    /// so a broken Azure configuration is an invalid configuration (terminating, naming file, profile and key), as
    /// for MinIO. Credentials are only used on the first Azure request.
    /// </summary>
    public override StoreBinding Bind(StoreContext context)
    {
        var settings = AzureSettings.Resolve(context.Config, context.Env);
        return new StoreBinding
        {
            PathForms = new AzureRouting(settings).Forms(),
            Create = () => new AzureStore(settings, context.Transport),
            DescribeSource = () => $"{settings.Source}{(settings.AccountName is { } a ? $"; account {a} at {settings.BaseUrlFor(a).AbsoluteUri.TrimEnd('/')}" : "")}" +
                                   $"{(settings.Alias is { } z ? $"; alias {z}://" : "")}",
        };
    }

    /// <summary>media/azure/&lt;account&gt;/&lt;container&gt;/&lt;blob&gt; names the blob at the account's public URL.</summary>
    public override string? SourceOf(IReadOnlyList<string> segments) =>
        segments.Count < 4 ? null : $"{AzureRouting.PublicAccountUrl(segments[1]).AbsoluteUri.TrimEnd('/')}/{segments[2]}/{string.Join('/', segments.Skip(3))}";

    /// <summary>The sections FiftyOne's configparser sees (its DEFAULT section is not a profile).</summary>
    public override IEnumerable<string> Complete(string key, Func<string, string?> setting, Func<string, string?> env)
    {
        if (key != ProfileKey) return [];
        var file = env("AZURE_CREDENTIALS_FILE") is { Length: > 0 } e ? e : setting(CredentialsFileKey);
        if (file is null) return [];
        file = ConfigValues.ExpandHome(file);
        try { return File.Exists(file) ? ConfigParserIni.Parse(File.ReadAllText(file), file).Sections.ToList() : []; }
        catch (Exception x) when (x is ConfigException or IOException or UnauthorizedAccessException) { return []; } // a file configparser cannot read offers no completions
    }
}

/// <summary>What an Azure blob reference carries beyond bucket (container) and key.</summary>
public static class AzureRefs
{
    extension(MediaRef m)
    {
        /// <summary>For Azure blobs, the storage account (the second segment of <see cref="MediaRef.Root"/>).</summary>
        public string? Account => m.Store == AzureBackend.StoreName && m.Root.Count >= 3 ? m.Root[1] : null;
    }
}

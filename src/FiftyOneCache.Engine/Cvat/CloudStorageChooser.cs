using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// Which CVAT cloud storage reads the samples' bucket. CVAT often holds several for one bucket (an old one with
/// another manifest, one per endpoint), so every storage of the bucket and provider (AWS_S3_BUCKET for S3 and
/// MinIO, GOOGLE_CLOUD_STORAGE for GCS, AZURE_CONTAINER for Azure) is weighed: it fits when the requested manifest is attached and its
/// endpoint_url is the endpoint the module itself uses for that store (none, or an amazonaws.com one, for AWS);
/// the first fitting one whose status is AVAILABLE is used. When none fits, the error names every candidate.
/// FiftyOne's cloud_storage_id (-CloudStorageId) names one instead, which is checked rather than searched for.
/// </summary>
public sealed class CloudStorageChooser(CvatClient cvat, IEngineLog log)
{
    public async Task<CvatCloudStorage> ChooseAsync(AnnotationRequest r, MediaRef manifest, CancellationToken ct)
    {
        var provider = manifest.Store switch
        {
            StoreNames.Gcs => "GOOGLE_CLOUD_STORAGE",
            StoreNames.Azure => "AZURE_CONTAINER", // CVAT's Azure storages name the container as their resource
            _ => "AWS_S3_BUCKET",
        };
        // MinIO paths in the endpoint form carry their endpoint; otherwise the store's resolved settings say it.
        // GCS and Azure storages carry no endpoint_url (CVAT's read API does not show an Azure storage's account).
        var endpointless = manifest.Store is StoreNames.Gcs or StoreNames.Azure;
        var endpoint = endpointless ? null : manifest.Url is { } u ? u.GetLeftPart(UriPartial.Authority) : r.StoreEndpoint?.Invoke(manifest.Store);
        var where = endpointless ? "" : $" at {endpoint ?? "AWS"}";
        if (r.CloudStorageId is { } id) return await CheckGivenAsync(id, provider, manifest, endpoint, ct).ConfigureAwait(false);

        var all = (await cvat.FindCloudStoragesAsync(manifest.Bucket, provider, ct).ConfigureAwait(false)).OrderBy(c => c.Id).ToList();
        if (all.Count == 0)
            throw new AnnotationValidationException(
                $"CVAT at {cvat.BaseUrl} has no cloud storage attached for {provider} bucket '{manifest.Bucket}'. " +
                $"Attach one (CVAT: Cloud Storages → Attach new) with manifest '{manifest.Key}', or annotate without a cloud manifest to upload copies.",
                ErrorKind.ObjectNotFound);
        var reasons = new Dictionary<int, string>();
        foreach (var c in all)
        {
            if (!c.Manifests.Contains(manifest.Key)) { reasons[c.Id] = $"manifest '{manifest.Key}' not attached"; continue; }
            if (!EndpointFits(c, manifest.Store, endpoint)) { reasons[c.Id] = $"endpoint is not{where}"; continue; }
            var status = await StatusAsync(c.Id, ct).ConfigureAwait(false);
            if (status == "AVAILABLE")
            {
                log.Verbose($"CVAT cloud storage #{c.Id} '{c.DisplayName}' ({c.ProviderType} {c.Resource}, endpoint {EndpointOf(c)}) has manifest '{manifest.Key}'" +
                            (all.Count > 1 ? $"; chosen among {all.Count} storages of the bucket" : ""));
                return c;
            }
            reasons[c.Id] = $"status {status}, CVAT cannot read the bucket through it";
            log.Warning($"CVAT cloud storage #{c.Id} for '{manifest.Bucket}' has the manifest but is {status}");
        }
        var anyUnavailable = reasons.Values.Any(v => v.StartsWith("status", StringComparison.Ordinal));
        throw new AnnotationValidationException(
            $"None of the {all.Count} CVAT cloud storage(s) for {provider} bucket '{manifest.Bucket}' can serve manifest '{manifest.Key}'{where}: " +
            string.Join("; ", all.Select(c => $"{Describe(c)}: {reasons[c.Id]}")) +
            $". Attach '{manifest.Key}' to the storage for{(where.Length > 0 ? where : " the bucket")} in CVAT (or fix its credentials), or name one with -CloudStorageId.",
            anyUnavailable ? ErrorKind.PermissionDenied : ErrorKind.ObjectNotFound);
    }

    /// <summary>-CloudStorageId: it must exist, hold the samples' bucket with the right provider, have the manifest and be AVAILABLE.</summary>
    async Task<CvatCloudStorage> CheckGivenAsync(int id, string provider, MediaRef manifest, string? endpoint, CancellationToken ct)
    {
        var c = await cvat.GetCloudStorageAsync(id, ct).ConfigureAwait(false)
            ?? throw new AnnotationValidationException($"-CloudStorageId {id}: CVAT at {cvat.BaseUrl} has no cloud storage #{id}", ErrorKind.ObjectNotFound);
        if (c.Resource != manifest.Bucket || c.ProviderType != provider)
            throw new AnnotationValidationException(
                $"-CloudStorageId {id}: {Describe(c)} is for {c.ProviderType} bucket '{c.Resource}', but the samples and manifest are in {provider} bucket '{manifest.Bucket}'",
                ErrorKind.InvalidArgument);
        if (!c.Manifests.Contains(manifest.Key))
            throw new AnnotationValidationException(
                $"-CloudStorageId {id}: {Describe(c)} does not have manifest '{manifest.Key}' attached. Add it to the storage's manifests in CVAT.",
                ErrorKind.ObjectNotFound);
        var status = await StatusAsync(id, ct).ConfigureAwait(false);
        if (status != "AVAILABLE")
            throw new AnnotationValidationException(
                $"-CloudStorageId {id}: {Describe(c)} has status {status}: CVAT cannot read bucket '{c.Resource}' through it; check the storage's credentials in CVAT",
                ErrorKind.PermissionDenied);
        if (!EndpointFits(c, manifest.Store, endpoint))
            log.Warning($"CVAT cloud storage #{id} reads from {EndpointOf(c)}, but this module reads '{manifest.Bucket}' from {endpoint ?? "AWS"}: used as asked");
        log.Verbose($"CVAT cloud storage #{id} '{c.DisplayName}' ({c.ProviderType} {c.Resource}) named by -CloudStorageId");
        return c;
    }

    async Task<string> StatusAsync(int id, CancellationToken ct) => (await cvat.GetCloudStorageStatusAsync(id, ct).ConfigureAwait(false)).Trim('"');

    static string Describe(CvatCloudStorage c) =>
        $"#{c.Id} '{c.DisplayName}' (endpoint {EndpointOf(c)}, manifests: {(c.Manifests.Count == 0 ? "none" : string.Join(", ", c.Manifests))})";

    static string EndpointOf(CvatCloudStorage c) => c.Attribute("endpoint_url") is { Length: > 0 } e ? e
        : c.ProviderType switch { "GOOGLE_CLOUD_STORAGE" => "Google", "AZURE_CONTAINER" => "Azure", _ => "AWS" };

    /// <summary>GCS and Azure have no endpoint_url; S3 and MinIO storages must name the module's endpoint (for AWS: none, or AWS's own).</summary>
    static bool EndpointFits(CvatCloudStorage c, string store, string? endpoint)
    {
        if (store is StoreNames.Gcs or StoreNames.Azure) return true;
        var theirs = c.Attribute("endpoint_url");
        if (endpoint is null) return store == StoreNames.S3 && IsAws(theirs);
        return theirs is not null && SameEndpoint(theirs, endpoint);
    }

    static bool IsAws(string? endpoint) =>
        string.IsNullOrEmpty(endpoint)
        || Uri.TryCreate(endpoint, UriKind.Absolute, out var u) && (u.Host == "amazonaws.com" || u.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase));

    static bool SameEndpoint(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var ua) && Uri.TryCreate(b, UriKind.Absolute, out var ub)
        && ua.Scheme == ub.Scheme && string.Equals(ua.Host, ub.Host, StringComparison.OrdinalIgnoreCase) && ua.Port == ub.Port;
}

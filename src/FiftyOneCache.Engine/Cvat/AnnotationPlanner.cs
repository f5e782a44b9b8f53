using FiftyOneCache.Engine.Cache;
using System.Threading.Channels;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// Validates an annotation request and decides every task before anything is sent to CVAT: a run that would
/// fail half-way (a local path, a sample missing from the manifest, no attached storage) fails here instead,
/// with one error that lists the offending samples. Only read-only GETs reach CVAT from here.
/// </summary>
public sealed class AnnotationPlanner
{
    readonly MediaCache _cache;
    readonly CvatClient _cvat;
    readonly IEngineLog _log;

    public AnnotationPlanner(MediaCache cache, CvatClient cvat, IEngineLog? log = null)
    {
        _cache = cache;
        _cvat = cvat;
        _log = log ?? NullLog.Instance;
    }

    /// <param name="fetchMedia">Upload mode: download missing copies now (false for -WhatIf, which only reports).</param>
    public async Task<AnnotationPlan> PlanAsync(AnnotationRequest r, AnnotationDataset ds, bool fetchMedia, TransferProgress? progress, CancellationToken ct)
    {
        ValidateRequest(r);
        if (ds.Samples.Count == 0) throw new AnnotationValidationException($"Dataset '{ds.Name}' has no samples to annotate", ErrorKind.ObjectNotFound);
        var labels = CvatLabels.Build(r.LabelType, r.Classes);
        return r.Mode == AnnotationMode.CloudManifest
            ? await PlanCloudAsync(r, ds, labels, ct).ConfigureAwait(false)
            : await PlanUploadAsync(r, ds, labels, fetchMedia, progress, ct).ConfigureAwait(false);
    }

    static void ValidateRequest(AnnotationRequest r)
    {
        // FiftyOne stores runs under keys that must be valid Python identifiers (BaseRun.validate_run).
        if (r.AnnotationKey.Length == 0 || !(char.IsLetter(r.AnnotationKey[0]) || r.AnnotationKey[0] == '_') || !r.AnnotationKey.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new AnnotationValidationException($"Invalid annotation key '{r.AnnotationKey}': keys must be valid variable names (letters, digits, '_', not starting with a digit)");
        if (string.IsNullOrWhiteSpace(r.LabelField)) throw new AnnotationValidationException("A label field is required");
        if (r.ImageQuality is < 0 or > 100) throw new AnnotationValidationException($"Image quality must be 0-100, not {r.ImageQuality}");
        if (r.TaskSize is <= 0) throw new AnnotationValidationException("Task size must be positive");
        if (r.SegmentSize is < 0) throw new AnnotationValidationException("Segment size must be zero or positive");
    }

    async Task<AnnotationPlan> PlanCloudAsync(AnnotationRequest r, AnnotationDataset ds, System.Text.Json.Nodes.JsonArray labels, CancellationToken ct)
    {
        // Where the manifest is: given, or manifest.jsonl at the root of the samples' bucket.
        var parsed = ds.Samples.Select(s => (Sample: s, Ref: TryParse(s.FilePath, out var err), Error: err)).ToList();
        MediaRef manifest;
        if (r.CloudManifest is not null)
        {
            manifest = TryParse(r.CloudManifest, out var err) ?? throw new AnnotationValidationException($"Cloud manifest '{r.CloudManifest}': {err}");
            if (manifest.Store is not (StoreNames.S3 or StoreNames.Gcs or StoreNames.Minio or StoreNames.Azure) || manifest.IsPrefix)
                throw new AnnotationValidationException($"Cloud manifest '{Redact.ForDisplay(r.CloudManifest)}' must be an object in an s3://, gs://, MinIO bucket or Azure container, such as s3://bucket/manifest.jsonl");
        }
        else
        {
            var first = parsed.FirstOrDefault(p => p.Ref is { Store: StoreNames.S3 or StoreNames.Gcs or StoreNames.Minio or StoreNames.Azure }).Ref
                ?? throw new AnnotationValidationException(
                    $"-UseBucketManifest needs samples in a cloud bucket; none of the {ds.Samples.Count} sample(s) of '{ds.Name}' is (first: {ds.Samples[0].FilePath})");
            if (first.Store == StoreNames.Azure)
            {
                // An Azure blob is spelled by its URL (account and container in it): the container root is ../ per key level up.
                var url = new Uri(first.Url!, string.Concat(Enumerable.Repeat("../", first.Key.Count(c => c == '/'))) + "manifest.jsonl");
                manifest = first with { Key = "manifest.jsonl", Url = url, Original = url.AbsoluteUri };
            }
            else manifest = first with { Key = "manifest.jsonl", Original = $"{first.Store}://{first.Bucket}/manifest.jsonl" };
        }
        var dir = manifest.Key.Contains('/') ? manifest.Key[..(manifest.Key.LastIndexOf('/') + 1)] : "";
        var where = $"{manifest.Store}://{manifest.Bucket}/{dir}";

        // Every sample must be an object of that bucket under the manifest's directory.
        var offending = new List<string>();
        foreach (var (s, m, err) in parsed)
        {
            if (m is null) offending.Add($"{s.FilePath} ({err})");
            else if (m.IsLocal) offending.Add($"{s.FilePath} (a local path)");
            else if (m.Store != manifest.Store || m.Bucket != manifest.Bucket || m.Account != manifest.Account) offending.Add($"{Redact.ForDisplay(s.FilePath)} (in {m.Store}://{m.Bucket}, not {manifest.Store}://{manifest.Bucket})");
            else if (!m.Key.StartsWith(dir, StringComparison.Ordinal)) offending.Add($"{s.FilePath} (outside {where}, the manifest's directory)");
        }
        if (offending.Count > 0)
            throw new AnnotationValidationException(
                $"With a cloud manifest every sample must be in {where}; {offending.Count} of {ds.Samples.Count} sample(s) are not: {List(offending, r.MaxListed)}. " +
                "Annotate them without a cloud manifest (copies are uploaded) or move them into the bucket.");
        var dupes = parsed.GroupBy(p => p.Ref!.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0)
            throw new AnnotationValidationException($"{dupes.Count} file(s) appear in more than one sample, which a CVAT task cannot hold twice: {List(dupes, r.MaxListed)}");

        // The manifest, read through the cache (re-fetched when it changed in the bucket), must list every sample.
        var cvatManifest = await ReadManifestAsync(manifest, ct).ConfigureAwait(false);
        var rel = parsed.Select(p => (p.Sample, Key: p.Ref!.Key, Name: p.Ref!.Key[dir.Length..])).ToList();
        var isVideo = ds.MediaType == "video" || ds.Samples.Any(s => s.MediaType == "video");
        if (isVideo != cvatManifest.IsVideo)
            throw new AnnotationValidationException($"'{manifest.Canonical}' is a {cvatManifest.Type} manifest but the samples are {(isVideo ? "videos" : "images")}");
        if (isVideo && rel.Count != 1)
            throw new AnnotationValidationException($"A CVAT video manifest describes one video; {rel.Count} video samples need one task and manifest each. Annotate them without -CloudManifest (uploads) or one at a time.");
        var missing = rel.Where(x => !cvatManifest.Contains(x.Name)).Select(x => x.Sample.FilePath).ToList();
        if (missing.Count > 0)
            throw new AnnotationValidationException(
                $"{missing.Count} of {rel.Count} sample(s) are not listed in the manifest {manifest.Canonical}: {List(missing, r.MaxListed)}. " +
                "Regenerate the manifest (CVAT's utils/dataset_manifest/create.py) so that it covers them.", ErrorKind.ObjectNotFound);

        // Only now talk to CVAT: everything above is checked without sending a request.
        await _cvat.ConnectAsync(ct).ConfigureAwait(false);
        var storage = await new CloudStorageChooser(_cvat, _log).ChooseAsync(r, manifest, ct).ConfigureAwait(false);
        var tasks = Split(r, ds, rel.Select(x => x.Sample).ToList())
            .Select(t => new PlannedTask
            {
                Index = t.Index, Name = t.Name, Samples = t.Samples,
                ServerFiles = [manifest.Key, .. t.Samples.Select(s => _cache.Parser.Parse(s.FilePath).Key)],
            }).ToList();
        return new AnnotationPlan
        {
            Request = r, Dataset = ds, Mode = AnnotationMode.CloudManifest, Labels = labels, Tasks = tasks, CvatUrl = _cvat.BaseUrl.AbsoluteUri,
            CloudStorage = storage, ManifestPath = manifest.Canonical, ManifestKey = manifest.Key,
        };
    }

    async Task<CvatManifest> ReadManifestAsync(MediaRef manifest, CancellationToken ct)
    {
        var results = await FetchAsync([manifest.Original], download: true, update: true, null, ct).ConfigureAwait(false);
        var res = results[0];
        if (!res.Succeeded || res.LocalPath is null)
            throw new AnnotationValidationException($"Cannot read the cloud manifest {manifest.Canonical}: {res.Error}", res.ErrorKind == ErrorKind.None ? ErrorKind.ObjectNotFound : res.ErrorKind);
        _log.Verbose($"Manifest {manifest.Canonical} read from the cache ({res.Status}, {Sizes.Humanize(res.Size)})");
        try { return CvatManifest.Parse(await File.ReadAllTextAsync(res.LocalPath, ct).ConfigureAwait(false), manifest.Canonical); }
        catch (InvalidCvatManifestException e) { throw new AnnotationValidationException(e.Message, ErrorKind.InvalidData); }
    }

    async Task<AnnotationPlan> PlanUploadAsync(AnnotationRequest r, AnnotationDataset ds, System.Text.Json.Nodes.JsonArray labels, bool fetchMedia,
                                               TransferProgress? progress, CancellationToken ct)
    {
        // Credentials first: a wrong password should not cost a long download.
        await _cvat.ConnectAsync(ct).ConfigureAwait(false);
        // Copies come from the cache: downloaded now where missing, so a broken item fails before any task exists.
        var results = await FetchAsync(ds.Samples.Select(s => s.FilePath), fetchMedia, false, progress, ct).ConfigureAwait(false);
        var failed = results.Where(x => !x.Succeeded || (x.Status == ItemStatus.Local && !File.Exists(x.LocalPath)))
            .Select(x => $"{Redact.ForDisplay(x.Path)} ({x.Error ?? "file not found"})").ToList();
        if (failed.Count > 0)
            throw new AnnotationValidationException($"{failed.Count} of {results.Count} sample(s) could not be made available to upload: {List(failed, r.MaxListed)}", ErrorKind.ObjectNotFound);
        var bySample = new Dictionary<AnnotationSample, MediaItemResult>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < ds.Samples.Count; i++) bySample[ds.Samples[i]] = results[i];
        var tasks = Split(r, ds, ds.Samples).Select(t =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var uploads = t.Samples.Select(s =>
            {
                var res = bySample[s];
                var name = UniqueName(Path.GetFileName(res.LocalPath ?? s.FilePath), names);
                var size = res.LocalPath is not null && File.Exists(res.LocalPath) ? new FileInfo(res.LocalPath).Length : res.Size;
                return new CvatUploadFile(name, res.LocalPath ?? "", size);
            }).ToList();
            return new PlannedTask { Index = t.Index, Name = t.Name, Samples = t.Samples, Uploads = uploads };
        }).ToList();
        return new AnnotationPlan { Request = r, Dataset = ds, Mode = AnnotationMode.Upload, Labels = labels, Tasks = tasks, CvatUrl = _cvat.BaseUrl.AbsoluteUri };
    }

    /// <summary>CVAT requires unique client_files names in a task; samples from different folders may share one.</summary>
    static string UniqueName(string name, HashSet<string> used)
    {
        if (used.Add(name)) return name;
        var stem = Path.GetFileNameWithoutExtension(name);
        var ext = Path.GetExtension(name);
        for (var i = 1; ; i++)
        {
            var candidate = $"{stem}_{i}{ext}";
            if (used.Add(candidate)) return candidate;
        }
    }

    /// <summary>Images go in tasks of TaskSize (all in one by default); videos one per task, as FiftyOne does.</summary>
    static IEnumerable<(int Index, string Name, IReadOnlyList<AnnotationSample> Samples)> Split(AnnotationRequest r, AnnotationDataset ds, IReadOnlyList<AnnotationSample> samples)
    {
        var isVideo = ds.MediaType == "video" || samples.Any(s => s.MediaType == "video");
        var size = isVideo ? 1 : r.TaskSize ?? samples.Count;
        var chunks = samples.Chunk(size).ToList();
        var baseName = r.TaskName ?? $"FiftyOne_{ds.Name.Replace(' ', '_')}_{r.AnnotationKey}";
        for (var i = 0; i < chunks.Count; i++)
            yield return (i, chunks.Count == 1 ? baseName : $"{baseName}_{i + 1}", chunks[i]);
    }

    async Task<List<MediaItemResult>> FetchAsync(IEnumerable<string> paths, bool download, bool update, TransferProgress? progress, CancellationToken ct)
    {
        var input = Channel.CreateUnbounded<WorkItem>();
        long seq = 0;
        foreach (var p in paths) input.Writer.TryWrite(new WorkItem(seq++, p));
        input.Writer.Complete();
        if (progress is not null) progress.Submitted = seq;
        using var run = _cache.Process(input.Reader, new ProcessOptions { Download = download, Update = update, Ordered = true }, progress, ct);
        var list = new List<MediaItemResult>();
        await foreach (var x in run.ReadAllAsync(ct).ConfigureAwait(false)) list.Add(x);
        return list;
    }

    MediaRef? TryParse(string path, out string? error)
    {
        try { error = null; return _cache.Parser.Parse(path); }
        catch (InvalidMediaPathException e) { error = e.Message; return null; }
    }

    static string List(IReadOnlyList<string> items, int max) =>
        string.Join("; ", items.Take(max)) + (items.Count > max ? $"; … and {items.Count - max} more" : "");
}

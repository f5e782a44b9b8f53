using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>A cloud storage attached to CVAT (<c>CloudStorageRead</c>).</summary>
public sealed record CvatCloudStorage(int Id, string ProviderType, string Resource, string DisplayName,
                                      IReadOnlyList<string> Manifests, string SpecificAttributes)
{
    /// <summary>A value from <c>specific_attributes</c>, a query-string style "k=v&amp;k=v" text.</summary>
    public string? Attribute(string name)
    {
        foreach (var part in SpecificAttributes.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var k = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            if (k == name) return eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
        }
        return null;
    }
}

/// <summary>One file sent to CVAT in an upload: the name CVAT will show and the local copy.</summary>
public sealed record CvatUploadFile(string Name, string LocalPath, long Size);

/// <summary>Where CVAT's data preparation stands, for progress reporting.</summary>
public sealed record CvatDataProgress(int TaskId, string Status, double? Fraction);

public sealed partial class CvatClient
{
    public async Task<List<CvatCloudStorage>> FindCloudStoragesAsync(string resource, string providerType, CancellationToken ct)
    {
        var list = await GetAllAsync($"api/cloudstorages?resource={Uri.EscapeDataString(resource)}&provider_type={providerType}", ct).ConfigureAwait(false);
        return list
            .Select(ReadStorage)
            // The filter is the server's; checking again keeps a lax server (or a prefix search) from matching another bucket.
            .Where(c => c.Resource == resource && c.ProviderType == providerType)
            .ToList();
    }

    /// <summary>One cloud storage by id (FiftyOne's cloud_storage_id); null when CVAT has none with that id (404).</summary>
    public async Task<CvatCloudStorage?> GetCloudStorageAsync(int id, CancellationToken ct)
    {
        try { return await GetOrThrowAsync($"api/cloudstorages/{id}", ct).ConfigureAwait(false) is JsonObject o ? ReadStorage(o) : null; }
        catch (CvatException e) when (e.StatusCode == 404) { return null; }
    }

    static CvatCloudStorage ReadStorage(JsonObject o) => new(
        o["id"]!.GetValue<int>(), S(o["provider_type"]), S(o["resource"]), S(o["display_name"]),
        (o["manifests"]?.AsArray() ?? []).Select(m => m?.GetValue<string>() ?? "").Where(m => m.Length > 0).ToList(),
        S(o["specific_attributes"]));

    /// <summary>"AVAILABLE", "NOT_FOUND" or "FORBIDDEN": whether CVAT itself can read the bucket.</summary>
    public async Task<string> GetCloudStorageStatusAsync(int id, CancellationToken ct)
    {
        var r = await GetOrThrowAsync($"api/cloudstorages/{id}/status", ct).ConfigureAwait(false);
        return r is JsonValue v ? v.ToString() : r?.ToJsonString() ?? "";
    }

    public async Task<int?> FindProjectAsync(string name, CancellationToken ct)
    {
        var list = await GetAllAsync($"api/projects?name={Uri.EscapeDataString(name)}", ct).ConfigureAwait(false);
        return list.Where(p => S(p["name"]) == name).Select(p => (int?)p["id"]!.GetValue<int>()).FirstOrDefault();
    }

    public async Task<int> CreateProjectAsync(string name, JsonArray labels, CancellationToken ct)
    {
        var r = await SendJsonAsync(HttpMethod.Post, "api/projects", new JsonObject { ["name"] = name, ["labels"] = labels.DeepClone() }, ct).ConfigureAwait(false);
        return r?["id"]?.GetValue<int>() ?? throw new CvatException("CVAT created a project but returned no id", ErrorKind.InvalidData);
    }

    /// <summary>POST /api/tasks. Labels go on the task, or on the project when <paramref name="projectId"/> is set (CVAT refuses both).</summary>
    public async Task<int> CreateTaskAsync(string name, JsonArray? labels, int? projectId, int segmentSize, CancellationToken ct)
    {
        var body = new JsonObject { ["name"] = name, ["segment_size"] = segmentSize };
        if (projectId is { } p) body["project_id"] = p;
        else body["labels"] = labels?.DeepClone(); // a node belongs to one parent: every task gets its own copy
        var r = await SendJsonAsync(HttpMethod.Post, "api/tasks", body, ct).ConfigureAwait(false);
        return r?["id"]?.GetValue<int>() ?? throw new CvatException("CVAT created a task but returned no id", ErrorKind.InvalidData);
    }

    /// <summary>Attaches bucket objects through a cloud storage and its manifest; returns the request id (null before 2.11).</summary>
    public async Task<string?> AttachCloudDataAsync(int taskId, JsonObject dataRequest, CancellationToken ct)
    {
        var r = await SendJsonAsync(HttpMethod.Post, $"api/tasks/{taskId}/data/", dataRequest, ct).ConfigureAwait(false);
        return r?["rq_id"]?.GetValue<string>();
    }

    /// <summary>
    /// Uploads copies in batches: Upload-Start, one Upload-Multiple request per batch of <c>client_files[i]</c>,
    /// then Upload-Finish with the data parameters. <c>upload_file_order</c> = the names in order, so predefined
    /// sorting keeps the dataset's order whatever order the batches arrived in.
    /// </summary>
    public async Task<string?> UploadDataAsync(int taskId, IReadOnlyList<CvatUploadFile> files, JsonObject dataParams, long batchBytes, int batchFiles,
                                               Action<long, long>? onBytes, CancellationToken ct)
    {
        var path = $"api/tasks/{taskId}/data/";
        await SendJsonAsync(HttpMethod.Post, path, null, ct, [new("Upload-Start", "true")]).ConfigureAwait(false);
        long sent = 0, total = files.Sum(f => f.Size);
        for (var i = 0; i < files.Count;)
        {
            var batch = new List<CvatUploadFile>();
            long bytes = 0;
            while (i < files.Count && (batch.Count == 0 || (bytes + files[i].Size <= batchBytes && batch.Count < batchFiles)))
            {
                bytes += files[i].Size;
                batch.Add(files[i++]);
            }
            using var form = new MultipartFormDataContent();
            var streams = new List<Stream>();
            try
            {
                for (var k = 0; k < batch.Count; k++)
                {
                    var s = File.OpenRead(batch[k].LocalPath);
                    streams.Add(s);
                    var part = new StreamContent(s);
                    part.Headers.ContentType = new MediaTypeHeaderValue(MimeOf(batch[k].Name));
                    form.Add(part, $"client_files[{k}]", batch[k].Name);
                }
                await SendContentAsync(HttpMethod.Post, path, form, ct, [new("Upload-Multiple", "true")]).ConfigureAwait(false);
            }
            finally { foreach (var s in streams) s.Dispose(); }
            sent += bytes;
            onBytes?.Invoke(sent, total);
        }
        var finish = (JsonObject)dataParams.DeepClone();
        finish["upload_file_order"] = new JsonArray(files.Select(f => (JsonNode)f.Name).ToArray());
        var r = await SendJsonAsync(HttpMethod.Post, path, finish, ct, [new("Upload-Finish", "true")]).ConfigureAwait(false);
        return r?["rq_id"]?.GetValue<string>();
    }

    /// <summary>
    /// Polls until CVAT has prepared the task's data: /api/requests/{rq_id} (≥ 2.11, id percent-encoded, as it
    /// contains '=' and '&amp;') or the legacy /api/tasks/{id}/status. A failed request becomes an exception with CVAT's message.
    /// </summary>
    public async Task WaitForDataAsync(int taskId, string? rqId, Action<CvatDataProgress>? progress, CancellationToken ct)
    {
        var delay = _options.PollInterval;
        var deadline = DateTime.UtcNow + _options.DataTimeout;
        while (true)
        {
            string status, message;
            double? fraction;
            if (rqId is not null && HasRequestsApi)
            {
                var r = await GetOrThrowAsync($"api/requests/{Uri.EscapeDataString(rqId)}", ct).ConfigureAwait(false);
                status = S(r?["status"]).ToLowerInvariant();
                message = S(r?["message"]);
                fraction = r?["progress"] is JsonValue pv && pv.TryGetValue<double>(out var p) ? p : null;
            }
            else
            {
                var r = await GetOrThrowAsync($"api/tasks/{taskId}/status", ct).ConfigureAwait(false);
                status = S(r?["state"]).ToLowerInvariant();
                message = S(r?["message"]);
                fraction = r?["progress"] is JsonValue pv && pv.TryGetValue<double>(out var p) ? p / 100.0 : null;
            }
            progress?.Invoke(new CvatDataProgress(taskId, status, fraction));
            if (status == "finished") return;
            if (status == "failed")
                throw new CvatException($"CVAT could not create the data of task {taskId}: {Scrub(CleanRqMessage(message))}", ErrorKind.InvalidData);
            if (DateTime.UtcNow > deadline)
                throw new CvatException($"CVAT did not finish preparing the data of task {taskId} within {_options.DataTimeout}", ErrorKind.OperationStopped);
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxPollInterval.TotalMilliseconds, delay.TotalMilliseconds * 1.5));
        }
    }

    public async Task<List<int>> GetJobIdsAsync(int taskId, CancellationToken ct)
    {
        var jobs = await GetAllAsync($"api/jobs?task_id={taskId}", ct).ConfigureAwait(false);
        return jobs.Select(j => j["id"]!.GetValue<int>()).Order().ToList();
    }

    /// <summary>Frame index → file name, from /data/meta: what maps annotations back to samples.</summary>
    public async Task<List<string>> GetFrameNamesAsync(int taskId, CancellationToken ct)
    {
        var meta = await GetOrThrowAsync($"api/tasks/{taskId}/data/meta", ct).ConfigureAwait(false);
        return (meta?["frames"]?.AsArray() ?? []).Select(f => S(f?["name"])).ToList();
    }

    public async Task DeleteTaskAsync(int taskId, CancellationToken ct) =>
        await SendJsonAsync(HttpMethod.Delete, $"api/tasks/{taskId}", null, ct).ConfigureAwait(false);

    /// <summary>
    /// CVAT formats a failed job's exception as <c>rest_framework.exceptions.ValidationError: [ErrorDetail(string='…', code='invalid')]</c>;
    /// the text inside string='…' is what a person needs.
    /// </summary>
    internal static string CleanRqMessage(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"string=(['""])(?<s>.*?)\1,\s*code=", System.Text.RegularExpressions.RegexOptions.Singleline);
        return (m.Success ? m.Groups["s"].Value : message).Trim();
    }

    static string S(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToString() ?? "";

    static string MimeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        ".webp" => "image/webp",
        ".tif" or ".tiff" => "image/tiff",
        ".mp4" => "video/mp4",
        ".avi" => "video/x-msvideo",
        ".mov" => "video/quicktime",
        ".mkv" => "video/x-matroska",
        ".webm" => "video/webm",
        _ => "application/octet-stream",
    };
}

using MongoDB.Bson;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// FiftyOne's metadata documents (fiftyone/core/metadata.py, v1.x): ImageMetadata {size_bytes, mime_type, width,
/// height, num_channels} and VideoMetadata {size_bytes, mime_type, frame_width, frame_height, frame_rate,
/// total_frame_count, duration, encoding_str}, stored on the sample's "metadata" field with "_cls".
/// </summary>
public sealed record MediaMetadata
{
    /// <summary>The item as given (a remote URL or a local path): Source, as on every object of the module.</summary>
    public string Source { get; init; } = "";
    internal string Path { get => Source; init => Source = value; }
    public string Kind { get; init; } = "Metadata"; // ImageMetadata, VideoMetadata or Metadata
    public long SizeBytes { get; init; }
    public string? MimeType { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? NumChannels { get; init; }
    public double? FrameRate { get; init; }
    public long? TotalFrameCount { get; init; }
    public double? Duration { get; init; }
    public string? Encoding { get; init; }

    public BsonDocument ToBson()
    {
        var d = new BsonDocument { ["_cls"] = Kind, ["size_bytes"] = SizeBytes, ["mime_type"] = (BsonValue?)MimeType ?? BsonNull.Value };
        BsonValue N(int? v) => v.HasValue ? v.Value : BsonNull.Value;
        if (Kind == "ImageMetadata")
        {
            d["width"] = N(Width);
            d["height"] = N(Height);
            d["num_channels"] = N(NumChannels);
        }
        else if (Kind == "VideoMetadata")
        {
            d["frame_width"] = N(Width);
            d["frame_height"] = N(Height);
            d["frame_rate"] = FrameRate.HasValue ? FrameRate.Value : BsonNull.Value;
            d["total_frame_count"] = TotalFrameCount.HasValue ? TotalFrameCount.Value : BsonNull.Value;
            d["duration"] = Duration.HasValue ? Duration.Value : BsonNull.Value;
            d["encoding_str"] = (BsonValue?)Encoding ?? BsonNull.Value;
        }
        return d;
    }
}

using FiftyOneCache.Engine.Datasets;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Datasets;

public class MetadataTests
{
    [Theory]
    [InlineData(6, 4)]
    [InlineData(2, 3)]
    [InlineData(0, 1)]
    public void ImageMetadataMatchesThePng(byte colorType, int channels)
    {
        using var dir = new TempDir();
        var path = dir.Sub("a.png");
        File.WriteAllBytes(path, MediaFiles.Png(37, 21, colorType));
        var m = MetadataComputer.Compute(path);
        Assert.Equal("ImageMetadata", m.Kind);
        Assert.Equal((37, 21, channels), (m.Width!.Value, m.Height!.Value, m.NumChannels!.Value));
        Assert.Equal("image/png", m.MimeType);
        Assert.Equal(new FileInfo(path).Length, m.SizeBytes);
        var bson = m.ToBson();
        Assert.Equal("ImageMetadata", bson["_cls"].AsString);
        Assert.Equal(37, bson["width"].AsInt32);
        Assert.Equal(channels, bson["num_channels"].AsInt32);
    }

    [Fact]
    public void VideoMetadataComesFromTheMp4Tables()
    {
        using var dir = new TempDir();
        var path = dir.Sub("clip.mp4");
        File.WriteAllBytes(path, MediaFiles.Mp4(320, 240, frames: 60, seconds: 2.0));
        var m = MetadataComputer.Compute(path);
        Assert.Equal("VideoMetadata", m.Kind);
        Assert.Equal(320, m.Width);
        Assert.Equal(240, m.Height);
        Assert.Equal(60, m.TotalFrameCount);
        Assert.Equal(2.0, m.Duration!.Value, 3);
        Assert.Equal(30.0, m.FrameRate!.Value, 3);
        Assert.Equal("avc1", m.Encoding);
        var bson = m.ToBson();
        Assert.Equal("VideoMetadata", bson["_cls"].AsString);
        Assert.Equal(320, bson["frame_width"].AsInt32);
        Assert.Equal(60L, bson["total_frame_count"].AsInt64);
        Assert.Equal(30.0, bson["frame_rate"].AsDouble, 3);
        Assert.Equal("avc1", bson["encoding_str"].AsString);
    }

    [Fact]
    public void UnreadableFilesFailWithTheirPath()
    {
        using var dir = new TempDir();
        var path = dir.Sub("junk.jpg");
        File.WriteAllText(path, "not an image at all");
        var e = Assert.ThrowsAny<Exception>(() => MetadataComputer.Compute(path));
        Assert.Contains("junk.jpg", e.Message);
    }
}

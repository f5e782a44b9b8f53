namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>How S3 objects are spelled as media paths.</summary>
public static class S3Paths
{
    /// <summary>The s3:// path of an object given by bucket and key (as the AWS Tools for PowerShell emit them).</summary>
    public static string Of(string bucket, string key) => $"s3://{bucket}/{key.TrimStart('/')}";
}

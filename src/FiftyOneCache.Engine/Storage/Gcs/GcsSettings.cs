using FiftyOneCache.Engine.Configuration;
using Google.Apis.Auth.OAuth2;

namespace FiftyOneCache.Engine.Storage.Gcs;

/// <summary>
/// Where gs:// requests go and as whom: STORAGE_EMULATOR_HOST (unauthenticated, as Google's emulators are used),
/// else the service-account key in google_application_credentials / GOOGLE_APPLICATION_CREDENTIALS, else
/// Application Default Credentials.
/// </summary>
public sealed class GcsSettings
{
    public const string DefaultBaseUri = "https://storage.googleapis.com/storage/v1/";

    public GoogleCredential? Credential { get; init; }
    public string BaseUri { get; init; } = DefaultBaseUri;
    public string Source { get; init; } = "";

    public static GcsSettings Resolve(CacheConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (env("STORAGE_EMULATOR_HOST") is { Length: > 0 } emulator)
        {
            var u = emulator.Contains("://", StringComparison.Ordinal) ? emulator : "http://" + emulator;
            u = u.TrimEnd('/');
            if (!u.EndsWith("/storage/v1", StringComparison.Ordinal)) u += "/storage/v1";
            return new GcsSettings { BaseUri = u + "/", Source = $"emulator at {u} (STORAGE_EMULATOR_HOST), unauthenticated" };
        }
        var (file, from) = config.Setting(GcsBackend.CredentialsKey) is { } f ? (f, "google_application_credentials")
            : env("GOOGLE_APPLICATION_CREDENTIALS") is { Length: > 0 } g ? (g, "GOOGLE_APPLICATION_CREDENTIALS") : (null, null);
        if (file is not null)
        {
            file = ConfigValues.ExpandHome(file);
            if (!File.Exists(file))
                throw new StoreException(StoreErrorKind.NoCredentials, $"GCS credentials file {file} (from {from}) does not exist");
            try
            {
#pragma warning disable CS0618 // FromFile is what reads a user-named key file; the type check below limits it to service accounts
                var cred = GoogleCredential.FromFile(file);
#pragma warning restore CS0618
                return new GcsSettings { Credential = Scoped(cred), Source = $"service-account key {file} (from {from})" };
            }
            catch (Exception e) when (Unwrap(e) is InvalidOperationException or Newtonsoft.Json.JsonException or ArgumentException or IOException)
            {
                throw new StoreException(StoreErrorKind.NoCredentials, $"GCS credentials file {file} (from {from}) is not a valid key file: {FirstLine(Unwrap(e).Message)}");
            }
        }
        try
        {
            return new GcsSettings { Credential = Scoped(GoogleCredential.GetApplicationDefault()), Source = "Application Default Credentials" };
        }
        // GetApplicationDefault waits on a task inside: its failures arrive wrapped in an AggregateException, whose
        // own message ("One or more errors occurred.") says nothing.
        catch (Exception e) when (Unwrap(e) is InvalidOperationException or IOException)
        {
            throw new StoreException(StoreErrorKind.NoCredentials,
                "no GCS credentials found: checked google_application_credentials, GOOGLE_APPLICATION_CREDENTIALS and Application Default Credentials (gcloud auth application-default login, metadata server)");
        }
    }

    /// <summary>Where credentials would come from, without reading them (no network): what Get-MediaCacheConfig shows.</summary>
    public static string DescribeSource(CacheConfig config, Func<string, string?> env)
    {
        if (env("STORAGE_EMULATOR_HOST") is { Length: > 0 } emulator) return $"emulator at {emulator} (STORAGE_EMULATOR_HOST), unauthenticated";
        if (config.Setting(GcsBackend.CredentialsKey) is { } f) return $"service-account key {ConfigValues.ExpandHome(f)} (from google_application_credentials)";
        if (env("GOOGLE_APPLICATION_CREDENTIALS") is { Length: > 0 } g) return $"service-account key {g} (from GOOGLE_APPLICATION_CREDENTIALS)";
        return "Application Default Credentials";
    }

    static GoogleCredential Scoped(GoogleCredential c) =>
        c.IsCreateScopedRequired ? c.CreateScoped("https://www.googleapis.com/auth/devstorage.read_only") : c;

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    static Exception Unwrap(Exception e) => e is AggregateException a ? a.Flatten().InnerExceptions is [var only] ? Unwrap(only) : a : e;
}

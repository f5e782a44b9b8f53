namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// The shared AWS config and credentials files read the way botocore reads them (configloader.py): which files
/// (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, read on every resolution, or FiftyOne's aws_config_file for
/// both), Python configparser's syntax, <c>[profile x]</c> / <c>[default]</c> / <c>[services x]</c> /
/// <c>[sso-session x]</c> sections in the config file, literal profile names in the credentials file, and the
/// credentials file's values laid over the config file's for the same profile.
/// </summary>
/// <remarks>
/// Hand-written because the AWS SDK's reader (SharedCredentialsFile) does not fit boto3's rules: it fixes both file
/// locations once per process in a static constructor, reads a "config" file beside an explicitly named credentials
/// file instead of AWS_CONFIG_FILE, and does not expose [services] sections at all. Turning a profile into
/// credentials (static keys, assume-role, SSO, process, web identity) stays with the SDK: see
/// <see cref="AwsProfileSource"/>.
/// </remarks>
public sealed class AwsSharedConfig
{
    public string ConfigFile { get; }
    public string CredentialsFile { get; }
    public IReadOnlyDictionary<string, Dictionary<string, string>> Profiles => _profiles;
    public IReadOnlyDictionary<string, Dictionary<string, string>> Services => _services;
    public IReadOnlyDictionary<string, Dictionary<string, string>> SsoSessions => _ssoSessions;

    readonly Dictionary<string, Dictionary<string, string>> _profiles = new(StringComparer.Ordinal);
    readonly Dictionary<string, Dictionary<string, string>> _services = new(StringComparer.Ordinal);
    readonly Dictionary<string, Dictionary<string, string>> _ssoSessions = new(StringComparer.Ordinal);

    AwsSharedConfig(string configFile, string credentialsFile)
    {
        ConfigFile = configFile;
        CredentialsFile = credentialsFile;
    }

    /// <summary>Where botocore looks, with <paramref name="explicitFile"/> (FiftyOne's aws_config_file) read as both files.</summary>
    public static AwsSharedConfig Load(string? explicitFile, Func<string, string?> env)
    {
        var config = Expand(explicitFile ?? NonEmpty(env("AWS_CONFIG_FILE")) ?? "~/.aws/config", env);
        var credentials = Expand(explicitFile ?? NonEmpty(env("AWS_SHARED_CREDENTIALS_FILE")) ?? "~/.aws/credentials", env);
        var result = new AwsSharedConfig(config, credentials);
        if (File.Exists(config))
        {
            foreach (var (name, values) in ParseIni(File.ReadAllText(config), config))
            {
                // build_profile_map: "profile x" and "default" are profiles; "services x" and "sso-session x" their own maps.
                if (name.StartsWith("profile", StringComparison.Ordinal)) AddNamed(result._profiles, name, values);
                else if (name.StartsWith("sso-session", StringComparison.Ordinal)) AddNamed(result._ssoSessions, name, values);
                else if (name.StartsWith("services", StringComparison.Ordinal)) AddNamed(result._services, name, values);
                else if (name == "default") result._profiles[name] = values;
            }
        }
        if (File.Exists(credentials))
        {
            foreach (var (name, values) in ParseIni(File.ReadAllText(credentials), credentials))
            {
                if (!result._profiles.TryGetValue(name, out var existing)) result._profiles[name] = values;
                else foreach (var (k, v) in values) existing[k] = v;
            }
        }
        return result;
    }

    public string Describe() => ConfigFile == CredentialsFile ? ConfigFile : $"{CredentialsFile} and {ConfigFile}";

    /// <summary>An indented block under a key (<c>s3 =</c> then <c>  addressing_style = path</c>) as its own map.</summary>
    public Dictionary<string, string>? SubSection(Dictionary<string, string> section, string key)
    {
        if (!section.TryGetValue(key, out var raw) || !raw.StartsWith('\n')) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in raw.Split('\n'))
        {
            var l = line.Trim();
            if (l.Length == 0) continue;
            var eq = l.IndexOf('=');
            if (eq < 0) throw new StoreException(StoreErrorKind.NoCredentials, $"AWS config file {ConfigFile}: '{key}' holds '{l}', which is not 'name = value'");
            result[l[..eq].Trim()] = l[(eq + 1)..].Trim();
        }
        return result;
    }

    static void AddNamed(Dictionary<string, Dictionary<string, string>> map, string header, Dictionary<string, string> values)
    {
        // botocore: shlex.split(header) must give exactly two parts ("profile x", 'profile "x y"'); others are ignored.
        var parts = ShlexSplit(header);
        if (parts is { Count: 2 }) map[parts[1]] = values;
    }

    static List<string>? ShlexSplit(string s)
    {
        var parts = new List<string>();
        var cur = new System.Text.StringBuilder();
        char? quote = null;
        var inToken = false;
        foreach (var c in s)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null; else cur.Append(c);
            }
            else if (c is '"' or '\'') { quote = c; inToken = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken) { parts.Add(cur.ToString()); cur.Clear(); inToken = false; }
            }
            else { cur.Append(c); inToken = true; }
        }
        if (quote is not null) return null; // botocore ignores a section whose name does not split
        if (inToken) parts.Add(cur.ToString());
        return parts;
    }

    /// <summary>
    /// Python's configparser.RawConfigParser as botocore uses it: "[name]" headers, "key = value" or "key: value"
    /// (keys lower-cased), whole-line # and ; comments, indented lines continuing the previous value, and duplicate
    /// sections or keys rejected (strict mode), each error naming the file and line.
    /// </summary>
    internal static List<(string Name, Dictionary<string, string> Values)> ParseIni(string text, string path)
    {
        var sections = new List<(string Name, Dictionary<string, string> Values)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        string? lastKey = null;
        var lastIndent = 0;
        var lineNo = 0;
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            lineNo++;
            var stripped = raw.Trim();
            if (stripped.Length == 0 || stripped[0] is '#' or ';') continue;
            var indent = raw.Length - raw.TrimStart().Length;
            if (current is not null && lastKey is not null && indent > lastIndent)
            {
                current[lastKey] = current[lastKey] + "\n" + stripped;
                continue;
            }
            if (stripped[0] == '[' && stripped.LastIndexOf(']') is var close and > 1)
            {
                var name = stripped[1..close];
                if (!seen.Add(name)) throw Bad(path, lineNo, $"section [{name}] appears twice");
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                sections.Add((name, current));
                lastKey = null;
                continue;
            }
            if (current is null) throw Bad(path, lineNo, "a value before any [section] header");
            var delim = stripped.IndexOfAny(['=', ':']);
            if (delim <= 0) throw Bad(path, lineNo, $"'{stripped}' is not 'name = value'");
            var key = stripped[..delim].Trim().ToLowerInvariant();
            if (current.ContainsKey(key)) throw Bad(path, lineNo, $"'{key}' appears twice in its section");
            current[key] = stripped[(delim + 1)..].Trim();
            lastKey = key;
            lastIndent = indent;
        }
        return sections;
    }

    static StoreException Bad(string path, int line, string reason) =>
        new(StoreErrorKind.NoCredentials, $"AWS config file {path}, line {line}: {reason} (botocore rejects it too)");

    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>botocore expands $VARS and ~ in file paths (os.path.expandvars, expanduser).</summary>
    static string Expand(string path, Func<string, string?> env)
    {
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\$(\w+)|\$\{(\w+)\}",
            m => env(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? m.Value);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            var home = NonEmpty(env("HOME")) ?? NonEmpty(env("USERPROFILE")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            path = Path.Combine(home, path.Length > 2 ? path[2..] : "");
        }
        return path;
    }
}

using System.Text;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Reads an ini file the way Python's configparser (FiftyOne's reader of AZURE_CREDENTIALS_FILE) does with its
/// defaults: option names are case-insensitive, '=' or ':' separates, whole-line '#'/';' comments only (a ';' inside
/// a SAS token is data), indented lines continue the previous value, the [DEFAULT] section supplies every other
/// section, and values go through BasicInterpolation on read (<see cref="Interpolate"/>). No maintained .NET library
/// implements configparser's interpolation, so this is the one hand-written reader; its tests pin the behaviour.
/// </summary>
public sealed class ConfigParserIni
{
    public const string DefaultSection = "DEFAULT";
    const int MaxDepth = 10; // configparser's MAX_INTERPOLATION_DEPTH

    readonly Dictionary<string, Dictionary<string, string>> _sections;
    readonly Dictionary<string, string> _defaults;

    ConfigParserIni(Dictionary<string, Dictionary<string, string>> sections, Dictionary<string, string> defaults, string source)
    {
        _sections = sections;
        _defaults = defaults;
        Source = source;
    }

    /// <summary>Where the text came from, for messages.</summary>
    public string Source { get; }

    /// <summary>Section names in file order, without DEFAULT (as configparser's sections()).</summary>
    public IReadOnlyList<string> Sections => _sections.Keys.ToList();

    public bool HasSection(string name) => _sections.ContainsKey(name);

    public static ConfigParserIni Parse(string text, string source)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        string? lastKey = null;
        int lastIndent = 0, lineNo = 0;
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            var indent = line.Length - trimmed.Length;
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
                continue; // configparser drops comment lines, and blank lines only ever end up stripped
            if (current is not null && lastKey is not null && indent > lastIndent)
            {
                current[lastKey] = current[lastKey] + "\n" + trimmed;
                continue;
            }
            if (trimmed[0] == '[')
            {
                var close = trimmed.IndexOf(']');
                if (close < 0) throw Error(source, lineNo, "unterminated section header");
                var name = trimmed[1..close];
                if (name == DefaultSection) current = defaults;
                else if (sections.ContainsKey(name)) throw Error(source, lineNo, $"section [{name}] appears twice");
                else current = sections[name] = new Dictionary<string, string>(StringComparer.Ordinal);
                lastKey = null;
                continue;
            }
            if (current is null) throw Error(source, lineNo, "a 'key = value' line comes before any [section] header");
            var sep = trimmed.IndexOfAny(['=', ':']);
            if (sep <= 0) throw Error(source, lineNo, "expected 'key = value'");
            var key = trimmed[..sep].Trim().ToLowerInvariant(); // configparser's optionxform
            if (key.Length == 0) throw Error(source, lineNo, "the key is empty");
            current[key] = trimmed[(sep + 1)..].Trim();
            lastKey = key;
            lastIndent = indent;
        }
        return new ConfigParserIni(sections, defaults, source);
    }

    /// <summary>Option names of a section, DEFAULT's included (as configparser's options()).</summary>
    public IEnumerable<string> Options(string section) =>
        _sections.TryGetValue(section, out var s) ? s.Keys.Union(_defaults.Keys) : _defaults.Keys;

    /// <summary>The interpolated value of an option, or null when neither the section nor DEFAULT has it.</summary>
    public string? Get(string section, string option)
    {
        var raw = Raw(section, option.ToLowerInvariant());
        return raw is null ? null : Interpolate(raw, name => Raw(section, name), $"{Source} [{section}] {option.ToLowerInvariant()}");
    }

    string? Raw(string section, string option) =>
        _sections.TryGetValue(section, out var s) && s.TryGetValue(option, out var v) ? v
        : _defaults.TryGetValue(option, out var d) ? d : null;

    /// <summary>
    /// configparser's BasicInterpolation: "%%" is a literal '%', "%(name)s" is the (interpolated) value of another
    /// option of the same section or of DEFAULT, any other '%' is an error. Messages name the option, never a value.
    /// </summary>
    public static string Interpolate(string value, Func<string, string?> lookup, string where) =>
        Interpolate(value, lookup, where, 1);

    static string Interpolate(string value, Func<string, string?> lookup, string where, int depth)
    {
        if (depth > MaxDepth)
            throw new ConfigException(where, null, $"interpolation is nested more than {MaxDepth} levels deep (a reference loop?)");
        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c != '%') { sb.Append(c); i++; continue; }
            if (i + 1 >= value.Length)
                throw new ConfigException(where, null, "a '%' ends the value; write a literal '%' as '%%'");
            var next = value[i + 1];
            if (next == '%') { sb.Append('%'); i += 2; continue; }
            if (next != '(')
                throw new ConfigException(where, null, $"'%' must be followed by '%' or '(' (found '%{next}'); write a literal '%' as '%%'");
            var close = value.IndexOf(")s", i + 2, StringComparison.Ordinal);
            if (close < 0) throw new ConfigException(where, null, "a '%(name)s' reference is not closed by ')s'");
            var name = value[(i + 2)..close].ToLowerInvariant();
            var referenced = lookup(name)
                ?? throw new ConfigException(where, null, $"'%({name})s' refers to an option that is not in the section or in [DEFAULT]");
            sb.Append(Interpolate(referenced, lookup, where, depth + 1));
            i = close + 2;
        }
        return sb.ToString();
    }

    static ConfigException Error(string source, int line, string reason) => new($"ini file {source}", null, $"line {line}: {reason}");
}

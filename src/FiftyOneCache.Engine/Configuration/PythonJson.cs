using System.Text;

namespace FiftyOneCache.Engine.Configuration;

/// <summary>
/// Reads JSON exactly as FiftyOne does (Python's <c>json.load</c> on a file opened in text mode), so that a file one
/// accepts the other accepts too. System.Text.Json differs in both directions: it can be told to allow comments and
/// trailing commas, which Python rejects, and it rejects <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>, which
/// Python accepts. This scanner follows CPython's C scanner (Modules/_json.c, the one <c>json.load</c> uses): the same
/// grammar, the same error messages, and positions counted in code points after universal-newline translation, so
/// that "line 1 column 18 (char 17)" points where Python points. Duplicate keys keep the last value, as a dict does.
/// </summary>
public static class PythonJson
{
    /// <summary>One member of the top-level object: its key, its value as written, and whether it holds NaN/Infinity.</summary>
    public sealed record Member(string Key, string RawValue, bool NonFinite);

    /// <summary>The parsed document: the top-level object's members in Python's dict order, or null when the value is not an object.</summary>
    public static IReadOnlyList<Member>? ParseTopLevelObject(string text)
    {
        var s = new Scanner(Translate(text));
        return s.Document();
    }

    /// <summary>Python's text mode: "\r\n" and "\r" become "\n" before json sees the text.</summary>
    static string Translate(string text) => text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;

    sealed class Scanner
    {
        const int MaxDepth = 900; // CPython raises RecursionError near its own limit; refuse instead of overflowing the stack
        readonly int[] _s;        // code points, so that indexes are Python's
        readonly int _endIdx;
        List<Member>? _members;
        Dictionary<string, int>? _positions;

        public Scanner(string text)
        {
            var cps = new List<int>(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    cps.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                    i++;
                }
                else cps.Add(text[i]);
            }
            _s = cps.ToArray();
            _endIdx = _s.Length - 1;
        }

        public IReadOnlyList<Member>? Document()
        {
            if (_s.Length > 0 && _s[0] == 0xFEFF) throw Error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
            var idx = SkipWs(0);
            var isObject = idx <= _endIdx && _s[idx] == '{';
            if (isObject) { _members = new(); _positions = new(StringComparer.Ordinal); }
            var end = ScanOnce(idx, 0, out _);
            end = SkipWs(end);
            if (end != _s.Length) throw Error("Extra data", end);
            return _members;
        }

        int SkipWs(int i)
        {
            while (i <= _endIdx && _s[i] is ' ' or '\t' or '\n' or '\r') i++;
            return i;
        }

        bool At(int i, string word)
        {
            if (i + word.Length > _s.Length) return false;
            for (var k = 0; k < word.Length; k++) if (_s[i + k] != word[k]) return false;
            return true;
        }

        /// <summary>Returns the index after the value at <paramref name="idx"/>.</summary>
        int ScanOnce(int idx, int depth, out bool nonFinite)
        {
            nonFinite = false;
            if (idx >= _s.Length) throw Error("Expecting value", idx);
            switch (_s[idx])
            {
                case '"': return ScanString(idx + 1, out _);
                case '{':
                    if (depth >= MaxDepth) throw Error("Nesting too deep", idx);
                    return ParseObject(idx + 1, depth + 1, out nonFinite);
                case '[':
                    if (depth >= MaxDepth) throw Error("Nesting too deep", idx);
                    return ParseArray(idx + 1, depth + 1, out nonFinite);
                case 'n' when At(idx, "null"): return idx + 4;
                case 't' when At(idx, "true"): return idx + 4;
                case 'f' when At(idx, "false"): return idx + 5;
                case 'N' when At(idx, "NaN"): nonFinite = true; return idx + 3;
                case 'I' when At(idx, "Infinity"): nonFinite = true; return idx + 8;
                case '-' when At(idx, "-Infinity"): nonFinite = true; return idx + 9;
            }
            return MatchNumber(idx);
        }

        static bool Digit(int c) => c is >= '0' and <= '9';

        int MatchNumber(int start)
        {
            var idx = start;
            if (_s[idx] == '-')
            {
                idx++;
                if (idx > _endIdx) throw Error("Expecting value", start);
            }
            if (_s[idx] is >= '1' and <= '9')
            {
                idx++;
                while (idx <= _endIdx && Digit(_s[idx])) idx++;
            }
            else if (_s[idx] == '0') idx++;
            else throw Error("Expecting value", start);
            if (idx < _endIdx && _s[idx] == '.' && Digit(_s[idx + 1]))
            {
                idx += 2;
                while (idx <= _endIdx && Digit(_s[idx])) idx++;
            }
            if (idx < _endIdx && _s[idx] is 'e' or 'E')
            {
                var eStart = idx;
                idx++;
                if (idx < _endIdx && _s[idx] is '-' or '+') idx++;
                while (idx <= _endIdx && Digit(_s[idx])) idx++;
                if (!Digit(_s[idx - 1])) idx = eStart; // no exponent digits: the 'e' is not part of the number
            }
            return idx;
        }

        /// <summary><paramref name="end"/> is the index after the opening quote; returns the index after the closing one.</summary>
        int ScanString(int end, out string value)
        {
            var begin = end - 1;
            var len = _s.Length;
            var sb = new StringBuilder();
            while (true)
            {
                int next, c = 0;
                for (next = end; next < len; next++)
                {
                    c = _s[next];
                    if (c is '"' or '\\') break;
                    if (c <= 0x1f) throw Error("Invalid control character at", next);
                    Append(sb, c);
                }
                if (next == len) throw Error("Unterminated string starting at", begin);
                next++;
                if (c == '"') { value = sb.ToString(); return next; }
                if (next == len) throw Error("Unterminated string starting at", begin);
                c = _s[next];
                if (c != 'u')
                {
                    end = next + 1;
                    c = c switch
                    {
                        '"' or '\\' or '/' => c,
                        'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t',
                        _ => throw Error("Invalid \\escape", end - 2),
                    };
                }
                else
                {
                    next++;
                    end = next + 4;
                    if (end >= len) throw Error("Invalid \\uXXXX escape", next - 1);
                    c = Hex4(next, end);
                    next = end;
                    // A high surrogate followed by an escaped low one is one character; otherwise each stands alone.
                    if (c is >= 0xD800 and <= 0xDBFF && end + 6 < len && _s[next] == '\\' && _s[next + 1] == 'u')
                    {
                        var c2 = Hex4(next + 2, end + 6);
                        if (c2 is >= 0xDC00 and <= 0xDFFF)
                        {
                            c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
                            end += 6;
                        }
                    }
                }
                Append(sb, c);
            }
        }

        int Hex4(int from, int end)
        {
            var c = 0;
            for (var i = from; i < end; i++)
            {
                var d = _s[i];
                c <<= 4;
                c |= d switch
                {
                    >= '0' and <= '9' => d - '0',
                    >= 'a' and <= 'f' => d - 'a' + 10,
                    >= 'A' and <= 'F' => d - 'A' + 10,
                    _ => throw Error("Invalid \\uXXXX escape", end - 5),
                };
            }
            return c;
        }

        static void Append(StringBuilder sb, int c)
        {
            if (c is >= 0xD800 and <= 0xDFFF) sb.Append((char)c); // Python keeps a lone surrogate; so does a .NET string
            else sb.Append(char.ConvertFromUtf32(c));
        }

        int ParseObject(int idx, int depth, out bool nonFinite)
        {
            nonFinite = false;
            var top = depth == 1 && _members is not null;
            idx = SkipWs(idx);
            if (idx > _endIdx || _s[idx] != '}')
            {
                while (true)
                {
                    if (idx > _endIdx || _s[idx] != '"') throw Error("Expecting property name enclosed in double quotes", idx);
                    idx = ScanString(idx + 1, out var key);
                    idx = SkipWs(idx);
                    if (idx > _endIdx || _s[idx] != ':') throw Error("Expecting ':' delimiter", idx);
                    idx = SkipWs(idx + 1);
                    var valueStart = idx;
                    idx = ScanOnce(idx, depth, out var nf);
                    nonFinite |= nf;
                    if (top) Add(key, Slice(valueStart, idx), nf);
                    idx = SkipWs(idx);
                    if (idx <= _endIdx && _s[idx] == '}') break;
                    if (idx > _endIdx || _s[idx] != ',') throw Error("Expecting ',' delimiter", idx);
                    idx = SkipWs(idx + 1);
                }
            }
            return idx + 1;
        }

        int ParseArray(int idx, int depth, out bool nonFinite)
        {
            nonFinite = false;
            idx = SkipWs(idx);
            if (idx > _endIdx || _s[idx] != ']')
            {
                while (true)
                {
                    idx = ScanOnce(idx, depth, out var nf);
                    nonFinite |= nf;
                    idx = SkipWs(idx);
                    if (idx <= _endIdx && _s[idx] == ']') break;
                    if (idx > _endIdx || _s[idx] != ',') throw Error("Expecting ',' delimiter", idx);
                    idx = SkipWs(idx + 1);
                }
            }
            return idx + 1;
        }

        void Add(string key, string raw, bool nonFinite)
        {
            // A dict keeps a repeated key at its first position with its last value.
            if (_positions!.TryGetValue(key, out var at)) _members![at] = new Member(key, raw, nonFinite);
            else
            {
                _positions[key] = _members!.Count;
                _members.Add(new Member(key, raw, nonFinite));
            }
        }

        string Slice(int from, int to)
        {
            var sb = new StringBuilder(to - from);
            for (var i = from; i < to; i++) Append(sb, _s[i]);
            return sb.ToString();
        }

        /// <summary>Python's JSONDecodeError text: "msg: line L column C (char P)", all counted as Python counts them.</summary>
        PythonJsonException Error(string message, int pos)
        {
            var line = 1;
            var lastNewline = -1;
            for (var i = 0; i < pos && i < _s.Length; i++)
                if (_s[i] == '\n') { line++; lastNewline = i; }
            return new PythonJsonException(message, line, pos - lastNewline, pos);
        }
    }
}

/// <summary>A document Python's json module would refuse, with Python's message and position.</summary>
public sealed class PythonJsonException(string reason, int line, int column, int position)
    : Exception($"{reason}: line {line} column {column} (char {position})")
{
    public string Reason { get; } = reason;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public int Position { get; } = position;
}

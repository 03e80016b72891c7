// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Globalization;
using System.Text;
using ScimSync.Errors;
using ScimSync.Patching;

namespace ScimSync.Filtering.Internal;

/// <summary>
/// A hand-written scanner and recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2), PATCH paths
/// (§3.5.2) and attribute paths (§3.10). <c>and</c>/<c>or</c> chains are loops, so only real nesting (parentheses,
/// <c>not</c>, brackets) recurses, and that is capped by <see cref="ScimFilterOptions.MaxDepth"/>.
/// </summary>
/// <remarks>
/// Errors are returned, not thrown: the first failing rule records a <see cref="ScimError"/> and every caller
/// unwinds by returning <see langword="null"/>.
/// </remarks>
// Error messages are concatenated rather than interpolated: each interpolation handler is a struct the JIT zeroes in
// the prolog of every call, which made the hot parsing methods clear ~500 bytes of stack per term.
internal ref struct FilterParser
{
    private const byte Name = 1;

    // Where a plain string value ends: its closing quote, an escape, or a control character (an error).
    private static readonly SearchValues<char> s_stringStops = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly ReadOnlySpan<char> _s;
    private readonly int _maxDepth;
    private readonly int _maxTerms;
    private readonly bool _allowSubAttributeAfterValueFilter;
    private readonly bool _pathErrors;
    private int _pos;
    private int _depth;
    private int _terms;
    private ScimError? _error;

    private FilterParser(string text, ScimFilterOptions options, bool pathErrors)
    {
        _s = text.AsSpan();
        _maxDepth = options.MaxDepth;
        _maxTerms = options.MaxTerms;
        _allowSubAttributeAfterValueFilter = options.AllowSubAttributeAfterValueFilter;
        _pathErrors = pathErrors;
    }

    public static FilterNode? ParseFilter(string text, ScimFilterOptions options, out ScimError? error)
    {
        if (text.Length > options.MaxLength)
        {
            error = ScimError.InvalidFilter(
                "the filter is longer than the maximum of " + options.MaxLength + " characters", options.MaxLength);
            return null;
        }

        var parser = new FilterParser(text, options, pathErrors: false);
        var node = parser.ParseWholeFilter();
        error = parser._error;
        return node;
    }

    public static PatchPath? ParsePatchPath(string text, out ScimError? error)
    {
        var parser = new FilterParser(text, ScimFilterOptions.Default, pathErrors: true);
        var path = parser.ParseWholePatchPath();
        error = parser._error;
        return path;
    }

    public static AttributePath? ParseAttributePath(string text, out ScimError? error)
    {
        var parser = new FilterParser(text, ScimFilterOptions.Default, pathErrors: true);
        parser.SkipWhitespace();
        var path = parser.ParseAttributePathRequired("an attribute path", relative: false);
        if (path is not null)
        {
            parser.SkipWhitespace();
            if (!parser.AtEnd)
            {
                path = parser.Fail<AttributePath>(
                    "unexpected '" + parser.Current + "' after the attribute path at " + parser._pos, parser._pos);
            }
        }

        error = parser._error;
        return path;
    }

    public static IReadOnlyList<AttributePath>? ParseAttributePathList(string text, out ScimError? error)
    {
        var parser = new FilterParser(text, ScimFilterOptions.Default, pathErrors: true);
        var list = new List<AttributePath>();
        parser.SkipWhitespace();
        if (parser.AtEnd)
        {
            error = null;
            return list;
        }

        while (true)
        {
            parser.SkipWhitespace();
            var path = parser.ParseAttributePathRequired("an attribute path", relative: false);
            if (path is null)
            {
                error = parser._error;
                return null;
            }

            list.Add(path);
            parser.SkipWhitespace();
            if (parser.AtEnd)
            {
                error = null;
                return list;
            }

            if (parser.Current != ',')
            {
                parser.Fail<object>("expected ',' or the end of the list at " + parser._pos, parser._pos);
                error = parser._error;
                return null;
            }

            parser._pos++;
        }
    }

    private readonly bool AtEnd => _pos >= _s.Length;

    private readonly char Current => _s[_pos];

    private FilterNode? ParseWholeFilter()
    {
        SkipWhitespace();
        if (AtEnd)
        {
            return Fail<FilterNode>("the filter is empty at " + _pos, _pos);
        }

        var node = ParseOr(inBrackets: false);
        if (node is null)
        {
            return null;
        }

        SkipWhitespace();
        if (!AtEnd)
        {
            return Current switch
            {
                ')' => Fail<FilterNode>("unexpected ')' without a matching '(' at " + _pos, _pos),
                ']' => Fail<FilterNode>("unexpected ']' without a matching '[' at " + _pos, _pos),
                _ => Fail<FilterNode>("expected 'and', 'or' or the end of the filter at " + _pos, _pos),
            };
        }

        return node;
    }

    private PatchPath? ParseWholePatchPath()
    {
        SkipWhitespace();
        var path = ParseAttributePathRequired("an attribute path", relative: false);
        if (path is null)
        {
            return null;
        }

        FilterNode? filter = null;
        if (!AtEnd && Current == '[')
        {
            var open = _pos;
            if (path.SubAttributeName is not null)
            {
                return Fail<PatchPath>(
                    "a value filter must follow an attribute, not the sub-attribute '" + path + "', at " + open, open);
            }

            filter = ParseBracketFilter(open);
            if (filter is null)
            {
                return null;
            }

            if (!AtEnd && Current == '.')
            {
                var subStart = ++_pos;
                var end = ScanNameChars();
                if (end == subStart)
                {
                    return Fail<PatchPath>("expected a sub-attribute name after '.' at " + subStart, subStart);
                }

                if (!ValidateName(subStart, end))
                {
                    return null;
                }

                path = path with { SubAttributeName = NameCache.Name(_s[subStart.._pos]) };
            }
        }

        SkipWhitespace();
        if (!AtEnd)
        {
            return Fail<PatchPath>("unexpected '" + Current + "' in the path at " + _pos, _pos);
        }

        return new PatchPath(path, filter);
    }

    private FilterNode? ParseOr(bool inBrackets)
    {
        var left = ParseAnd(inBrackets);
        while (left is not null)
        {
            var save = _pos;
            SkipWhitespace();
            if (!TryKeyword("or"))
            {
                _pos = save;
                return left;
            }

            var right = ParseAnd(inBrackets);
            if (right is null)
            {
                return null;
            }

            left = new LogicalNode(LogicalOperator.Or, left, right);
        }

        return null;
    }

    private FilterNode? ParseAnd(bool inBrackets)
    {
        var left = ParseUnary(inBrackets);
        while (left is not null)
        {
            var save = _pos;
            SkipWhitespace();
            if (!TryKeyword("and"))
            {
                _pos = save;
                return left;
            }

            var right = ParseUnary(inBrackets);
            if (right is null)
            {
                return null;
            }

            left = new LogicalNode(LogicalOperator.And, left, right);
        }

        return null;
    }

    private FilterNode? ParseUnary(bool inBrackets)
    {
        SkipWhitespace();
        if (AtEnd)
        {
            return Fail<FilterNode>("expected an attribute path, 'not' or '(' at " + _pos, _pos);
        }

        if (Current == '(')
        {
            return ParseGroup(inBrackets);
        }

        if ((Current | 0x20) == 'n' && LetterRunIs(_pos, "not"))
        {
            var save = _pos;
            _pos += 3;
            SkipWhitespace();
            if (!AtEnd && Current == '(')
            {
                var operand = ParseGroup(inBrackets);
                return operand is null ? null : new NotNode(operand);
            }

            // "not" not followed by "(" is an attribute named "not".
            _pos = save;
        }

        var pathStart = _pos;
        var path = ParseAttributePathRequired("an attribute path, 'not' or '('", relative: inBrackets);
        if (path is null)
        {
            return null;
        }

        if (!AtEnd && Current == '[')
        {
            if (inBrackets)
            {
                return Fail<FilterNode>("value filters cannot be nested at " + _pos, _pos);
            }

            if (path.SubAttributeName is not null)
            {
                return Fail<FilterNode>(
                    "a value filter must follow an attribute, not the sub-attribute '" + path + "', at " + _pos, _pos);
            }

            var filter = ParseBracketFilter(_pos);
            if (filter is null)
            {
                return null;
            }

            if (!AtEnd && Current == '.')
            {
                if (!_allowSubAttributeAfterValueFilter)
                {
                    return Fail<FilterNode>(
                        "a sub-attribute after ']' is only allowed in PATCH paths at " + _pos, _pos);
                }

                // Entra ID looks users up with emails[type eq "work"].value eq "x": the same as
                // emails[type eq "work" and value eq "x"], which is what it becomes.
                var subStart = ++_pos;
                var subEnd = ScanNameChars();
                if (subEnd == subStart)
                {
                    return Fail<FilterNode>("expected a sub-attribute name after '.' at " + subStart, subStart);
                }

                if (!ValidateName(subStart, subEnd))
                {
                    return null;
                }

                var sub = new AttributePath(null, NameCache.Name(_s[subStart..subEnd]));
                var condition = ParseAttributeExpression(sub, subStart, subEnd);
                return condition is null ? null : new ValuePathNode(path, new LogicalNode(LogicalOperator.And, filter, condition));
            }

            return new ValuePathNode(path, filter);
        }

        return ParseAttributeExpression(path, pathStart, _pos);
    }

    // attrExp after its path: "pr", or an operator and a comparison value.
    private FilterNode? ParseAttributeExpression(AttributePath path, int pathStart, int pathEnd)
    {
        SkipWhitespace();
        var opStart = _pos;
        var opEnd = ScanLetters();
        if (opEnd == opStart || pathEnd == opStart)
        {
            return Fail<FilterNode>(
                "expected a comparison operator after '" + _s[pathStart..pathEnd].ToString() + "' at " + opStart, opStart);
        }

        if (++_terms > _maxTerms)
        {
            return Fail<FilterNode>(
                "the filter has more than the maximum of " + _maxTerms + " attribute expressions at " + pathStart, pathStart);
        }

        var word = _s[opStart..opEnd];
        if (word.Length == 2 && (word[0] | 0x20) == 'p' && (word[1] | 0x20) == 'r')
        {
            return new PresentNode(path);
        }

        if (!TryGetOperator(word, out var op))
        {
            return path is { SchemaUri: null, SubAttributeName: null } &&
                   path.AttributeName.Equals("not", StringComparison.OrdinalIgnoreCase)
                ? Fail<FilterNode>("expected '(' after 'not' at " + opStart, opStart)
                : Fail<FilterNode>("unknown comparison operator '" + word.ToString() + "' at " + opStart, opStart);
        }

        var afterOp = _pos;
        SkipWhitespace();
        if (AtEnd || (afterOp == _pos && Current != '"'))
        {
            return Fail<FilterNode>("expected a comparison value after '" + word.ToString() + "' at " + _pos, _pos);
        }

        return TryParseValue(out var value) ? new ComparisonNode(path, op, value) : null;
    }

    private FilterNode? ParseGroup(bool inBrackets)
    {
        var open = _pos;
        if (++_depth > _maxDepth)
        {
            return Fail<FilterNode>("the filter is nested deeper than the maximum of " + _maxDepth + " levels at " + open, open);
        }

        _pos++;
        var inner = ParseOr(inBrackets);
        if (inner is null)
        {
            return null;
        }

        SkipWhitespace();
        if (AtEnd)
        {
            return Fail<FilterNode>("missing ')' for the '(' at " + open, _pos);
        }

        if (Current != ')')
        {
            return Fail<FilterNode>("expected ')', 'and' or 'or' at " + _pos, _pos);
        }

        _pos++;
        _depth--;
        return inner;
    }

    private FilterNode? ParseBracketFilter(int open)
    {
        if (++_depth > _maxDepth)
        {
            return Fail<FilterNode>("the filter is nested deeper than the maximum of " + _maxDepth + " levels at " + open, open);
        }

        _pos = open + 1;
        var inner = ParseOr(inBrackets: true);
        if (inner is null)
        {
            return null;
        }

        SkipWhitespace();
        if (AtEnd)
        {
            return Fail<FilterNode>("missing ']' for the '[' at " + open, _pos);
        }

        if (Current != ']')
        {
            return Fail<FilterNode>("expected ']', 'and' or 'or' at " + _pos, _pos);
        }

        _pos++;
        _depth--;
        return inner;
    }

    // attrPath = [URI ":"] ATTRNAME *1subAttr. The URN is everything up to the last ':' because URNs contain dots
    // ("2.0"); '$' is accepted in names for "$ref" (RFC 7643 §2.1 allows it, the §3.4.2.2 ABNF forgot it).
    private AttributePath? ParseAttributePathRequired(string expected, bool relative)
    {
        // Scanned on locals: fields of a ref struct are reached through 'this' and reloaded every iteration.
        var s = _s;
        var start = _pos;
        var end = start;
        var colon = -1;
        while ((uint)end < (uint)s.Length && IsPathChar(s[end]))
        {
            if (s[end] == ':')
            {
                colon = end - start;
            }

            end++;
        }

        _pos = end;
        if (end == start)
        {
            if (!AtEnd && Current == '"')
            {
                return Fail<AttributePath>("expected " + expected + " at " + start + ", not a string value", start);
            }

            return Fail<AttributePath>("expected " + expected + " at " + start, start);
        }

        var span = s[start..end];
        string? uri = null;
        var nameStart = start;
        if (colon >= 0)
        {
            if (relative)
            {
                return Fail<AttributePath>(
                    "paths inside a value filter are relative to its attribute; a schema URN is not allowed at " + start, start);
            }

            if (colon == 0)
            {
                return Fail<AttributePath>("expected a schema URN before ':' at " + start, start);
            }

            uri = NameCache.Uri(span[..colon]);
            nameStart = start + colon + 1;
            if (nameStart == end)
            {
                return Fail<AttributePath>("expected an attribute name after the schema URN at " + nameStart, nameStart);
            }
        }

        var rest = s[nameStart..end];
        var dot = rest.IndexOf('.');
        var nameEnd = dot < 0 ? end : nameStart + dot;
        if (nameEnd == nameStart)
        {
            return Fail<AttributePath>("expected an attribute name at " + nameStart, nameStart);
        }

        if (!ValidateName(nameStart, nameEnd))
        {
            return null;
        }

        string? sub = null;
        if (dot >= 0)
        {
            var subStart = nameEnd + 1;
            if (relative)
            {
                return Fail<AttributePath>(
                    "paths inside a value filter name one sub-attribute and cannot have their own at " + nameEnd, nameEnd);
            }

            if (subStart == end || _s[subStart] == '.')
            {
                return Fail<AttributePath>("expected a sub-attribute name after '.' at " + subStart, subStart);
            }

            var secondDot = _s[subStart..end].IndexOf('.');
            if (secondDot >= 0)
            {
                return Fail<AttributePath>(
                    "an attribute path has at most one sub-attribute; unexpected '.' at " + (subStart + secondDot),
                    subStart + secondDot);
            }

            if (!ValidateName(subStart, end))
            {
                return null;
            }

            sub = NameCache.Name(_s[subStart..end]);
        }

        return uri is null && sub is null
            ? NameCache.UnqualifiedPath(s[nameStart..nameEnd])
            : new AttributePath(uri, NameCache.Name(s[nameStart..nameEnd]), sub);
    }

    // ATTRNAME = ALPHA *(nameChar); nameChar = "-" / "_" / DIGIT / ALPHA (plus "").
    private bool ValidateName(int start, int end)
    {
        var s = _s;
        var first = s[start];
        if (!IsAsciiLetter(first) && first != '$')
        {
            Fail<object>($"an attribute name must start with a letter, not '{first}', at {start}", start);
            return false;
        }

        for (var i = start + 1; i < end; i++)
        {
            var c = s[i];
            if (!IsNameChar(c))
            {
                Fail<object>("invalid character '" + c + "' in attribute name at " + i, i);
                return false;
            }
        }

        return true;
    }

    private bool TryParseValue(out FilterValue value)
    {
        var c = Current;
        if (c == '"')
        {
            if (TryParseString(out var text))
            {
                value = FilterValue.FromString(text);
                return true;
            }
        }
        else if (c == '-' || char.IsAsciiDigit(c))
        {
            if (TryParseNumber(out var number))
            {
                value = FilterValue.FromNumber(number);
                return true;
            }
        }
        else
        {
            var start = _pos;
            var end = ScanLetters();
            var word = _s[start..end];
            if (word.SequenceEqual("true"))
            {
                value = FilterValue.True;
                return true;
            }

            if (word.SequenceEqual("false"))
            {
                value = FilterValue.False;
                return true;
            }

            if (word.SequenceEqual("null"))
            {
                value = FilterValue.Null;
                return true;
            }

            Fail<object>("expected a comparison value (a JSON string, number, true, false or null) at " + start, start);
        }

        value = default;
        return false;
    }

    private bool TryParseString(out string text)
    {
        var start = _pos;
        var stop = _s[(start + 1)..].IndexOfAny(s_stringStops);
        if (stop >= 0)
        {
            var i = start + 1 + stop;
            var c = _s[i];
            if (c == '"')
            {
                text = new string(_s[(start + 1)..i]);
                _pos = i + 1;
                return true;
            }

            if (c == '\\')
            {
                return TryParseEscapedString(start, i, out text);
            }

            Fail<object>("unescaped control character in the string at " + i, i);
            text = string.Empty;
            return false;
        }

        Fail<object>("unterminated string starting at " + start, start);
        text = string.Empty;
        return false;
    }

    private bool TryParseEscapedString(int start, int firstEscape, out string text)
    {
        var builder = new StringBuilder(firstEscape - start + 16);
        builder.Append(_s[(start + 1)..firstEscape]);
        var i = firstEscape;
        text = string.Empty;
        while (i < _s.Length)
        {
            var c = _s[i];
            if (c == '"')
            {
                text = builder.ToString();
                _pos = i + 1;
                return true;
            }

            if (c < ' ')
            {
                Fail<object>("unescaped control character in the string at " + i, i);
                return false;
            }

            if (c != '\\')
            {
                builder.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= _s.Length)
            {
                break;
            }

            var e = _s[i + 1];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (i + 6 > _s.Length ||
                        !int.TryParse(_s.Slice(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        Fail<object>("invalid \\u escape (expected four hex digits) at " + i, i);
                        return false;
                    }

                    builder.Append((char)code);
                    i += 4;
                    break;
                default:
                    Fail<object>("invalid escape sequence '\\" + e + "' in the string at " + i, i);
                    return false;
            }

            i += 2;
        }

        Fail<object>("unterminated string starting at " + start, start);
        return false;
    }

    // number = [ "-" ] int [ frac ] [ exp ] (RFC 8259 §6).
    private bool TryParseNumber(out decimal number)
    {
        var start = _pos;
        var i = start;
        number = 0;
        if (_s[i] == '-')
        {
            i++;
        }

        if (i >= _s.Length || !char.IsAsciiDigit(_s[i]))
        {
            Fail<object>("invalid number: expected a digit at " + i, i);
            return false;
        }

        if (_s[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < _s.Length && char.IsAsciiDigit(_s[i]))
            {
                i++;
            }
        }

        if (i < _s.Length && _s[i] == '.')
        {
            i++;
            if (i >= _s.Length || !char.IsAsciiDigit(_s[i]))
            {
                Fail<object>("invalid number: expected a digit after '.' at " + i, i);
                return false;
            }

            while (i < _s.Length && char.IsAsciiDigit(_s[i]))
            {
                i++;
            }
        }

        if (i < _s.Length && (_s[i] | 0x20) == 'e')
        {
            i++;
            if (i < _s.Length && (_s[i] == '+' || _s[i] == '-'))
            {
                i++;
            }

            if (i >= _s.Length || !char.IsAsciiDigit(_s[i]))
            {
                Fail<object>("invalid number: expected a digit in the exponent at " + i, i);
                return false;
            }

            while (i < _s.Length && char.IsAsciiDigit(_s[i]))
            {
                i++;
            }
        }

        if (i < _s.Length && (IsPathChar(_s[i]) || _s[i] == '"'))
        {
            Fail<object>("invalid number: unexpected '" + (_s[i]) + "' at " + i, i);
            return false;
        }

        const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (!decimal.TryParse(_s[start..i], Styles, CultureInfo.InvariantCulture, out number))
        {
            Fail<object>("the number at " + start + " is out of range", start);
            return false;
        }

        _pos = i;
        return true;
    }

    private static bool TryGetOperator(ReadOnlySpan<char> word, out ComparisonOperator op)
    {
        op = default;
        if (word.Length != 2)
        {
            return false;
        }

        // Both characters lower-cased (ASCII) and packed; non-letters never reach here.
        switch (((word[0] | 0x20) << 8) | (word[1] | 0x20))
        {
            case ('e' << 8) | 'q': op = ComparisonOperator.Equal; return true;
            case ('n' << 8) | 'e': op = ComparisonOperator.NotEqual; return true;
            case ('c' << 8) | 'o': op = ComparisonOperator.Contains; return true;
            case ('s' << 8) | 'w': op = ComparisonOperator.StartsWith; return true;
            case ('e' << 8) | 'w': op = ComparisonOperator.EndsWith; return true;
            case ('g' << 8) | 't': op = ComparisonOperator.GreaterThan; return true;
            case ('g' << 8) | 'e': op = ComparisonOperator.GreaterThanOrEqual; return true;
            case ('l' << 8) | 't': op = ComparisonOperator.LessThan; return true;
            case ('l' << 8) | 'e': op = ComparisonOperator.LessThanOrEqual; return true;
            default: return false;
        }
    }

    private bool TryKeyword(string keyword)
    {
        // Most calls look at the start of something else; the first letter rules them out cheaply.
        if (AtEnd || (Current | 0x20) != keyword[0] || !LetterRunIs(_pos, keyword))
        {
            return false;
        }

        _pos += keyword.Length;
        return true;
    }

    // Whether the run of ASCII letters at start is exactly keyword, ignoring case.
    private readonly bool LetterRunIs(int start, string keyword)
    {
        var end = start + keyword.Length;
        if (end > _s.Length || !_s.Slice(start, keyword.Length).Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return end == _s.Length || !IsPathChar(_s[end]);
    }

    private int ScanLetters()
    {
        var s = _s;
        var i = _pos;
        while ((uint)i < (uint)s.Length && IsAsciiLetter(s[i]))
        {
            i++;
        }

        return _pos = i;
    }

    private int ScanNameChars()
    {
        while (_pos < _s.Length && IsPathChar(_s[_pos]) && _s[_pos] is not ('.' or ':'))
        {
            _pos++;
        }

        return _pos;
    }

    private void SkipWhitespace()
    {
        var s = _s;
        var i = _pos;
        while ((uint)i < (uint)s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }

        _pos = i;
    }

    private static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    // ALPHA / DIGIT / "-" / "_" / "", plus "." and ":" that separate the parts of a path.
    private static bool IsPathChar(char c) => c < 128 && CharClasses[c] != 0;

    private static bool IsNameChar(char c) => c < 128 && CharClasses[c] == Name;

    // 1 for name characters, 2 for the separators '.' and ':', 0 otherwise; indexed by ASCII code.
    private static ReadOnlySpan<byte> CharClasses =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    ];

    private T? Fail<T>(string detail, int position)
        where T : class
    {
        _error ??= _pathErrors ? ScimError.InvalidPath(detail, position) : ScimError.InvalidFilter(detail, position);
        return null;
    }
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Patching;

public static partial class ScimPatch
{
    // The duplicate-name check keeps the names of every open object (at most MaxJsonDepth of them) in one stack
    // buffer; a body whose open objects need more, or an object with more names, is left to the full path.
    private const int MaxOpenNameBytes = 4096;
    private const int MaxNamesPerObject = 64;

    /// <summary>
    /// Reads the net membership change of a group PATCH body in one pass over its UTF-8 text, without building a
    /// <see cref="PatchRequest"/>: the fast path for the members-only requests identity providers send.
    /// </summary>
    /// <remarks>
    /// <para>
    /// RFC 7644 §3.5.2. Returns <see langword="true"/> only when
    /// <see cref="TryParse(ReadOnlySpan{byte}, out PatchRequest?, out Errors.ScimError?, ScimPatchOptions?)"/> would accept
    /// the body with the same <paramref name="options"/> and
    /// <see cref="TryGetMembershipChange(PatchRequest, out MembershipChange?, ScimCompatibility?)"/> would recognise
    /// it with <see cref="ScimPatchOptions.Compatibility"/>; <paramref name="change"/> is then equal to the change
    /// those two give.
    /// </para>
    /// <para>
    /// <see langword="false"/> says nothing about the body: it may be invalid, change other attributes, or merely
    /// have a shape this reader leaves to the full path (a member name given twice in different cases, very many or
    /// very long property names). Parse it with <c>TryParse</c>, which reports the error if there is one, and call
    /// <c>TryGetMembershipChange</c> on the result.
    /// </para>
    /// </remarks>
    /// <param name="utf8Json">The request body as UTF-8 JSON.</param>
    /// <param name="change">The net membership change, when the method returns <see langword="true"/>.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>
    /// <see langword="true"/> when the body is a valid PATCH request that only changes membership in one of the
    /// shapes <see cref="TryGetMembershipChange(PatchRequest, out MembershipChange?, ScimCompatibility?)"/> lists.
    /// </returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in whether displays are read (an out parameter), not in trailing parameters.")]
    public static bool TryReadMembershipChange(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out MembershipChange? change,
        ScimPatchOptions? options = null) =>
        TryReadMembershipChange(utf8Json, readDisplays: false, out change, out _, options);

    /// <summary>
    /// Reads the net membership change of a group PATCH body in one pass, as
    /// <see cref="TryReadMembershipChange(ReadOnlySpan{byte}, out MembershipChange?, ScimPatchOptions?)"/> does, and
    /// also the <c>display</c> the request gives for the members it adds (Okta sends it).
    /// </summary>
    /// <remarks>
    /// RFC 7643 §4.2 (<c>members.display</c>). <paramref name="displays"/> maps a member id to the <c>display</c>
    /// string of the last element of an <c>add</c> operation's value that has both a <c>value</c> and a
    /// <c>display</c> string under those exact names (as <c>JsonObject</c>'s indexer finds them). Look it up for each id
    /// of <see cref="MembershipChange.Added"/>; it may also hold ids a later operation removed.
    /// </remarks>
    /// <param name="utf8Json">The request body as UTF-8 JSON.</param>
    /// <param name="change">The net membership change, when the method returns <see langword="true"/>.</param>
    /// <param name="displays">The display per added member id (often empty), when the method returns <see langword="true"/>.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>
    /// <see langword="true"/> when the body is a valid PATCH request that only changes membership; see
    /// <see cref="TryReadMembershipChange(ReadOnlySpan{byte}, out MembershipChange?, ScimPatchOptions?)"/>.
    /// </returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in whether displays are read (an out parameter), not in trailing parameters.")]
    public static bool TryReadMembershipChange(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out MembershipChange? change,
        [NotNullWhen(true)] out IReadOnlyDictionary<string, string>? displays,
        ScimPatchOptions? options = null)
    {
        var ok = TryReadMembershipChange(utf8Json, readDisplays: true, out change, out var found, options);
        displays = ok ? found ?? (IReadOnlyDictionary<string, string>)s_noDisplays : null;
        return ok;
    }

    private static readonly Dictionary<string, string> s_noDisplays = new(StringComparer.Ordinal);

    // An operation's ids before they join the net change, reused per thread: growing a fresh list to 100 ids costs
    // more than the change itself. Emptied after each use; a list grown by a huge body is not kept.
    [ThreadStatic]
    private static List<string>? t_operationIds;

    private const int MaxCachedOperationIds = 4096;

    private static bool TryReadMembershipChange(
        ReadOnlySpan<byte> utf8Json,
        bool readDisplays,
        [NotNullWhen(true)] out MembershipChange? change,
        out Dictionary<string, string>? displays,
        ScimPatchOptions? options)
    {
        options ??= ScimPatchOptions.Default;
        change = null;
        displays = null;

        // TryParse refuses a body with invalid text anywhere, even in a value this reader skips (a display, an
        // unknown property), so this must too: the same scan, up front.
        if (JsonText.FindInvalidText(utf8Json) >= 0)
        {
            return false;
        }

        Span<byte> names = stackalloc byte[MaxOpenNameBytes];

        var ids = t_operationIds ?? [];
        t_operationIds = null;

        // The same reader settings JsonNode.Parse uses in TryParse, so the same texts are valid JSON.
        var reader = new MembershipReader(
            new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxJsonDepth }), names, ids, options, readDisplays);
        try
        {
            if (!reader.ReadBody())
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not a catch ladder: invalid JSON (JsonException) and text that is not valid UTF-8
            // (InvalidOperationException from GetString) are both "leave it to the full path".
            return false;
        }
        finally
        {
            ids.Clear();
            if (ids.Capacity <= MaxCachedOperationIds)
            {
                t_operationIds = ids;
            }
        }

        change = reader.Accumulator.ToChange();
        displays = reader.Displays;
        return true;
    }

    // What TryParse and TryGetMembershipChange check, in the order the text arrives. Every method returns false as
    // soon as the answer can no longer be true; the caller then discards everything.
    private ref struct MembershipReader
    {
        private readonly Span<byte> _names;
        private readonly ScimPatchOptions _options;
        private readonly bool _readDisplays;
        private readonly List<string> _ids;
        private readonly List<string?>? _idDisplays;
        private Utf8JsonReader _reader;
        private int _namesLength;

        public MembershipReader(Utf8JsonReader reader, Span<byte> names, List<string> ids, ScimPatchOptions options, bool readDisplays)
        {
            _reader = reader;
            _names = names;
            _ids = ids;
            _options = options;
            _readDisplays = readDisplays;
            _idDisplays = readDisplays ? [] : null;
        }

        private enum Key
        {
            Other,
            Schemas,
            Operations,
            Op,
            Path,
            Value,
        }

        private enum ValueKind
        {
            Absent,
            Null,
            MemberIds,
            Other,
        }

        public MembershipAccumulator Accumulator { get; } = new();

        public Dictionary<string, string>? Displays { get; private set; }

        public bool ReadBody()
        {
            if (!_reader.Read() || _reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var mark = _namesLength;
            var count = 0;
            bool sawSchemas = false, sawOperations = false;
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!AddName(mark, ref count))
                {
                    return false;
                }

                // GetPropertyIgnoreCase prefers the exact name, else takes the first match: with one match either
                // way finds it, and two matches are left to the full path rather than read twice.
                var key = IsNameIgnoreCase("schemas") ? Key.Schemas : IsNameIgnoreCase("Operations") ? Key.Operations : Key.Other;
                _reader.Read();
                switch (key)
                {
                    case Key.Schemas when !sawSchemas:
                        sawSchemas = true;
                        if (!ReadSchemas())
                        {
                            return false;
                        }

                        break;
                    case Key.Operations when !sawOperations:
                        sawOperations = true;
                        if (!ReadOperations())
                        {
                            return false;
                        }

                        break;
                    case Key.Other:
                        if (!SkipValue())
                        {
                            return false;
                        }

                        break;
                    default:
                        return false;
                }
            }

            _namesLength = mark;

            // The body must be the only value: Read throws on anything but trailing whitespace.
            return sawSchemas && sawOperations && !_reader.Read();
        }

        private bool ReadSchemas()
        {
            if (_reader.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }

            var found = false;
            while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
            {
                if (_reader.TokenType == JsonTokenType.String)
                {
                    found = found || IsTextIgnoreCase(ScimSchemas.PatchOp);
                }
                else if (!SkipValue())
                {
                    return false;
                }
            }

            return found;
        }

        private bool ReadOperations()
        {
            if (_reader.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }

            var count = 0;
            while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
            {
                if (++count > _options.MaxOperations || _reader.TokenType != JsonTokenType.StartObject || !ReadOperation())
                {
                    return false;
                }
            }

            return count > 0;
        }

        private bool ReadOperation()
        {
            var mark = _namesLength;
            var count = 0;
            PatchOperationType? type = null;
            string? pathText = null;
            var value = ValueKind.Absent;
            bool sawOp = false, sawPath = false;
            _ids.Clear();
            _idDisplays?.Clear();
            while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!AddName(mark, ref count))
                {
                    return false;
                }

                var key = IsNameIgnoreCase("op") ? Key.Op : IsNameIgnoreCase("path") ? Key.Path : IsNameIgnoreCase("value") ? Key.Value : Key.Other;
                _reader.Read();
                switch (key)
                {
                    case Key.Op when !sawOp:
                        sawOp = true;
                        if (_reader.TokenType != JsonTokenType.String || !TryReadOperationType(out var parsed))
                        {
                            return false;
                        }

                        type = parsed;
                        break;
                    case Key.Path when !sawPath:
                        // A null path is no path, and a members operation needs one.
                        sawPath = true;
                        if (_reader.TokenType != JsonTokenType.String)
                        {
                            return false;
                        }

                        pathText = _reader.GetString();
                        break;
                    case Key.Value when value == ValueKind.Absent:
                        if (_reader.TokenType == JsonTokenType.Null)
                        {
                            value = ValueKind.Null;
                        }
                        else if (_reader.TokenType == JsonTokenType.StartArray)
                        {
                            if (!ReadMemberIds(out var isIds))
                            {
                                return false;
                            }

                            value = isIds ? ValueKind.MemberIds : ValueKind.Other;
                        }
                        else
                        {
                            value = ValueKind.Other;
                            if (!SkipValue())
                            {
                                return false;
                            }
                        }

                        break;
                    case Key.Other:
                        if (!SkipValue())
                        {
                            return false;
                        }

                        break;
                    default:
                        return false;
                }
            }

            _namesLength = mark;

            // TryParse: an op, a path that parses, and a (non-null) value unless removing.
            // TryGetMembershipChange: a members path, then the shapes MembershipAccumulator.Apply knows.
            if (type is not { } operationType || pathText is null ||
                (operationType != PatchOperationType.Remove && value is ValueKind.Absent or ValueKind.Null) ||
                !PatchPath.TryParse(pathText, out var path, out _) ||
                !IsMembers(path.Attribute))
            {
                return false;
            }

            var hasValue = value is not (ValueKind.Absent or ValueKind.Null);
            var valueIsIds = value == ValueKind.MemberIds && path.ValueFilter is null;
            if (!valueIsIds)
            {
                _ids.Clear();
            }

            if (!Accumulator.Apply(operationType, path, hasValue, valueIsIds, _ids, _options.Compatibility))
            {
                return false;
            }

            if (operationType == PatchOperationType.Add && _idDisplays is not null)
            {
                for (var i = 0; i < _idDisplays.Count; i++)
                {
                    if (_idDisplays[i] is { } display)
                    {
                        (Displays ??= new Dictionary<string, string>(StringComparer.Ordinal))[_ids[i]] = display;
                    }
                }
            }

            return true;
        }

        // TryReadIds over the body's own tokens: every element an object whose "value" (the exact spelling first,
        // else the first case-insensitive match) is a string. Returns false only when the body cannot qualify at all
        // (a duplicate name); isIds says whether the array holds member ids.
        private bool ReadMemberIds(out bool isIds)
        {
            isIds = true;
            while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
            {
                if (_reader.TokenType != JsonTokenType.StartObject)
                {
                    isIds = false;
                    if (!SkipValue())
                    {
                        return false;
                    }

                    continue;
                }

                var mark = _namesLength;
                var count = 0;

                // 0: no match yet; 1: a case-insensitive match; 2: the exact name.
                var match = 0;
                string? id = null;
                string? display = null;
                var isString = false;
                while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!AddName(mark, ref count))
                    {
                        return false;
                    }

                    var rank = _reader.ValueTextEquals("value"u8) ? 2 : match == 0 && IsValueIgnoreCase(ref _reader) ? 1 : 0;
                    var isDisplay = _readDisplays && rank == 0 && _reader.ValueTextEquals("display"u8);
                    _reader.Read();
                    if (rank > match)
                    {
                        match = rank;
                        isString = _reader.TokenType == JsonTokenType.String;
                        id = isIds && isString ? _reader.GetString() : null;
                    }
                    else if (isDisplay && _reader.TokenType == JsonTokenType.String)
                    {
                        display = _reader.GetString();
                    }

                    if (!SkipValue())
                    {
                        return false;
                    }
                }

                _namesLength = mark;
                if (match == 0 || !isString)
                {
                    isIds = false;
                }

                if (isIds)
                {
                    _ids.Add(id!);

                    // MembersToAdd's rule: the exact "value" and "display" names only.
                    _idDisplays?.Add(match == 2 ? display : null);
                }
            }

            return true;
        }

        private bool TryReadOperationType(out PatchOperationType type)
        {
            var ignoreCase = _options.Compatibility.CaseInsensitivePatchOperations;
            if (ignoreCase ? IsTextIgnoreCase("add") : _reader.ValueTextEquals("add"u8))
            {
                type = PatchOperationType.Add;
                return true;
            }

            if (ignoreCase ? IsTextIgnoreCase("replace") : _reader.ValueTextEquals("replace"u8))
            {
                type = PatchOperationType.Replace;
                return true;
            }

            if (ignoreCase ? IsTextIgnoreCase("remove") : _reader.ValueTextEquals("remove"u8))
            {
                type = PatchOperationType.Remove;
                return true;
            }

            type = default;
            return false;
        }

        // Skips the value the reader is on, checking the names of every object in it for duplicates.
        private bool SkipValue()
        {
            if (_reader.TokenType == JsonTokenType.StartArray)
            {
                while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!SkipValue())
                    {
                        return false;
                    }
                }
            }
            else if (_reader.TokenType == JsonTokenType.StartObject)
            {
                var mark = _namesLength;
                var count = 0;
                while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!AddName(mark, ref count))
                    {
                        return false;
                    }

                    _reader.Read();
                    if (!SkipValue())
                    {
                        return false;
                    }
                }

                _namesLength = mark;
            }

            return true;
        }

        // JsonDocumentOptions.AllowDuplicateProperties = false: no two names of one object may be equal once
        // unescaped. The open objects' names are stacked in _names as a two-byte length and the UTF-8 bytes; an
        // object's own start at mark.
        private bool AddName(int mark, ref int count)
        {
            var raw = _reader.ValueSpan;
            if (++count > MaxNamesPerObject || _namesLength + 2 + raw.Length > _names.Length)
            {
                return false;
            }

            // Unescaping never lengthens a name, so the raw length bounds the room needed.
            var target = _names[(_namesLength + 2)..];
            int length;
            if (_reader.ValueIsEscaped)
            {
                length = _reader.CopyString(target);
            }
            else
            {
                raw.CopyTo(target);
                length = raw.Length;
            }

            var name = target[..length];
            for (var i = mark; i < _namesLength;)
            {
                var other = _names[i] | (_names[i + 1] << 8);
                if (_names.Slice(i + 2, other).SequenceEqual(name))
                {
                    return false;
                }

                i += 2 + other;
            }

            _names[_namesLength] = (byte)length;
            _names[_namesLength + 1] = (byte)(length >> 8);
            _namesLength += 2 + length;
            return true;
        }

        private bool IsNameIgnoreCase(string name) => IsTextIgnoreCase(name);

        // string.Equals(text, name, StringComparison.OrdinalIgnoreCase), as GetPropertyIgnoreCase and TryParse compare;
        // plain ASCII text is compared in place, anything else as the string it stands for.
        private bool IsTextIgnoreCase(string name)
        {
            if (!_reader.ValueIsEscaped)
            {
                var span = _reader.ValueSpan;
                if (Ascii.IsValid(span))
                {
                    return Ascii.EqualsIgnoreCase(span, name);
                }
            }

            return string.Equals(_reader.GetString(), name, StringComparison.OrdinalIgnoreCase);
        }
    }
}

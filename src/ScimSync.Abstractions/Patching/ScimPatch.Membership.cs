// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Filtering;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Patching;

public static partial class ScimPatch
{
    private const string MembersName = "members";
    private const int MaxCachedIdBuffer = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_idBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_idWriter;

    /// <summary>
    /// Recognises a PATCH request that only changes a group's membership and returns its net effect as member ids,
    /// so a store can apply it without loading the group's members.
    /// </summary>
    /// <remarks>
    /// <para>
    /// RFC 7644 §3.5.2. The request qualifies only when every operation is one of these shapes (<c>members</c> may be
    /// prefixed with the Group schema URN; op names are already normalised by <see cref="Parse(ReadOnlySpan{byte}, ScimPatchOptions?)"/>):
    /// </para>
    /// <list type="bullet">
    /// <item><c>{"op":"add","path":"members","value":[{"value":"id"},...]}</c> (Entra ID, Okta): adds the ids.</item>
    /// <item><c>{"op":"remove","path":"members[value eq \"id\"]"}</c> (RFC 7644 §3.5.2.2, Okta), also with
    /// <c>or</c>-joined <c>value eq</c> terms: removes the ids.</item>
    /// <item><c>{"op":"remove","path":"members","value":[{"value":"id"},...]}</c> (Entra ID): removes the ids, only
    /// when <see cref="ScimCompatibility.MemberRemovalByValue"/> is on.</item>
    /// <item><c>{"op":"remove","path":"members"}</c>: removes every member.</item>
    /// <item><c>{"op":"replace","path":"members","value":[...]}</c>: replaces every member with the ids given.</item>
    /// </list>
    /// <para>
    /// Anything else (another attribute, a path-less operation, a filter on another sub-attribute, a value element
    /// without a string <c>value</c>) does not qualify: apply the request with <see cref="ScimPatchEngine"/> instead.
    /// Later operations override earlier ones for the same id.
    /// </para>
    /// </remarks>
    /// <param name="request">The parsed request.</param>
    /// <param name="change">The net membership change, when the request qualifies.</param>
    /// <param name="compatibility">The tolerances in force, or <see langword="null"/> for <see cref="ScimCompatibility.Lenient"/>.</param>
    /// <returns><see langword="true"/> when the request only changes membership in one of the shapes above.</returns>
    public static bool TryGetMembershipChange(
        PatchRequest request,
        [NotNullWhen(true)] out MembershipChange? change,
        ScimCompatibility? compatibility = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        compatibility ??= ScimCompatibility.Lenient;
        change = null;
        var accumulator = new MembershipAccumulator();
        var ids = new List<string>();
        foreach (var operation in request.Operations)
        {
            if (operation.Path is not { } path || !IsMembers(path.Attribute))
            {
                return false;
            }

            ids.Clear();
            var hasValue = operation.Value is not null;
            var valueIsIds = hasValue && path.ValueFilter is null && TryReadIds(operation.Value, ids);
            if (!accumulator.Apply(operation.Type, path, hasValue, valueIsIds, ids, compatibility))
            {
                return false;
            }
        }

        change = accumulator.ToChange();
        return true;
    }

    private static bool IsMembers(AttributePath path) =>
        path.SubAttributeName is null &&
        string.Equals(path.AttributeName, MembersName, StringComparison.OrdinalIgnoreCase) &&
        (path.SchemaUri is null || string.Equals(path.SchemaUri, ScimSchemas.Group, StringComparison.OrdinalIgnoreCase));

    private static bool TryReadIds(JsonNode? value, List<string> ids)
    {
        if (value is not JsonArray array)
        {
            return false;
        }

        // A parsed body leaves the array unmaterialised; writing it back out copies the document's tokens, which is
        // far cheaper than building a JsonObject per member just to read one string from each.
        // The buffer and writer are reused per thread: the ids are copied out as strings before this returns.
        var buffer = t_idBuffer ??= new ArrayBufferWriter<byte>(8192);
        var writer = t_idWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            array.WriteTo(writer);
            writer.Flush();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Not a catch ladder: an array built in memory can hold values with no JSON form (NaN); the node walk
            // gives the answer it always gave for those.
            return TryReadIdsFromNodes(array, ids);
        }

        try
        {
            return TryReadIds(buffer.WrittenSpan, ids);
        }
        finally
        {
            if (buffer.Capacity > MaxCachedIdBuffer)
            {
                // Do not keep a one-off huge body alive on the thread.
                t_idBuffer = null;
                t_idWriter = null;
            }
        }
    }

    // The same rules as TryReadIdsFromNodes, over JSON text: every element an object whose "value" (the exact
    // spelling first, else the first case-insensitive match, as GetPropertyIgnoreCase finds it) is a string.
    internal static bool TryReadIds(ReadOnlySpan<byte> utf8Array, List<string> ids)
    {
        var reader = new Utf8JsonReader(utf8Array, new JsonReaderOptions { MaxDepth = MaxJsonDepth + 1 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // 0: no match yet; 1: a case-insensitive match; 2: the exact name.
            var match = 0;
            string? id = null;
            var isString = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var rank = reader.ValueTextEquals("value"u8) ? 2 : match == 0 && IsValueIgnoreCase(ref reader) ? 1 : 0;
                reader.Read();
                if (rank > match)
                {
                    match = rank;
                    isString = reader.TokenType == JsonTokenType.String;
                    id = isString ? reader.GetString() : null;
                }

                reader.Skip();
            }

            if (match == 0 || !isString)
            {
                return false;
            }

            ids.Add(id!);
        }

        return false;
    }

    private static bool IsValueIgnoreCase(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped
            ? string.Equals(reader.GetString(), "value", StringComparison.OrdinalIgnoreCase)
            : reader.ValueSpan.Length == 5 && Ascii.EqualsIgnoreCase(reader.ValueSpan, "value"u8);

    // The reference for TryReadIds, kept for the tests that hold the two to the same answers.
    internal static bool TryReadIdsFromNodes(JsonNode? value, List<string> ids)
    {
        if (value is not JsonArray array)
        {
            return false;
        }

        foreach (var item in array)
        {
            if (item is not JsonObject member ||
                member.GetPropertyIgnoreCase("value") is not JsonValue id ||
                id.GetValueKind() != JsonValueKind.String)
            {
                return false;
            }

            ids.Add(id.GetValue<string>());
        }

        return true;
    }

    private static bool TryReadFilterIds(FilterNode filter, List<string> ids)
    {
        switch (filter)
        {
            case LogicalNode { Operator: LogicalOperator.Or } or:
                return TryReadFilterIds(or.Left, ids) && TryReadFilterIds(or.Right, ids);
            case ComparisonNode { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison
                when IsMemberValue(comparison.Path):
                ids.Add(comparison.Value.Text!);
                return true;
            default:
                return false;
        }
    }

    private static bool IsMemberValue(AttributePath path) =>
        path.SchemaUri is null &&
        (path.SubAttributeName is null
            ? string.Equals(path.AttributeName, "value", StringComparison.OrdinalIgnoreCase)
            : string.Equals(path.AttributeName, MembersName, StringComparison.OrdinalIgnoreCase) &&
              string.Equals(path.SubAttributeName, "value", StringComparison.OrdinalIgnoreCase));

    // The net effect of the members operations seen so far: the one place that says what each shape means, shared
    // by TryGetMembershipChange and the single-pass reader so the two cannot drift apart.
    private sealed class MembershipAccumulator
    {
        private readonly IdSet _added = new();
        private readonly IdSet _removed = new();
        private bool _replacesAll;

        // ids: the value's member ids when valueIsIds and the path has no filter; otherwise empty, and the filter's
        // ids are read into it.
        public bool Apply(
            PatchOperationType type, PatchPath path, bool hasValue, bool valueIsIds, List<string> ids, ScimCompatibility compatibility)
        {
            switch (type)
            {
                case PatchOperationType.Add when path.ValueFilter is null && valueIsIds:
                    _added.EnsureCapacity(ids.Count);
                    foreach (var id in ids)
                    {
                        _removed.Remove(id);
                        _added.Add(id);
                    }

                    return true;
                case PatchOperationType.Replace when path.ValueFilter is null && valueIsIds:
                    _replacesAll = true;
                    _removed.Clear();
                    _added.Clear();
                    _added.EnsureCapacity(ids.Count);
                    foreach (var id in ids)
                    {
                        _added.Add(id);
                    }

                    return true;
                case PatchOperationType.Remove when path.ValueFilter is null && !hasValue:
                    _replacesAll = true;
                    _removed.Clear();
                    _added.Clear();
                    return true;
                case PatchOperationType.Remove when
                    (path.ValueFilter is null && compatibility.MemberRemovalByValue && valueIsIds) ||
                    (path.ValueFilter is { } filter && TryReadFilterIds(filter, ids)):
                    foreach (var id in ids)
                    {
                        _added.Remove(id);
                        if (!_replacesAll)
                        {
                            _removed.Add(id);
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        // Ends the accumulator's use: the lists may be handed over rather than copied.
        public MembershipChange ToChange() => new(_replacesAll, _added.ToList(), _removed.ToList());
    }

    // An insertion-ordered set with O(1) add and remove; removed ids are skipped when listing.
    private sealed class IdSet
    {
        private readonly List<string> _order = [];
        private readonly HashSet<string> _members = new(StringComparer.Ordinal);
        private bool _removed;

        public void Add(string id)
        {
            if (_members.Add(id))
            {
                _order.Add(id);
            }
        }

        public void Remove(string id) => _removed |= _members.Remove(id);

        public void EnsureCapacity(int more)
        {
            _members.EnsureCapacity(_members.Count + more);
            _order.EnsureCapacity(_order.Count + more);
        }

        public void Clear()
        {
            _removed = false;
            _order.Clear();
            _members.Clear();
        }

        // The last use of the set: with nothing removed, _order itself is handed over.
        public List<string> ToList()
        {
            if (!_removed)
            {
                // Nothing was removed since the last Clear, so _order holds each member once.
                return _order;
            }

            var result = new List<string>(_members.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in _order)
            {
                if (_members.Contains(id) && seen.Add(id))
                {
                    result.Add(id);
                }
            }

            return result;
        }
    }
}

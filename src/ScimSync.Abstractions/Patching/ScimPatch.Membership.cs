// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Filtering;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Patching;

public static partial class ScimPatch
{
    private const string MembersName = "members";

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
        var added = new IdSet();
        var removed = new IdSet();
        var replacesAll = false;
        var ids = new List<string>();
        foreach (var operation in request.Operations)
        {
            if (operation.Path is not { } path || !IsMembers(path.Attribute))
            {
                return false;
            }

            ids.Clear();
            switch (operation.Type)
            {
                case PatchOperationType.Add when path.ValueFilter is null && TryReadIds(operation.Value, ids):
                    foreach (var id in ids)
                    {
                        removed.Remove(id);
                        added.Add(id);
                    }

                    break;
                case PatchOperationType.Replace when path.ValueFilter is null && TryReadIds(operation.Value, ids):
                    replacesAll = true;
                    removed.Clear();
                    added.Clear();
                    foreach (var id in ids)
                    {
                        added.Add(id);
                    }

                    break;
                case PatchOperationType.Remove when path.ValueFilter is null && operation.Value is null:
                    replacesAll = true;
                    removed.Clear();
                    added.Clear();
                    break;
                case PatchOperationType.Remove when
                    (path.ValueFilter is null && compatibility.MemberRemovalByValue && TryReadIds(operation.Value, ids)) ||
                    (path.ValueFilter is { } filter && TryReadFilterIds(filter, ids)):
                    foreach (var id in ids)
                    {
                        added.Remove(id);
                        if (!replacesAll)
                        {
                            removed.Add(id);
                        }
                    }

                    break;
                default:
                    return false;
            }
        }

        change = new MembershipChange(replacesAll, added.ToList(), removed.ToList());
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

    // An insertion-ordered set with O(1) add and remove; removed ids are skipped when listing.
    private sealed class IdSet
    {
        private readonly List<string> _order = [];
        private readonly HashSet<string> _members = new(StringComparer.Ordinal);

        public void Add(string id)
        {
            if (_members.Add(id))
            {
                _order.Add(id);
            }
        }

        public void Remove(string id) => _members.Remove(id);

        public void Clear()
        {
            _order.Clear();
            _members.Clear();
        }

        public List<string> ToList()
        {
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

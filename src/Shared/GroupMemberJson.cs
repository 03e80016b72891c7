// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Stores.Internal;

/// <summary>Writes membership rows back as a group's <c>members</c> attribute (RFC 7643 §4.2), for the SQL stores.</summary>
internal static class GroupMemberJson
{
    public static JsonArray ToJson(IEnumerable<GroupMember> members)
    {
        var array = new JsonArray();
        foreach (var member in members)
        {
            var item = new JsonObject { ["value"] = member.Value };
            if (member.Display is not null)
            {
                item["display"] = member.Display;
            }

            if (member.Type is not null)
            {
                item["type"] = member.Type;
            }

            array.Add(item);
        }

        return array;
    }
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Bitbucket;

/// <summary>Reads Bitbucket's REST payloads.</summary>
internal static class BitbucketJson
{
    /// <summary>Reads a user (<c>RestDetailedUser</c>): <c>id</c>, <c>name</c>, <c>displayName</c>, <c>emailAddress</c>, <c>active</c>.</summary>
    public static AtlassianUser ReadUser(JsonElement user)
    {
        var id = user.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number
            ? i.GetInt64().ToString(CultureInfo.InvariantCulture)
            : string.Empty;
        var email = String(user, "emailAddress");
        return new AtlassianUser(
            id,
            String(user, "name") ?? string.Empty,
            String(user, "displayName") ?? string.Empty,
            string.IsNullOrEmpty(email) ? null : email,
            !user.TryGetProperty("active", out var active) || active.ValueKind != JsonValueKind.False);
    }

    /// <summary>Reads the <c>name</c> of each of a page's <c>values</c>.</summary>
    public static List<string> ReadNames(JsonElement page)
    {
        var names = new List<string>();
        if (page.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (var value in values.EnumerateArray())
            {
                if (String(value, "name") is { } name)
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    /// <summary>Reads where the next page starts, or <see langword="null"/> on the last page (<c>isLastPage</c>, <c>nextPageStart</c>).</summary>
    public static int? NextPageStart(JsonElement page)
    {
        if (page.TryGetProperty("isLastPage", out var last) && last.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        return page.TryGetProperty("nextPageStart", out var next) && next.ValueKind == JsonValueKind.Number ? next.GetInt32() : null;
    }

    /// <summary>Reads Bitbucket's error body: <c>{"errors": [{"context": …, "message": "…", "exceptionName": "…"}]}</c>.</summary>
    public static IReadOnlyList<string> ReadErrors(JsonElement body)
    {
        var messages = new List<string>();
        if (body.ValueKind == JsonValueKind.Object
            && body.TryGetProperty("errors", out var errors)
            && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in errors.EnumerateArray())
            {
                if (String(error, "message") is { Length: > 0 } message)
                {
                    messages.Add(message);
                }
            }
        }

        return messages;
    }

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

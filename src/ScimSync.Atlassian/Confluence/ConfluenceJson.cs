// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Confluence;

/// <summary>Reads Confluence's REST payloads.</summary>
internal static class ConfluenceJson
{
    /// <summary>
    /// Reads a user (<c>rest/api/user?expand=status,details.personal</c>): <c>userKey</c>, <c>username</c>,
    /// <c>displayName</c>, <c>details.personal.email</c> and <c>status</c>.
    /// </summary>
    public static AtlassianUser ReadUser(JsonElement user)
    {
        var email = user.TryGetProperty("details", out var details)
            && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("personal", out var personal)
            && personal.ValueKind == JsonValueKind.Object
            ? String(personal, "email")
            : null;
        return new AtlassianUser(
            String(user, "userKey") ?? string.Empty,
            String(user, "username") ?? string.Empty,
            String(user, "displayName") ?? string.Empty,
            string.IsNullOrEmpty(email) ? null : email,
            IsActive(String(user, "status")));
    }

    /// <summary>Reads a page (<c>results</c>, <c>_links.next</c>) into the values of one property of each result.</summary>
    public static (List<string> Names, bool HasNext) ReadPage(JsonElement page, string nameProperty)
    {
        var names = new List<string>();
        if (page.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (var result in results.EnumerateArray())
            {
                if (String(result, nameProperty) is { } name)
                {
                    names.Add(name);
                }
            }
        }

        var hasNext = page.TryGetProperty("_links", out var links)
            && links.ValueKind == JsonValueKind.Object
            && links.TryGetProperty("next", out var next)
            && next.ValueKind == JsonValueKind.String;
        return (names, hasNext);
    }

    /// <summary>Reads the id of a long task from its submission (<c>{"id": …, "links": {"status": …}}</c>).</summary>
    public static string? ReadTaskId(JsonElement submission)
    {
        if (submission.ValueKind != JsonValueKind.Object || !submission.TryGetProperty("id", out var id))
        {
            return null;
        }

        return id.ValueKind switch
        {
            JsonValueKind.String => id.GetString(),
            JsonValueKind.Number => id.GetRawText(),
            JsonValueKind.Object => String(id, "id") ?? String(id, "asString"),
            _ => null,
        };
    }

    /// <summary>
    /// Reads a long task's status (<c>percentageComplete</c>, <c>successful</c>, <c>messages</c>): finished when it is
    /// complete (or says <c>finished</c>), successful and its messages.
    /// </summary>
    public static (bool Finished, bool Successful, IReadOnlyList<string> Messages) ReadTaskStatus(JsonElement status)
    {
        var finished = (status.TryGetProperty("finished", out var f) && f.ValueKind == JsonValueKind.True)
            || (status.TryGetProperty("percentageComplete", out var p) && p.ValueKind == JsonValueKind.Number && p.GetInt32() >= 100);
        var successful = status.TryGetProperty("successful", out var s) && s.ValueKind == JsonValueKind.True;
        var messages = new List<string>();
        if (status.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in list.EnumerateArray())
            {
                if (Message(message) is { } text)
                {
                    messages.Add(text);
                }
            }
        }

        return (finished, successful, messages);
    }

    /// <summary>
    /// Reads Confluence's error body: <c>{"statusCode": 400, "data": {"errors": [{"message": {"translation": …}}]},
    /// "message": "…", "reason": "Bad Request"}</c>.
    /// </summary>
    public static IReadOnlyList<string> ReadErrors(JsonElement body)
    {
        var messages = new List<string>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return messages;
        }

        if (String(body, "message") is { Length: > 0 } message)
        {
            messages.Add(message);
        }

        if (body.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("errors", out var errors)
            && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var m)
                    && Message(m) is { } text
                    && !messages.Contains(text))
                {
                    messages.Add(text);
                }
            }
        }

        if (messages.Count == 0 && String(body, "reason") is { Length: > 0 } reason)
        {
            messages.Add(reason);
        }

        return messages;
    }

    private static bool IsActive(string? status) =>

        // The reference names the expansion but not its values; every value that says the user is switched off counts
        // as inactive, anything else (or no status at all) as active.
        status is null
        || !(status.Contains("deactivat", StringComparison.OrdinalIgnoreCase)
            || status.Contains("disabled", StringComparison.OrdinalIgnoreCase)
            || status.Equals("inactive", StringComparison.OrdinalIgnoreCase));

    private static string? Message(JsonElement message) => message.ValueKind switch
    {
        JsonValueKind.String => message.GetString(),
        JsonValueKind.Object => String(message, "translation") ?? String(message, "key"),
        _ => null,
    };

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

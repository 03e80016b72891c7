// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>The parameters of a list or search request (RFC 7644 §3.4.2, §3.4.3), as text.</summary>
internal sealed record ScimQueryText(
    string? Filter,
    string? SortBy,
    string? SortOrder,
    int? StartIndex,
    int? Count,
    IReadOnlyList<AttributePath>? Attributes,
    IReadOnlyList<AttributePath>? ExcludedAttributes,
    string? Cursor = null)
{
    /// <summary>Gets a value indicating whether the request asks for cursor paging (RFC 9865): a <c>cursor</c> was given, even empty.</summary>
    public bool IsCursorPaged => Cursor is not null;

    public static ScimQueryText FromQueryString(IQueryCollection query) => new(
        query["filter"].ToString() is { Length: > 0 } f ? f : null,
        query["sortBy"].ToString() is { Length: > 0 } s ? s : null,
        query["sortOrder"].ToString() is { Length: > 0 } o ? o : null,
        ScimRequest.ParseInt(query["startIndex"], "startIndex"),
        ScimRequest.ParseInt(query["count"], "count"),
        ScimRequest.ParseAttributeList(query["attributes"]),
        ScimRequest.ParseAttributeList(query["excludedAttributes"]),
        query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null);

    /// <summary>Reads a <c>SearchRequest</c> body (RFC 7644 §3.4.3).</summary>
    public static ScimQueryText FromSearchBody(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ScimException(ScimError.InvalidSyntax("The request body is not valid JSON: " + e.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScimException(ScimError.InvalidSyntax("The request body must be a JSON object."));
            }

            string? filter = null, sortBy = null, sortOrder = null;
            string? cursor = null;
            int? startIndex = null, count = null;
            IReadOnlyList<AttributePath>? attributes = null, excluded = null;
            var hasSchema = false;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name.ToUpperInvariant())
                {
                    case "SCHEMAS":
                        hasSchema = property.Value.ValueKind == JsonValueKind.Array &&
                            property.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == ScimSchemas.SearchRequest);
                        break;
                    case "FILTER":
                        filter = String(property);
                        break;
                    case "SORTBY":
                        sortBy = String(property);
                        break;
                    case "SORTORDER":
                        sortOrder = String(property);
                        break;
                    case "STARTINDEX":
                        startIndex = Int(property);
                        break;
                    case "COUNT":
                        count = Int(property);
                        break;
                    case "ATTRIBUTES":
                        attributes = Paths(property);
                        break;
                    case "EXCLUDEDATTRIBUTES":
                        excluded = Paths(property);
                        break;
                    case "CURSOR":
                        cursor = String(property);
                        break;
                    default:
                        break;
                }
            }

            if (!hasSchema)
            {
                throw new ScimException(ScimError.InvalidValue($"'schemas' must contain '{ScimSchemas.SearchRequest}'."));
            }

            return new ScimQueryText(filter, sortBy, sortOrder, startIndex, count, attributes, excluded, cursor);
        }

        static string? String(JsonProperty p) => p.Value.ValueKind switch
        {
            JsonValueKind.String => p.Value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new ScimException(ScimError.InvalidSyntax($"'{p.Name}' must be a string.")),
        };

        static int? Int(JsonProperty p) => p.Value.ValueKind switch
        {
            JsonValueKind.Number when p.Value.TryGetInt32(out var i) => i,
            JsonValueKind.Null => null,
            _ => throw new ScimException(ScimError.InvalidSyntax($"'{p.Name}' must be an integer.")),
        };

        static IReadOnlyList<AttributePath>? Paths(JsonProperty p)
        {
            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (p.Value.ValueKind == JsonValueKind.String)
            {
                return ScimRequest.ParseAttributeList(p.Value.GetString());
            }

            if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw new ScimException(ScimError.InvalidSyntax($"'{p.Name}' must be an array of strings."));
            }

            return ScimRequest.ParseAttributeList(string.Join(',', p.Value.EnumerateArray().Select(e => e.GetString())));
        }
    }

    /// <summary>
    /// Parses and checks the text into a store query. Index paging follows RFC 7644 §3.4.2.4 (a <c>count</c> above
    /// the maximum is lowered to it); cursor paging follows RFC 9865 (<c>count</c> outside 0 to the maximum is
    /// <c>invalidCount</c>, and <c>startIndex</c> cannot be combined with <c>cursor</c>).
    /// </summary>
    /// <param name="handler">The resource type queried.</param>
    /// <param name="maxResults">The largest page.</param>
    /// <param name="supportsCursor">Whether the store honours cursors; a cursor request is refused (400) when not.</param>
    /// <param name="lenient">
    /// For a query across resource types (<c>POST /.search</c>): a <c>sortBy</c> this type does not define leaves its
    /// results in the store's order instead of failing.
    /// </param>
    public ListQuery ToListQuery(ScimResourceHandler handler, int maxResults, bool supportsCursor, bool lenient = false)
    {
        FilterNode? filter = null;
        if (Filter is not null)
        {
            if (!ScimFilter.TryParse(Filter, out filter, out var error))
            {
                throw new ScimException(error);
            }

            if (handler.Evaluator.Validate(filter!) is { } unknown)
            {
                throw new ScimException(unknown);
            }
        }

        AttributePath? sortBy = null;
        if (SortBy is not null)
        {
            if (!AttributePath.TryParse(SortBy, out sortBy, out var error))
            {
                throw new ScimException(error);
            }

            if (handler.Type.Resolve(sortBy!) is null)
            {
                sortBy = lenient ? null : throw new ScimException(ScimError.InvalidValue($"'sortBy' names an unknown attribute '{SortBy}'."));
            }
        }

        var order = SortOrder switch
        {
            null => Stores.SortOrder.Ascending,
            _ when SortOrder.Equals("ascending", StringComparison.OrdinalIgnoreCase) => Stores.SortOrder.Ascending,
            _ when SortOrder.Equals("descending", StringComparison.OrdinalIgnoreCase) => Stores.SortOrder.Descending,
            _ => throw new ScimException(ScimError.InvalidValue("'sortOrder' must be 'ascending' or 'descending'.")),
        };

        CheckCursor(maxResults, supportsCursor);
        return new ListQuery
        {
            Filter = filter,
            SortBy = sortBy,
            SortOrder = order,

            // A startIndex below 1 means 1; a negative count means 0; a count above the maximum is lowered to it.
            StartIndex = Math.Max(1, StartIndex ?? 1),
            Count = Math.Clamp(Count ?? maxResults, 0, maxResults),
            Cursor = Cursor,
            IncludeMembers = ScimResourceWriter.SelectsMembers(handler, Attributes, ExcludedAttributes),
            Attributes = Attributes,
            ExcludedAttributes = ExcludedAttributes,
        };
    }

    /// <summary>Checks the RFC 9865 parameters of a cursor request; does nothing for index paging.</summary>
    public void CheckCursor(int maxResults, bool supportsCursor)
    {
        if (Cursor is null)
        {
            return;
        }

        if (!supportsCursor)
        {
            throw new ScimException(ScimError.InvalidValue(
                "Cursor-based pagination (RFC 9865) is not supported here: the store does not support cursors. Page with 'startIndex' and 'count'."));
        }

        if (StartIndex is not null)
        {
            throw new ScimException(ScimError.InvalidValue("'startIndex' and 'cursor' cannot be combined: page either by index or by cursor."));
        }

        if (Count is < 0 || Count > maxResults)
        {
            throw new ScimException(new ScimError(400, ScimErrorType.InvalidCount, $"'count' must be between 0 and {maxResults} (maxPageSize)."));
        }

        // RFC 9865 §2: a cursor holds only unreserved URI characters (RFC 3986 §2.3).
        foreach (var c in Cursor)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~'))
            {
                throw new ScimException(ScimError.InvalidCursor("The cursor is not one this service provider issued."));
            }
        }
    }
}

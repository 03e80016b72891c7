// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Filtering;
using ScimSync.Schema;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>Supplies the in-memory filter evaluation for filters SQL cannot answer.</summary>
internal static class FilterMatchers
{
    public static ResourceFilterMatcher For(ScimResourceTypeDefinition resourceType) => new ScimFilterEvaluator(resourceType).Matches;
}

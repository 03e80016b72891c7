// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Errors;
using ScimSync.Schema;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>Supplies the in-memory filter evaluation for filters SQL cannot answer.</summary>
internal static class FilterMatchers
{
    // Until the core filter evaluator is merged, filters outside the indexed subset are refused explicitly.
    public static ResourceFilterMatcher For(ScimResourceTypeDefinition resourceType) =>
        (filter, _) => throw new ScimException(ScimError.InvalidFilter(
            $"This server answers only 'eq' filters on indexed {resourceType.Name} attributes for now."));
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores.Internal;

/// <summary>The <c>id</c>s the SQL stores assign (RFC 7643 §3.1: unique, stable, chosen by the service provider).</summary>
/// <remarks>
/// Time-ordered UUIDs (RFC 9562 §5.7, version 7: 48 bits of Unix milliseconds, then 74 random bits), so that rows
/// created together sit together in every index keyed by id: an insert extends the end of the index instead of
/// dirtying a random page of it, and the members a batch adds to a group fall on neighbouring pages of the membership
/// index. The timestamp is the resource's <c>meta.created</c>, which clients see anyway.
/// </remarks>
internal static class ResourceIds
{
    /// <summary>Returns a new id for a resource created at <paramref name="created"/>.</summary>
    /// <param name="created">The creation time (the store's clock).</param>
    /// <returns>The id, in the hyphenated lower-case form.</returns>
    public static string New(DateTimeOffset created) => Guid.CreateVersion7(created).ToString("D");
}

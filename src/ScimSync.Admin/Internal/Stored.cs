// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Admin.Internal;

/// <summary>A console document and the store version it was read at.</summary>
internal sealed record Stored<T>(T Document, long Version);

/// <summary>
/// The documents of one kind a change is being validated with, instead of those in force: set for the duration of
/// one options factory call (this async flow only), read by the overlay that lays them over configuration.
/// </summary>
internal static class Candidate<T>
{
    private static readonly AsyncLocal<IReadOnlyDictionary<string, Stored<T>>?> s_documents = new();

    /// <summary>The candidate documents, or <see langword="null"/> outside a validation.</summary>
    public static IReadOnlyDictionary<string, Stored<T>>? Documents => s_documents.Value;

    public static TResult With<TResult>(IReadOnlyDictionary<string, Stored<T>> documents, Func<TResult> create)
    {
        var previous = s_documents.Value;
        s_documents.Value = documents;
        try
        {
            return create();
        }
        finally
        {
            s_documents.Value = previous;
        }
    }
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores;

/// <summary>
/// Thrown by a store that cannot serve a request for a transient reason (database locked or unreachable, connection
/// dropped) after it made sure nothing was changed. The server answers 503 with <c>Retry-After</c>.
/// </summary>
public sealed class ScimStoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public ScimStoreUnavailableException()
        : this("The store is temporarily unavailable.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is unavailable, for logs (clients get a neutral message).</param>
    public ScimStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is unavailable, for logs (clients get a neutral message).</param>
    /// <param name="innerException">The database error.</param>
    public ScimStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets how long the client should wait before retrying, when the store knows.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

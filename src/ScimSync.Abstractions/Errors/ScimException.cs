// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Errors;

/// <summary>
/// Carries a <see cref="ScimError"/> out of a throwing API (<c>Parse</c>, <c>Apply</c>). The server turns it into a
/// SCIM error response; no other exception type leaves the core for bad input.
/// </summary>
public sealed class ScimException : Exception
{
    /// <summary>Initializes a new instance for the given error.</summary>
    /// <param name="error">The protocol error.</param>
    public ScimException(ScimError error)
        : base(error?.Detail)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Initializes a new instance for the given error and cause.</summary>
    /// <param name="error">The protocol error.</param>
    /// <param name="innerException">The exception that caused it.</param>
    public ScimException(ScimError error, Exception? innerException)
        : base(error?.Detail, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Gets the protocol error.</summary>
    public ScimError Error { get; }

    /// <summary>
    /// Gets how long the client should wait before retrying, sent as <c>Retry-After</c> (RFC 9110 §10.2.3) with a
    /// 503 or 429 error; <see langword="null"/> for none.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}

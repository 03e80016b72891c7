// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Atlassian.Products;

/// <summary>What kind of failure an Atlassian product reported.</summary>
public enum AtlassianErrorKind
{
    /// <summary>
    /// The product could not be reached, timed out, answered 5xx or kept answering 429 after the retries: try again
    /// later (<see cref="AtlassianProductException.RetryAfter"/> when the product said when).
    /// </summary>
    Unavailable,

    /// <summary>The credentials were refused (401) or lack the permission (403): a configuration problem.</summary>
    Unauthorized,

    /// <summary>The user, group or project addressed does not exist (404).</summary>
    NotFound,

    /// <summary>
    /// The product refused the change (400, 409): for example deleting a project lead, a username in use, or a user
    /// in a read-only directory. <see cref="AtlassianProductException.Messages"/> holds the product's words.
    /// </summary>
    Refused,
}

/// <summary>An Atlassian product's REST API answered with an error, or could not be reached.</summary>
public sealed class AtlassianProductException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AtlassianProductException"/> class.</summary>
    public AtlassianProductException()
        : this(AtlassianProduct.Jira, AtlassianErrorKind.Unavailable, null, [], null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AtlassianProductException"/> class.</summary>
    /// <param name="message">The message.</param>
    public AtlassianProductException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AtlassianProductException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AtlassianProductException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Messages = [];
    }

    /// <summary>Initializes a new instance of the <see cref="AtlassianProductException"/> class.</summary>
    /// <param name="product">The product that failed.</param>
    /// <param name="kind">What kind of failure it was.</param>
    /// <param name="statusCode">The HTTP status the product answered, or <see langword="null"/> when it did not answer.</param>
    /// <param name="messages">The error messages from the product's error body (never request data such as passwords).</param>
    /// <param name="retryAfter">How long the product asked to wait (<c>Retry-After</c>), if it said.</param>
    /// <param name="innerException">The cause, for example an <see cref="HttpRequestException"/>.</param>
    public AtlassianProductException(
        AtlassianProduct product,
        AtlassianErrorKind kind,
        HttpStatusCode? statusCode,
        IReadOnlyList<string> messages,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(Describe(product, kind, statusCode, messages), innerException)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Product = product;
        Kind = kind;
        StatusCode = statusCode;
        Messages = messages;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the product that failed.</summary>
    public AtlassianProduct Product { get; }

    /// <summary>Gets what kind of failure it was.</summary>
    public AtlassianErrorKind Kind { get; }

    /// <summary>Gets the HTTP status the product answered, or <see langword="null"/> when it did not answer.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the error messages of the product's error body.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>Gets how long the product asked to wait before trying again, if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(AtlassianProduct product, AtlassianErrorKind kind, HttpStatusCode? statusCode, IReadOnlyList<string> messages)
    {
        var status = statusCode is { } code ? $" ({(int)code})" : string.Empty;
        var detail = messages is { Count: > 0 } ? ": " + string.Join("; ", messages) : string.Empty;
        return $"{product} {kind}{status}{detail}";
    }
}

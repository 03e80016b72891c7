// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Errors;

/// <summary>
/// A SCIM protocol error as data: the HTTP status, the optional <c>scimType</c> keyword and a human-readable detail.
/// </summary>
/// <remarks>
/// RFC 7644 §3.12. Parsers return this from their <c>TryParse</c> methods and throw it wrapped in a
/// <see cref="ScimException"/> from <c>Parse</c>; the server writes it as an <c>application/scim+json</c> error body.
/// </remarks>
/// <param name="Status">The HTTP status code (400, 404, 409, 412, 413, 500, 501, ...).</param>
/// <param name="Type">The <c>scimType</c> keyword, or <see langword="null"/> when the status alone says it.</param>
/// <param name="Detail">A human-readable explanation. Never contains secrets.</param>
public sealed record ScimError(int Status, ScimErrorType? Type, string Detail)
{
    /// <summary>Gets the zero-based character offset in the parsed text where the problem was found, when known.</summary>
    public int? Position { get; init; }

    /// <summary>Gets the wire form of <see cref="Type"/> (for example <c>invalidFilter</c>), or <see langword="null"/>.</summary>
    public string? ScimType => Type is { } type ? ToWireName(type) : null;

    /// <summary>Creates a 400 <c>invalidFilter</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    /// <param name="position">Where in the filter text, when known.</param>
    public static ScimError InvalidFilter(string detail, int? position = null) =>
        new(400, ScimErrorType.InvalidFilter, detail) { Position = position };

    /// <summary>Creates a 400 <c>invalidPath</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    /// <param name="position">Where in the path text, when known.</param>
    public static ScimError InvalidPath(string detail, int? position = null) =>
        new(400, ScimErrorType.InvalidPath, detail) { Position = position };

    /// <summary>Creates a 400 <c>invalidSyntax</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    /// <param name="position">Where in the request text, when known.</param>
    public static ScimError InvalidSyntax(string detail, int? position = null) =>
        new(400, ScimErrorType.InvalidSyntax, detail) { Position = position };

    /// <summary>Creates a 400 <c>invalidValue</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    public static ScimError InvalidValue(string detail) => new(400, ScimErrorType.InvalidValue, detail);

    /// <summary>Creates a 400 <c>noTarget</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    public static ScimError NoTarget(string detail) => new(400, ScimErrorType.NoTarget, detail);

    /// <summary>Creates a 400 <c>mutability</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    public static ScimError Mutability(string detail) => new(400, ScimErrorType.Mutability, detail);

    /// <summary>Creates a 400 <c>tooMany</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    public static ScimError TooMany(string detail) => new(400, ScimErrorType.TooMany, detail);

    /// <summary>Creates a 409 <c>uniqueness</c> error.</summary>
    /// <param name="detail">Which value conflicts. Must not echo sensitive values.</param>
    public static ScimError Uniqueness(string detail) => new(409, ScimErrorType.Uniqueness, detail);

    /// <summary>Creates a 400 <c>invalidVers</c> error.</summary>
    /// <param name="detail">What is wrong.</param>
    public static ScimError InvalidVersion(string detail) => new(400, ScimErrorType.InvalidVersion, detail);

    /// <summary>Creates a 400 <c>invalidCursor</c> error (RFC 9865 §2.3).</summary>
    /// <param name="detail">What is wrong with the cursor.</param>
    /// <returns>The error.</returns>
    public static ScimError InvalidCursor(string detail) => new(400, ScimErrorType.InvalidCursor, detail);

    /// <summary>Creates a 400 <c>expiredCursor</c> error (RFC 9865 §2.3).</summary>
    /// <param name="detail">Why the cursor expired.</param>
    /// <returns>The error.</returns>
    public static ScimError ExpiredCursor(string detail) => new(400, ScimErrorType.ExpiredCursor, detail);

    /// <summary>Creates a 503 error for a store that is temporarily unavailable (the client should retry).</summary>
    /// <param name="detail">What is unavailable. Must not leak connection strings or internal names.</param>
    /// <returns>The error.</returns>
    public static ScimError ServiceUnavailable(string detail) => new(503, null, detail);

    /// <summary>
    /// Creates a 403 error for an operation the connection's policies do not permit (RFC 7644 §3.12: "the operation
    /// is not permitted based on the supplied authorization").
    /// </summary>
    /// <param name="detail">Why, naming the policy switch.</param>
    /// <returns>The error.</returns>
    public static ScimError Forbidden(string detail) => new(403, null, detail);

    /// <summary>Creates a 404 error for a resource that does not exist (or is not visible to the caller).</summary>
    /// <param name="detail">What was not found.</param>
    public static ScimError NotFound(string detail) => new(404, null, detail);

    /// <summary>Creates a 412 error for a failed <c>If-Match</c> precondition or a version conflict.</summary>
    /// <param name="detail">What did not match.</param>
    public static ScimError PreconditionFailed(string detail) => new(412, null, detail);

    /// <summary>Creates a 501 error for a feature the service provider does not support.</summary>
    /// <param name="detail">What is not implemented.</param>
    public static ScimError NotImplemented(string detail) => new(501, null, detail);

    /// <summary>Gets the wire keyword for a <see cref="ScimErrorType"/>.</summary>
    /// <param name="type">The error type.</param>
    /// <returns>The <c>scimType</c> keyword as RFC 7644 spells it.</returns>
    public static string ToWireName(ScimErrorType type) => type switch
    {
        ScimErrorType.InvalidFilter => "invalidFilter",
        ScimErrorType.TooMany => "tooMany",
        ScimErrorType.Uniqueness => "uniqueness",
        ScimErrorType.Mutability => "mutability",
        ScimErrorType.InvalidSyntax => "invalidSyntax",
        ScimErrorType.InvalidPath => "invalidPath",
        ScimErrorType.NoTarget => "noTarget",
        ScimErrorType.InvalidValue => "invalidValue",
        ScimErrorType.InvalidVersion => "invalidVers",
        ScimErrorType.Sensitive => "sensitive",
        ScimErrorType.InvalidCursor => "invalidCursor",
        ScimErrorType.ExpiredCursor => "expiredCursor",
        ScimErrorType.InvalidCount => "invalidCount",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <inheritdoc/>
    public override string ToString() =>
        Position is { } p ? $"{Status} {ScimType}: {Detail} (at {p})" : $"{Status} {ScimType}: {Detail}";
}

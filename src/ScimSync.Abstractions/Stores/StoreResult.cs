// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Errors;

namespace ScimSync.Stores;

/// <summary>The outcome of a store operation.</summary>
public enum StoreResultStatus
{
    /// <summary>The operation succeeded (the resource was found, created, replaced or deleted).</summary>
    Success,

    /// <summary>No resource has the given id.</summary>
    NotFound,

    /// <summary>A unique value (for example <c>userName</c>) is already used by another resource.</summary>
    Conflict,

    /// <summary>The resource's current version is not the expected one (it changed since it was read).</summary>
    VersionMismatch,

    /// <summary>The store refused the request for another protocol reason (see <see cref="StoreResult{T}.Error"/>).</summary>
    Rejected,
}

/// <summary>
/// The result of a store operation: a value on success, otherwise why it failed. Stores return this instead of
/// throwing for outcomes a client can cause.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class StoreResult<T>
{
    internal StoreResult(StoreResultStatus status, T? value, ScimError? error)
    {
        Status = status;
        Value = value;
        Error = error;
    }

    /// <summary>Gets the outcome.</summary>
    public StoreResultStatus Status { get; }

    /// <summary>Gets the value when <see cref="Status"/> is <see cref="StoreResultStatus.Success"/>.</summary>
    public T? Value { get; }

    /// <summary>
    /// Gets the protocol error for a failure (always set for <see cref="StoreResultStatus.Conflict"/> and
    /// <see cref="StoreResultStatus.Rejected"/>; a default one is used for the others when <see langword="null"/>).
    /// </summary>
    public ScimError? Error { get; }

    /// <summary>Gets a value indicating whether the operation succeeded.</summary>
    public bool IsSuccess => Status == StoreResultStatus.Success;

    /// <summary>Gets the SCIM error that describes this failure.</summary>
    /// <returns>The error (404 for not found, 409 uniqueness for conflicts, 412 for version mismatches).</returns>
    /// <exception cref="InvalidOperationException">The result is a success.</exception>
    public ScimError ToError() => Status switch
    {
        StoreResultStatus.Success => throw new InvalidOperationException("A successful result has no error."),
        StoreResultStatus.NotFound => Error ?? ScimError.NotFound("Resource not found."),
        StoreResultStatus.Conflict => Error ?? ScimError.Uniqueness("A unique attribute value is already in use."),
        StoreResultStatus.VersionMismatch => Error ?? ScimError.PreconditionFailed("The resource was changed by another request."),
        _ => Error ?? ScimError.InvalidValue("The request was rejected by the store."),
    };
}

/// <summary>Creates <see cref="StoreResult{T}"/> values.</summary>
public static class StoreResult
{
    /// <summary>Creates a successful result.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The result.</returns>
    public static StoreResult<T> Success<T>(T value) => new(StoreResultStatus.Success, value, null);

    /// <summary>Creates a not-found result.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="detail">What was not found, or <see langword="null"/> for a generic message.</param>
    /// <returns>The result.</returns>
    public static StoreResult<T> NotFound<T>(string? detail = null) =>
        new(StoreResultStatus.NotFound, default, detail is null ? null : ScimError.NotFound(detail));

    /// <summary>Creates a uniqueness-conflict result (HTTP 409, <c>uniqueness</c>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="detail">Which attribute conflicts. Must not echo sensitive values.</param>
    /// <returns>The result.</returns>
    public static StoreResult<T> Conflict<T>(string detail) =>
        new(StoreResultStatus.Conflict, default, ScimError.Uniqueness(detail));

    /// <summary>Creates a version-mismatch result (HTTP 412).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <returns>The result.</returns>
    public static StoreResult<T> VersionMismatch<T>() => new(StoreResultStatus.VersionMismatch, default, null);

    /// <summary>Creates a result that refuses the request with a protocol error (for example <c>tooMany</c>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="error">The error.</param>
    /// <returns>The result.</returns>
    public static StoreResult<T> Rejected<T>(ScimError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(StoreResultStatus.Rejected, default, error);
    }
}

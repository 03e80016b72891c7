// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Errors;

namespace ScimSync.Patching;

/// <summary>
/// The outcome of applying a PATCH request: success or the error, whether the resource changed, and which
/// attributes changed.
/// </summary>
/// <remarks>
/// RFC 7644 §3.5.2: a PATCH is atomic, so a failed result means the resource was left exactly as it was. A
/// successful result with <see cref="Changed"/> <see langword="false"/> means the request was a no-op: servers
/// should not bump <c>meta.version</c> or <c>meta.lastModified</c> for it.
/// </remarks>
public sealed class PatchResult
{
    private static readonly PatchResult s_unchanged = new(null, []);

    private PatchResult(ScimError? error, IReadOnlyList<string> changedAttributes)
    {
        Error = error;
        ChangedAttributes = changedAttributes;
    }

    /// <summary>Gets a value indicating whether every operation applied.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Gets the error that stopped the request, or <see langword="null"/> on success.</summary>
    public ScimError? Error { get; }

    /// <summary>Gets a value indicating whether the resource's content changed.</summary>
    public bool Changed => ChangedAttributes.Count > 0;

    /// <summary>
    /// Gets the paths of the attributes that changed, each once, in the order first changed and spelled as the
    /// schema spells them (<c>displayName</c>, <c>name.familyName</c>, <c>emails</c>,
    /// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department</c>). Empty on failure.
    /// </summary>
    public IReadOnlyList<string> ChangedAttributes { get; }

    internal static PatchResult Success(IReadOnlyList<string> changedAttributes) =>
        changedAttributes.Count == 0 ? s_unchanged : new PatchResult(null, changedAttributes);

    internal static PatchResult Failure(ScimError error) => new(error, []);
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Schema;

namespace ScimSync.Patching;

/// <summary>
/// Applies SCIM PATCH requests to resources of one resource type, in place and atomically.
/// </summary>
/// <remarks>
/// <para>
/// RFC 7644 §3.5.2. Resources are <see cref="JsonObject"/>s in canonical form: attribute names spelled as the
/// schema spells them, extension attributes nested under a member named by the extension URN, and the common
/// attributes (<c>schemas</c>, <c>id</c>, <c>externalId</c>, <c>meta</c>) at the top level. Incoming names match
/// case-insensitively (RFC 7643 §2.1); the engine always writes the schema's spelling.
/// </para>
/// <para>
/// Either every operation applies or none does: on failure the resource is restored exactly, by replaying an undo
/// journal of the mutations made, without cloning the resource. Instances are immutable and thread-safe; one
/// resource must not be patched from two threads at once.
/// </para>
/// </remarks>
public sealed class ScimPatchEngine
{
    private readonly ScimFilterEvaluator _evaluator;

    /// <summary>Initializes an engine for one resource type.</summary>
    /// <param name="resourceType">The resource type whose schemas govern the resources.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public ScimPatchEngine(ScimResourceTypeDefinition resourceType, ScimPatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ResourceType = resourceType;
        Options = options ?? new ScimPatchOptions();
        _evaluator = new ScimFilterEvaluator(resourceType);
    }

    /// <summary>Gets the resource type the engine patches.</summary>
    public ScimResourceTypeDefinition ResourceType { get; }

    /// <summary>Gets the options.</summary>
    public ScimPatchOptions Options { get; }

    /// <summary>Applies <paramref name="request"/> to <paramref name="resource"/>, in place and atomically.</summary>
    /// <remarks>
    /// RFC 7644 §3.5.2: operations apply in order; any failure undoes the ones before it. Only net changes are
    /// reported: operations that cancel out leave <see cref="PatchResult.Changed"/> <see langword="false"/>.
    /// </remarks>
    /// <param name="resource">The resource, in canonical form. Changed only when the result succeeds.</param>
    /// <param name="request">The request.</param>
    /// <returns>
    /// The outcome: on success whether and what changed; on failure the SCIM error (<c>invalidPath</c>,
    /// <c>invalidValue</c>, <c>noTarget</c>, <c>mutability</c>), with <paramref name="resource"/> untouched.
    /// </returns>
    public PatchResult Apply(JsonObject resource, PatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(request);
        var session = new PatchSession(ResourceType, Options.Compatibility, _evaluator, resource);
        return session.Run(request);
    }

    /// <summary>Applies <paramref name="request"/> to <paramref name="resource"/>, throwing on failure.</summary>
    /// <param name="resource">The resource, in canonical form. Changed only when no exception is thrown.</param>
    /// <param name="request">The request.</param>
    /// <returns>The successful outcome.</returns>
    /// <exception cref="ScimException">An operation failed; <paramref name="resource"/> is untouched.</exception>
    public PatchResult ApplyOrThrow(JsonObject resource, PatchRequest request)
    {
        var result = Apply(resource, request);
        return result.Error is { } error ? throw new ScimException(error) : result;
    }
}

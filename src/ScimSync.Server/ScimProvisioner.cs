// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Policies;
using ScimSync.Serialization;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server;

/// <summary>
/// Applies SCIM changes in process, through a connection's pipeline, exactly as its HTTP endpoints do: the same
/// validation, mapping policies, safety brake, provisioning log and telemetry. For sources that are not SCIM
/// clients: directory sync (LDAP), API pull connectors, imports, an admin console.
/// </summary>
/// <remarks>
/// Resources are read as a client's would be (<c>schemas</c> may be left out: the resource type's core schema is
/// assumed). Failures are <see cref="ScimException"/>s carrying the SCIM error the HTTP endpoint would have answered (400, 403,
/// 404, 409, 412, 503), or <see cref="ScimStoreUnavailableException"/>. Each change is recorded in the provisioning
/// log as an entry of its own.
/// </remarks>
/// <example>
/// <code>
/// var provisioner = app.Services.GetRequiredService&lt;ScimProvisioner&gt;();
/// var user = await provisioner.CreateAsync("ldap", ScimResourceKind.User, JsonNode.Parse(json)!.AsObject());
/// </code>
/// </example>
public sealed class ScimProvisioner
{
    private readonly ScimConnectionRegistry _connections;
    private readonly IServiceScopeFactory _scopes;

    internal ScimProvisioner(ScimConnectionRegistry connections, IServiceScopeFactory scopes)
    {
        _connections = connections;
        _scopes = scopes;
    }

    /// <summary>Creates a resource (<c>POST</c>), or re-links it per the connection's lifecycle policy.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="resource">The resource as a client would send it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored resource.</returns>
    /// <exception cref="ScimException">The change was refused; <see cref="ScimException.Error"/> says why.</exception>
    public Task<StoredResource> CreateAsync(string connection, ScimResourceKind kind, JsonObject resource, CancellationToken cancellationToken = default) =>
        RunAsync(connection, kind, (context, handler) =>
            ScimResourceOperations.CreateAsync(context, handler, Read(handler, resource, ScimReadMode.Create)), cancellationToken);

    /// <summary>Replaces a resource (<c>PUT</c>).</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="id">The resource's id.</param>
    /// <param name="resource">The resource as a client would send it.</param>
    /// <param name="ifMatch">The version the change is based on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored resource.</returns>
    /// <exception cref="ScimException">The change was refused; <see cref="ScimException.Error"/> says why.</exception>
    public Task<StoredResource> ReplaceAsync(string connection, ScimResourceKind kind, string id, JsonObject resource, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        RunAsync(connection, kind, (context, handler) =>
            ScimResourceOperations.ReplaceAsync(context, handler, id, Read(handler, resource, ScimReadMode.Replace), Versions(ifMatch)), cancellationToken);

    /// <summary>Modifies a resource (<c>PATCH</c>).</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="id">The resource's id.</param>
    /// <param name="request">The PATCH operations (see <c>ScimPatch.Parse</c>).</param>
    /// <param name="ifMatch">The version the change is based on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The resource's new version.</returns>
    /// <exception cref="ScimException">The change was refused; <see cref="ScimException.Error"/> says why.</exception>
    public Task<string> PatchAsync(string connection, ScimResourceKind kind, string id, PatchRequest request, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(connection, kind, async (context, handler) =>
            (await ScimResourceOperations.PatchAsync(context, handler, id, request, Versions(ifMatch)).ConfigureAwait(false)).Version, cancellationToken);
    }

    /// <summary>Deletes a resource (<c>DELETE</c>; the lifecycle policy may deactivate instead).</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="id">The resource's id.</param>
    /// <param name="ifMatch">The version the change is based on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the resource is gone (or deactivated).</returns>
    /// <exception cref="ScimException">The change was refused; <see cref="ScimException.Error"/> says why.</exception>
    public Task DeleteAsync(string connection, ScimResourceKind kind, string id, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        RunAsync(connection, kind, async (context, handler) =>
        {
            await ScimResourceOperations.DeleteAsync(context, handler, id, Versions(ifMatch)).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Reads one resource of the connection's directory.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="id">The resource's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The resource, or <see langword="null"/> when there is none with that id.</returns>
    public Task<StoredResource?> GetAsync(string connection, ScimResourceKind kind, string id, CancellationToken cancellationToken = default) =>
        RunAsync(connection, kind, async (context, handler) =>
        {
            var result = await handler.GetStore(context.Services).GetAsync(id, includeMembers: true, cancellationToken).ConfigureAwait(false);
            return result.Status == StoreResultStatus.NotFound ? null : result.IsSuccess ? result.Value : throw new ScimException(result.ToError());
        }, cancellationToken);

    /// <summary>Lists resources of the connection's directory, one page at a time.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="query">The query (filter, paging, cursor).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page.</returns>
    public Task<ListResult> ListAsync(string connection, ScimResourceKind kind, ListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(connection, kind, async (context, handler) =>
        {
            var result = await handler.GetStore(context.Services).ListAsync(query, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
        }, cancellationToken);
    }

    /// <summary>
    /// Sets a user's target memberships from the groups a directory source lists on the user itself (LDAP
    /// <c>memberOf</c>, an API's group list): each group is mapped by the connection's group mapping, grants this
    /// connection made for groups no longer listed are revoked (unless <c>KeepExistingMemberships</c>), and grants
    /// of other sources are kept. The same rules as memberships pushed as SCIM group changes.
    /// </summary>
    /// <param name="connection">The connection's name; it must have mapping policies.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="groups">Every group the source lists for the user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decisions taken (groups skipped, memberships kept).</returns>
    /// <exception cref="ScimException">The user does not exist (404), or the connection has no policies (400).</exception>
    public Task<IReadOnlyList<PolicyDecision>> SetUserGroupsAsync(string connection, string userId, IReadOnlyCollection<SourceGroup> groups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return RunAsync(connection, ScimResourceKind.User, async (context, _) =>
        {
            if (context.Connection.Policies is null)
            {
                throw new ScimException(ScimError.InvalidValue($"Connection '{context.Connection.Name}' has no mapping policies."));
            }

            var decisions = new List<PolicyDecision>();
            await GroupPolicyOperations.ReconcileAsync(context, userId, groups, decisions).ConfigureAwait(false);
            return (IReadOnlyList<PolicyDecision>)decisions;
        }, cancellationToken);
    }

    private async Task<T> RunAsync<T>(string connection, ScimResourceKind kind, Func<ScimOperationContext, ScimResourceHandler, Task<T>> run, CancellationToken cancellationToken)
    {
        var found = _connections.Get(connection);

        var handler = kind switch
        {
            ScimResourceKind.User => found.Users,
            ScimResourceKind.Group => found.Groups,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a resource type."),
        };
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await run(new ScimOperationContext(found, scope.ServiceProvider, cancellationToken), handler).ConfigureAwait(false);
        }
    }

    private static JsonObject Read(ScimResourceHandler handler, JsonObject resource, ScimReadMode mode)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!resource.ContainsKey("schemas"))
        {
            // An in-process source may leave 'schemas' out; the resource type says what it is.
            resource = (JsonObject)resource.DeepClone();
            resource["schemas"] = new JsonArray((JsonNode)handler.Type.Schema.Id);
        }

        return handler.Reader.TryRead(resource, mode, out var read, out var error) ? read : throw new ScimException(error);
    }

    private static string[]? Versions(string? ifMatch) => ifMatch is null ? null : [ifMatch];
}

/// <summary>The resource types <see cref="ScimProvisioner"/> works on.</summary>
public enum ScimResourceKind
{
    /// <summary>SCIM <c>User</c>.</summary>
    User,

    /// <summary>SCIM <c>Group</c>.</summary>
    Group,
}

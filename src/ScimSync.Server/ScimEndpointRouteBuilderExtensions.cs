// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Server.Endpoints;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SCIM 2.0 endpoints.</summary>
public static class ScimEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the SCIM service provider of every connection under <c>{prefix}/{connection}/v2</c>: <c>/Users</c>,
    /// <c>/Groups</c> (with <c>/.search</c>), <c>/Bulk</c>, <c>/.search</c>, <c>/ServiceProviderConfig</c>,
    /// <c>/ResourceTypes</c>, <c>/Schemas</c> and <c>/Me</c>, and ScimSync's dry run of the mapping policies,
    /// <c>POST /Preview/Users</c> and <c>/Preview/Groups</c> (see <see cref="ScimSync.Server.ScimPolicyPreview"/>).
    /// </summary>
    /// <param name="endpoints">The route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="prefix">The path before the connection name, for example <c>/scim</c>.</param>
    /// <returns>The route group, to chain <c>RequireAuthorization</c>, rate limiting and the like.</returns>
    /// <exception cref="InvalidOperationException"><c>AddScimProvisioning</c> was not called, or no store was added.</exception>
    /// <remarks>RFC 7644 §3.2. A connection named <c>entra</c> is served at <c>/scim/entra/v2</c>.</remarks>
    public static RouteGroupBuilder MapScim(this IEndpointRouteBuilder endpoints, string prefix = "/scim")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService<ScimServerServices>() is null)
        {
            throw new InvalidOperationException(
                "The SCIM services are not registered: call 'builder.Services.AddScimProvisioning(...)' before 'MapScim'.");
        }

        var isService = endpoints.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        if (!isService.IsService(typeof(IScimStoreProvider)) && (!isService.IsService(typeof(IUserStore)) || !isService.IsService(typeof(IGroupStore))))
        {
            throw new InvalidOperationException(
                "No SCIM user or group store is registered: add one in 'AddScimProvisioning(scim => scim.AddSqliteStore())' " +
                "(package ScimSync.Stores.Sqlite) or with 'AddUserStore<T>()' and 'AddGroupStore<T>()'.");
        }

        var route = new ScimRoute(prefix);
        var group = endpoints.MapGroup(route.Pattern);

        // Observability outermost, to see the status the error filter settles on; then errors, so the
        // authentication's own failures and everything after it become SCIM error bodies.
        group.AddEndpointFilter(ActivatorUtilities.CreateInstance<ScimObservabilityFilter>(endpoints.ServiceProvider));
        group.AddEndpointFilter(ActivatorUtilities.CreateInstance<ScimErrorFilter>(endpoints.ServiceProvider));
        group.AddEndpointFilter(new AcceptFilter());
        group.AddEndpointFilter(ActivatorUtilities.CreateInstance<ConnectionAuthenticationFilter>(endpoints.ServiceProvider));
        group.AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<ScimRateLimitFilter>());

        MapResource(group, route, "/Users", c => ScimRequestContext.Get(c).Connection.Users);
        MapResource(group, route, "/Groups", c => ScimRequestContext.Get(c).Connection.Groups);

        group.MapPost("/Bulk", Handler(c => BulkEndpoint.HandleAsync(c, route)));
        group.MapPost("/Preview/Users", Handler(PreviewEndpoints.PreviewUserAsync));
        group.MapPost("/Preview/Groups", Handler(PreviewEndpoints.PreviewGroupAsync));
        group.MapPost("/.search", Handler(c => SearchAllResourcesEndpoint.HandleAsync(c, route)));
        group.MapGet("/ServiceProviderConfig", (HttpContext c) => ServiceProviderConfigEndpoint.Handle(c, route));
        group.MapGet("/ResourceTypes", (HttpContext c) => DiscoveryEndpoints.ListResourceTypes(c, route));
        group.MapGet("/ResourceTypes/{name}", (HttpContext c, string name) => DiscoveryEndpoints.GetResourceType(c, route, name));
        group.MapGet("/Schemas", (HttpContext c) => DiscoveryEndpoints.ListSchemas(c, route));
        group.MapGet("/Schemas/{id}", (HttpContext c, string id) => DiscoveryEndpoints.GetSchema(c, route, id));
        group.Map("/Me", () => ScimResults.Error(ScimError.NotImplemented("/Me is not supported by this service provider.")));
        group.Map("/{**path}", (HttpContext c, string? path) => ScimResults.Error(Unmatched(c.Request.Method, path)));
        return group;
    }

    private static readonly string[] s_knownEndpoints = ["Users", "Groups", "Bulk", ".search", "ServiceProviderConfig", "ResourceTypes", "Schemas"];

    /// <summary>A path that only lacks the method is 405; anything else is 404 (both as SCIM errors).</summary>
    private static ScimError Unmatched(string method, string? path)
    {
        var segments = (path ?? string.Empty).Split('/');
        return segments.Length <= 2 && s_knownEndpoints.Contains(segments[0], StringComparer.OrdinalIgnoreCase)
            ? new ScimError(StatusCodes.Status405MethodNotAllowed, null, $"'{method}' is not supported on '/{path}'.")
            : ScimError.NotFound($"No SCIM endpoint at '/{path}'.");
    }

    // A Delegate (not a RequestDelegate), so the returned IResult is executed.
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private static void MapResource(RouteGroupBuilder group, ScimRoute route, string endpoint, Func<HttpContext, ScimResourceHandler> handler)
    {
        group.MapGet(endpoint, Handler(c => ListResourcesEndpoint.HandleAsync(c, route, handler(c))));
        group.MapPost(endpoint, Handler(c => CreateResourceEndpoint.HandleAsync(c, route, handler(c))));
        group.MapPost(endpoint + "/.search", Handler(c => SearchResourcesEndpoint.HandleAsync(c, route, handler(c))));
        group.MapGet(endpoint + "/{id}", (HttpContext c, string id) => GetResourceEndpoint.HandleAsync(c, route, handler(c), id));
        group.MapPut(endpoint + "/{id}", (HttpContext c, string id) => ReplaceResourceEndpoint.HandleAsync(c, route, handler(c), id));
        group.MapPatch(endpoint + "/{id}", (HttpContext c, string id) => PatchResourceEndpoint.HandleAsync(c, route, handler(c), id));
        group.MapDelete(endpoint + "/{id}", (HttpContext c, string id) => DeleteResourceEndpoint.HandleAsync(c, handler(c), id));
    }
}

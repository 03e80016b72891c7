// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin;
using ScimSync.Admin.Internal;
using ScimSync.Admin.Pages;
using ScimSync.Stores;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the ScimSync operator console.</summary>
public static class ScimAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the operator console under <paramref name="prefix"/>: connections with their SCIM base URLs and tokens,
    /// attribute mapping, group mapping and lifecycle per connection, directory sync with "test one user", Atlassian
    /// reconciliation, the provisioning log and the policy preview. Every page requires
    /// <paramref name="authorizationPolicy"/>, and every form post a valid anti-forgery token.
    /// </summary>
    /// <param name="endpoints">The route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="prefix">The console's path, for example <c>/scim-admin</c>.</param>
    /// <param name="authorizationPolicy">
    /// The name of the host's ASP.NET Core authorization policy operators must satisfy. Required: the console changes
    /// credentials and is never open. The host adds authentication (cookies, OpenID Connect, ...) and the policy, and
    /// calls <c>UseAuthentication</c> and <c>UseAuthorization</c>.
    /// </param>
    /// <param name="scimPrefix">The prefix the SCIM endpoints are mapped at (<c>MapScim</c>'s), to show base URLs.</param>
    /// <returns>The route group, to chain further conventions.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> does not start with '/', or <paramref name="authorizationPolicy"/> is empty.</exception>
    /// <exception cref="InvalidOperationException"><c>AddOperatorConsole</c> was not called.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddAuthorizationBuilder().AddPolicy("ScimOperators", p => p.RequireRole("scim-operator"));
    /// app.MapScimAdmin("/scim-admin", "ScimOperators");
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapScimAdmin(this IEndpointRouteBuilder endpoints, string prefix, string authorizationPolicy, string scimPrefix = "/scim")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(authorizationPolicy);
        ArgumentNullException.ThrowIfNull(scimPrefix);
        if (!prefix.StartsWith('/') || prefix.Length < 2)
        {
            throw new ArgumentException("The console's prefix must be a path such as '/scim-admin'.", nameof(prefix));
        }

        if (endpoints.ServiceProvider.GetService<ConsoleSettingsOverlay>() is null)
        {
            throw new InvalidOperationException(
                "The operator console's services are not registered: call 'scim.AddOperatorConsole()' in 'AddScimProvisioning(...)' before 'MapScimAdmin'.");
        }

        var route = new ConsoleRoute(prefix.TrimEnd('/'), scimPrefix.TrimEnd('/'));
        var group = endpoints.MapGroup(route.Prefix).RequireAuthorization(authorizationPolicy);

        group.MapGet("/", () => Results.Redirect(route.Path("connections")));
        group.MapGet("/assets/{file}", (HttpContext c, string file) => Asset(c, file));

        group.MapGet("/connections", (HttpContext c, ScimConsoleSettings s) => Page(c, route, p => Task.FromResult(ConnectionPages.List(p, s))));
        group.MapPost("/connections", (HttpContext c, ScimConsoleSettings s) => Post(c, route, (p, f) => ConnectionPages.CreateAsync(p, s, f, c.RequestAborted)));
        group.MapGet("/connections/{name}", (HttpContext c, ScimConsoleSettings s, string name) => Page(c, route, p => Task.FromResult(ConnectionPages.Show(p, s, name))));
        group.MapPost("/connections/{name}/tokens", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => ConnectionPages.IssueTokenAsync(p, s, name, f, c.RequestAborted)));
        group.MapPost("/connections/{name}/tokens/revoke", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => ConnectionPages.RevokeTokenAsync(p, s, name, f.Text("token"), c.RequestAborted)));
        group.MapPost("/connections/{name}/delete", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => ConnectionPages.DeleteAsync(p, s, name, f, c.RequestAborted)));
        group.MapPost("/connections/{name}/brake/approve", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, _) => Task.FromResult(ConnectionPages.DecideBrake(p, s, name, approve: true))));
        group.MapPost("/connections/{name}/brake/discard", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, _) => Task.FromResult(ConnectionPages.DecideBrake(p, s, name, approve: false))));
        group.MapPost("/connections/{name}/policies/reset", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => PolicyPages.ResetAsync(p, s, name, f, c.RequestAborted)));
        foreach (var part in new[] { PolicyPages.Mapping, PolicyPages.Groups, PolicyPages.Lifecycle })
        {
            group.MapGet("/connections/{name}/" + part.Slug, (HttpContext c, ScimConsoleSettings s, string name) => Page(c, route, p => Task.FromResult(PolicyPages.Show(p, s, part, name))));
            group.MapPost("/connections/{name}/" + part.Slug, (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => PolicyPages.SaveAsync(p, s, part, name, f, c.RequestAborted)));
        }

        group.MapGet("/sync", (HttpContext c, ScimConsoleSettings _) => Page(c, route, p => Task.FromResult(SyncPages.Show(p))));
        group.MapPost("/sync/{kind}/{name}/test", (HttpContext c, string kind, string name) => Post(c, route, (p, f) => SyncPages.TestUserAsync(p, kind, name, f, c.RequestAborted)));
        group.MapPost("/sync/ldap/{name}/settings", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => SyncPages.SaveLdapAsync(p, s, name, f, c.RequestAborted)));
        group.MapPost("/sync/ldap/{name}/reset", (HttpContext c, ScimConsoleSettings s, string name) => Post(c, route, (p, f) => SyncPages.ResetLdapAsync(p, s, name, f, c.RequestAborted)));
        group.MapPost("/sync/{kind}/{name}/run", (HttpContext c, string kind, string name) => Post(c, route, (p, f) => Task.FromResult(SyncPages.Run(p, kind, name, f))));

        group.MapGet("/atlassian", (HttpContext c, ScimConsoleSettings _) => Page(c, route, p => Task.FromResult(AtlassianPages.Show(p))));
        group.MapPost("/atlassian/{target}/dry-run", (HttpContext c, string target) => Post(c, route, (p, _) => AtlassianPages.DryRunAsync(p, target, c.RequestAborted)));
        group.MapPost("/atlassian/{target}/run", (HttpContext c, string target) => Post(c, route, (p, _) => Task.FromResult(AtlassianPages.Run(p, target))));

        group.MapGet("/log", (HttpContext c, ScimConsoleSettings s) => Page(c, route, p => LogPages.ShowAsync(p, s, c.RequestAborted)));

        group.MapGet("/preview", (HttpContext c, ScimConsoleSettings s) => Page(c, route, p => Task.FromResult(PreviewPages.Show(p, s))));
        group.MapPost("/preview", (HttpContext c, ScimConsoleSettings s) => Post(c, route, (p, f) => PreviewPages.RunAsync(p, s, f, c.RequestAborted)));
        return group;
    }

    private static async Task<IResult> Page(HttpContext context, ConsoleRoute route, Func<ConsolePage, Task<IResult>> render)
    {
        var page = new ConsolePage(context, route);
        try
        {
            return await render(page).ConfigureAwait(false);
        }
        catch (ScimStoreUnavailableException)
        {
            return Unavailable(page);
        }
    }

    /// <summary>A form post: the anti-forgery token is checked before the form is read or anything is changed.</summary>
    private static async Task<IResult> Post(HttpContext context, ConsoleRoute route, Func<ConsolePage, PostedForm, Task<IResult>> handle)
    {
        var page = new ConsolePage(context, route);
        if (!context.Request.HasFormContentType)
        {
            return Message(page, StatusCodes.Status415UnsupportedMediaType, "Not a form", "The console accepts form posts only.");
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return Message(page, StatusCodes.Status400BadRequest, "Form expired", "The form expired or did not come from this console, so nothing was changed. Go back, reload the page and try again.");
        }

        try
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return await handle(page, new PostedForm(form)).ConfigureAwait(false);
        }
        catch (ScimStoreUnavailableException)
        {
            return Unavailable(page);
        }
    }

    private static IResult Unavailable(ConsolePage page) =>
        Message(page, StatusCodes.Status503ServiceUnavailable, "Store unavailable", "The store cannot be reached right now, so nothing was changed. Try again in a moment.");

    private static IResult Message(ConsolePage page, int status, string title, string text) =>
        page.Render(title, "", ScimSync.Admin.Internal.Html.Of($"<h1>{title}</h1><p role=\"alert\">{text}</p>"), status);

    private static IResult Asset(HttpContext context, string file)
    {
        var type = Path.GetExtension(file) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            _ => null,
        };
        var stream = type is null ? null : typeof(ScimAdminOptions).Assembly.GetManifestResourceStream("ScimSync.Admin.Assets." + file);
        if (stream is null)
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = "private, max-age=3600";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(stream, type);
    }
}

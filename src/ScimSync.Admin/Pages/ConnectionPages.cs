// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Internal;
using ScimSync.Server;

namespace ScimSync.Admin.Pages;

/// <summary>The connections list, one connection with its base URL and tokens, and their forms.</summary>
internal static class ConnectionPages
{
    private static readonly (string, string)[] s_providers = [.. Enum.GetNames<IdentityProvider>().Select(n => (n, n))];

    public static IResult List(ConsolePage page, ScimConsoleSettings settings, FieldErrors? errors = null, PostedForm? posted = null)
    {
        var connections = settings.GetConnections();
        var rows = Html.Each(connections, c => Html.Of($"""
            <tr>
            <td><a href="{page.Route.Path("connections", c.Name)}">{c.Name}</a></td>
            <td>{c.IdentityProvider}</td>
            <td>{c.Directory}</td>
            <td>{Authentication(c)}</td>
            <td>{(c.Policies is null ? "none" : c.PoliciesFromConsole ? "console" : "configuration")}</td>
            <td>{(c.CreatedInConsole ? "console" : "configuration")}</td>
            </tr>
            """));
        errors ??= new FieldErrors();
        var form = page.Form(page.Route.Path("connections"), Html.Of($"""
            {Controls.Summary(errors)}
            {Controls.Text("name", "Name", posted?.Text("name"), errors, "Also the URL segment: letters, digits, '-' and '_'.", required: true)}
            {Controls.Select("identityProvider", "Identity provider", posted?.Text("identityProvider") ?? nameof(IdentityProvider.Generic), s_providers, errors, "Sets the handling of the provider's known deviations from SCIM.")}
            {Controls.Text("directory", "Directory (optional)", posted?.Text("directory"), errors, "The set of users and groups it provisions into; empty for its own. Give two connections the same directory only to share users.")}
            {Controls.Button("Create connection")}
            """), label: "New connection");
        return page.Render("Connections", "connections", Html.Of($"""
            <h1>Connections</h1>
            <p>Each connection is one identity provider tenant with its own SCIM base URL, bearer tokens, directory and mapping policies.</p>
            <table>
            <caption class="visually-hidden">Provisioning connections</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Identity provider</th><th scope="col">Directory</th><th scope="col">Authentication</th><th scope="col">Policies</th><th scope="col">Defined in</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            {Html.If(connections.Count == 0, Html.Of($"<p>No connection yet.</p>"))}
            <h2>New connection</h2>
            {form}
            """), errors.Any ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }

    public static async Task<IResult> CreateAsync(ConsolePage page, ScimConsoleSettings settings, PostedForm form, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var provider = form.Enum("identityProvider", IdentityProvider.Generic, errors);
        if (!errors.Any)
        {
            try
            {
                var created = await settings.CreateConnectionAsync(form.Text("name"), provider, form.OptionalText("directory"), cancellationToken).ConfigureAwait(false);
                return Results.Redirect(page.Route.Path("connections", created.Name) + "?created=1");
            }
            catch (ScimConsoleValidationException e)
            {
                AddProblems(errors, e);
            }
            catch (ScimConsoleConflictException e)
            {
                errors.Add(null, e.Message);
            }
        }

        return List(page, settings, errors, form);
    }

    public static IResult Show(ConsolePage page, ScimConsoleSettings settings, string name, HtmlText notice = default, FieldErrors? errors = null, int status = StatusCodes.Status200OK)
    {
        if (settings.FindConnection(name) is not { } connection)
        {
            return NotFound(page, name);
        }

        errors ??= new FieldErrors();
        var query = page.Context.Request.Query;
        var message = query.ContainsKey("created") ? "Connection created. Issue a token for it next."
            : query.ContainsKey("revoked") ? "Token revoked: requests with it are refused from now on."
            : query.ContainsKey("saved") ? "Saved."
            : query.ContainsKey("approved") ? "Held changes approved: the identity provider's next retries go through."
            : query.ContainsKey("discarded") ? "Held changes discarded: the identity provider's retries are refused for one window."
            : null;
        var baseUrl = page.Route.BaseUrl(page.Context.Request, connection.Name);
        var tokenRows = Html.Each(connection.Tokens, t => Html.Of($"""
            <tr>
            <td>{t.Name}</td>
            <td>{(t.IssuedInConsole ? "console" : "configuration")}</td>
            <td>{Date(t.CreatedAt)}</td>
            <td>{(t.ExpiresAt is null ? "never" : Date(t.ExpiresAt))}</td>
            <td>{(t.LastUsed is null ? "not on this instance" : Date(t.LastUsed))}</td>
            <td>{(t.IssuedInConsole
                ? page.Form(page.Route.Path("connections", connection.Name, "tokens", "revoke"), Html.Of($"<input type=\"hidden\" name=\"token\" value=\"{t.Name}\">{Controls.Button("Revoke", $"Revoke {t.Name}", "danger")}"), "inline", $"Revoke {t.Name}")
                : Html.Of($"<span class=\"muted\">revoke in configuration</span>"))}</td>
            </tr>
            """));
        var tokens = connection.AuthenticationScheme is not null
            ? Html.Of($"<p>Requests are authenticated by the host's <code>{connection.AuthenticationScheme}</code> scheme, not by bearer tokens.</p>")
            : !connection.AcceptsRequests
                ? Html.Of($"<p>This connection is fed in process only (directory sync); it accepts no SCIM requests and needs no token.</p>")
                : Html.Of($"""
                    {Html.If(connection.Tokens.Count == 0, Html.Of($"<p class=\"alert warn\">No token yet: the identity provider cannot connect until you issue one.</p>"))}
                    {Html.If(connection.Tokens.Count > 0, Html.Of($"""
                        <table>
                        <caption class="visually-hidden">Bearer tokens</caption>
                        <thead><tr><th scope="col">Label</th><th scope="col">Defined in</th><th scope="col">Issued</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                        <tbody>{tokenRows}</tbody>
                        </table>
                        """))}
                    <h3>Issue a token</h3>
                    <p>Several tokens can be valid at once: issue the new one, change it in the identity provider, then revoke the old one.</p>
                    {page.Form(page.Route.Path("connections", connection.Name, "tokens"), Html.Of($"""
                        {Controls.Text("tokenName", "Token label", page.Context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), errors, "Shown in logs and here; never the token.", required: true)}
                        {Controls.Text("expiresAt", "Expires on (optional)", null, errors, "The token is refused from this day (UTC). Empty: it never expires.", type: "date")}
                        {Controls.Button("Issue token")}
                        """), label: "Issue a token")}
                    """);
        var delete = connection.CreatedInConsole
            ? Html.Of($"""
                <h2>Delete the connection</h2>
                <p>Its tokens stop working at once. Its users and groups stay in directory <code>{connection.Directory}</code>.</p>
                {page.Form(page.Route.Path("connections", connection.Name, "delete"), Html.Of($"""
                    {Controls.Checkbox("confirm", $"Yes, delete {connection.Name}", false)}
                    {Controls.Summary(errors)}
                    {Controls.Button("Delete connection", kind: "danger")}
                    """), label: "Delete the connection")}
                """)
            : HtmlText.Empty;
        return page.Render(connection.Name, "connections", Html.Of($"""
            <p class="crumbs"><a href="{page.Route.Path("connections")}">Connections</a></p>
            <h1>{connection.Name}</h1>
            {Controls.Status(message)}
            {notice}
            <dl class="facts">
            <dt>Identity provider</dt><dd>{connection.IdentityProvider}</dd>
            <dt>Directory</dt><dd>{connection.Directory}</dd>
            <dt>Defined in</dt><dd>{(connection.CreatedInConsole ? "console" : "configuration")}</dd>
            </dl>
            <div class="field copy">
            <label for="base-url">SCIM base URL</label>
            <div class="copy-row"><input id="base-url" type="text" readonly value="{baseUrl}">
            <button type="button" class="secondary" data-copy="base-url">Copy base URL</button></div>
            <p class="hint">Paste it as the Tenant URL (Entra ID) or SCIM connector base URL (Okta).</p>
            </div>
            <h2>Mapping policies</h2>
            <p>{(connection.Policies is null ? "None: users and groups are stored as sent." : connection.PoliciesFromConsole ? "Set in the console." : "From configuration.")}</p>
            <ul class="links">
            <li><a href="{page.Route.Path("connections", connection.Name, "mapping")}">Attribute mapping</a></li>
            <li><a href="{page.Route.Path("connections", connection.Name, "groups")}">Group mapping</a></li>
            <li><a href="{page.Route.Path("connections", connection.Name, "lifecycle")}">Lifecycle</a></li>
            <li><a href="{page.Route.Path("log")}?connection={connection.Name}">Provisioning log</a></li>
            <li><a href="{page.Route.Path("preview")}?connection={connection.Name}">Preview a payload</a></li>
            </ul>
            {Brake(page, connection)}
            <h2>Bearer tokens</h2>
            {tokens}
            {delete}
            """), status);
    }

    public static async Task<IResult> IssueTokenAsync(ConsolePage page, ScimConsoleSettings settings, string name, PostedForm form, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        DateTimeOffset? expires = null;
        if (form.OptionalText("expiresAt") is { } text)
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                expires = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }
            else
            {
                errors.Add("expiresAt", "Enter a date as YYYY-MM-DD.");
            }
        }

        if (!errors.Any)
        {
            try
            {
                var label = form.Text("tokenName");
                var token = await settings.IssueTokenAsync(name, label, expires, cancellationToken).ConfigureAwait(false);

                // Rendered into this response only (never redirected to, never cached): the token is shown once.
                var notice = Html.Of($"""
                    <div class="alert ok token" role="status">
                    <p><strong>Token "{label}" issued.</strong> Copy it now: it is shown only once and ScimSync keeps only its hash.</p>
                    <div class="copy-row"><label for="new-token">New token</label>
                    <input id="new-token" type="text" readonly value="{token.Token}" autocomplete="off" spellcheck="false">
                    <button type="button" class="secondary" data-copy="new-token">Copy token</button></div>
                    </div>
                    """);
                return Show(page, settings, name, notice);
            }
            catch (ScimConsoleValidationException e)
            {
                AddProblems(errors, e);
            }
            catch (ScimConsoleConflictException e)
            {
                errors.Add(null, e.Message);
            }
        }

        return Show(page, settings, name, Controls.Summary(errors), errors, StatusCodes.Status422UnprocessableEntity);
    }

    public static async Task<IResult> RevokeTokenAsync(ConsolePage page, ScimConsoleSettings settings, string name, string token, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        try
        {
            await settings.RevokeTokenAsync(name, token, cancellationToken).ConfigureAwait(false);
            return Results.Redirect(page.Route.Path("connections", name) + "?revoked=1");
        }
        catch (ScimConsoleValidationException e)
        {
            errors.Add(null, e.Message);
        }
        catch (ScimConsoleConflictException e)
        {
            errors.Add(null, e.Message);
        }

        return Show(page, settings, name, Controls.Summary(errors), errors, StatusCodes.Status422UnprocessableEntity);
    }

    public static async Task<IResult> DeleteAsync(ConsolePage page, ScimConsoleSettings settings, string name, PostedForm form, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!form.Checked("confirm"))
        {
            errors.Add("confirm", "Tick the box to confirm.");
            errors.Add(null, "Tick the confirmation box to delete the connection.");
        }
        else
        {
            try
            {
                await settings.DeleteConnectionAsync(name, cancellationToken).ConfigureAwait(false);
                return Results.Redirect(page.Route.Path("connections"));
            }
            catch (ScimConsoleValidationException e)
            {
                errors.Add(null, e.Message);
            }
            catch (ScimConsoleConflictException e)
            {
                errors.Add(null, e.Message);
            }
        }

        return Show(page, settings, name, default, errors, StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The safety brake's state, and the operator's decision on held changes.</summary>
    public static IResult DecideBrake(ConsolePage page, ScimConsoleSettings settings, string name, bool approve)
    {
        if (settings.FindConnection(name) is not { } connection)
        {
            return NotFound(page, name);
        }

        var brake = page.Context.RequestServices.GetRequiredService<ScimSafetyBrake>();
        _ = approve ? brake.Approve(connection.Name, page.Operator()) : brake.Discard(connection.Name, page.Operator());
        Internal.Log.ActionRun(page.Logger(), page.Operator(), approve ? "safety brake approve" : "safety brake discard", connection.Name);
        return Results.Redirect(page.Route.Path("connections", connection.Name) + (approve ? "?approved=1" : "?discarded=1"));
    }

    private static HtmlText Brake(ConsolePage page, ScimConsoleConnection connection)
    {
        if (connection.Policies?.SafetyBrake.Enabled != true)
        {
            return HtmlText.Empty;
        }

        var status = page.Context.RequestServices.GetRequiredService<ScimSafetyBrake>().GetStatus(connection.Name);
        if (!status.Engaged)
        {
            return Html.Of($"""
                <h2>Safety brake</h2>
                <p>On, not engaged: {status.RecentDeactivations} deactivations in the current window.</p>
                """);
        }

        var held = Html.Each(status.Held.Take(200), h => Html.Of($"<tr><td>{Date(h.HeldAt)}</td><td>{h.ResourceType}</td><td>{h.ResourceId}</td><td>{h.Change}</td></tr>"));
        return Html.Of($"""
            <h2>Safety brake</h2>
            <div class="alert error" role="alert"><p><strong>Engaged {Date(status.EngagedAt)}:</strong> {status.Reason}</p>
            <p>{status.Held.Count} destructive changes are held; the identity provider gets 503 and retries them.</p></div>
            <table><caption class="visually-hidden">Held changes</caption>
            <thead><tr><th scope="col">Held</th><th scope="col">Type</th><th scope="col">Resource</th><th scope="col">Change</th></tr></thead>
            <tbody>{held}</tbody></table>
            <div class="actions">
            {page.Form(page.Route.Path("connections", connection.Name, "brake", "approve"), Controls.Button("Approve held changes", kind: "danger"), "inline", "Approve held changes")}
            {page.Form(page.Route.Path("connections", connection.Name, "brake", "discard"), Controls.Button("Discard held changes", kind: "secondary"), "inline", "Discard held changes")}
            </div>
            """);
    }

    public static IResult NotFound(ConsolePage page, string name) =>
        page.Render("Not found", "connections", Html.Of($"""
            <h1>No connection named "{name}"</h1>
            <p><a href="{page.Route.Path("connections")}">All connections</a></p>
            """), StatusCodes.Status404NotFound);

    public static void AddProblems(FieldErrors errors, ScimConsoleValidationException e)
    {
        if (e.Field is not null)
        {
            errors.Add(e.Field, e.Message);
            return;
        }

        foreach (var problem in e.Problems)
        {
            errors.Add(null, problem);
        }
    }

    public static string Date(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";

    private static string Authentication(ScimConsoleConnection c) =>
        c.AuthenticationScheme is { } scheme ? $"scheme {scheme}"
        : !c.AcceptsRequests ? "in process only"
        : c.Tokens.Count == 1 ? "1 token"
        : string.Create(CultureInfo.InvariantCulture, $"{c.Tokens.Count} tokens");
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Internal;
using ScimSync.Provisioning;
using ScimSync.Server;

namespace ScimSync.Admin.Pages;

/// <summary>The provisioning log: newest first, filtered by connection, outcome and resource, one page at a time.</summary>
internal static class LogPages
{
    public static async Task<IResult> ShowAsync(ConsolePage page, ScimConsoleSettings settings, CancellationToken cancellationToken)
    {
        var query = page.Context.Request.Query;
        var connection = query["connection"].ToString() is { Length: > 0 } c ? c : null;
        var resource = query["resource"].ToString().Trim() is { Length: > 0 } r ? r : null;
        var outcome = Enum.TryParse<ProvisioningOutcomeFilter>(query["outcome"].ToString(), ignoreCase: true, out var o) && Enum.IsDefined(o) ? o : ProvisioningOutcomeFilter.Any;
        var after = query["after"].ToString() is { Length: > 0 } a ? a : null;
        var user = query["user"].ToString().Trim() is { Length: > 0 } u ? u : null;
        var log = page.Context.RequestServices.GetRequiredService<IProvisioningLog>();
        ProvisioningLogPage entries;
        HtmlText problem = default;
        if (user is not null)
        {
            // The log names resources by id: find the user's id in the chosen connection's directory (or each one's).
            var ids = await UserIdsAsync(page, settings, connection, user, cancellationToken).ConfigureAwait(false);
            if (ids.Count == 1 && (resource is null || resource == ids[0]))
            {
                resource = ids[0];
            }
            else
            {
                problem = Html.Of($"<p class=\"alert warn\" role=\"status\">{(ids.Count == 0 ? $"No user named \"{user}\"" : ids.Count > 1 ? $"Several users are named \"{user}\" (in different directories): choose a connection" : "That user is not that resource")}.</p>");
            }
        }

        try
        {
            entries = problem.Value.Length > 0 ? new ProvisioningLogPage([], null) : await log.QueryAsync(
                new ProvisioningLogQuery { Connection = connection, ResourceId = resource, Outcome = outcome, PageSize = Math.Clamp(page.Options.LogPageSize, 1, 1000), Continuation = after },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // A continuation that was edited or belongs to another log.
            entries = new ProvisioningLogPage([], null);
            problem = Html.Of($"<p class=\"alert error\" role=\"alert\">That page of the log no longer exists; start again from the newest entries.</p>");
        }

        var connections = settings.GetConnections().Select(x => (x.Name, x.Name)).Prepend(("", "All connections"));
        var filter = Html.Of($"""
            <form method="get" action="{page.Route.Path("log")}" class="filters" aria-label="Filter the log">
            {Controls.Select("connection", "Connection", connection ?? "", connections)}
            {Controls.Select("outcome", "Outcome", outcome.ToString(), Enum.GetNames<ProvisioningOutcomeFilter>().Select(n => (n, n)))}
            {Controls.Text("user", "User name", user, hint: "A user's userName, as the identity provider sent it.")}
            {Controls.Text("resource", "Resource id", query["resource"].ToString(), hint: "The id of a user or group in ScimSync.")}
            <div class="actions">{Controls.Button("Filter")}</div>
            </form>
            """);
        var rows = Html.Each(entries.Entries, e => Html.Of($"""
            <tr class="{(e.Status >= 400 ? "failed" : "")}">
            <td><time datetime="{e.Timestamp.ToString("O", CultureInfo.InvariantCulture)}">{ConnectionPages.Date(e.Timestamp)}:{e.Timestamp.ToUniversalTime().ToString("ss", CultureInfo.InvariantCulture)}</time></td>
            <td>{e.Connection}</td>
            <td>{e.Operation}</td>
            <td>{e.ResourceType}</td>
            <td>{(e.ResourceId is null ? HtmlText.Empty : Html.Of($"<a href=\"{page.Route.Path("log")}?resource={Uri.EscapeDataString(e.ResourceId)}\">{e.ResourceId}</a>"))}</td>
            <td>{e.Status}{(e.ScimType is null ? "" : " " + e.ScimType)}</td>
            <td>{string.Join(", ", e.ChangedAttributes)}</td>
            <td>{Html.If(e.Decisions.Count > 0, Html.Of($"<details><summary>{e.Decisions.Count}</summary><ul>{Html.Each(e.Decisions, d => Html.Of($"<li>{d.Policy}: {d.Subject}: {d.Reason}</li>"))}</ul></details>"))}</td>
            <td>{e.TokenName}</td>
            </tr>
            """));
        var older = entries.Continuation is null
            ? HtmlText.Empty
            : Html.Of($"<p><a rel=\"next\" href=\"{page.Route.Path("log")}{Filters(connection, outcome, user, query["resource"].ToString())}&amp;after={Uri.EscapeDataString(entries.Continuation)}\">Older entries</a></p>");
        return page.Render("Provisioning log", "log", Html.Of($"""
            <h1>Provisioning log</h1>
            <p>What identity providers asked for and what it changed: attribute names, never values or tokens. Newest first.</p>
            {filter}
            {problem}
            <table class="log">
            <caption class="visually-hidden">Log entries</caption>
            <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Connection</th><th scope="col">Operation</th><th scope="col">Type</th><th scope="col">Resource</th><th scope="col">Status</th><th scope="col">Changed</th><th scope="col">Decisions</th><th scope="col">Token</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            {Html.If(entries.Entries.Count == 0, Html.Of($"<p>No entries match.</p>"))}
            {Html.If(after is not null, Html.Of($"<p><a href=\"{page.Route.Path("log")}{Filters(connection, outcome, user, query["resource"].ToString())}\">Newest entries</a></p>"))}
            {older}
            """));
    }

    /// <summary>The filters as a query string (URL-encoded; the template HTML-encodes it in turn).</summary>
    private static HtmlText Filters(string? connection, ProvisioningOutcomeFilter outcome, string? user, string? resource) =>
        new(Html.Encode($"?connection={Uri.EscapeDataString(connection ?? "")}&outcome={outcome}&user={Uri.EscapeDataString(user ?? "")}&resource={Uri.EscapeDataString(resource ?? "")}"));

    private static async Task<List<string>> UserIdsAsync(ConsolePage page, ScimConsoleSettings settings, string? connection, string userName, CancellationToken cancellationToken)
    {
        var provisioner = page.Context.RequestServices.GetRequiredService<ScimProvisioner>();
        var filter = ScimSync.Filtering.ScimFilter.Parse("userName eq " + JsonSerializer.Serialize(userName));
        var ids = new List<string>();
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in settings.GetConnections().Where(c => connection is null || string.Equals(c.Name, connection, StringComparison.OrdinalIgnoreCase)))
        {
            if (!directories.Add(c.Directory))
            {
                continue;
            }

            var found = await provisioner.ListAsync(c.Name, ScimResourceKind.User, new ScimSync.Stores.ListQuery { Filter = filter, Count = 2 }, cancellationToken).ConfigureAwait(false);
            ids.AddRange(found.Resources.Select(r => r.Id));
        }

        return [.. ids.Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>The dry run of a connection's mapping policies on a pasted SCIM payload: what would be stored, and why. Writes nothing.</summary>
internal static class PreviewPages
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static IResult Show(ConsolePage page, ScimConsoleSettings settings, PostedForm? posted = null, HtmlText result = default, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        var connections = settings.GetConnections();
        var selected = posted?.Text("connection") ?? page.Context.Request.Query["connection"].ToString();
        var form = page.Form(page.Route.Path("preview"), Html.Of($"""
            {Controls.Select("connection", "Connection", selected, connections.Select(c => (c.Name, c.Name)), errors)}
            {Controls.Select("resourceType", "Resource type", posted?.Text("resourceType") ?? "User", [("User", "User"), ("Group", "Group")], errors)}
            {Controls.TextArea("payload", "SCIM payload (JSON)", posted?.Text("payload") ?? Sample, errors, "As the identity provider would POST it. Nothing is written.", rows: 12)}
            <div class="actions">{Controls.Button("Preview")}</div>
            """), label: "Preview a payload");
        return page.Render("Preview", "preview", Html.Of($"""
            <h1>Preview</h1>
            <p>Shows what the connection's mapping policies would make of a SCIM payload: the target attributes, the groups, and every decision, without writing anything.</p>
            {form}
            {result}
            """), errors.Any ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }

    public static async Task<IResult> RunAsync(ConsolePage page, ScimConsoleSettings settings, PostedForm form, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var connection = form.Text("connection");
        if (settings.FindConnection(connection) is null)
        {
            errors.Add("connection", "Choose a connection.");
        }

        JsonObject? payload = null;
        try
        {
            payload = JsonNode.Parse(form.Text("payload")) as JsonObject;
            if (payload is null)
            {
                errors.Add("payload", "The payload must be a JSON object.");
            }
        }
        catch (JsonException e)
        {
            errors.Add("payload", $"Not valid JSON: {e.Message}");
        }

        if (errors.Any || payload is null)
        {
            return Show(page, settings, form, default, errors);
        }

        var preview = page.Context.RequestServices.GetRequiredService<ScimPolicyPreview>();
        HtmlText result;
        if (form.Text("resourceType") == "Group")
        {
            var group = preview.PreviewGroup(connection, payload);
            result = group.Error is { } error ? Error(error) : Html.Of($"""
                <p role="status">Its {group.Members} members would join {group.Targets.Count} target groups.</p>
                <ul>{Html.Each(group.Targets, t => Html.Of($"<li>{t.Name} <small>({t.Rule})</small></li>"))}</ul>
                {Decisions(group.Decisions)}
                """);
        }
        else
        {
            result = UserPreview(await preview.PreviewUserAsync(connection, payload, cancellationToken).ConfigureAwait(false));
        }

        return Show(page, settings, form, Html.Of($"""
            <section class="result" aria-labelledby="preview-title">
            <h2 id="preview-title">Result</h2>
            {result}
            </section>
            """));
    }

    public static HtmlText UserPreview(UserPolicyPreview preview)
    {
        if (preview.Error is { } error)
        {
            return Error(error);
        }

        var target = preview.Target;
        return Html.Of($"""
            <p role="status">Action: <strong>{preview.Action}</strong>{(preview.ExistingUserId is null ? "" : $" (existing user {preview.ExistingUserId})")}.</p>
            {Html.If(target is not null, Html.Of($"""
                <dl class="facts">
                <dt>Username</dt><dd>{target?.UserName}</dd>
                <dt>Email</dt><dd>{target?.Email}</dd>
                <dt>Display name</dt><dd>{target?.DisplayName}</dd>
                {Html.Each(target?.CustomAttributes ?? new Dictionary<string, string>(), c => Html.Of($"<dt>{c.Key}</dt><dd>{c.Value}</dd>"))}
                </dl>
                """))}
            <h3>Groups</h3>
            <ul>
            {Html.Each(preview.Memberships, m => Html.Of($"<li>{m.Group} <small>({string.Join(", ", m.Sources.Select(s => s.Rule))})</small></li>"))}
            </ul>
            {Html.If(preview.GroupsJoined.Count > 0, Html.Of($"<p>Joins: {string.Join(", ", preview.GroupsJoined)}</p>"))}
            {Html.If(preview.GroupsLeft.Count > 0, Html.Of($"<p>Leaves: {string.Join(", ", preview.GroupsLeft)}</p>"))}
            {Decisions(preview.Decisions)}
            """);
    }

    private static HtmlText Decisions(IReadOnlyList<ScimSync.Policies.PolicyDecision> decisions) =>
        decisions.Count == 0
            ? HtmlText.Empty
            : Html.Of($"<h3>Decisions</h3><ul>{Html.Each(decisions, d => Html.Of($"<li>{d.Policy}: {d.Subject}: {d.Reason}</li>"))}</ul>");

    private static HtmlText Error(ScimSync.Errors.ScimError error) =>
        Html.Of($"<p class=\"alert error\" role=\"alert\">The identity provider would get {error.Status}{(error.ScimType is null ? "" : " " + error.ScimType)}: {error.Detail}</p>");

    private static string Sample => JsonSerializer.Serialize(
        new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = "jane.doe@example.com",
            ["name"] = new JsonObject { ["givenName"] = "Jane", ["familyName"] = "Doe" },
            ["emails"] = new JsonArray(new JsonObject { ["type"] = "work", ["value"] = "jane.doe@example.com", ["primary"] = true }),
            ["active"] = true,
        },
        s_indented);
}

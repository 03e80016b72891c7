// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Admin.Internal;
using ScimSync.Ldap;
using ScimSync.Pull;
using ScimSync.Server;

namespace ScimSync.Admin.Pages;

/// <summary>
/// Directory sync: the LDAP sources (<c>AddLdapSource</c>) and pull sources (Microsoft Graph, Okta), each with its
/// settings, a "test one user" lookup that writes nothing, and a sync run started in the background.
/// </summary>
internal static class SyncPages
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static IResult Show(ConsolePage page, HtmlText result = default, string? selected = null, int status = StatusCodes.Status200OK)
    {
        var services = page.Context.RequestServices;
        var ldap = services.GetService<LdapSynchronizer>();
        var pull = services.GetService<PullSynchronizer>();
        var runs = services.GetRequiredService<ConsoleRuns>();
        var sources = new List<HtmlText>();
        foreach (var name in ldap?.Connections.Order(StringComparer.OrdinalIgnoreCase) ?? Enumerable.Empty<string>())
        {
            var options = services.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get(name);
            sources.Add(Source(page, "ldap", name, "LDAP", LdapSettings(options), ["Full", "Incremental"], runs.Find("ldap:" + name), ldap!.IsRunning(name), selected));
        }

        foreach (var name in pull?.Connections.Order(StringComparer.OrdinalIgnoreCase) ?? Enumerable.Empty<string>())
        {
            sources.Add(Source(page, "pull", name, "Pull", HtmlText.Empty, ["Full", "Delta"], runs.Find("pull:" + name), pull!.IsRunning(name), selected));
        }

        return page.Render("Directory sync", "sync", Html.Of($"""
            <h1>Directory sync</h1>
            <p>Sources ScimSync reads users and groups from on a schedule: LDAP directories (Active Directory, OpenLDAP) and identity provider APIs (Microsoft Graph, Okta). Their settings come from configuration; test one user here before a full run.</p>
            {result}
            {(sources.Count == 0
                ? Html.Of($"<p class=\"alert warn\">No directory source is configured. Add one with <code>scim.AddLdapSource(...)</code>, <code>AddMicrosoftGraphSource(...)</code> or <code>AddOktaSource(...)</code>.</p>")
                : Html.Join(sources))}
            """), status);
    }

    public static async Task<IResult> TestUserAsync(ConsolePage page, string kind, string name, PostedForm form, CancellationToken cancellationToken)
    {
        var login = form.Text("login");
        if (login.Length == 0)
        {
            return Show(page, Html.Of($"<div class=\"alert error\" role=\"alert\">Enter a login to test.</div>"), name, StatusCodes.Status422UnprocessableEntity);
        }

        page.PostedLogin = login;
        var services = page.Context.RequestServices;
        HtmlText body;
        if (kind == "ldap" && services.GetService<LdapSynchronizer>() is { } ldap && ldap.Connections.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            var test = await ldap.TestUserAsync(name, login, cancellationToken).ConfigureAwait(false);
            body = TestResult(test.Found, test.Error, test.DistinguishedName, test.Attributes.ToDictionary(a => a.Key, a => string.Join("; ", a.Value)), test.User, test.Preview);
        }
        else if (kind == "pull" && services.GetService<PullSynchronizer>() is { } pull && pull.Connections.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            var test = await pull.TestUserAsync(name, login, cancellationToken).ConfigureAwait(false);
            body = TestResult(test.Found, test.Error, null, test.Raw?.ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null") ?? [], test.User, test.Preview);
        }
        else
        {
            return ConnectionPages.NotFound(page, name);
        }

        Log.ActionRun(page.Logger(), page.Operator(), "test user", $"{kind}:{name}");
        return Show(page, Html.Of($"""
            <section class="result" aria-labelledby="test-title">
            <h2 id="test-title">Test of "{login}" on {name}</h2>
            {body}
            </section>
            """), name);
    }

    public static IResult Run(ConsolePage page, string kind, string name, PostedForm form)
    {
        var services = page.Context.RequestServices;
        var runs = services.GetRequiredService<ConsoleRuns>();
        var full = string.Equals(form.Text("mode"), "Full", StringComparison.OrdinalIgnoreCase);
        Func<CancellationToken, Task<object>>? run = null;
        if (kind == "ldap" && services.GetService<LdapSynchronizer>() is { } ldap && ldap.Connections.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            run = async ct => await ldap.SyncAsync(name, full ? LdapSyncMode.Full : LdapSyncMode.Incremental, ct).ConfigureAwait(false);
        }
        else if (kind == "pull" && services.GetService<PullSynchronizer>() is { } pull && pull.Connections.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            run = async ct => await pull.SyncAsync(name, full ? PullSyncMode.Full : PullSyncMode.Delta, ct).ConfigureAwait(false);
        }

        if (run is null)
        {
            return ConnectionPages.NotFound(page, name);
        }

        var started = runs.TryStart($"{kind}:{name}", page.Operator(), run);
        return Show(page, started
            ? Controls.Status($"Sync of {name} started. Reload this page to see its outcome.")
            : Html.Of($"<div class=\"alert warn\" role=\"alert\">A sync of {name} is still running.</div>"), name);
    }

    private static HtmlText Source(ConsolePage page, string kind, string name, string label, HtmlText settings, string[] modes, ConsoleRun? last, bool running, string? selected)
    {
        var outcome = last switch
        {
            null => Html.Of($"<p>No run started from the console since the host started.</p>"),
            { Finished: null } => Html.Of($"<p>Run started {ConnectionPages.Date(last.Started)} by {last.Operator} is running.</p>"),
            { Error: { } error } => Html.Of($"<p class=\"alert error\">Run started {ConnectionPages.Date(last.Started)} by {last.Operator} failed: {error}</p>"),
            _ => RunOutcome(last),
        };
        return Html.Of($"""
            <section class="source" aria-labelledby="src-{kind}-{name}">
            <h2 id="src-{kind}-{name}">{name} <small>{label}</small></h2>
            {settings}
            {page.Form(page.Route.Path("sync", kind, name, "test"), Html.Of($"""
                {Controls.Text("login", "Login to test", selected == name ? page.PostedLogin : null, hint: "A user name, e-mail or account name. Nothing is written.")}
                {Controls.Button("Test user", $"Test user on {name}")}
                """), "inline-form", $"Test one user on {name}")}
            <h3>Last run</h3>
            {Html.If(running, Html.Of($"<p class=\"alert warn\">A sync is running now.</p>"))}
            {outcome}
            {page.Form(page.Route.Path("sync", kind, name, "run"), Html.Of($"""
                {Controls.Select("mode", "Mode", modes[1], modes.Select(m => (m, m)))}
                {Controls.Button("Sync now", $"Sync {name} now", "secondary")}
                """), "inline-form", $"Sync {name} now")}
            </section>
            """);
    }

    private static HtmlText RunOutcome(ConsoleRun run)
    {
        var (complete, mode, users, groups, errors, skipped) = run.Result switch
        {
            LdapSyncResult r => (r.Complete, r.Mode.ToString(), Counts(r.Users.Seen, r.Users.Created, r.Users.Updated, r.Users.Unchanged, r.Users.Removed, r.Users.Failed), Counts(r.Groups.Seen, r.Groups.Created, r.Groups.Updated, r.Groups.Unchanged, r.Groups.Removed, r.Groups.Failed), r.Errors, r.DeletionsSkippedReason),
            PullSyncResult r => (r.Complete, r.Mode.ToString(), Counts(r.Users.Seen, r.Users.Created, r.Users.Updated, r.Users.Unchanged, r.Users.Removed, r.Users.Failed), Counts(r.Groups.Seen, r.Groups.Created, r.Groups.Updated, r.Groups.Unchanged, r.Groups.Removed, r.Groups.Failed), r.Errors, r.DeletionsSkippedReason),
            _ => (false, "?", "", "", (IReadOnlyList<string>)[], null),
        };
        return Html.Of($"""
            <p>{mode} run started {ConnectionPages.Date(run.Started)} by {run.Operator}, finished {ConnectionPages.Date(run.Finished)}: {(complete ? "complete" : "incomplete")}.</p>
            <ul><li>Users: {users}</li><li>Groups: {groups}</li></ul>
            {Html.If(skipped is not null, Html.Of($"<p>Removals skipped: {skipped}</p>"))}
            {Html.If(errors.Count > 0, Html.Of($"<details><summary>{errors.Count} errors</summary><ul>{Html.Each(errors.Take(50), e => Html.Of($"<li>{e}</li>"))}</ul></details>"))}
            """);
    }

    private static string Counts(int seen, int created, int updated, int unchanged, int removed, int failed) =>
        string.Create(CultureInfo.InvariantCulture, $"{seen} seen, {created} created, {updated} updated, {unchanged} unchanged, {removed} removed, {failed} failed");

    private static HtmlText LdapSettings(LdapSourceOptions o) => Html.Of($"""
        <dl class="facts">
        <dt>Server</dt><dd>{o.Server.Host}:{o.Server.Port} ({o.Server.Security})</dd>
        <dt>Bind DN</dt><dd>{o.Server.BindDn ?? "anonymous"}{(o.Server.BindPassword is null ? "" : " (password set)")}</dd>
        <dt>Profile</dt><dd>{o.Profile}</dd>
        <dt>User base DNs</dt><dd>{string.Join("; ", o.UserBaseDns)}</dd>
        <dt>User filter</dt><dd><code>{o.UserFilter ?? "profile default"}</code></dd>
        <dt>Group base DNs</dt><dd>{string.Join("; ", o.GroupBaseDns)}</dd>
        <dt>Group filter</dt><dd><code>{o.GroupFilter ?? "profile default"}</code></dd>
        <dt>Schedule</dt><dd>{(o.Interval is { } every ? $"every {every}" : "on demand")}{(o.IncrementalSync ? ", incremental" : "")}</dd>
        <dt>Attribute map</dt><dd>{string.Join(", ", o.AttributeMap.Select(m => $"{m.Key} = {m.Value}"))}</dd>
        </dl>
        """);

    private static HtmlText TestResult(bool found, string? error, string? dn, IReadOnlyDictionary<string, string> attributes, JsonObject? user, UserPolicyPreview? preview)
    {
        if (error is not null)
        {
            return Html.Of($"<p class=\"alert error\" role=\"alert\">{error}</p>");
        }

        if (!found)
        {
            return Html.Of($"<p class=\"alert warn\" role=\"status\">No user found with that login (in scope).</p>");
        }

        return Html.Of($"""
            <p role="status">Found{(dn is null ? "" : ": " + dn)}.</p>
            <h3>Read from the source</h3>
            <table><thead><tr><th scope="col">Attribute</th><th scope="col">Value</th></tr></thead>
            <tbody>{Html.Each(attributes.OrderBy(a => a.Key, StringComparer.OrdinalIgnoreCase), a => Html.Of($"<tr><td>{a.Key}</td><td>{a.Value}</td></tr>"))}</tbody></table>
            <h3>As a SCIM user</h3>
            <pre>{user?.ToJsonString(s_indented)}</pre>
            {(preview is null ? HtmlText.Empty : PreviewPages.UserPreview(preview))}
            """);
    }
}

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

    public static IResult Show(ConsolePage page, HtmlText result = default, string? selected = null, int status = StatusCodes.Status200OK, PostedForm? posted = null, FieldErrors? errors = null)
    {
        var services = page.Context.RequestServices;
        var ldap = services.GetService<LdapSynchronizer>();
        var pull = services.GetService<PullSynchronizer>();
        var runs = services.GetRequiredService<ConsoleRuns>();
        var sources = new List<HtmlText>();
        foreach (var source in services.GetRequiredService<ScimConsoleSettings>().GetLdapSources())
        {
            var form = LdapSettingsForm(page, source, selected == source.Name ? posted : null, selected == source.Name ? errors : null);
            sources.Add(Source(page, "ldap", source.Name, "LDAP", form, ["Full", "Incremental"], runs.Find("ldap:" + source.Name), ldap!.IsRunning(source.Name), selected));
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

    /// <summary>The LDAP source's settings as a form; the bind password is never shown or edited here.</summary>
    private static HtmlText LdapSettingsForm(ConsolePage page, ScimConsoleLdapSource source, PostedForm? posted, FieldErrors? errors)
    {
        errors ??= new FieldErrors();
        var o = source.Settings;
        string Value(string field, string? current) => posted?.Text(field) ?? current ?? "";
        bool Check(string field, bool current) => posted is null ? current : posted.Checked(field);
        var map = string.Join('\n', o.AttributeMap.Select(m => $"{m.Key} = {m.Value}"));
        var reset = source.FromConsole
            ? page.Form(page.Route.Path("sync", "ldap", source.Name, "reset"), Html.Of($"""
                <input type="hidden" name="version" value="{source.Version}">
                {Controls.Button("Reset to configuration", $"Reset {source.Name} to configuration", "secondary")}
                """), "inline", $"Reset {source.Name} to configuration")
            : HtmlText.Empty;
        return Html.Of($"""
            <details{(errors.Any || posted is not null ? new HtmlText(" open") : HtmlText.Empty)}>
            <summary>LDAP settings{(source.FromConsole ? " (saved in the console)" : " (from configuration)")}</summary>
            {page.Form(page.Route.Path("sync", "ldap", source.Name, "settings"), Html.Of($"""
                {Controls.Summary(errors)}
                <input type="hidden" name="version" value="{posted?.Text("version") ?? source.Version.ToString(CultureInfo.InvariantCulture)}">
                {Controls.Text("host", "Host", Value("host", o.Server.Host), errors)}
                {Controls.Text("port", "Port", Value("port", o.Server.Port.ToString(CultureInfo.InvariantCulture)), errors, "0: 389, or 636 with LDAPS.", type: "number")}
                {Controls.EnumSelect("security", "Security", posted is null ? o.Server.Security : posted.Enum("security", o.Server.Security, new FieldErrors()), errors)}
                {Controls.Text("bindDn", "Bind DN", Value("bindDn", o.Server.BindDn), errors, source.HasBindPassword ? "Its password is set in configuration (never shown or stored here)." : "No bind password is configured: empty binds anonymously.")}
                {Controls.EnumSelect("profile", "Directory profile", posted is null ? o.Profile : posted.Enum("profile", o.Profile, new FieldErrors()), errors)}
                {Controls.TextArea("userBaseDns", "User base DNs (one per line)", Value("userBaseDns", string.Join('\n', o.UserBaseDns)), errors, rows: 2)}
                {Controls.Text("userFilter", "User filter", Value("userFilter", o.UserFilter), errors, "Empty: the profile's.")}
                {Controls.TextArea("groupBaseDns", "Group base DNs (one per line)", Value("groupBaseDns", string.Join('\n', o.GroupBaseDns)), errors, rows: 2)}
                {Controls.Text("groupFilter", "Group filter", Value("groupFilter", o.GroupFilter), errors, "Empty: the profile's.")}
                {Controls.TextArea("attributeMap", "Attribute map (one per line: SCIM path = LDAP attribute)", Value("attributeMap", map), errors, "Overrides the profile's entries, for example: enterprise.department = department. Fallbacks are separated by |.", rows: 3)}
                {Controls.Text("activeAttribute", "Disabled-account attribute", Value("activeAttribute", o.ActiveAttribute), errors, "Empty: the profile's rule.")}
                {Controls.Text("disabledValue", "Value that marks a disabled account", Value("disabledValue", o.DisabledValue), errors)}
                {Controls.Checkbox("nestedGroups", "Count memberships of nested groups", Check("nestedGroups", o.NestedGroups))}
                {Controls.Checkbox("syncGroups", "Sync groups and memberships", Check("syncGroups", o.SyncGroups))}
                {Controls.Checkbox("deleteMissing", "Remove users and groups no longer in the directory (full runs)", Check("deleteMissing", o.DeleteMissing))}
                {Controls.Text("minimumSeenRatio", "Share of known users a full run must see before it removes anyone", Value("minimumSeenRatio", o.MinimumSeenRatio.ToString(CultureInfo.InvariantCulture)), errors, type: "number")}
                {Controls.Text("intervalMinutes", "Sync every (minutes)", Value("intervalMinutes", o.Interval?.TotalMinutes.ToString(CultureInfo.InvariantCulture)), errors, "Empty: on demand only.", type: "number")}
                {Controls.Checkbox("incrementalSync", "Scheduled runs read only changed entries", Check("incrementalSync", o.IncrementalSync))}
                {Controls.Text("fullSyncEvery", "Every how many scheduled runs is a full one", Value("fullSyncEvery", o.FullSyncEvery.ToString(CultureInfo.InvariantCulture)), errors, type: "number")}
                <div class="actions">{Controls.Button("Save LDAP settings", $"Save LDAP settings of {source.Name}")}</div>
                """), label: $"LDAP settings of {source.Name}")}
            {reset}
            </details>
            """);
    }

    public static async Task<IResult> SaveLdapAsync(ConsolePage page, ScimConsoleSettings settings, string name, PostedForm form, CancellationToken cancellationToken)
    {
        if (settings.GetLdapSources().FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) is not { } source)
        {
            return ConnectionPages.NotFound(page, name);
        }

        var errors = new FieldErrors();
        var o = source.Settings;
        o.Server.Host = form.Text("host");
        o.Server.Port = form.Int("port", 0, errors);
        o.Server.Security = form.Enum("security", o.Server.Security, errors);
        o.Server.BindDn = form.OptionalText("bindDn");
        o.Server.BindPassword = null;
        o.Profile = form.Enum("profile", o.Profile, errors);
        Replace(o.UserBaseDns, form.Lines("userBaseDns"));
        o.UserFilter = form.OptionalText("userFilter");
        Replace(o.GroupBaseDns, form.Lines("groupBaseDns"));
        o.GroupFilter = form.OptionalText("groupFilter");
        o.AttributeMap.Clear();
        foreach (var line in form.Lines("attributeMap"))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add("attributeMap", $"'{line}' is not 'SCIM path = LDAP attribute'.");
                continue;
            }

            o.AttributeMap[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        foreach (var filter in new[] { "userFilter", "groupFilter" })
        {
            if (form.OptionalText(filter) is { } text && !LdapFilterLooksValid(text))
            {
                errors.Add(filter, "An LDAP filter is enclosed in parentheses, with balanced parentheses, for example (objectClass=person).");
            }
        }

        o.ActiveAttribute = form.OptionalText("activeAttribute");
        o.DisabledValue = form.OptionalText("disabledValue") ?? "TRUE";
        o.NestedGroups = form.Checked("nestedGroups");
        o.SyncGroups = form.Checked("syncGroups");
        o.DeleteMissing = form.Checked("deleteMissing");
        o.MinimumSeenRatio = form.Number("minimumSeenRatio", o.MinimumSeenRatio, errors, 0, 1);
        o.Interval = form.OptionalText("intervalMinutes") is null ? null : TimeSpan.FromMinutes(form.Number("intervalMinutes", 60, errors, 1, 60 * 24 * 7));
        o.IncrementalSync = form.Checked("incrementalSync");
        o.FullSyncEvery = form.Int("fullSyncEvery", o.FullSyncEvery, errors, 1);
        var version = long.TryParse(form.Text("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
        if (!errors.Any)
        {
            try
            {
                await settings.SetLdapSourceAsync(source.Name, o, version, cancellationToken).ConfigureAwait(false);
                return Show(page, Controls.Status($"LDAP settings of {source.Name} saved. The next run and the next test use them."), source.Name);
            }
            catch (ScimConsoleValidationException e)
            {
                foreach (var problem in e.Problems)
                {
                    errors.Add(null, problem.Replace($"ScimSync:Ldap:{source.Name}: ", "", StringComparison.Ordinal));
                }
            }
            catch (ScimConsoleConflictException e)
            {
                errors.Add(null, e.Message);
            }
        }

        return Show(page, HtmlText.Empty, source.Name, StatusCodes.Status422UnprocessableEntity, form, errors);
    }

    public static async Task<IResult> ResetLdapAsync(ConsolePage page, ScimConsoleSettings settings, string name, PostedForm form, CancellationToken cancellationToken)
    {
        var version = long.TryParse(form.Text("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
        try
        {
            await settings.ResetLdapSourceAsync(name, version, cancellationToken).ConfigureAwait(false);
            return Show(page, Controls.Status($"LDAP settings of {name} reset to configuration."), name);
        }
        catch (Exception e) when (e is ScimConsoleValidationException or ScimConsoleConflictException)
        {
            return Show(page, Html.Of($"<div class=\"alert error\" role=\"alert\">{e.Message}</div>"), name, StatusCodes.Status409Conflict);
        }
    }

    /// <summary>Parentheses balanced and the whole filter enclosed, the check an operator's typo needs before a run finds nothing.</summary>
    private static bool LdapFilterLooksValid(string filter)
    {
        if (!filter.StartsWith('(') || !filter.EndsWith(')'))
        {
            return false;
        }

        var depth = 0;
        for (var i = 0; i < filter.Length; i++)
        {
            depth += filter[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth < 0 || (depth == 0 && i < filter.Length - 1))
            {
                return false;
            }
        }

        return depth == 0;
    }

    private static void Replace(IList<string> list, IEnumerable<string> values)
    {
        list.Clear();
        foreach (var value in values)
        {
            list.Add(value);
        }
    }

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

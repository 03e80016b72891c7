// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.AspNetCore.Http;
using ScimSync.Admin.Internal;
using ScimSync.Policies;

namespace ScimSync.Admin.Pages;

/// <summary>
/// A connection's mapping policies, one page per part: attribute mapping, group mapping, lifecycle (with the safety
/// brake). Each form edits a copy of the policies in force and keeps every setting it does not show; the change is
/// validated with the whole configuration, saved, and applies to the next request.
/// </summary>
internal static class PolicyPages
{
    private const int BlankRows = 3;

    /// <summary>One of the three pages.</summary>
    internal sealed record Part(
        string Slug,
        string Title,
        string SaveLabel,
        Func<ProvisioningPolicyOptions, PostedForm?, FieldErrors, HtmlText> Fields,
        Action<ProvisioningPolicyOptions, PostedForm, FieldErrors> Read,
        IReadOnlyList<(string Setting, string Field)> Settings);

    public static readonly Part Mapping = new("mapping", "Attribute mapping", "Save attribute mapping", MappingFields, ReadMapping, [
        ("AttributeMapping:UserName", "userName.paths"),
        ("AttributeMapping:UserName:Transforms", "userName.transforms"),
        ("AttributeMapping:Email", "email.paths"),
        ("AttributeMapping:Email:Transforms", "email.transforms"),
        ("AttributeMapping:DisplayName", "displayName.paths"),
        ("AttributeMapping:DisplayName:Transforms", "displayName.transforms"),
        ("AttributeMapping:CustomSchema", "customSchema"),
        ("AttributeMapping:CustomAttributes", "custom"),
        ("AttributeMapping:Precedence", "precedence"),
    ]);

    public static readonly Part Groups = new("groups", "Group mapping", "Save group mapping", GroupFields, ReadGroups, [
        ("GroupMapping:DefaultGroupsForNewUsers", "defaultGroupsForNewUsers"),
        ("GroupMapping:DefaultGroupsForAllUsers", "defaultGroupsForAllUsers"),
        ("GroupMapping:Mode", "mode"),
        ("GroupMapping:Include", "include"),
        ("GroupMapping:Exclude", "exclude"),
        ("GroupMapping:RenamePattern", "renamePattern"),
        ("GroupMapping:RenameReplacement", "renameReplacement"),
        ("GroupMapping:Manual", "manual"),
        ("GroupMapping:Unmapped", "unmapped"),
    ]);

    public static readonly Part Lifecycle = new("lifecycle", "Lifecycle", "Save lifecycle", LifecycleFields, ReadLifecycle, [
        ("Lifecycle:MatchBy", "matchBy"),
        ("Lifecycle:OnDelete", "onDelete"),
        ("Lifecycle:Ownership", "ownership"),
        ("SafetyBrake", "brake"),
    ]);

    public static IResult Show(ConsolePage page, ScimConsoleSettings settings, Part part, string name, PostedForm? posted = null, FieldErrors? errors = null, long? version = null)
    {
        if (settings.FindConnection(name) is not { } connection)
        {
            return ConnectionPages.NotFound(page, name);
        }

        errors ??= new FieldErrors();
        var policies = connection.Policies ?? new ProvisioningPolicyOptions();
        var saved = errors.Any ? null : page.Context.Request.Query.ContainsKey("saved") ? "Saved. The next provisioning request follows the new settings." : null;
        var source = connection.Policies is null
            ? "This connection has no mapping policies yet: users and groups are stored as sent. Saving this form turns them on."
            : connection.CreatedInConsole
                ? "These settings were saved in the console."
                : connection.PoliciesFromConsole
                ? "These settings were saved in the console; they replace those of configuration until reset."
                : "These settings come from configuration. Saving here replaces them (all parts) until reset.";
        var reset = connection.PoliciesFromConsole
            ? page.Form(page.Route.Path("connections", connection.Name, "policies", "reset"), Html.Of($"""
                <input type="hidden" name="version" value="{connection.Version}">
                {Controls.Button(connection.CreatedInConsole ? "Turn policies off" : "Reset to configuration", kind: "secondary")}
                """), "inline", connection.CreatedInConsole ? "Turn the policies off" : "Reset the policies to configuration")
            : HtmlText.Empty;
        var title = $"{part.Title}: {connection.Name}";
        return page.Render(title, "connections", Html.Of($"""
            <p class="crumbs"><a href="{page.Route.Path("connections")}">Connections</a> / <a href="{page.Route.Path("connections", connection.Name)}">{connection.Name}</a></p>
            <h1>{title}</h1>
            <nav aria-label="Policies" class="tabs"><ul>
            {Tab(page, connection.Name, Mapping, part)}{Tab(page, connection.Name, Groups, part)}{Tab(page, connection.Name, Lifecycle, part)}
            </ul></nav>
            {Controls.Status(saved)}
            <p class="hint">{source}</p>
            {page.Form(page.Route.Path("connections", connection.Name, part.Slug), Html.Of($"""
                {Controls.Summary(errors)}
                <input type="hidden" name="version" value="{version ?? connection.Version}">
                {part.Fields(policies, posted, errors)}
                <div class="actions">{Controls.Button(part.SaveLabel)}</div>
                """), "policy", part.Title)}
            {reset}
            """), errors.Any ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }

    public static async Task<IResult> SaveAsync(ConsolePage page, ScimConsoleSettings settings, Part part, string name, PostedForm form, CancellationToken cancellationToken)
    {
        if (settings.FindConnection(name) is not { } connection)
        {
            return ConnectionPages.NotFound(page, name);
        }

        var errors = new FieldErrors();
        var version = long.TryParse(form.Text("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
        var policies = connection.Policies ?? new ProvisioningPolicyOptions();
        part.Read(policies, form, errors);
        if (!errors.Any)
        {
            try
            {
                await settings.SetPoliciesAsync(connection.Name, policies, version, cancellationToken).ConfigureAwait(false);
                return Results.Redirect(page.Route.Path("connections", connection.Name, part.Slug) + "?saved=1");
            }
            catch (ScimConsoleValidationException e)
            {
                if (e.Field is not null)
                {
                    errors.Add(null, e.Message);
                }
                else
                {
                    errors.AddSettingProblems(e.Problems, part.Settings);
                }
            }
            catch (ScimConsoleConflictException e)
            {
                errors.Add(null, e.Message);
            }
        }

        return Show(page, settings, part, name, form, errors, version);
    }

    public static async Task<IResult> ResetAsync(ConsolePage page, ScimConsoleSettings settings, string name, PostedForm form, CancellationToken cancellationToken)
    {
        var version = long.TryParse(form.Text("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
        try
        {
            await settings.ResetPoliciesAsync(name, version, cancellationToken).ConfigureAwait(false);
            return Results.Redirect(page.Route.Path("connections", name) + "?saved=1");
        }
        catch (ScimConsoleConflictException e)
        {
            var errors = new FieldErrors();
            errors.Add(null, e.Message);
            return ConnectionPages.Show(page, settings, name, Controls.Summary(errors), errors, StatusCodes.Status409Conflict);
        }
    }

    private static HtmlText Tab(ConsolePage page, string connection, Part tab, Part current) =>
        Html.Of($"<li><a href=\"{page.Route.Path("connections", connection, tab.Slug)}\"{(tab == current ? new HtmlText(" aria-current=\"page\"") : HtmlText.Empty)}>{tab.Title}</a></li>");

    // ---- Attribute mapping ----
    private static HtmlText MappingFields(ProvisioningPolicyOptions policies, PostedForm? posted, FieldErrors errors)
    {
        var mapping = policies.AttributeMapping;
        var custom = mapping.CustomAttributes.OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase).ToList();
        var rowCount = posted is null ? custom.Count + BlankRows : CountRows(posted, "custom", "name");
        var rows = Enumerable.Range(0, rowCount).Select(i =>
        {
            var (key, source) = i < custom.Count && posted is null ? (custom[i].Key, custom[i].Value) : (null, null);
            return Html.Of($"""
                <fieldset class="row"><legend>Custom attribute {i + 1}</legend>
                {Controls.Text($"custom[{i}].name", "Name", posted?.Text($"custom[{i}].name") ?? key)}
                {Controls.Text($"custom[{i}].paths", "Source paths", posted?.Text($"custom[{i}].paths") ?? Paths(source))}
                {Controls.Text($"custom[{i}].constant", "Constant", posted?.Text($"custom[{i}].constant") ?? source?.Constant)}
                {Controls.TextArea($"custom[{i}].transforms", "Transforms", posted?.Text($"custom[{i}].transforms") ?? Transforms(source), rows: 2)}
                </fieldset>
                """);
        });
        return Html.Of($"""
            <p>Each target attribute is taken from the first SCIM attribute path that has a value (for example <code>emails[type eq "work"].value</code>, <code>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber</code>), or from a constant, then transformed line by line: <code>Lowercase</code>, <code>Uppercase</code>, <code>Trim</code>, <code>LocalPart</code>, or <code>RegexReplace: pattern =&gt; replacement</code>. Empty paths and constant: the attribute is kept as sent.</p>
            {Source("userName", "Username", mapping.UserName, posted, errors)}
            {Source("email", "Email", mapping.Email, posted, errors)}
            {Source("displayName", "Display name", mapping.DisplayName, posted, errors)}
            <h2>Custom attributes</h2>
            <p>Computed per user and returned in the custom schema below. Leave a name empty to drop its row.</p>
            {Controls.Text("customSchema", "Custom attribute schema URN", posted?.Text("customSchema") ?? mapping.CustomSchema, errors)}
            <div id="f-custom" class="rows">{Html.Join(rows)}</div>
            <input type="hidden" name="custom.count" value="{rowCount}">
            {Problems(errors, "custom")}
            {Controls.Text("precedence", "Precedence", posted?.Text("precedence") ?? mapping.Precedence.ToString(CultureInfo.InvariantCulture), errors, "When several connections write the same user, the highest precedence wins an attribute.", type: "number")}
            """);
    }

    private static HtmlText Source(string name, string label, AttributeSource? source, PostedForm? posted, FieldErrors errors) => Html.Of($"""
        <fieldset><legend>{label}</legend>
        {Controls.Text($"{name}.paths", $"{label}: source paths (comma-separated)", posted?.Text($"{name}.paths") ?? Paths(source), errors)}
        {Controls.Text($"{name}.constant", $"{label}: constant", posted?.Text($"{name}.constant") ?? source?.Constant, errors)}
        {Controls.TextArea($"{name}.transforms", $"{label}: transforms (one per line)", posted?.Text($"{name}.transforms") ?? Transforms(source), errors, rows: 2)}
        </fieldset>
        """);

    private static void ReadMapping(ProvisioningPolicyOptions policies, PostedForm form, FieldErrors errors)
    {
        var mapping = policies.AttributeMapping;
        mapping.UserName = ReadSource(form, "userName", errors);
        mapping.Email = ReadSource(form, "email", errors);
        mapping.DisplayName = ReadSource(form, "displayName", errors);
        mapping.CustomSchema = form.OptionalText("customSchema") ?? AttributeMappingOptions.DefaultCustomSchema;
        mapping.Precedence = form.Int("precedence", 0, errors, int.MinValue);
        mapping.CustomAttributes.Clear();
        for (var i = 0; i < CountRows(form, "custom", "name"); i++)
        {
            var attribute = form.Text($"custom[{i}].name");
            if (attribute.Length == 0)
            {
                continue;
            }

            if (mapping.CustomAttributes.ContainsKey(attribute))
            {
                errors.Add($"custom[{i}].name", $"'{attribute}' is listed twice.");
                continue;
            }

            mapping.CustomAttributes[attribute] = ReadSource(form, $"custom[{i}]", errors) ?? new AttributeSource();
        }
    }

    private static AttributeSource? ReadSource(PostedForm form, string name, FieldErrors errors)
    {
        var paths = form.Items($"{name}.paths");
        var constant = form.OptionalText($"{name}.constant");
        var transforms = form.Lines($"{name}.transforms");
        if (paths.Count == 0 && constant is null && transforms.Count == 0)
        {
            return null;
        }

        var source = new AttributeSource { Constant = constant };
        foreach (var path in paths)
        {
            source.Paths.Add(path);
        }

        foreach (var line in transforms)
        {
            if (ParseTransform(line) is { } transform)
            {
                source.Transforms.Add(transform);
            }
            else
            {
                errors.Add($"{name}.transforms", $"'{line}' is not a transform: use Lowercase, Uppercase, Trim, LocalPart or 'RegexReplace: pattern => replacement'.");
            }
        }

        return source;
    }

    private static AttributeTransform? ParseTransform(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var kindText = (colon < 0 ? line : line[..colon]).Trim();
        if (!Enum.TryParse<AttributeTransformKind>(kindText, ignoreCase: true, out var kind) || int.TryParse(kindText, out _))
        {
            return null;
        }

        if (kind != AttributeTransformKind.RegexReplace)
        {
            return colon < 0 ? new AttributeTransform { Kind = kind } : null;
        }

        if (colon < 0)
        {
            return null;
        }

        var rest = line[(colon + 1)..];
        var arrow = rest.IndexOf("=>", StringComparison.Ordinal);
        return arrow < 0
            ? null
            : new AttributeTransform { Kind = kind, Pattern = rest[..arrow].Trim(), Replacement = rest[(arrow + 2)..].Trim() };
    }

    private static string? Paths(AttributeSource? source) => source is null ? null : string.Join(", ", source.Paths);

    private static string? Transforms(AttributeSource? source) =>
        source is null ? null : string.Join('\n', source.Transforms.Select(t =>
            t.Kind == AttributeTransformKind.RegexReplace ? $"RegexReplace: {t.Pattern} => {t.Replacement}" : t.Kind.ToString()));

    // ---- Group mapping ----
    private static HtmlText GroupFields(ProvisioningPolicyOptions policies, PostedForm? posted, FieldErrors errors)
    {
        var groups = policies.GroupMapping;
        var rowCount = posted is null ? groups.Manual.Count + BlankRows : CountRows(posted, "manual", "source");
        var rows = Enumerable.Range(0, rowCount).Select(i =>
        {
            var entry = posted is null && i < groups.Manual.Count ? groups.Manual[i] : null;
            return Html.Of($"""
                <tr>
                <td>{Cell(Controls.EnumSelectValue($"manual[{i}].match", $"Row {i + 1}: match by", posted?.Text($"manual[{i}].match") ?? entry?.Match.ToString() ?? nameof(GroupMatchKind.DisplayName), Enum.GetNames<GroupMatchKind>()))}</td>
                <td>{Cell(Controls.BareText($"manual[{i}].source", $"Row {i + 1}: incoming group", posted?.Text($"manual[{i}].source") ?? entry?.Source))}</td>
                <td>{Cell(Controls.BareText($"manual[{i}].targets", $"Row {i + 1}: target groups", posted?.Text($"manual[{i}].targets") ?? (entry is null ? null : string.Join(", ", entry.Targets))))}</td>
                </tr>
                """);
        });
        return Html.Of($"""
            <h2>Default groups</h2>
            {Controls.TextArea("defaultGroupsForNewUsers", "Default groups for new users (one per line)", posted?.Text("defaultGroupsForNewUsers") ?? Lines(groups.DefaultGroupsForNewUsers), errors, "Every user created from now on joins these target groups (targets such as Atlassian products create missing ones).")}
            {Controls.TextArea("defaultGroupsForAllUsers", "Default groups for all users (one per line)", posted?.Text("defaultGroupsForAllUsers") ?? Lines(groups.DefaultGroupsForAllUsers), errors, "Every user is kept in these; re-joined on each update.")}
            <h2>Incoming groups</h2>
            {Controls.EnumSelect("mode", "Mode", posted is null ? groups.Mode : posted.Enum("mode", groups.Mode, new FieldErrors()), errors, "None: only default groups. OnTheFly: an incoming group lands in the target group of the same (renamed) name. Manual: the table below decides.")}
            {Controls.TextArea("include", "Include (regular expressions, one per line)", posted?.Text("include") ?? Lines(groups.Include), errors, "On the fly, a group's display name must match one of these; empty: every group.")}
            {Controls.TextArea("exclude", "Exclude (regular expressions, one per line)", posted?.Text("exclude") ?? Lines(groups.Exclude), errors)}
            {Controls.Text("renamePattern", "Rename pattern (regular expression)", posted?.Text("renamePattern") ?? groups.RenamePattern, errors, "For example ^AAD-(.*)$ with the replacement $1.")}
            {Controls.Text("renameReplacement", "Rename replacement", posted?.Text("renameReplacement") ?? groups.RenameReplacement, errors)}
            {Controls.Checkbox("keepExistingMemberships", "Keep existing memberships", posted is null ? groups.KeepExistingMemberships : posted.Checked("keepExistingMemberships"), "When a user leaves an incoming group, the target membership stays.")}
            <h2>Manual mapping</h2>
            {Controls.EnumSelect("unmapped", "Groups no row matches", posted is null ? groups.Unmapped : posted.Enum("unmapped", groups.Unmapped, new FieldErrors()), errors)}
            <table id="f-manual" class="grid">
            <caption>Manual mapping table (an empty incoming group drops its row)</caption>
            <thead><tr><th scope="col">Match by</th><th scope="col">Incoming group</th><th scope="col">Target groups (comma-separated)</th></tr></thead>
            <tbody>{Html.Join(rows)}</tbody>
            </table>
            <input type="hidden" name="manual.count" value="{rowCount}">
            {Problems(errors, "manual")}
            """);
    }

    private static void ReadGroups(ProvisioningPolicyOptions policies, PostedForm form, FieldErrors errors)
    {
        var groups = policies.GroupMapping;
        Replace(groups.DefaultGroupsForNewUsers, form.Lines("defaultGroupsForNewUsers"));
        Replace(groups.DefaultGroupsForAllUsers, form.Lines("defaultGroupsForAllUsers"));
        groups.Mode = form.Enum("mode", GroupMappingMode.None, errors);
        Replace(groups.Include, form.Lines("include"));
        Replace(groups.Exclude, form.Lines("exclude"));
        groups.RenamePattern = form.OptionalText("renamePattern");
        groups.RenameReplacement = form.OptionalText("renameReplacement");
        groups.KeepExistingMemberships = form.Checked("keepExistingMemberships");
        groups.Unmapped = form.Enum("unmapped", UnmappedGroupBehavior.Ignore, errors);
        groups.Manual.Clear();
        for (var i = 0; i < CountRows(form, "manual", "source"); i++)
        {
            var source = form.Text($"manual[{i}].source");
            if (source.Length == 0)
            {
                continue;
            }

            var entry = new ManualGroupMapping { Source = source, Match = form.Enum($"manual[{i}].match", GroupMatchKind.DisplayName, errors) };
            foreach (var target in form.Items($"manual[{i}].targets"))
            {
                entry.Targets.Add(target);
            }

            if (entry.Targets.Count == 0)
            {
                errors.Add("manual", $"Row {i + 1} ('{source}') needs at least one target group.");
            }

            groups.Manual.Add(entry);
        }
    }

    // ---- Lifecycle ----
    private static HtmlText LifecycleFields(ProvisioningPolicyOptions policies, PostedForm? posted, FieldErrors errors)
    {
        var lifecycle = policies.Lifecycle;
        var brake = policies.SafetyBrake;
        return Html.Of($"""
            <h2>Users</h2>
            {Controls.Checkbox("allowCreate", "Import new users", posted is null ? lifecycle.AllowCreate : posted.Checked("allowCreate"), "Off: creates are refused (and logged); existing users are still updated.")}
            {Controls.Checkbox("allowUpdate", "Update existing users", posted is null ? lifecycle.AllowUpdate : posted.Checked("allowUpdate"))}
            {Controls.Checkbox("allowDeactivate", "Disable users the identity provider disables", posted is null ? lifecycle.AllowDeactivate : posted.Checked("allowDeactivate"))}
            {Controls.Checkbox("reactivateOnCreate", "Re-enable a disabled user the identity provider creates again", posted is null ? lifecycle.ReactivateOnCreate : posted.Checked("reactivateOnCreate"))}
            {Controls.EnumSelect("onDelete", "When the identity provider deletes a user", posted is null ? lifecycle.OnDelete : posted.Enum("onDelete", lifecycle.OnDelete, new FieldErrors()), errors)}
            {Controls.EnumSelect("ownership", "Ownership", posted is null ? lifecycle.Ownership : posted.Enum("ownership", lifecycle.Ownership, new FieldErrors()), errors, "Exclusive: this connection owns its users. Shared: users may be written by several connections.")}
            {Controls.TextArea("matchBy", "Match existing users by (SCIM attribute paths, one per line)", posted?.Text("matchBy") ?? Lines(lifecycle.MatchBy), errors, "A created user that matches an existing one on any of these is linked instead of duplicated.", rows: 2)}
            <h2>Safety brake</h2>
            <div id="f-brake">
            {Controls.Checkbox("brake.enabled", "Hold mass deactivations for approval", posted is null ? brake.Enabled : posted.Checked("brake.enabled"))}
            {Controls.Text("brake.maxDeactivatedPercent", "Most users deactivated in the window (%)", posted?.Text("brake.maxDeactivatedPercent") ?? brake.MaxDeactivatedPercent.ToString(CultureInfo.InvariantCulture), errors, type: "number")}
            {Controls.Text("brake.minimumDeactivations", "Deactivations always allowed in the window", posted?.Text("brake.minimumDeactivations") ?? brake.MinimumDeactivations.ToString(CultureInfo.InvariantCulture), errors, type: "number")}
            {Controls.Text("brake.windowMinutes", "Window (minutes)", posted?.Text("brake.windowMinutes") ?? brake.Window.TotalMinutes.ToString(CultureInfo.InvariantCulture), errors, type: "number")}
            {Controls.Text("brake.maxMembersRemovedPerRequest", "Most members removed by one request", posted?.Text("brake.maxMembersRemovedPerRequest") ?? brake.MaxMembersRemovedPerRequest.ToString(CultureInfo.InvariantCulture), errors, type: "number")}
            </div>
            {Problems(errors, "brake")}
            """);
    }

    private static void ReadLifecycle(ProvisioningPolicyOptions policies, PostedForm form, FieldErrors errors)
    {
        var lifecycle = policies.Lifecycle;
        lifecycle.AllowCreate = form.Checked("allowCreate");
        lifecycle.AllowUpdate = form.Checked("allowUpdate");
        lifecycle.AllowDeactivate = form.Checked("allowDeactivate");
        lifecycle.ReactivateOnCreate = form.Checked("reactivateOnCreate");
        lifecycle.OnDelete = form.Enum("onDelete", lifecycle.OnDelete, errors);
        lifecycle.Ownership = form.Enum("ownership", lifecycle.Ownership, errors);
        Replace(lifecycle.MatchBy, form.Lines("matchBy"));
        var brake = policies.SafetyBrake;
        brake.Enabled = form.Checked("brake.enabled");
        brake.MaxDeactivatedPercent = form.Number("brake.maxDeactivatedPercent", brake.MaxDeactivatedPercent, errors, 0, 100);
        brake.MinimumDeactivations = form.Int("brake.minimumDeactivations", brake.MinimumDeactivations, errors);
        brake.Window = TimeSpan.FromMinutes(form.Number("brake.windowMinutes", brake.Window.TotalMinutes, errors, 1, 60 * 24 * 30));
        brake.MaxMembersRemovedPerRequest = form.Int("brake.maxMembersRemovedPerRequest", brake.MaxMembersRemovedPerRequest, errors);
    }

    // ---- helpers ----
    private static int CountRows(PostedForm form, string table, string field)
    {
        var count = form.Int($"{table}.count", 0, new FieldErrors());
        return Math.Clamp(count, 0, 500) + (form.Text($"{table}[{count}].{field}").Length > 0 ? 1 : 0);
    }

    private static HtmlText Cell(HtmlText control) => control;

    private static HtmlText Problems(FieldErrors errors, string field) =>
        errors.For(field) is { Count: > 0 } problems
            ? Html.Of($"<p class=\"problem\" id=\"{Controls.Id(field)}-error\">{string.Join(" ", problems)}</p>")
            : HtmlText.Empty;

    private static string Lines(IEnumerable<string> values) => string.Join('\n', values);

    private static void Replace(IList<string> list, IEnumerable<string> values)
    {
        list.Clear();
        foreach (var value in values)
        {
            list.Add(value);
        }
    }
}

// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ScimSync.Atlassian.Emulator;

/// <summary>The REST routes of the emulated Jira (Jira Data Center REST reference, <c>rest/api/2</c>).</summary>
public sealed partial class JiraEmulator
{
    private const string JsonContentType = "application/json;charset=UTF-8";

    /// <inheritdoc/>
    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("rest/api/2/user", new RequestDelegate(GetUserAsync));
        routes.MapPost("rest/api/2/user", new RequestDelegate(CreateUserAsync));
        routes.MapPut("rest/api/2/user", new RequestDelegate(UpdateUserAsync));
        routes.MapDelete("rest/api/2/user", new RequestDelegate(DeleteUserAsync));

        routes.MapGet("rest/api/2/user/properties", new RequestDelegate(ListPropertiesAsync));
        routes.MapGet("rest/api/2/user/properties/{propertyKey}", new RequestDelegate(GetPropertyAsync));
        routes.MapPut("rest/api/2/user/properties/{propertyKey}", new RequestDelegate(SetPropertyAsync));
        routes.MapDelete("rest/api/2/user/properties/{propertyKey}", new RequestDelegate(DeletePropertyAsync));

        routes.MapPost("rest/api/2/group", new RequestDelegate(CreateGroupAsync));
        routes.MapDelete("rest/api/2/group", new RequestDelegate(DeleteGroupAsync));
        routes.MapGet("rest/api/2/group/member", new RequestDelegate(GroupMembersAsync));
        routes.MapPost("rest/api/2/group/user", new RequestDelegate(AddGroupUserAsync));
        routes.MapDelete("rest/api/2/group/user", new RequestDelegate(RemoveGroupUserAsync));

        routes.MapGet("rest/api/2/project", new RequestDelegate(ListProjectsAsync));
        routes.MapGet("rest/api/2/project/{projectIdOrKey}", new RequestDelegate(GetProjectAsync));
        routes.MapPut("rest/api/2/project/{projectIdOrKey}", new RequestDelegate(UpdateProjectAsync));
        routes.MapGet("rest/api/2/project/{projectIdOrKey}/components", new RequestDelegate(ListComponentsAsync));
        routes.MapGet("rest/api/2/component/{id}", new RequestDelegate(GetComponentAsync));
        routes.MapPut("rest/api/2/component/{id}", new RequestDelegate(UpdateComponentAsync));
    }

    private static Task WriteErrorsAsync(HttpContext context, int status, IReadOnlyList<string> messages, IReadOnlyDictionary<string, string>? errors)
    {
        var errorObject = new JsonObject();
        foreach (var (field, message) in errors ?? new Dictionary<string, string>())
        {
            errorObject[field] = message;
        }

        var body = new JsonObject
        {
            ["errorMessages"] = new JsonArray([.. messages.Select(m => (JsonNode)JsonValue.Create(m))]),
            ["errors"] = errorObject,
        };
        return WriteJsonAsync(context, status, body);
    }

    private static Task WriteFieldErrorAsync(HttpContext context, string field, string message) =>
        WriteErrorsAsync(context, StatusCodes.Status400BadRequest, [], new Dictionary<string, string> { [field] = message });

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode? body)
    {
        context.Response.StatusCode = status;
        if (body is null)
        {
            return Task.CompletedTask;
        }

        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static async Task<(bool Ok, JsonNode? Body)> ReadBodyAsync(HttpContext context)
    {
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return (true, body);
        }
        catch (JsonException)
        {
            await WriteErrorsAsync(context, StatusCodes.Status400BadRequest, ["The request body is not valid JSON."], null).ConfigureAwait(false);
            return (false, null);
        }
    }

    private static string? Text(JsonNode? body, string property) =>
        body is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static int QueryInt(HttpContext context, string name, int fallback) =>
        int.TryParse(Query(context, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private string Base => BaseAddress?.ToString() ?? "/jira/";

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-getUser
    private Task GetUserAsync(HttpContext context)
    {
        var username = Query(context, "username");
        var key = Query(context, "key");
        var expandGroups = Query(context, "expand")?.Contains("groups", StringComparison.Ordinal) == true;
        JsonObject body;
        lock (_gate)
        {
            JiraUserState? user = null;
            if (username is not null)
            {
                _users.TryGetValue(username, out user);
            }
            else if (key is not null)
            {
                user = UserByKey(key);
            }
            else
            {
                return WriteErrorsAsync(context, StatusCodes.Status400BadRequest, ["Either the 'username' or the 'key' query parameter must be given."], null);
            }

            if (user is null)
            {
                var message = username is not null ? $"The user named '{username}' does not exist" : $"The user with the key '{key}' does not exist";
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [message], null);
            }

            body = UserJson(user, expandGroups);
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-createUser
    private async Task CreateUserAsync(HttpContext context)
    {
        var (ok, body) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var name = Text(body, "name");
        var email = Text(body, "emailAddress");
        var displayName = Text(body, "displayName");
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["username"] = "You must specify a username.";
        }
        else if (name.IndexOfAny(['<', '>', '&']) >= 0 || name.Length > 255)
        {
            errors["username"] = "The username must not contain '<', '>' or '&' and must be at most 255 characters long.";
        }

        if (string.IsNullOrWhiteSpace(email))
        {
            errors["email"] = "You must specify an email address.";
        }

        if (string.IsNullOrWhiteSpace(displayName))
        {
            errors["displayName"] = "You must specify a full name.";
        }

        JsonObject? created = null;
        lock (_gate)
        {
            if (errors.Count == 0 && _users.ContainsKey(name!))
            {
                errors["username"] = "A user with that username already exists.";
            }

            if (errors.Count == 0)
            {
                var user = CreateUser(name!, displayName!, email!, active: true);
                if (_groups.TryGetValue(DefaultUsersGroup, out var defaults))
                {
                    defaults.MemberKeys.Add(user.Key);
                }

                created = UserJson(user, expandGroups: false);
            }
        }

        if (created is null)
        {
            await WriteErrorsAsync(context, StatusCodes.Status400BadRequest, [], errors).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = Base + "rest/api/2/user?username=" + Escape(name!);
        await WriteJsonAsync(context, StatusCodes.Status201Created, created).ConfigureAwait(false);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-updateUser
    private async Task UpdateUserAsync(HttpContext context)
    {
        var username = Query(context, "username") ?? string.Empty;
        var (ok, body) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var newName = Text(body, "name");
        var displayName = Text(body, "displayName");
        var email = Text(body, "emailAddress");
        bool? active = body is JsonObject o && o["active"] is JsonValue a && a.TryGetValue<bool>(out var flag) ? flag : null;

        int status;
        JsonObject response;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                status = StatusCodes.Status404NotFound;
                response = ErrorBody([$"The user named '{username}' does not exist"], null);
            }
            else if (newName is not null && _users.TryGetValue(newName, out var other) && other != user)
            {
                status = StatusCodes.Status400BadRequest;
                response = ErrorBody([], new() { ["username"] = "A user with that username already exists." });
            }
            else if (active == false && user.Active && LeadRefusalLocked(user) is { } refusal)
            {
                status = StatusCodes.Status400BadRequest;
                response = ErrorBody([], new() { ["active"] = refusal });
            }
            else if (active == false && string.Equals(user.Name, AdminUsername, StringComparison.OrdinalIgnoreCase))
            {
                // Every request acts as the administrator, and Jira will not deactivate the user making the request.
                status = StatusCodes.Status400BadRequest;
                response = ErrorBody(["You cannot deactivate the user you are logged in as."], null);
            }
            else
            {
                if (newName is not null && !string.Equals(newName, user.Name, StringComparison.Ordinal))
                {
                    _users.Remove(user.Name);
                    user.Name = newName;
                    _users.Add(newName, user);
                }

                user.DisplayName = displayName ?? user.DisplayName;
                user.Email = email ?? user.Email;
                user.Active = active ?? user.Active;
                status = StatusCodes.Status200OK;
                response = UserJson(user, expandGroups: false);
            }
        }

        await WriteJsonAsync(context, status, response).ConfigureAwait(false);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-removeUser
    private Task DeleteUserAsync(HttpContext context)
    {
        var username = Query(context, "username") ?? string.Empty;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The user named '{username}' does not exist"], null);
            }

            if (string.Equals(user.Name, AdminUsername, StringComparison.OrdinalIgnoreCase))
            {
                return WriteErrorsAsync(context, StatusCodes.Status400BadRequest, ["You cannot delete the user you are logged in as."], null);
            }

            var projects = _projects.Values.Count(p => string.Equals(p.LeadKey, user.Key, StringComparison.Ordinal));
            if (projects > 0)
            {
                var message = string.Create(CultureInfo.InvariantCulture, $"Cannot delete user '{user.Name}' because they are currently the project lead on {projects} projects.");
                return WriteErrorsAsync(context, StatusCodes.Status400BadRequest, [message], null);
            }

            // Jira removes a deleted user from the components they lead rather than refusing.
            foreach (var component in _components.Values.Where(c => string.Equals(c.LeadKey, user.Key, StringComparison.Ordinal)))
            {
                component.LeadKey = null;
            }

            foreach (var group in _groups.Values)
            {
                group.MemberKeys.Remove(user.Key);
            }

            _users.Remove(user.Name);
        }

        return WriteJsonAsync(context, StatusCodes.Status204NoContent, null);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user/{userKeyOrId}/property-getPropertiesKeys
    private Task ListPropertiesAsync(HttpContext context)
    {
        var username = Query(context, "username") ?? string.Empty;
        JsonObject body;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The user named '{username}' does not exist"], null);
            }

            body = new JsonObject
            {
                ["keys"] = new JsonArray([.. user.Properties.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)new JsonObject
                {
                    ["self"] = PropertySelf(user, k),
                    ["key"] = k,
                })]),
            };
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    private Task GetPropertyAsync(HttpContext context)
    {
        var username = Query(context, "username") ?? string.Empty;
        var key = (string)context.Request.RouteValues["propertyKey"]!;
        JsonObject body;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The user named '{username}' does not exist"], null);
            }

            if (!user.Properties.TryGetValue(key, out var value))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The property with key '{key}' does not exist."], null);
            }

            body = new JsonObject { ["key"] = key, ["value"] = value?.DeepClone() };
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task SetPropertyAsync(HttpContext context)
    {
        var username = Query(context, "username") ?? string.Empty;
        var key = (string)context.Request.RouteValues["propertyKey"]!;
        if (System.Text.Encoding.UTF8.GetByteCount(key) > 255)
        {
            await WriteErrorsAsync(context, StatusCodes.Status400BadRequest, ["The property key must not be longer than 255 bytes."], null).ConfigureAwait(false);
            return;
        }

        var (ok, value) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        int status;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                status = StatusCodes.Status404NotFound;
            }
            else
            {
                status = user.Properties.ContainsKey(key) ? StatusCodes.Status200OK : StatusCodes.Status201Created;
                user.Properties[key] = value;
            }
        }

        if (status == StatusCodes.Status404NotFound)
        {
            await WriteErrorsAsync(context, status, [$"The user named '{username}' does not exist"], null).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, status, null).ConfigureAwait(false);
    }

    private Task DeletePropertyAsync(HttpContext context)
    {
        var username = Query(context, "username") ?? string.Empty;
        var key = (string)context.Request.RouteValues["propertyKey"]!;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The user named '{username}' does not exist"], null);
            }

            if (!user.Properties.Remove(key))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The property with key '{key}' does not exist."], null);
            }
        }

        return WriteJsonAsync(context, StatusCodes.Status204NoContent, null);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-createGroup
    private async Task CreateGroupAsync(HttpContext context)
    {
        var (ok, body) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var name = Text(body, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            await WriteErrorsAsync(context, StatusCodes.Status400BadRequest, ["You must specify a valid group name."], null).ConfigureAwait(false);
            return;
        }

        bool added;
        JsonObject group;
        lock (_gate)
        {
            added = _groups.TryAdd(name, new JiraGroupState(name));
            group = GroupJson(_groups[name]);
        }

        if (!added)
        {
            await WriteErrorsAsync(context, StatusCodes.Status400BadRequest, ["A group or user with this name already exists."], null).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = Base + "rest/api/2/group?groupname=" + Escape(name);
        await WriteJsonAsync(context, StatusCodes.Status201Created, group).ConfigureAwait(false);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-removeGroup
    private Task DeleteGroupAsync(HttpContext context)
    {
        var name = Query(context, "groupname") ?? string.Empty;
        lock (_gate)
        {
            if (!_groups.Remove(name))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"Specified group does not exist."], null);
            }
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, null);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-getUsersFromGroup
    private Task GroupMembersAsync(HttpContext context)
    {
        var name = Query(context, "groupname") ?? string.Empty;
        var includeInactive = string.Equals(Query(context, "includeInactiveUsers"), "true", StringComparison.OrdinalIgnoreCase);
        var startAt = Math.Max(0, QueryInt(context, "startAt", 0));
        var maxResults = Math.Clamp(QueryInt(context, "maxResults", MaxResultsLimit), 1, MaxResultsLimit);
        JsonObject page;
        lock (_gate)
        {
            if (!_groups.TryGetValue(name, out var group))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"Specified group does not exist."], null);
            }

            var members = MembersOfLocked(group, includeInactive);
            var values = members.Skip(startAt).Take(maxResults).Select(u => (JsonNode)UserJson(u, expandGroups: false)).ToArray();
            var isLast = startAt + values.Length >= members.Count;
            var self = string.Create(
                CultureInfo.InvariantCulture,
                $"{Base}rest/api/2/group/member?includeInactiveUsers={(includeInactive ? "true" : "false")}&maxResults={maxResults}&groupname={Escape(group.Name)}&startAt=");
            page = new JsonObject
            {
                ["self"] = self + Id(startAt),
                ["maxResults"] = maxResults,
                ["startAt"] = startAt,
                ["total"] = members.Count,
                ["isLast"] = isLast,
                ["values"] = new JsonArray(values),
            };
            if (!isLast)
            {
                page["nextPage"] = self + Id(startAt + values.Length);
            }
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, page);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-addUserToGroup
    private async Task AddGroupUserAsync(HttpContext context)
    {
        var name = Query(context, "groupname") ?? string.Empty;
        var (ok, body) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var username = Text(body, "name") ?? string.Empty;
        int status;
        JsonObject response;
        lock (_gate)
        {
            if (!_groups.TryGetValue(name, out var group))
            {
                status = StatusCodes.Status404NotFound;
                response = ErrorBody(["Specified group does not exist."], null);
            }
            else if (!_users.TryGetValue(username, out var user))
            {
                status = StatusCodes.Status404NotFound;
                response = ErrorBody(["Specified user does not exist."], null);
            }
            else if (!group.MemberKeys.Add(user.Key))
            {
                status = StatusCodes.Status400BadRequest;
                response = ErrorBody([$"Cannot add user. '{user.Name}' is already a member of '{group.Name}'"], null);
            }
            else
            {
                status = StatusCodes.Status201Created;
                response = GroupJson(group);
            }
        }

        await WriteJsonAsync(context, status, response).ConfigureAwait(false);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-removeUserFromGroup
    private Task RemoveGroupUserAsync(HttpContext context)
    {
        var name = Query(context, "groupname") ?? string.Empty;
        var username = Query(context, "username") ?? string.Empty;
        lock (_gate)
        {
            if (!_groups.TryGetValue(name, out var group))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, ["Specified group does not exist."], null);
            }

            if (!_users.TryGetValue(username, out var user))
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, ["Specified user does not exist."], null);
            }

            if (!group.MemberKeys.Remove(user.Key))
            {
                return WriteErrorsAsync(context, StatusCodes.Status400BadRequest, [$"Cannot remove user. '{user.Name}' is not a member of '{group.Name}'"], null);
            }
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, null);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getAllProjects
    private Task ListProjectsAsync(HttpContext context)
    {
        var expandLead = Query(context, "expand")?.Contains("lead", StringComparison.Ordinal) == true;
        JsonArray body;
        lock (_gate)
        {
            body = new JsonArray([.. _projects.Values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (JsonNode)ProjectJson(p, expandLead))]);
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getProject
    private Task GetProjectAsync(HttpContext context)
    {
        var idOrKey = (string)context.Request.RouteValues["projectIdOrKey"]!;
        JsonObject body;
        lock (_gate)
        {
            if (ProjectLocked(idOrKey) is not { } project)
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"No project could be found with key '{idOrKey}'."], null);
            }

            body = ProjectJson(project, expandLead: true);
            body["components"] = new JsonArray([.. ComponentsLocked(project).Select(c => (JsonNode)ComponentJson(c))]);
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-updateProject
    private async Task UpdateProjectAsync(HttpContext context)
    {
        var idOrKey = (string)context.Request.RouteValues["projectIdOrKey"]!;
        var (ok, body) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var lead = Text(body, "lead");
        int status;
        JsonObject response;
        lock (_gate)
        {
            var project = ProjectLocked(idOrKey);
            if (project is null)
            {
                status = StatusCodes.Status404NotFound;
                response = ErrorBody([$"No project could be found with key '{idOrKey}'."], null);
            }
            else if (lead is not null && !_users.ContainsKey(lead))
            {
                status = StatusCodes.Status400BadRequest;
                response = ErrorBody([], new() { ["projectLead"] = "The user you have specified as project lead does not exist." });
            }
            else
            {
                if (lead is not null)
                {
                    project.LeadKey = _users[lead].Key;
                }

                status = StatusCodes.Status201Created;
                response = ProjectJson(project, expandLead: true);
            }
        }

        await WriteJsonAsync(context, status, response).ConfigureAwait(false);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getProjectComponents
    private Task ListComponentsAsync(HttpContext context)
    {
        var idOrKey = (string)context.Request.RouteValues["projectIdOrKey"]!;
        JsonArray body;
        lock (_gate)
        {
            if (ProjectLocked(idOrKey) is not { } project)
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"No project could be found with key '{idOrKey}'."], null);
            }

            body = new JsonArray([.. ComponentsLocked(project).Select(c => (JsonNode)ComponentJson(c))]);
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/component-getComponent
    private Task GetComponentAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        JsonObject body;
        lock (_gate)
        {
            if (ComponentLocked(id) is not { } component)
            {
                return WriteErrorsAsync(context, StatusCodes.Status404NotFound, [$"The component with id {id} does not exist."], null);
            }

            body = ComponentJson(component);
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/component-updateComponent
    private async Task UpdateComponentAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        var (ok, body) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var hasLead = body is JsonObject o && o.ContainsKey("leadUserName");
        var lead = Text(body, "leadUserName");
        int status;
        JsonObject response;
        lock (_gate)
        {
            var component = ComponentLocked(id);
            if (component is null)
            {
                status = StatusCodes.Status404NotFound;
                response = ErrorBody([$"The component with id {id} does not exist."], null);
            }
            else if (!string.IsNullOrEmpty(lead) && !_users.ContainsKey(lead))
            {
                status = StatusCodes.Status400BadRequest;
                response = ErrorBody([], new() { ["leadUserName"] = $"The user {lead} does not exist." });
            }
            else
            {
                if (hasLead)
                {
                    component.LeadKey = string.IsNullOrEmpty(lead) ? null : _users[lead].Key;
                }

                status = StatusCodes.Status200OK;
                response = ComponentJson(component);
            }
        }

        await WriteJsonAsync(context, status, response).ConfigureAwait(false);
    }

    private static JsonObject ErrorBody(IReadOnlyList<string> messages, Dictionary<string, string>? errors)
    {
        var errorObject = new JsonObject();
        foreach (var (field, message) in errors ?? [])
        {
            errorObject[field] = message;
        }

        return new JsonObject
        {
            ["errorMessages"] = new JsonArray([.. messages.Select(m => (JsonNode)JsonValue.Create(m))]),
            ["errors"] = errorObject,
        };
    }

    /// <summary>Why Jira refuses to deactivate the user, or <see langword="null"/> when it does not.</summary>
    private string? LeadRefusalLocked(JiraUserState user)
    {
        var projects = _projects.Values
            .Where(p => string.Equals(p.LeadKey, user.Key, StringComparison.Ordinal))
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var componentProjects = _components.Values
            .Where(c => string.Equals(c.LeadKey, user.Key, StringComparison.Ordinal))
            .Select(c => c.ProjectKey)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();

        // Jira records both under the "active" field; the project lead's message, added last, is the one kept.
        if (projects.Count > 0)
        {
            return $"Cannot deactivate user because they are currently the project lead of: {string.Join(", ", projects)}.";
        }

        if (componentProjects.Count > 0)
        {
            return $"Cannot deactivate user because they are currently the component lead in: {string.Join(", ", componentProjects)}.";
        }

        return null;
    }

    private JiraProjectState? ProjectLocked(string idOrKey) =>
        _projects.TryGetValue(idOrKey, out var project)
            ? project
            : _projects.Values.FirstOrDefault(p => string.Equals(Id(p.Id), idOrKey, StringComparison.Ordinal));

    private JiraComponentState? ComponentLocked(string id) =>
        long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && _components.TryGetValue(value, out var component)
            ? component
            : null;

    private IEnumerable<JiraComponentState> ComponentsLocked(JiraProjectState project) =>
        _components.Values.Where(c => string.Equals(c.ProjectKey, project.Key, StringComparison.OrdinalIgnoreCase));

    private JsonObject UserJson(JiraUserState user, bool expandGroups)
    {
        var self = Base + "rest/api/2/user?username=" + Escape(user.Name);
        var json = new JsonObject
        {
            ["self"] = self,
            ["key"] = user.Key,
            ["name"] = user.Name,
            ["emailAddress"] = user.Email,
            ["avatarUrls"] = new JsonObject
            {
                ["48x48"] = Base + "secure/useravatar?avatarId=10122",
                ["24x24"] = Base + "secure/useravatar?size=small&avatarId=10122",
                ["16x16"] = Base + "secure/useravatar?size=xsmall&avatarId=10122",
                ["32x32"] = Base + "secure/useravatar?size=medium&avatarId=10122",
            },
            ["displayName"] = user.DisplayName,
            ["active"] = user.Active,
            ["deleted"] = false,
            ["timeZone"] = "UTC",
            ["locale"] = "en_US",
        };

        var groups = GroupsOfLocked(user);
        json["groups"] = new JsonObject
        {
            ["size"] = groups.Count,
            ["items"] = expandGroups
                ? new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject { ["name"] = g, ["self"] = Base + "rest/api/2/group?groupname=" + Escape(g) })])
                : new JsonArray(),
        };
        json["applicationRoles"] = new JsonObject { ["size"] = 1, ["items"] = new JsonArray() };
        json["expand"] = expandGroups ? "applicationRoles" : "groups,applicationRoles";
        return json;
    }

    private JsonObject GroupJson(JiraGroupState group) => new()
    {
        ["name"] = group.Name,
        ["self"] = Base + "rest/api/2/group?groupname=" + Escape(group.Name),
        ["users"] = new JsonObject
        {
            ["size"] = group.MemberKeys.Count,
            ["items"] = new JsonArray(),
            ["max-results"] = 50,
            ["start-index"] = 0,
            ["end-index"] = 0,
        },
        ["expand"] = "users",
    };

    private JsonObject? LeadJson(string? key)
    {
        if (key is null || UserByKey(key) is not { } user)
        {
            return null;
        }

        return new JsonObject
        {
            ["self"] = Base + "rest/api/2/user?username=" + Escape(user.Name),
            ["key"] = user.Key,
            ["name"] = user.Name,
            ["displayName"] = user.DisplayName,
            ["active"] = user.Active,
        };
    }

    private JsonObject ProjectJson(JiraProjectState project, bool expandLead)
    {
        var json = new JsonObject
        {
            ["expand"] = "description,lead,url,projectKeys",
            ["self"] = Base + "rest/api/2/project/" + Id(project.Id),
            ["id"] = Id(project.Id),
            ["key"] = project.Key,
            ["name"] = project.Name,
            ["projectTypeKey"] = "software",
            ["archived"] = false,
        };
        if (expandLead)
        {
            json["lead"] = LeadJson(project.LeadKey);
        }

        return json;
    }

    private JsonObject ComponentJson(JiraComponentState component)
    {
        var lead = component.LeadKey is { } key ? UserByKey(key) : null;
        var project = _projects.TryGetValue(component.ProjectKey, out var p) ? p : null;
        var json = new JsonObject
        {
            ["self"] = Base + "rest/api/2/component/" + Id(component.Id),
            ["id"] = Id(component.Id),
            ["name"] = component.Name,
            ["assigneeType"] = "PROJECT_DEFAULT",
            ["realAssigneeType"] = "PROJECT_DEFAULT",
            ["isAssigneeTypeValid"] = true,
            ["project"] = component.ProjectKey,
            ["projectId"] = project?.Id ?? 0,
            ["archived"] = false,
        };
        if (lead is not null)
        {
            json["lead"] = LeadJson(lead.Key);
            json["leadUserName"] = lead.Name;
        }

        return json;
    }

    private string PropertySelf(JiraUserState user, string key) =>
        Base + "rest/api/2/user/properties/" + Escape(key) + "?username=" + Escape(user.Name);
}

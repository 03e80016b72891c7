// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// The emulated Confluence Data Center: the user and group administration routes of its REST API (Confluence 8.4 and
/// later; profile update as in Confluence 10), with users, groups and memberships in memory.
/// </summary>
/// <remarks>
/// <para>
/// Routes: <c>GET rest/api/user</c>, <c>POST rest/api/admin/user</c>, <c>PUT rest/api/admin/user/{username}</c>,
/// <c>PUT rest/api/admin/user/{username}/disable|enable</c>, <c>DELETE rest/api/admin/user/{username}</c> (a long
/// task, finished at once, read with <c>GET rest/api/longtask/{id}</c>), <c>POST rest/api/admin/group</c>,
/// <c>DELETE rest/api/admin/group/{groupName}</c>, <c>PUT|DELETE rest/api/user/{username}/group/{groupName}</c>,
/// <c>GET rest/api/group/{groupName}/member</c> and <c>GET rest/api/user/memberof</c>. Errors carry Confluence's body
/// <c>{"statusCode", "data", "message", "reason"}</c>.
/// </para>
/// <para>
/// It starts with the administrator (<see cref="EmulatedProduct.AdminUsername"/>) in the default groups
/// <c>confluence-users</c> and <c>confluence-administrators</c>. Thread-safe.
/// </para>
/// </remarks>
public sealed class ConfluenceEmulator : EmulatedProduct
{
    /// <summary>The group every new user of a default Confluence is given (not by the REST API).</summary>
    public const string UsersGroup = "confluence-users";

    /// <summary>The default administrators' group, which cannot be deleted.</summary>
    public const string AdministratorsGroup = "confluence-administrators";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConfluenceUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SortedSet<string>> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _groupNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DeletionTask> _tasks = new(StringComparer.Ordinal);
    private long _nextKey;
    private long _nextTask;

    /// <summary>Initializes a new instance of the <see cref="ConfluenceEmulator"/> class.</summary>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public ConfluenceEmulator(TimeProvider? time = null)
        : base("/confluence", time)
    {
        AddGroup(UsersGroup);
        AddGroup(AdministratorsGroup);
        AddUser(AdminUsername, "Administrator", "admin@example.com");
        AddMembership(UsersGroup, AdminUsername);
        AddMembership(AdministratorsGroup, AdminUsername);
    }

    /// <summary>Gets or sets the most results one page holds, whatever <c>limit</c> a request asks for.</summary>
    /// <value>Defaults to 200, the default limit of Confluence's group member list.</value>
    public int MaxPageSize
    {
        get => Volatile.Read(ref field);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref field, value);
        }
    } = 200;

    /// <summary>
    /// Gets or sets how many times the status of a user deletion task answers "in progress" before it finishes.
    /// </summary>
    /// <value>Defaults to 0: the task has finished when its status is first read.</value>
    public int UserDeletionPolls
    {
        get => Volatile.Read(ref field);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref field, value);
        }
    }

    /// <summary>
    /// Gets or sets the message a user deletion task fails with, or <see langword="null"/> (the default) for tasks that
    /// succeed. A failed task leaves the user in place.
    /// </summary>
    public string? UserDeletionFailure { get; set; }

    /// <summary>Gets a snapshot of every user, ordered by name.</summary>
    public IReadOnlyList<ConfluenceUser> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Gets a snapshot of the group names, ordered.</summary>
    public IReadOnlyList<string> GroupNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _groupNames.Values.OrderBy(g => g, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Adds a user, as an administrator would in Confluence's user management.</summary>
    /// <param name="name">The username (stored lower-case, as Confluence requires).</param>
    /// <param name="displayName">The full name.</param>
    /// <param name="email">The email address.</param>
    /// <param name="active">Whether the user is enabled.</param>
    /// <returns>The user.</returns>
    /// <exception cref="InvalidOperationException">The username is taken.</exception>
    public ConfluenceUser AddUser(string name, string displayName, string email, bool active = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(email);
        lock (_gate)
        {
            if (_users.ContainsKey(name))
            {
                throw new InvalidOperationException($"The user '{name}' exists.");
            }

            var user = new ConfluenceUser(NewKey(), name.ToLowerInvariant(), displayName, email, active);
            _users[user.Name] = user;
            return user;
        }
    }

    /// <summary>Finds a user by username, case-insensitively.</summary>
    /// <param name="name">The username.</param>
    /// <returns>The user, or <see langword="null"/>.</returns>
    public ConfluenceUser? FindUser(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _users.GetValueOrDefault(name);
        }
    }

    /// <summary>Enables or disables a user by hand, as an administrator would in Confluence.</summary>
    /// <param name="name">The username.</param>
    /// <param name="active">Whether the user is enabled.</param>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    public void SetActive(string name, bool active)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            var user = _users.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"No user '{name}'.");
            _users[user.Name] = user with { Active = active };
        }
    }

    /// <summary>Adds a group by hand; an existing group is left as it is.</summary>
    /// <param name="group">The group name.</param>
    public void AddGroup(string group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        lock (_gate)
        {
            if (!_groups.ContainsKey(group))
            {
                _groups[group] = new SortedSet<string>(StringComparer.Ordinal);
                _groupNames[group] = group;
            }
        }
    }

    /// <summary>Adds a membership by hand, as an administrator would in Confluence.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="name">The username.</param>
    /// <exception cref="KeyNotFoundException">No such group or user.</exception>
    public void AddMembership(string group, string name)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            var members = _groups.GetValueOrDefault(group) ?? throw new KeyNotFoundException($"No group '{group}'.");
            var user = _users.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"No user '{name}'.");
            members.Add(user.Name);
        }
    }

    /// <summary>Gets the usernames of a group's members, ordered.</summary>
    /// <param name="group">The group name.</param>
    /// <returns>The usernames; empty when the group does not exist.</returns>
    public IReadOnlyList<string> MembersOf(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_gate)
        {
            return _groups.TryGetValue(group, out var members) ? [.. members] : [];
        }
    }

    /// <summary>Gets the names of the groups a user is a member of, ordered.</summary>
    /// <param name="name">The username.</param>
    /// <returns>The group names.</returns>
    public IReadOnlyList<string> GroupsOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return [.. _groups.Where(g => g.Value.Contains(name.ToLowerInvariant())).Select(g => _groupNames[g.Key]).OrderBy(g => g, StringComparer.Ordinal)];
        }
    }

    /// <inheritdoc/>
    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("rest/api/user", GetUserAsync);
        routes.MapGet("rest/api/user/memberof", GetGroupsOfUserAsync);
        routes.MapPost("rest/api/admin/user", CreateUserAsync);
        routes.MapPut("rest/api/admin/user/{username}", UpdateUserAsync);
        routes.MapPut("rest/api/admin/user/{username}/disable", context => SetActiveAsync(context, false));
        routes.MapPut("rest/api/admin/user/{username}/enable", context => SetActiveAsync(context, true));
        routes.MapDelete("rest/api/admin/user/{username}", DeleteUserAsync);
        routes.MapGet("rest/api/longtask/{id}", GetTaskAsync);
        routes.MapPost("rest/api/admin/group", CreateGroupAsync);
        routes.MapDelete("rest/api/admin/group/{groupName}", DeleteGroupAsync);
        routes.MapPut("rest/api/user/{username}/group/{groupName}", AddMembershipAsync);
        routes.MapDelete("rest/api/user/{username}/group/{groupName}", RemoveMembershipAsync);
        routes.MapGet("rest/api/group/{groupName}/member", GetMembersAsync);
    }

    /// <inheritdoc/>
    protected internal override Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Confluence's error body (com.atlassian.confluence.rest.api ServiceExceptionMapper).
        var body = new JsonObject
        {
            ["statusCode"] = status,
            ["data"] = new JsonObject
            {
                ["authorized"] = status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden),
                ["valid"] = status is not StatusCodes.Status400BadRequest,
                ["errors"] = new JsonArray(),
                ["successful"] = false,
            },
            ["message"] = message,
            ["reason"] = ReasonPhrases.GetReasonPhrase(status),
        };
        return ConfluenceBitbucketJson.WriteAsync(context, status, body);
    }

    private static string Route(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    private static JsonObject UserJson(ConfluenceUser user, string? expand)
    {
        var expansions = (expand ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = new JsonObject
        {
            ["type"] = "known",
            ["username"] = user.Name,
            ["userKey"] = user.Key,
            ["profilePicture"] = new JsonObject
            {
                ["path"] = "/confluence/images/icons/profilepics/default.svg",
                ["width"] = 48,
                ["height"] = 48,
                ["isDefault"] = true,
            },
            ["displayName"] = user.DisplayName,
        };
        if (expansions.Contains("status", StringComparer.Ordinal))
        {
            json["status"] = user.Active ? "current" : "deactivated";
        }

        if (expansions.Contains("details.personal", StringComparer.Ordinal) || expansions.Contains("details", StringComparer.Ordinal))
        {
            json["details"] = new JsonObject { ["personal"] = new JsonObject { ["email"] = user.Email } };
        }

        json["_links"] = new JsonObject { ["self"] = "/confluence/rest/api/user?key=" + user.Key };
        return json;
    }

    private static JsonObject GroupJson(string name) => new()
    {
        ["type"] = "group",
        ["name"] = name,
        ["_links"] = new JsonObject { ["self"] = "/confluence/rest/api/group/" + Uri.EscapeDataString(name) },
    };

    private static bool IsValidUsername(string name) =>
        name.Length > 0
        && !name.Equals("anonymous", StringComparison.OrdinalIgnoreCase)
        && !name.Any(c => char.IsWhiteSpace(c) || char.IsUpper(c) || "\\,+<>'\"".Contains(c, StringComparison.Ordinal));

    private static bool IsValidFullName(string? fullName) =>
        !string.IsNullOrWhiteSpace(fullName)
        && !fullName.Contains('<', StringComparison.Ordinal)
        && !fullName.Contains('>', StringComparison.Ordinal)
        && !fullName.Equals("anonymous", StringComparison.OrdinalIgnoreCase);

    private static bool IsValidEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return false;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < email.Length - 1 && !email.Any(char.IsWhiteSpace);
    }

    private string NewKey() => string.Create(CultureInfo.InvariantCulture, $"8aa0a0c1{++_nextKey:x24}");

    private Task PageAsync(HttpContext context, List<JsonObject> all, string path)
    {
        var start = ConfluenceBitbucketJson.Query(context, "start", 0);
        var limit = Math.Min(Math.Max(ConfluenceBitbucketJson.Query(context, "limit", 200), 1), MaxPageSize);
        var page = all.Skip(start).Take(limit).ToList();
        var results = new JsonArray();
        foreach (var item in page)
        {
            results.Add(item);
        }

        var query = context.Request.Query.Where(q => q.Key is not ("start" or "limit")).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}&");
        var prefix = $"{path}?{string.Concat(query)}";
        var links = new JsonObject
        {
            ["base"] = BaseAddress?.ToString().TrimEnd('/') ?? string.Empty,
            ["context"] = PathBase.Value,
            ["self"] = string.Create(CultureInfo.InvariantCulture, $"{prefix}limit={limit}&start={start}"),
        };
        if (start + page.Count < all.Count)
        {
            links["next"] = string.Create(CultureInfo.InvariantCulture, $"{prefix}limit={limit}&start={start + page.Count}");
        }

        if (start > 0)
        {
            links["prev"] = string.Create(CultureInfo.InvariantCulture, $"{prefix}limit={limit}&start={Math.Max(0, start - limit)}");
        }

        var body = new JsonObject
        {
            ["results"] = results,
            ["start"] = start,
            ["limit"] = limit,
            ["size"] = page.Count,
            ["_links"] = links,
        };
        return ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private Task GetUserAsync(HttpContext context)
    {
        var username = context.Request.Query["username"].ToString();
        var key = context.Request.Query["key"].ToString();
        ConfluenceUser? user;
        lock (_gate)
        {
            user = username.Length > 0
                ? _users.GetValueOrDefault(username)
                : _users.Values.FirstOrDefault(u => string.Equals(u.Key, key, StringComparison.Ordinal));
        }

        if (username.Length == 0 && key.Length == 0)
        {
            return WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Either username or key must be supplied.");
        }

        return user is null
            ? WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No user found with {(username.Length > 0 ? "username: " + username : "key: " + key)}")
            : ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, UserJson(user, context.Request.Query["expand"]));
    }

    private async Task CreateUserAsync(HttpContext context)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var name = ConfluenceBitbucketJson.String(body, "userName");
        var fullName = ConfluenceBitbucketJson.String(body, "fullName");
        var email = ConfluenceBitbucketJson.String(body, "email");
        var password = ConfluenceBitbucketJson.String(body, "password");
        var notify = ConfluenceBitbucketJson.Boolean(body, "notifyViaEmail") ?? false;
        string? problem = null;
        if (string.IsNullOrWhiteSpace(name) || !IsValidUsername(name))
        {
            problem = "The username must be non-blank, lower-case, without whitespace or any of \\ , + < > ' \" and not 'anonymous'.";
        }
        else if (!IsValidFullName(fullName))
        {
            problem = "The full name must be non-blank, without < or > and not 'anonymous'.";
        }
        else if (!IsValidEmail(email))
        {
            problem = "The email must be a valid email address.";
        }
        else if (!notify && string.IsNullOrWhiteSpace(password))
        {
            problem = "A password is required when notifyViaEmail is false.";
        }
        else if (notify && password is not null)
        {
            problem = "A password must not be given when notifyViaEmail is true.";
        }

        if (problem is not null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem).ConfigureAwait(false);
            return;
        }

        ConfluenceUser? user = null;
        lock (_gate)
        {
            if (!_users.ContainsKey(name!))
            {
                user = new ConfluenceUser(NewKey(), name!, fullName!, email!, true);
                _users[user.Name] = user;
            }
        }

        if (user is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status409Conflict, $"A user with the username '{name}' already exists.").ConfigureAwait(false);
            return;
        }

        await ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status201Created, new JsonObject { ["userKey"] = user.Key }).ConfigureAwait(false);
    }

    private async Task UpdateUserAsync(HttpContext context)
    {
        var username = Route(context, "username");
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var fullName = ConfluenceBitbucketJson.String(body, "fullName");
        var email = ConfluenceBitbucketJson.String(body, "email");
        if (fullName is not null && !IsValidFullName(fullName))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The full name must be non-blank, without < or > and not 'anonymous'.").ConfigureAwait(false);
            return;
        }

        if (email is not null && !IsValidEmail(email))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The email must be a valid email address.").ConfigureAwait(false);
            return;
        }

        bool found;
        lock (_gate)
        {
            found = _users.TryGetValue(username, out var user);
            if (found)
            {
                _users[user!.Name] = user with { DisplayName = fullName ?? user.DisplayName, Email = email ?? user.Email };
            }
        }

        await (found
            ? ConfluenceBitbucketJson.NoContent(context)
            : WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No user found with username: {username}")).ConfigureAwait(false);
    }

    private Task SetActiveAsync(HttpContext context, bool active)
    {
        var username = Route(context, "username");
        bool found;
        lock (_gate)
        {
            found = _users.TryGetValue(username, out var user);
            if (found)
            {
                _users[user!.Name] = user with { Active = active };
            }
        }

        return found
            ? ConfluenceBitbucketJson.NoContent(context)
            : WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No user found with username: {username}");
    }

    private Task DeleteUserAsync(HttpContext context)
    {
        var username = Route(context, "username");
        string? task = null;
        var failure = UserDeletionFailure;
        lock (_gate)
        {
            if (_users.ContainsKey(username))
            {
                if (failure is null)
                {
                    _users.Remove(username);
                    foreach (var members in _groups.Values)
                    {
                        members.Remove(username.ToLowerInvariant());
                    }
                }

                task = string.Create(CultureInfo.InvariantCulture, $"{++_nextTask}");
                _tasks[task] = new DeletionTask(UserDeletionPolls, failure);
            }
        }

        if (task is null)
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No user found with username: {username}");
        }

        // A LongTaskSubmission pointing at the task's status.
        var body = new JsonObject
        {
            ["id"] = task,
            ["links"] = new JsonObject { ["status"] = $"{PathBase.Value}/rest/api/longtask/{task}" },
        };
        return ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status202Accepted, body);
    }

    private Task GetTaskAsync(HttpContext context)
    {
        var id = Route(context, "id");
        DeletionTask? task;
        lock (_gate)
        {
            if (_tasks.TryGetValue(id, out task) && task.PollsLeft > 0)
            {
                _tasks[id] = task with { PollsLeft = task.PollsLeft - 1 };
            }
        }

        if (task is null)
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No long task found with id: {id}");
        }

        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = new JsonObject
            {
                ["translation"] = "Delete user",
                ["key"] = "com.atlassian.confluence.user.delete.task.name",
                ["args"] = new JsonArray(),
            },
            ["elapsedTime"] = 0,
            ["percentageComplete"] = task.PollsLeft > 0 ? 50 : 100,
            ["successful"] = task.PollsLeft == 0 && task.Failure is null,
            ["messages"] = task.PollsLeft == 0 && task.Failure is { } failure
                ? new JsonArray(new JsonObject { ["translation"] = failure, ["key"] = failure, ["args"] = new JsonArray() })
                : new JsonArray(),
        };
        return ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task CreateGroupAsync(HttpContext context)
    {
        var body = await ConfluenceBitbucketJson.ReadObjectAsync(context).ConfigureAwait(false);
        var name = ConfluenceBitbucketJson.String(body, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "A group name must be provided.").ConfigureAwait(false);
            return;
        }

        bool created;
        lock (_gate)
        {
            created = !_groups.ContainsKey(name);
            if (created)
            {
                _groups[name] = new SortedSet<string>(StringComparer.Ordinal);
                _groupNames[name] = name;
            }
        }

        await (created
            ? ConfluenceBitbucketJson.WriteAsync(context, StatusCodes.Status201Created, GroupJson(name))
            : WriteErrorAsync(context, StatusCodes.Status409Conflict, $"Group already exists: {name}")).ConfigureAwait(false);
    }

    private Task DeleteGroupAsync(HttpContext context)
    {
        var name = Route(context, "groupName");
        if (name.Equals(AdministratorsGroup, StringComparison.OrdinalIgnoreCase))
        {
            return WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Cannot delete the last administrators group.");
        }

        bool removed;
        lock (_gate)
        {
            removed = _groups.Remove(name);
            _groupNames.Remove(name);
        }

        return removed
            ? ConfluenceBitbucketJson.NoContent(context)
            : WriteErrorAsync(context, StatusCodes.Status404NotFound, $"Group not found: {name}");
    }

    private Task AddMembershipAsync(HttpContext context) => ChangeMembershipAsync(context, add: true);

    private Task RemoveMembershipAsync(HttpContext context) => ChangeMembershipAsync(context, add: false);

    private Task ChangeMembershipAsync(HttpContext context, bool add)
    {
        var username = Route(context, "username");
        var group = Route(context, "groupName");
        string? missing;
        lock (_gate)
        {
            if (!_users.TryGetValue(username, out var user))
            {
                missing = $"No user found with username: {username}";
            }
            else if (!_groups.TryGetValue(group, out var members))
            {
                missing = $"Group not found: {group}";
            }
            else
            {
                missing = null;
                _ = add ? members.Add(user.Name) : members.Remove(user.Name);
            }
        }

        return missing is null
            ? ConfluenceBitbucketJson.NoContent(context)
            : WriteErrorAsync(context, StatusCodes.Status404NotFound, missing);
    }

    private Task GetMembersAsync(HttpContext context)
    {
        var group = Route(context, "groupName");
        List<JsonObject>? members = null;
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out var names))
            {
                members = [.. names.Select(n => UserJson(_users[n], context.Request.Query["expand"]))];
            }
        }

        return members is null
            ? WriteErrorAsync(context, StatusCodes.Status404NotFound, $"Group not found: {group}")
            : PageAsync(context, members, $"/rest/api/group/{Uri.EscapeDataString(group)}/member");
    }

    private Task GetGroupsOfUserAsync(HttpContext context)
    {
        var username = context.Request.Query["username"].ToString();
        List<JsonObject>? groups = null;
        lock (_gate)
        {
            if (_users.TryGetValue(username, out var user))
            {
                groups = [.. _groups.Where(g => g.Value.Contains(user.Name)).Select(g => _groupNames[g.Key]).OrderBy(g => g, StringComparer.Ordinal).Select(GroupJson)];
            }
        }

        return groups is null
            ? WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No user found with username: {username}")
            : PageAsync(context, groups, "/rest/api/user/memberof");
    }

    /// <summary>A user deletion task: the status reads left before it finishes, and its failure, if any.</summary>
    private sealed record DeletionTask(int PollsLeft, string? Failure);
}
